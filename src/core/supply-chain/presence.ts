// Whether anything refers to an image, asked cheaply enough to do for every tag a list shows: the
// tag-based schemes answer from the repository's tag list when it is known whole (no request at all),
// else with a HEAD per scheme tag; the referrers API with one bounded page. The full, walked answer
// (discover.ts) is fetched only when someone opens it.
import { RegxError } from '../errors';
import type { RegistryClient } from '../registry/client';
import { cosignSuffixes, cosignTagFor, referrersTagFor } from './kinds';
import { listReferrersApi } from './referrers-api';

/**
 * Tags that exist only to hold what refers to an image: the referrers tag schema's `<alg>-<hex>` index
 * and cosign's `<alg>-<hex>.sig/.att/.sbom`. Lists of ordinary tags leave them out.
 */
export function isSupplyChainTag(tag: string): boolean {
  return /^(sha256-[0-9a-f]{64}|sha512-[0-9a-f]{64}(?:[0-9a-f]{64})?)(\.(sig|att|sbom))?$/.test(tag);
}

/** The tags the tag-based schemes would keep referrers of `digest` under. */
export function schemeTagsFor(digest: string): string[] {
  return [referrersTagFor(digest), ...cosignSuffixes.map((s) => cosignTagFor(digest, s))];
}

export interface KnownTags {
  tags: ReadonlySet<string>;
  /** The whole list (no further page): a tag not in it does not exist. */
  complete: boolean;
}

/** true when something refers to `digest` (a manifest of `mediaType`) by any scheme; asks as little as it can. */
export async function hasReferrers(
  client: RegistryClient,
  repository: string,
  digest: string,
  mediaType: string,
  known: KnownTags,
  signal?: AbortSignal,
): Promise<boolean> {
  const tags = schemeTagsFor(digest);
  if (tags.some((t) => known.tags.has(t))) return true;
  try {
    // One page is enough to know: more pages than that mean there are referrers.
    const listed = await listReferrersApi(client, repository, digest, { subjectMediaType: mediaType, limits: { maxPages: 1, maxEntries: 1000 }, signal });
    if (listed && listed.descriptors.length) return true;
  } catch (err) {
    if (err instanceof RegxError && err.reason === 'paging-limit') return true;
    throw err;
  }
  if (known.complete) return false;
  for (const tag of tags) if (await client.headManifest(repository, tag, signal)) return true;
  return false;
}
