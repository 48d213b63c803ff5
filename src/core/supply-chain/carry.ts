// Carrying what refers to an image along with a registry-to-registry copy. Every referrer of every
// copied manifest is found at the source (discover.ts), filtered (signatures, other artifacts), checked
// against what the destination already holds (so a re-run pushes nothing again), fetched and its blobs
// planned while the image's blobs move; its manifest is pushed after its subject's, byte for byte:
// cosign tags as cosign tags, referrers by digest, and indexed in the destination's best storage (the
// referrers API when it answers a push with OCI-Subject, else the referrers tag schema's index).
// BuildKit attestation manifests travel inside their index already.
import { ManifestInvalidError, RegxError } from '../errors';
import type { Descriptor } from '../image/mediatypes';
import type { ImageSource, ManifestBytes } from '../image/copy-source';
import type { ManifestResult, RegistryClient } from '../registry/client';
import { runPool } from '../image/pool';
import { discoverReferrers } from './discover';
import type { Discovery, ReferrerNode, SubjectNode } from './discover';
import { listReferrersApi } from './referrers-api';
import { addToReferrersTag, readReferrersTag } from './referrers-tag';
import { referrerDescriptor, subjectOf } from './kinds';
import { attachmentHolds, mergeSigstoreAttachment } from '../sigstore/attachments';

export interface KeepReferrers {
  /** cosign `.sig` tags and signature artifacts. */
  signatures: boolean;
  /** Everything else: attestations, SBOMs, other artifacts. */
  others: boolean;
}

export interface CarryItem {
  node: ReferrerNode;
  manifest: ManifestBytes;
  /** Manifests under it (a referrer that is an index), pushed first. */
  children: ManifestBytes[];
}

export interface CarryWork {
  items: CarryItem[];
  /** Blobs of the items, each once. */
  blobs: Descriptor[];
  /** Referrers the destination already has. */
  present: number;
  /** Referrers left behind on request. */
  dropped: number;
  discovery: Discovery;
  /** The destination's referrers tag index of each subject, as read while preparing (undefined: none there). */
  destIndexes: Map<string, ManifestResult | undefined>;
}

export interface CarrySides {
  source: ImageSource;
  src: { client: RegistryClient; repository: string };
  dst: { client: RegistryClient; repository: string; name: string };
  jobs: number;
  signal?: AbortSignal;
  /** Plans a referrer's manifests and blobs (the copy engine's own walk). */
  plan(m: ManifestBytes, signal?: AbortSignal): Promise<{ children: ManifestBytes[]; blobs: Descriptor[] }>;
}

/** What the destination lists for one subject: its referrers API's answer, else its referrers tag index. */
interface DestListing {
  api: boolean;
  digests: Set<string>;
  /** The referrers tag index read, when the destination has no API. */
  index?: ManifestResult;
}

function kept(node: ReferrerNode, keep: KeepReferrers): boolean {
  return node.kind === 'signature' ? keep.signatures : keep.others;
}

/**
 * Finds what must travel with `top` and what the destination lacks of it. Reads only; writes nothing.
 * `speculative`: the destination lacks `top` itself, so every referrer is read at the source at once with
 * the destination's answers rather than after them.
 */
export async function prepareCarry(
  sides: CarrySides,
  top: ManifestResult,
  keep: KeepReferrers,
  excludeBlobs: ReadonlySet<string>,
  walk: { platforms?: boolean; speculative?: boolean } = {},
): Promise<CarryWork> {
  const { src, dst, signal } = sides;
  const discovery = await discoverReferrers(src.client, src.repository, top, { jobs: sides.jobs, signal, platforms: walk.platforms });
  const listings = new Map<string, Promise<DestListing>>();
  const listing = (subject: string): Promise<DestListing> => {
    let l = listings.get(subject);
    if (!l) {
      l = (async () => {
        const api = await listReferrersApi(dst.client, dst.repository, subject, { signal });
        if (api) return { api: true, digests: new Set(api.descriptors.map((d) => d.digest)) };
        const index = await readReferrersTag(dst.client, dst.repository, subject, signal).catch((err: unknown) => {
          // A foreign manifest at the tag is reported when the copy would write it, not here.
          if (err instanceof RegxError && err.reason === 'conflict') return undefined;
          throw err;
        });
        const digests = new Set<string>();
        if (index) for (const d of (JSON.parse(index.bytes.toString('utf8')) as { manifests: Descriptor[] }).manifests) digests.add(d.digest);
        return { api: false, digests, index };
      })();
      listings.set(subject, l);
    }
    return l;
  };

  // Walk the tree: a dropped referrer takes its own referrers with it (their subject will not exist there).
  const chosen: ReferrerNode[] = [];
  let dropped = 0;
  const countAll = (refs: ReferrerNode[]): number => refs.reduce((n, r) => n + 1 + countAll(r.referrers), 0);
  const walkRefs = (refs: ReferrerNode[]): void => {
    for (const r of refs) {
      if (r.storage === 'attestation-manifest') {
        // In the index already; what refers to it still travels.
        walkRefs(r.referrers);
        continue;
      }
      if (!kept(r, keep)) {
        dropped += 1 + countAll(r.referrers);
        continue;
      }
      chosen.push(r);
      walkRefs(r.referrers);
    }
  };
  const walkSubject = (s: SubjectNode): void => {
    walkRefs(s.referrers);
    for (const m of s.manifests) walkSubject(m);
  };
  walkSubject(discovery.root);

  // A referrer's manifest and the plan of its blobs, read at the source.
  const fetchItem = async (r: ReferrerNode, s: AbortSignal): Promise<{ item: CarryItem; blobs: Descriptor[] }> => {
    const manifest = await sides.source.manifest(r.descriptor, s);
    const named = subjectOf(manifest.bytes);
    // A list that names a manifest about something else is not to be believed.
    if (r.storage !== 'cosign-tag' && named !== undefined && named !== r.subject)
      throw new ManifestInvalidError(
        `invalid manifest: ${sides.source.name}@${r.descriptor.digest} is listed as a referrer of ${r.subject} but its subject is ${named}`,
      );
    const planned = await sides.plan(manifest, s);
    return { item: { node: r, manifest, children: planned.children }, blobs: planned.blobs };
  };
  let present = 0;
  const missing: ReferrerNode[] = [];
  const checking = runPool(
    chosen,
    sides.jobs,
    async (r, s) => {
      let there: boolean;
      if (r.storage === 'cosign-tag' && r.tag) {
        const head = await dst.client.headManifest(dst.repository, r.tag, s);
        there = head?.digest === r.descriptor.digest;
        // A `.sig` there holding every signature of the source's, and more (signed at the destination), is up to date.
        if (!there && head && r.tag.endsWith('.sig'))
          there = await attachmentHolds(dst.client, dst.repository, r.subject, (await sides.source.manifest(r.descriptor, s)).bytes, s);
      } else there = (await listing(r.subject)).digests.has(r.descriptor.digest);
      if (there) present++;
      else missing.push(r);
    },
    signal,
  );
  // Bound for a destination that lacks the image, its referrers are almost surely missing too: they are
  // read at the source while the destination is asked, not after (a round trip or more saved per step).
  const prefetched = new Map<ReferrerNode, { item: CarryItem; blobs: Descriptor[] }>();
  const prefetching = walk.speculative
    ? runPool(
        chosen,
        sides.jobs,
        async (r, s) => {
          prefetched.set(r, await fetchItem(r, s));
        },
        signal,
      )
    : Promise.resolve();
  // Both settle before a failure of either is thrown: no request is left running behind the caller.
  const [checked, fetched] = await Promise.allSettled([checking, prefetching]);
  if (checked.status === 'rejected') throw checked.reason;
  if (fetched.status === 'rejected') throw fetched.reason;
  // Parents before their own referrers, as found.
  const order = new Map(chosen.map((r, i) => [r, i]));
  missing.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

  const items = new Array<CarryItem>(missing.length);
  const blobs = new Map<string, Descriptor>();
  await runPool(
    missing.map((r, i) => [r, i] as const),
    sides.jobs,
    async ([r, i], s) => {
      const got = prefetched.get(r) ?? (await fetchItem(r, s));
      for (const b of got.blobs) if (!excludeBlobs.has(b.digest) && !blobs.has(b.digest)) blobs.set(b.digest, b);
      items[i] = got.item;
    },
    signal,
  );
  const destIndexes = new Map<string, ManifestResult | undefined>();
  for (const [subject, l] of listings) {
    const read = await l;
    if (!read.api) destIndexes.set(subject, read.index);
  }
  return { items, blobs: [...blobs.values()], present, dropped, discovery, destIndexes };
}

/** Which storage a referrer was written to at the destination. */
export type WrittenTo = 'referrers-api' | 'referrers-tag' | 'cosign-tag';

export interface CarryResult {
  pushed: number;
  /** Per storage written. */
  storages: Record<WrittenTo, number>;
}

/** Manifests pushed at once: small requests, where round trips are what counts. */
const MANIFEST_PUSHES = 8;

/**
 * Pushes the planned referrers (their blobs are already there) after their subjects, several at once (a
 * referrer of a referrer waits for its parent). A subject's referrers tag index is updated as soon as the
 * referrers it lists are pushed (the destination did not index them itself), while other pushes go on.
 * A failure names the referrer and how many were carried before it.
 */
export async function pushCarried(sides: CarrySides, work: CarryWork, signal?: AbortSignal): Promise<CarryResult> {
  const { dst } = sides;
  const result: CarryResult = { pushed: 0, storages: { 'referrers-api': 0, 'referrers-tag': 0, 'cosign-tag': 0 } };
  // Each carried manifest's push, for the referrers that name it as their subject.
  const pushes = new Map<string, Promise<void>>();
  const settle = new Map<string, { resolve(): void; reject(err: unknown): void }>();
  for (const item of work.items) {
    const done = new Promise<void>((resolve, reject) => settle.set(item.manifest.digest, { resolve, reject }));
    done.catch(() => undefined);
    pushes.set(item.manifest.digest, done);
  }
  // Per subject: the referrers pushed by digest still to go, and those the destination's index must list.
  const pending = new Map<string, number>();
  for (const item of work.items) if (item.node.storage !== 'cosign-tag') pending.set(item.node.subject, (pending.get(item.node.subject) ?? 0) + 1);
  const toIndex = new Map<string, { node: ReferrerNode; desc: Descriptor }[]>();
  const found = new Map(work.items.map((item, i) => [item.node, i]));
  const indexUpdates: Promise<void>[] = [];
  const updateIndex = async (subject: string, entries: { node: ReferrerNode; desc: Descriptor }[], s: AbortSignal): Promise<void> => {
    // Entries in the order the referrers were found, whatever order their pushes ended in.
    entries.sort((x, y) => (found.get(x.node) ?? 0) - (found.get(y.node) ?? 0));
    try {
      await addToReferrersTag(
        dst.client,
        dst.repository,
        subject,
        entries.map((e) => e.desc),
        { asIs: work.discovery.tagIndexes.get(subject), ...(work.destIndexes.has(subject) ? { current: work.destIndexes.get(subject) } : {}) },
        s,
      );
      result.storages['referrers-tag'] += entries.length;
    } catch (err) {
      throw carryFailure(err, entries[0]?.node as ReferrerNode, result.pushed, work.items.length, dst.name, `listing it in the referrers index of ${subject}`);
    }
  };
  // Items come parents first, so a parent is always started before the referrers waiting for it.
  const pushing = runPool(
    work.items,
    Math.max(sides.jobs, MANIFEST_PUSHES),
    async (item, s) => {
      const { node, manifest } = item;
      const done = settle.get(manifest.digest);
      try {
        await pushes.get(node.subject);
        for (const child of item.children) await dst.client.putManifest(dst.repository, child.digest, child.bytes, child.mediaType, s);
        if (node.storage === 'cosign-tag' && node.tag) {
          // A `.sig` the destination has already keeps its signatures: the source's are added to it, each layer as it is.
          const there = node.tag.endsWith('.sig') ? await dst.client.headManifest(dst.repository, node.tag, s) : undefined;
          if (there && there.digest !== manifest.digest) await mergeSigstoreAttachment(dst.client, dst.repository, node.subject, manifest.bytes, s);
          else await dst.client.putManifest(dst.repository, node.tag, manifest.bytes, manifest.mediaType, s);
          result.storages['cosign-tag']++;
        } else {
          const pushed = await dst.client.pushManifest(dst.repository, manifest.digest, manifest.bytes, manifest.mediaType, s);
          if (pushed.ociSubject === node.subject) result.storages['referrers-api']++;
          // The spec's entry for a pushed manifest: its artifactType (else its config's media type) and annotations.
          else
            toIndex.set(node.subject, [
              ...(toIndex.get(node.subject) ?? []),
              { node, desc: referrerDescriptor(manifest.bytes, manifest.mediaType, manifest.digest) },
            ]);
        }
        result.pushed++;
        done?.resolve();
      } catch (err) {
        done?.reject(err);
        throw carryFailure(err, node, result.pushed, work.items.length, dst.name);
      }
      const left = (pending.get(node.subject) ?? 0) - (node.storage === 'cosign-tag' ? 0 : 1);
      pending.set(node.subject, left);
      const entries = toIndex.get(node.subject);
      if (node.storage !== 'cosign-tag' && left === 0 && entries) {
        // Not tied to this push's slot alone: the update outlives it, and ends with the caller's signal or the pool's failure.
        const update = updateIndex(node.subject, entries, signal ? AbortSignal.any([s, signal]) : s);
        update.catch(() => undefined);
        indexUpdates.push(update);
      }
    },
    signal,
  );
  // Every index update settles before the first failure (if any) is thrown: none is left running behind the caller.
  const pushed = await pushing.then(
    () => undefined,
    (err: unknown) => ({ err }),
  );
  const settled = await Promise.allSettled(indexUpdates);
  if (pushed) throw pushed.err;
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return result;
}

function carryFailure(err: unknown, node: ReferrerNode, done: number, total: number, where: string, doing?: string): RegxError {
  const message = err instanceof Error ? err.message : String(err);
  const reason = err instanceof RegxError ? err.reason : 'server-error';
  const what = `${node.kind} ${node.descriptor.digest} (${node.storage === 'cosign-tag' ? `cosign tag ${node.tag}` : `referrer of ${node.subject}`})`;
  return new RegxError(
    reason,
    `carrying ${what} to ${where} failed${doing ? ` while ${doing}` : ''}: ${message} (${done} of ${total} referrers carried before it)`,
    {
      cause: err,
      serverCode: err instanceof RegxError ? err.serverCode : undefined,
      serverMessage: err instanceof RegxError ? err.serverMessage : undefined,
    },
  );
}
