// Prune: the tags of a destination repository that no source selects any more. Only repositories whose
// sources all listed and whose images all landed are pruned; tags that hold referrers (cosign's
// `sha256-<hex>.sig`, the referrers tag schema's `sha256-<hex>`) are never candidates; and since a
// registry deletes a manifest, not a tag, a tag whose image a kept tag also names is left alone
// (deleting it would take the kept tag with it). A prune re-reads the tag's manifest and hashes it
// first: a tag that changed since the plan is not removed.
import { NotFoundError, RegxError } from '../errors';
import { verifiedManifestDigest } from '../image/delete';
import { runPool } from '../image/pool';
import { formatReference, withTag } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { RegistryClient } from '../registry/client';
import { isReferrerTag } from './tag-filter';
import type { EndpointSettings, PlanEntry, PruneEntry } from './types';

export interface PruneRepository {
  /** The repository (its tag is ignored). */
  ref: ImageReference;
  endpoint?: EndpointSettings;
  /** Tags some source selects, in any shard. */
  kept: Set<string>;
}

export interface PrunePlanContext {
  client(ref: ImageReference, endpoint?: EndpointSettings): RegistryClient;
  /** Whether this process's shard owns a destination tag. */
  mine(ref: ImageReference): boolean;
  onFailure(ref: ImageReference, err: unknown): void;
  signal?: AbortSignal;
}

const sameRepo = (a: ImageReference, b: ImageReference): boolean => a.registry === b.registry && a.repository === b.repository;

export async function planPrunes(repos: readonly PruneRepository[], plan: readonly PlanEntry[], ctx: PrunePlanContext): Promise<PruneEntry[]> {
  const out: PruneEntry[] = [];
  await runPool(
    [...repos],
    4,
    async (r, s) => {
      const client = ctx.client(r.ref, r.endpoint);
      const repository = r.ref.repository;
      let tags: string[];
      try {
        tags = await client.listTags(repository, 1000, s);
      } catch (err) {
        if (err instanceof NotFoundError || (err instanceof RegxError && err.reason === 'not-found')) return;
        ctx.onFailure(r.ref, err);
        return;
      }
      const candidates = tags.filter((t) => !r.kept.has(t) && !isReferrerTag(t) && ctx.mine(withTag(r.ref, t)));
      if (candidates.length === 0) return;
      // The digests the kept tags will name: the plan's, and for kept tags another shard plans, what they name now.
      const planned = plan.filter((e) => sameRepo(e.destination, r.ref));
      const keptDigests = new Set(planned.map((e) => e.digest).filter((d): d is string => d !== undefined));
      const plannedTags = new Set(planned.map((e) => e.destination.tag));
      const elsewhere = [...r.kept].filter((t) => !plannedTags.has(t) && tags.includes(t));
      await runPool(
        elsewhere,
        8,
        async (t, ss) => {
          const h = await client.headManifest(repository, t, ss);
          if (h) keptDigests.add(h.digest);
        },
        s,
      );
      await runPool(
        candidates,
        8,
        async (t, ss) => {
          const h = await client.headManifest(repository, t, ss);
          if (h && !keptDigests.has(h.digest)) out.push({ destination: withTag(r.ref, t), digest: h.digest, destinationEndpoint: r.endpoint });
        },
        s,
      );
    },
    ctx.signal,
  );
  return out.sort((a, b) => (formatReference(a.destination) < formatReference(b.destination) ? -1 : 1));
}

/** Removes one planned prune: the tag's manifest, re-read and hashed, must still be the planned one. */
export async function runPrune(client: RegistryClient, entry: PruneEntry, signal?: AbortSignal): Promise<void> {
  const { repository, tag } = entry.destination;
  const now = await verifiedManifestDigest(client, repository, tag ?? 'latest', signal);
  if (now === undefined) return;
  if (now !== entry.digest)
    throw new RegxError('conflict', `${formatReference(entry.destination)} changed since the plan (${entry.digest} then, ${now} now); it was not removed`);
  await client.deleteManifest(repository, now, signal);
}
