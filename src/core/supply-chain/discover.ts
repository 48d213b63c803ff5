// What refers to an image on a registry, from every place it can be stored: the OCI 1.1 referrers API
// (or, on a registry without it, the referrers tag schema's index at `sha256-<hex>`), cosign's
// `sha256-<hex>.sig/.att/.sbom` tags, and BuildKit's attestation manifests inside an index. An index's
// per-platform images carry their own referrers, and referrers have referrers (a signature of an
// SBOM): both are walked, bounded in depth and in count, each digest once.
import { NotFoundError, RegistryError, RegxError } from '../errors';
import { parseImageIndex } from '../image/manifest-walk';
import type { Descriptor, Platform } from '../image/mediatypes';
import { isIndexMediaType, MediaType } from '../image/mediatypes';
import { runPool } from '../image/pool';
import type { RegistryClient, ManifestResult } from '../registry/client';
import { cosignSuffixes, cosignTagFor, DOCKER_REFERENCE_DIGEST, DOCKER_REFERENCE_TYPE, referrerKind, referrersTagFor } from './kinds';
import type { CosignSuffix, ReferrerKind, ReferrerStorage } from './kinds';
import { listReferrersApi } from './referrers-api';
import type { ReferrersListLimits } from './referrers-api';

export interface ReferrerNode {
  /** As the list named it (API, tag index), or made from the manifest (cosign tags, attestation entries). */
  descriptor: Descriptor;
  storage: ReferrerStorage;
  kind: ReferrerKind;
  /** The tag it was found through (cosign tags, the referrers tag schema). */
  tag?: string;
  /** The digest it refers to. */
  subject: string;
  referrers: ReferrerNode[];
}

export interface SubjectNode {
  digest: string;
  mediaType: string;
  platform?: Platform;
  referrers: ReferrerNode[];
  /** The per-platform images of an index, each with its own referrers (attestation entries are referrers, not platforms). */
  manifests: SubjectNode[];
}

export interface DiscoverLimits {
  /** Referrers of referrers, counted from the image (default 4). */
  maxDepth: number;
  /** Referrers found in all (default 1,000). */
  maxReferrers: number;
  list: ReferrersListLimits;
}

export const defaultDiscoverLimits: DiscoverLimits = { maxDepth: 4, maxReferrers: 1_000, list: { maxPages: 100, maxEntries: 10_000 } };

export interface DiscoverOptions {
  /** Only referrers of this artifact type (cosign tags and attestation entries have none, so they are left out). */
  artifactType?: string;
  limits?: DiscoverLimits;
  /** Requests at once (default 4). */
  jobs?: number;
  /** Walk an index's per-platform images too (default true). */
  platforms?: boolean;
  signal?: AbortSignal;
}

export interface Discovery {
  root: SubjectNode;
  /** Whether the registry answered the referrers API; undefined when no subject needed asking. */
  api: boolean | undefined;
  /** The referrers tag schema's indexes read, by subject digest, as stored (a copy carries them byte for byte when it can). */
  tagIndexes: Map<string, ManifestResult>;
}

/** Tags of a repository, read once per discovery; undefined when the registry would not list them (then tags are asked one by one). */
class TagSet {
  private tags: Promise<Set<string> | undefined> | undefined;
  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** true / false when the list says, undefined when there is no list. */
  async has(tag: string): Promise<boolean | undefined> {
    this.tags ??= this.client.listTags(this.repository, 1000, this.signal).then(
      (list) => new Set(list),
      (err: unknown) => {
        if (err instanceof RegxError && (err.reason === 'not-found' || err.reason === 'denied' || err.reason === 'unsupported')) return undefined;
        throw err;
      },
    );
    return (await this.tags)?.has(tag);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof RegistryError && err.status === 404) || (err instanceof RegxError && err.reason === 'not-found');
}

export async function discoverReferrers(client: RegistryClient, repository: string, top: ManifestResult, opts: DiscoverOptions = {}): Promise<Discovery> {
  const limits = opts.limits ?? defaultDiscoverLimits;
  const jobs = Math.max(1, opts.jobs ?? 4);
  const signal = opts.signal;
  const tags = new TagSet(client, repository, signal);
  const tagIndexes = new Map<string, ManifestResult>();
  const walked = new Set<string>();
  let found = 0;
  let api: boolean | undefined;

  const count = (n: number): void => {
    found += n;
    if (found > limits.maxReferrers)
      throw new RegxError('too-large', `${client.registry}/${repository} holds more than ${limits.maxReferrers} referrers of ${top.digest}; stopped looking`);
  };

  /** The manifest a tag names, or undefined when there is no such tag. */
  const tagged = async (tag: string): Promise<{ digest: string; mediaType: string; size: number } | undefined> => {
    if ((await tags.has(tag)) === false) return undefined;
    try {
      return await client.headManifest(repository, tag, signal);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  /** Referrers by `subject` field: the API, else the referrers tag schema. */
  const bySubject = async (digest: string, mediaType: string | undefined): Promise<ReferrerNode[]> => {
    const listed = await listReferrersApi(client, repository, digest, {
      artifactType: opts.artifactType,
      subjectMediaType: mediaType,
      limits: limits.list,
      signal,
    });
    if (listed) {
      api = true;
      return listed.descriptors.map((d) => ({
        descriptor: d,
        storage: 'referrers-api',
        kind: referrerKind(d, 'referrers-api'),
        subject: digest,
        referrers: [],
      }));
    }
    api ??= false;
    const tag = referrersTagFor(digest);
    if ((await tags.has(tag)) === false) return [];
    let index: ManifestResult;
    try {
      index = await client.getManifest(repository, tag, signal);
    } catch (err) {
      // The spec's fallback: no valid index at the tag means no referrers.
      if (isNotFound(err) || (err instanceof RegxError && (err.reason === 'manifest-invalid' || err.reason === 'manifest-ambiguous'))) return [];
      throw err;
    }
    if (index.mediaType !== MediaType.ociIndex) return [];
    tagIndexes.set(digest, index);
    const entries = parseImageIndex(index.bytes).manifests.filter((d) => opts.artifactType === undefined || d.artifactType === opts.artifactType);
    return entries.map((d) => ({ descriptor: d, storage: 'referrers-tag', kind: referrerKind(d, 'referrers-tag'), tag, subject: digest, referrers: [] }));
  };

  const byCosignTags = async (digest: string): Promise<ReferrerNode[]> => {
    if (opts.artifactType !== undefined) return [];
    const out: ReferrerNode[] = [];
    for (const suffix of cosignSuffixes as CosignSuffix[]) {
      const tag = cosignTagFor(digest, suffix);
      const head = await tagged(tag);
      if (!head) continue;
      const descriptor: Descriptor = { mediaType: head.mediaType, digest: head.digest, size: head.size };
      out.push({ descriptor, storage: 'cosign-tag', kind: referrerKind(descriptor, 'cosign-tag', suffix), tag, subject: digest, referrers: [] });
    }
    return out;
  };

  /** Every referrer of `digest` and, depth allowing, theirs. */
  const referrersOf = async (digest: string, mediaType: string | undefined, depth: number, extra: ReferrerNode[] = []): Promise<ReferrerNode[]> => {
    if (walked.has(digest)) return [];
    walked.add(digest);
    const [subjectRefs, cosignRefs] = await Promise.all([bySubject(digest, mediaType), byCosignTags(digest)]);
    const all = [...subjectRefs, ...cosignRefs, ...extra];
    count(subjectRefs.length + cosignRefs.length);
    if (depth < limits.maxDepth) {
      await runPool(
        all,
        jobs,
        async (r) => {
          r.referrers = await referrersOf(r.descriptor.digest, r.descriptor.mediaType, depth + 1);
        },
        signal,
      );
    }
    return all;
  };

  const subjectOf = async (m: { digest: string; mediaType: string; bytes?: Buffer; platform?: Platform }, nesting: number): Promise<SubjectNode> => {
    const node: SubjectNode = { digest: m.digest, mediaType: m.mediaType, ...(m.platform ? { platform: m.platform } : {}), referrers: [], manifests: [] };
    const attestations: ReferrerNode[] = [];
    const attestationsOf = new Map<string, ReferrerNode[]>();
    const platforms: Descriptor[] = [];
    if (isIndexMediaType(m.mediaType)) {
      const bytes = m.bytes ?? (await client.getManifest(repository, m.digest, signal)).bytes;
      for (const d of parseImageIndex(bytes).manifests) {
        const of = d.annotations?.[DOCKER_REFERENCE_DIGEST];
        if (d.annotations?.[DOCKER_REFERENCE_TYPE] === 'attestation-manifest' && of) {
          if (opts.artifactType !== undefined) continue;
          const r: ReferrerNode = { descriptor: d, storage: 'attestation-manifest', kind: 'attestation', subject: of, referrers: [] };
          attestations.push(r);
          attestationsOf.set(of, [...(attestationsOf.get(of) ?? []), r]);
        } else platforms.push(d);
      }
      count(attestations.length);
    }
    // An attestation whose image is not in this index still shows, under the index.
    const orphans = attestations.filter((a) => !platforms.some((p) => p.digest === a.subject));
    node.referrers = await referrersOf(m.digest, m.mediaType, 1, orphans);
    if (nesting < 8 && opts.platforms !== false) {
      node.manifests = new Array<SubjectNode>(platforms.length);
      await runPool(
        platforms.map((d, i) => [d, i] as const),
        jobs,
        async ([d, i]) => {
          const child = await subjectOf({ digest: d.digest, mediaType: d.mediaType, platform: d.platform }, nesting + 1);
          const own = attestationsOf.get(d.digest) ?? [];
          for (const a of own) {
            if (!walked.has(a.descriptor.digest) && limits.maxDepth > 1) a.referrers = await referrersOf(a.descriptor.digest, a.descriptor.mediaType, 2);
          }
          child.referrers.push(...own);
          node.manifests[i] = child;
        },
        signal,
      );
    }
    return node;
  };

  const root = await subjectOf({ digest: top.digest, mediaType: top.mediaType, bytes: top.bytes }, 0);
  return { root, api, tagIndexes };
}

/** Every referrer in the tree, each with the subject it hangs under, parents before their own referrers. */
export function flattenReferrers(root: SubjectNode): ReferrerNode[] {
  const out: ReferrerNode[] = [];
  const walkRefs = (refs: ReferrerNode[]): void => {
    for (const r of refs) {
      out.push(r);
      walkRefs(r.referrers);
    }
  };
  const walkSubject = (s: SubjectNode): void => {
    walkRefs(s.referrers);
    for (const m of s.manifests) walkSubject(m);
  };
  walkSubject(root);
  return out;
}

/** How many of each kind the tree holds. */
export function countKinds(root: SubjectNode): Record<ReferrerKind, number> {
  const counts: Record<ReferrerKind, number> = { signature: 0, attestation: 0, sbom: 0, artifact: 0 };
  for (const r of flattenReferrers(root)) counts[r.kind]++;
  return counts;
}
