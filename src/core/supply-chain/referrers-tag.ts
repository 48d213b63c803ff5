// The referrers tag schema's index, kept by clients on registries without the referrers API: an OCI
// index at tag `sha256-<hex>` listing the subject's referrers. Updated read-modify-write, and read once
// more right before the write: when another client changed it in between, the additions are merged into
// theirs instead of overwriting it (the spec leaves the race to clients).
import { NotFoundError, RegistryError, RegxError } from '../errors';
import type { Descriptor } from '../image/mediatypes';
import { MediaType } from '../image/mediatypes';
import { parseImageIndex } from '../image/manifest-walk';
import type { ManifestResult, RegistryClient } from '../registry/client';
import { referrersTagFor } from './kinds';

/** The index at the subject's referrers tag, or undefined when there is none. Anything else there is refused, as the spec asks. */
export async function readReferrersTag(client: RegistryClient, repository: string, subject: string, signal?: AbortSignal): Promise<ManifestResult | undefined> {
  const tag = referrersTagFor(subject);
  let m: ManifestResult;
  try {
    m = await client.getManifest(repository, tag, signal);
  } catch (err) {
    if (err instanceof NotFoundError || (err instanceof RegistryError && err.status === 404) || (err instanceof RegxError && err.reason === 'not-found'))
      return undefined;
    throw err;
  }
  if (m.mediaType !== MediaType.ociIndex)
    throw new RegxError(
      'conflict',
      `${client.registry}/${repository}:${tag} should be the referrers index of ${subject} but is a ${m.mediaType}; it is left as it is`,
    );
  parseImageIndex(m.bytes);
  return m;
}

function withAdditions(current: ManifestResult | undefined, additions: readonly Descriptor[]): Buffer | undefined {
  const body: Record<string, unknown> = current
    ? (JSON.parse(current.bytes.toString('utf8')) as Record<string, unknown>)
    : { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  const manifests = body.manifests as Descriptor[];
  const have = new Set(manifests.map((d) => d.digest));
  const fresh = additions.filter((d) => !have.has(d.digest));
  if (fresh.length === 0) return undefined;
  body.manifests = [...manifests, ...fresh];
  return Buffer.from(JSON.stringify(body));
}

export interface ReferrersTagBasis {
  /** The source's own index: written unchanged when the destination has none and it lists exactly the additions (the copy then has the source's digest). */
  asIs?: ManifestResult;
  /** The destination's index as the caller read it earlier (undefined: none was there); read here when not given. */
  current?: ManifestResult | undefined;
}

/**
 * Adds `additions` to the subject's referrers index (entries already there are kept once). Returns true
 * when something was written. With `basis.current` the first read is the caller's (made while blobs
 * moved), and the read right before the write still catches another client's change.
 */
export async function addToReferrersTag(
  client: RegistryClient,
  repository: string,
  subject: string,
  additions: readonly Descriptor[],
  basis: ReferrersTagBasis = {},
  signal?: AbortSignal,
): Promise<boolean> {
  const tag = referrersTagFor(subject);
  const asIs = basis.asIs;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const before = attempt === 1 && 'current' in basis ? basis.current : await readReferrersTag(client, repository, subject, signal);
    let bytes = withAdditions(before, additions);
    if (!bytes) return false;
    if (!before && asIs) {
      const listed = new Set(parseImageIndex(asIs.bytes).manifests.map((d) => d.digest));
      if (listed.size === new Set(additions.map((d) => d.digest)).size && additions.every((d) => listed.has(d.digest))) bytes = asIs.bytes;
    }
    // Read again just before writing: another client may have added its own referrer meanwhile.
    const again = await readReferrersTag(client, repository, subject, signal);
    if (again?.digest !== before?.digest) continue;
    await client.putManifest(repository, tag, bytes, MediaType.ociIndex, signal);
    return true;
  }
  throw new RegxError(
    'conflict',
    `${client.registry}/${repository}:${tag}, the referrers index of ${subject}, kept changing while it was being updated; nothing was written to it`,
  );
}
