// The image a policy judges, for a `docker://` reference: its manifest read once (and the same bytes
// then copied, so what was judged is what is copied), its GPG simple signatures from the registry's
// signature API or the lookaside store, its sigstore signatures from the `.sig` attachment where
// registries.d sets use-sigstore-attachments (as containers/image reads them).
import { familiarString, withDefaultTag } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { ManifestResult, RegistryClient } from '../registry/client';
import type { RegistriesConfig } from '../signing/registries-d';
import { useSigstoreAttachments } from '../signing/registries-d';
import { dockerLookupNames } from '../signing/scopes';
import { readSimpleSignatures } from '../signing/simple-store';
import { readSigstoreLayers } from '../sigstore/attachments';
import type { PolicyImage } from './evaluate';
import type { SigstoreEvidence } from './sigstore-requirement';

export interface DockerPolicyImage extends PolicyImage {
  manifest(): Promise<ManifestResult>;
  /** Where the simple signatures were read from, once they were. */
  simpleStore(): string | undefined;
  /** The manifest if the evaluation read it (then these are the bytes to copy), else undefined. */
  manifestRead(): Promise<ManifestResult> | undefined;
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

export function dockerPolicyImage(
  client: RegistryClient,
  input: ImageReference,
  registries: RegistriesConfig,
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): DockerPolicyImage {
  const ref = withDefaultTag(input);
  let read: Promise<ManifestResult> | undefined;
  const manifest = (): Promise<ManifestResult> => (read ??= client.getManifest(ref.repository, ref.digest ?? (ref.tag as string), opts.signal));
  let where: string | undefined;
  return {
    name: `docker://${familiarString(ref)}`,
    transport: 'docker',
    scopeNames: dockerLookupNames(ref),
    dockerReference: ref,
    manifest,
    manifestRead: () => read,
    simpleStore: () => where,
    simpleSignatures: once(async () => {
      const m = await manifest();
      const stored = await readSimpleSignatures({ client, ref, registries, env: opts.env, signal: opts.signal }, m.digest);
      where = stored.where;
      return stored.signatures;
    }),
    sigstoreSignatures: once(async (): Promise<SigstoreEvidence[]> => {
      if (!useSigstoreAttachments(registries, ref)) return [];
      const m = await manifest();
      return readSigstoreLayers(client, ref.repository, m.digest, opts.signal);
    }),
  };
}

/** An image of a transport that keeps no signatures here (oci:, dir:, archives): judged by scope alone. */
export function unsignedPolicyImage(name: string, transport: string, manifest: () => Promise<{ bytes: Buffer; mediaType: string }>): PolicyImage {
  return { name, transport, scopeNames: [], manifest, simpleSignatures: async () => [], sigstoreSignatures: async () => [] };
}
