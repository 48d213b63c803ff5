// The OCI 1.1 referrers API as a client reads it: every page of `GET /v2/<name>/referrers/<digest>`,
// bounded, with entries checked like any descriptor from a registry. Whether a registry has the API is
// remembered per client: a 404, 405 or 501 says it has not (the distribution spec forbids a 404 from a
// registry that has it), and later subjects go to the tag schema without asking again.
import { RegxError } from '../errors';
import type { Descriptor } from '../image/mediatypes';
import { isDescriptor } from '../image/manifest-walk';
import { isIndexMediaType } from '../image/mediatypes';
import { isSupportedDigest } from '../image/digest';
import type { RegistryClient } from '../registry/client';

const support = new WeakMap<RegistryClient, boolean>();

/** What is known of the registry behind `client`: true (it answered the API), false (it has none), undefined (not asked yet). */
export function referrersApiKnown(client: RegistryClient): boolean | undefined {
  return support.get(client);
}

export interface ReferrersListLimits {
  /** Pages of one list (default 100). */
  maxPages: number;
  /** Entries of one list (default 10,000). */
  maxEntries: number;
}

export const defaultReferrersListLimits: ReferrersListLimits = { maxPages: 100, maxEntries: 10_000 };

export interface ReferrersList {
  descriptors: Descriptor[];
  /** The registry applied the artifactType filter itself (OCI-Filters-Applied); otherwise it was applied here. */
  filtered: boolean;
}

/**
 * The referrers of `digest` through the API, or undefined when the registry has no API. `subjectMediaType`,
 * when known, keeps one registry quirk from being remembered as "no API": ECR answers 405 for an index
 * subject only.
 */
export async function listReferrersApi(
  client: RegistryClient,
  repository: string,
  digest: string,
  opts: { artifactType?: string; subjectMediaType?: string; limits?: ReferrersListLimits; signal?: AbortSignal } = {},
): Promise<ReferrersList | undefined> {
  if (support.get(client) === false) return undefined;
  const limits = opts.limits ?? defaultReferrersListLimits;
  const descriptors: Descriptor[] = [];
  const seen = new Set<string>();
  let next: string | undefined;
  let filtered = opts.artifactType !== undefined;
  for (let pages = 0; ;) {
    const page = await client.referrersPage(repository, digest, opts.artifactType, next, opts.signal);
    if (!page) {
      if (pages > 0)
        throw new RegxError('bad-response', `${client.registry}/${repository} stopped answering the referrers of ${digest} in the middle of its pages`);
      if (!(opts.subjectMediaType && isIndexMediaType(opts.subjectMediaType))) support.set(client, false);
      return undefined;
    }
    support.set(client, true);
    pages++;
    if (opts.artifactType !== undefined && !page.filtersApplied.includes('artifactType')) filtered = false;
    for (const item of page.items) {
      // An entry we cannot name safely names nothing: skipped, never put in a URL.
      if (!isDescriptor(item) || !isSupportedDigest(item.digest)) continue;
      if (seen.has(item.digest)) continue;
      seen.add(item.digest);
      descriptors.push(item);
      if (descriptors.length > limits.maxEntries)
        throw new RegxError('paging-limit', `${client.registry}/${repository} lists more than ${limits.maxEntries} referrers of ${digest}; stopped reading`);
    }
    if (!page.next) break;
    if (seen.has(`page:${page.next}`))
      throw new RegxError('paging-limit', `${client.registry}/${repository} sent a referrers Link back to a page already read; the list would never end`);
    seen.add(`page:${page.next}`);
    if (pages >= limits.maxPages)
      throw new RegxError(
        'paging-limit',
        `${client.registry}/${repository} sent more than ${limits.maxPages} pages of referrers of ${digest}; stopped reading`,
      );
    next = page.next;
  }
  // A registry that did not apply the filter gets it applied here, so the answer means the same either way.
  const kept = opts.artifactType !== undefined && !filtered ? descriptors.filter((d) => d.artifactType === opts.artifactType) : descriptors;
  return { descriptors: kept, filtered };
}
