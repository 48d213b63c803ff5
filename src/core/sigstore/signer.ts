// Signing a copied image with a sigstore key file, as skopeo --sign-by-sigstore-private-key does: the
// sigstore payload (digest + identity) signed with the key, stored as a layer of the image's cosign
// `.sig` attachment in the destination repository, next to the signatures already there. As in
// containers/image, writing attachments must be turned on for the destination in registries.d.
import type { KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { RegxError } from '../errors';
import { useSigstoreAttachments } from '../signing/registries-d';
import type { ImageSigner, SignRequest, SignResult } from '../signing/signer';
import { attachSigstoreSignatures } from './attachments';
import { SIGSTORE_SIGNATURE_ANNOTATION, SIGSTORE_SIGNATURE_MEDIA_TYPE } from './attachment-layout';
import type { AttachmentLayer } from './attachment-layout';
import { decryptPrivateKey } from './key-file';
import { readKeyFile } from './key-pair-files';
import { buildPayload, SIGSTORE_SIGNATURE_TYPE } from '../signing/payload';
import { signBytes } from './sign';

/** optional.creator of what regx signs (containers/image writes "containers/image v5.x"). */
export const SIGSTORE_CREATOR = 'regx';

/** The attachment layer of one new signature of `manifestDigest` as `dockerReference`. */
export function sigstoreSignatureLayer(key: KeyObject, manifestDigest: string, dockerReference: string, now: Date = new Date()): AttachmentLayer {
  const payload = buildPayload(
    { manifestDigest, dockerReference, creator: SIGSTORE_CREATOR, timestamp: Math.floor(now.getTime() / 1000) },
    SIGSTORE_SIGNATURE_TYPE,
  );
  const signature = signBytes(key, payload);
  return { mediaType: SIGSTORE_SIGNATURE_MEDIA_TYPE, payload, annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: signature.toString('base64') } };
}

export class SigstoreKeySigner implements ImageSigner {
  readonly description: string;
  private constructor(
    private readonly key: KeyObject,
    private readonly keyName: string,
  ) {
    this.description = `sigstore key ${keyName}`;
  }

  /** Opens the encrypted key file at `path` (read and decrypted now, so a wrong passphrase fails before any copy starts). */
  static async fromFile(path: string, passphrase: string): Promise<SigstoreKeySigner> {
    const text = await readKeyFile(path, 'sigstore private key');
    return new SigstoreKeySigner(await decryptPrivateKey(text, passphrase, `sigstore private key "${path}"`), basename(path));
  }

  async sign(req: SignRequest): Promise<SignResult> {
    const { destination: ref, client } = req;
    const name = `${ref.registry}/${ref.repository}`;
    if (!useSigstoreAttachments(req.registries, ref)) {
      throw new RegxError(
        'usage',
        `writing sigstore signatures to ${name} is not enabled: set use-sigstore-attachments: true for it in registries.d${req.registries.dir ? ` (${req.registries.dir})` : ''}`,
      );
    }
    const layer = sigstoreSignatureLayer(this.key, req.manifestDigest, req.dockerReference);
    try {
      const r = await attachSigstoreSignatures(client, ref.repository, req.manifestDigest, [layer], req.signal);
      return { kind: 'sigstore', storedAt: `${name}:${r.tag}`, signer: this.keyName };
    } catch (err) {
      if (err instanceof RegxError && err.reason !== 'cancelled')
        throw new RegxError(err.reason, `storing the sigstore signature of ${req.manifestDigest} in ${name} failed: ${err.message}`, {
          cause: err,
          serverCode: err.serverCode,
          serverMessage: err.serverMessage,
        });
      throw err;
    }
  }
}
