// Signing an image already in a registry, without copying it: the manifest the tag names now is read,
// and each signer signs its digest with the tag as the identity and stores the signature where it
// belongs (registries.d's lookaside or the registry's signature API for GPG, the `.sig` attachment for
// sigstore), exactly as a signing copy does for the image it wrote.
import type { RegistryClient } from '../registry/client';
import type { ImageReference } from '../reference/reference';
import type { RegistriesConfig } from './registries-d';
import { signatureIdentity } from './signer';
import type { ImageSigner, SignResult } from './signer';

export interface SignedImage {
  /** The digest signed (what the tag named when it was read). */
  digest: string;
  identity: string;
  signed: SignResult[];
}

export async function signStoredImage(
  client: RegistryClient,
  ref: ImageReference,
  signers: readonly ImageSigner[],
  registries: RegistriesConfig,
  signal?: AbortSignal,
): Promise<SignedImage> {
  const m = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', signal);
  const destination: ImageReference = ref.digest ? ref : { ...ref, tag: ref.tag ?? 'latest' };
  const identity = signatureIdentity(destination);
  const signed: SignResult[] = [];
  for (const signer of signers) {
    signed.push(
      await signer.sign({
        manifestDigest: m.digest,
        manifest: { bytes: m.bytes, mediaType: m.mediaType },
        dockerReference: identity,
        destination,
        client,
        registries,
        signal,
      }),
    );
  }
  return { digest: m.digest, identity, signed };
}
