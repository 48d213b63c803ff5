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
}

function kept(node: ReferrerNode, keep: KeepReferrers): boolean {
  return node.kind === 'signature' ? keep.signatures : keep.others;
}

/** Finds what must travel with `top` and what the destination lacks of it. Reads only; writes nothing. */
export async function prepareCarry(sides: CarrySides, top: ManifestResult, keep: KeepReferrers, excludeBlobs: ReadonlySet<string>, walk: { platforms?: boolean } = {}): Promise<CarryWork> {
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
        return { api: false, digests };
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

  let present = 0;
  const missing: ReferrerNode[] = [];
  await runPool(chosen, sides.jobs, async (r, s) => {
    let there: boolean;
    if (r.storage === 'cosign-tag' && r.tag) {
      const head = await dst.client.headManifest(dst.repository, r.tag, s);
      there = head?.digest === r.descriptor.digest;
      // A `.sig` there holding every signature of the source's, and more (signed at the destination), is up to date.
      if (!there && head && r.tag.endsWith('.sig')) there = await attachmentHolds(dst.client, dst.repository, r.subject, (await sides.source.manifest(r.descriptor, s)).bytes, s);
    } else there = (await listing(r.subject)).digests.has(r.descriptor.digest);
    if (there) present++;
    else missing.push(r);
  }, signal);
  // Parents before their own referrers, as found.
  const order = new Map(chosen.map((r, i) => [r, i]));
  missing.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

  const items = new Array<CarryItem>(missing.length);
  const blobs = new Map<string, Descriptor>();
  await runPool(missing.map((r, i) => [r, i] as const), sides.jobs, async ([r, i], s) => {
    const manifest = await sides.source.manifest(r.descriptor, s);
    const named = subjectOf(manifest.bytes);
    // A list that names a manifest about something else is not to be believed.
    if (r.storage !== 'cosign-tag' && named !== undefined && named !== r.subject) throw new ManifestInvalidError(`invalid manifest: ${sides.source.name}@${r.descriptor.digest} is listed as a referrer of ${r.subject} but its subject is ${named}`);
    const planned = await sides.plan(manifest, s);
    for (const b of planned.blobs) if (!excludeBlobs.has(b.digest) && !blobs.has(b.digest)) blobs.set(b.digest, b);
    items[i] = { node: r, manifest, children: planned.children };
  }, signal);
  return { items, blobs: [...blobs.values()], present, dropped, discovery };
}

/** Which storage a referrer was written to at the destination. */
export type WrittenTo = 'referrers-api' | 'referrers-tag' | 'cosign-tag';

export interface CarryResult {
  pushed: number;
  /** Per storage written. */
  storages: Record<WrittenTo, number>;
}

/**
 * Pushes the planned referrers (their blobs are already there) after their subjects, then updates the
 * referrers tag indexes of the subjects whose referrers the destination did not index itself. A failure
 * names the referrer and how many were carried before it.
 */
export async function pushCarried(sides: CarrySides, work: CarryWork, signal?: AbortSignal): Promise<CarryResult> {
  const { dst } = sides;
  const result: CarryResult = { pushed: 0, storages: { 'referrers-api': 0, 'referrers-tag': 0, 'cosign-tag': 0 } };
  const toIndex = new Map<string, { node: ReferrerNode; desc: Descriptor }[]>();
  for (const item of work.items) {
    const { node, manifest } = item;
    try {
      for (const child of item.children) await dst.client.putManifest(dst.repository, child.digest, child.bytes, child.mediaType, signal);
      if (node.storage === 'cosign-tag' && node.tag) {
        // A `.sig` the destination has already keeps its signatures: the source's are added to it, each layer as it is.
        const there = node.tag.endsWith('.sig') ? await dst.client.headManifest(dst.repository, node.tag, signal) : undefined;
        if (there && there.digest !== manifest.digest) await mergeSigstoreAttachment(dst.client, dst.repository, node.subject, manifest.bytes, signal);
        else await dst.client.putManifest(dst.repository, node.tag, manifest.bytes, manifest.mediaType, signal);
        result.storages['cosign-tag']++;
      } else {
        const pushed = await dst.client.pushManifest(dst.repository, manifest.digest, manifest.bytes, manifest.mediaType, signal);
        if (pushed.ociSubject === node.subject) result.storages['referrers-api']++;
        // The spec's entry for a pushed manifest: its artifactType (else its config's media type) and annotations.
        else toIndex.set(node.subject, [...(toIndex.get(node.subject) ?? []), { node, desc: referrerDescriptor(manifest.bytes, manifest.mediaType, manifest.digest) }]);
      }
      result.pushed++;
    } catch (err) {
      throw carryFailure(err, node, result.pushed, work.items.length, dst.name);
    }
  }
  for (const [subject, entries] of toIndex) {
    try {
      await addToReferrersTag(dst.client, dst.repository, subject, entries.map((e) => e.desc), work.discovery.tagIndexes.get(subject), signal);
      result.storages['referrers-tag'] += entries.length;
    } catch (err) {
      throw carryFailure(err, entries[0]?.node as ReferrerNode, result.pushed, work.items.length, dst.name, `listing it in the referrers index of ${subject}`);
    }
  }
  return result;
}

function carryFailure(err: unknown, node: ReferrerNode, done: number, total: number, where: string, doing?: string): RegxError {
  const message = err instanceof Error ? err.message : String(err);
  const reason = err instanceof RegxError ? err.reason : 'server-error';
  const what = `${node.kind} ${node.descriptor.digest} (${node.storage === 'cosign-tag' ? `cosign tag ${node.tag}` : `referrer of ${node.subject}`})`;
  return new RegxError(reason, `carrying ${what} to ${where} failed${doing ? ` while ${doing}` : ''}: ${message} (${done} of ${total} referrers carried before it)`, {
    cause: err,
    serverCode: err instanceof RegxError ? err.serverCode : undefined,
    serverMessage: err instanceof RegxError ? err.serverMessage : undefined,
  });
}
