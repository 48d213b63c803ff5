// The seam between policy evaluation and the sigstore side (src/core/sigstore/): what a `sigstoreSigned`
// requirement needs to judge one `.sig` attachment layer with the policy's public keys. The evaluator
// asks only these two questions, so it carries no sigstore format knowledge of its own.
import type { SimpleSigningPayload } from '../signing/payload';
import { SIGSTORE_SIGNATURE_MEDIA_TYPE } from '../sigstore/attachment-layout';
import type { SigstoreLayer } from '../sigstore/attachments';
import { loadPublicKeys, verifySigstoreLayer } from '../sigstore/verify';

/** One layer of an image's sigstore attachment, untrusted. */
export type SigstoreEvidence = SigstoreLayer;

export interface SigstoreVerifier {
  /** Whether the layer is a signature at all (other attachments are counted, not judged). */
  isSignature(e: SigstoreEvidence): boolean;
  /** A checker for the policy's keys (PEM public keys); its verify throws `signature-invalid` or returns the authentic payload. */
  withKeys(keys: { what: string; bytes: Buffer }[]): { verify(e: SigstoreEvidence): SimpleSigningPayload };
}

export const sigstoreVerifier: SigstoreVerifier = {
  isSignature: (e) => e.mediaType === SIGSTORE_SIGNATURE_MEDIA_TYPE,
  withKeys(keys) {
    const loaded = keys.flatMap((k) => loadPublicKeys(k.bytes.toString('utf8'), k.what));
    return { verify: (e) => verifySigstoreLayer(e, loaded) };
  },
};
