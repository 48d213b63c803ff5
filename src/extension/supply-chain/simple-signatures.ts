// GPG simple signatures of an image: they live outside the registry's manifests (the registries.d
// lookaside, or the registry's signature API), so the referrers discovery never sees them. Read as
// containers/image reads them; each is named by the key id it says made it (nothing is verified here:
// the trust policy does that).
import type { RegistryClient } from '../../core/registry/client';
import { signatureKeyId } from '../../core/signing/openpgp-verify';
import type { RegistriesConfig } from '../../core/signing/registries-d';
import { readSimpleSignatures } from '../../core/signing/simple-store';
import type { SimpleStorage } from '../../core/signing/simple-store';

/** One stored GPG signature, as its row shows it. */
export interface SimpleSignatureRow {
  /** 1-based, in the store's order (the trust policy's verdicts number them the same way). */
  readonly index: number;
  readonly keyId: string | undefined;
  readonly storage: SimpleStorage;
  /** The store, for the tooltip (a URL without credentials). */
  readonly where: string;
}

export async function readSimpleSignatureRows(
  client: RegistryClient,
  repository: string,
  digest: string,
  registries: RegistriesConfig,
  signal?: AbortSignal,
): Promise<SimpleSignatureRow[]> {
  const stored = await readSimpleSignatures({ client, ref: { registry: client.registry, repository }, registries, signal }, digest);
  return Promise.all(stored.signatures.map(async (s, i) => ({ index: i + 1, keyId: await signatureKeyId(s), storage: stored.storage, where: stored.where })));
}
