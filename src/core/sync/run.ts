// A sync run: list the sources' tags, split off this process's shard, check each image against its
// destination (the source manifest and the destination's digest read at once: one round trip per
// image, so a re-run that changes nothing costs that and no more), then copy those that differ,
// several at a time under a global cap and a per-registry cap, blobs shared between images moved
// once (blob-ledger.ts). Every image ends in exactly one event: skipped, copied or failed. Without
// keepGoing the first failure stops new copies from starting (those running finish); with it, the
// failures are reported and the others land.
import { AuthenticationError, CancelledError, failureClassOf, NotFoundError, reasonOf, RegistryError } from '../errors';
import { BlobLedger } from '../image/blob-ledger';
import { copyImage, DEFAULT_JOBS, platformEntry } from '../image/copy';
import type { MultiArch } from '../image/copy';
import type { ManifestFormat } from '../image/convert';
import { alreadyInFormat } from '../image/convert';
import type { ManifestBytes } from '../image/copy-source';
import type { PlatformWanted } from '../image/platform';
import { backoffDelay, sleep } from '../http/retry';
import { formatReference, withDigest, withTag } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import { isValidDigest } from '../reference/reference';
import type { RegistryClient } from '../registry/client';
import { RegistryLimits } from './limiter';
import { inShard } from './shard';
import type { Shard } from './shard';
import { filterByRegex, filterBySemver, newestTags } from './tag-filter';
import type { EndpointSettings, ImageName, PlanEntry, SourceSpec, SyncEvent, SyncImage } from './types';

/** Where a source's images go: one rule per destination. */
export interface DestinationRule {
  map(source: ImageReference): ImageReference;
  endpoint?: EndpointSettings;
}

export interface SyncTarget {
  spec: SourceSpec;
  destinations: DestinationRule[];
}

/** Clients by registry and settings, made (and cached, and closed) by the caller. */
export interface SyncClients {
  source(registry: string, endpoint?: EndpointSettings): RegistryClient;
  destination(registry: string, endpoint?: EndpointSettings): RegistryClient;
}

export interface SyncOptions {
  clients: SyncClients;
  /** Copy every image of an index; otherwise the one for `platform` (default: this machine's), as skopeo sync does without --all. */
  all?: boolean;
  platform?: PlatformWanted;
  format?: ManifestFormat;
  preserveDigests?: boolean;
  /** Images copied at once in all (default 8). */
  parallel?: number;
  /** Images copied at once touching one registry (default 4). */
  perRegistry?: number | ((host: string) => number);
  /** Blobs moved at once per image (default 6). */
  jobs?: number;
  keepGoing?: boolean;
  /** Plan only: read, write nothing. */
  dryRun?: boolean;
  /** Attempts after the first for an image whose failure may pass (network, 429, 5xx). */
  retryTimes?: number;
  shard?: Shard;
  /** Fail when the sources hold no image at all (skopeo's docker source). */
  failWhenEmpty?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
}

export interface SyncFailure {
  source: ImageName;
  destination?: ImageName;
  reason: string;
  message: string;
  phase: 'list' | 'plan' | 'copy';
}

export interface SyncResult {
  plan: PlanEntry[];
  copied: number;
  skipped: number;
  failures: SyncFailure[];
  /** Images neither copied, skipped nor failed: the run stopped before them. */
  notRun: number;
  bytes: number;
  /** What each destination now names, in plan order (copied and skipped images). */
  digests: Array<{ destination: ImageReference; digest: string }>;
}

export function imageName(ref: ImageReference): ImageName {
  return `docker://${formatReference(ref)}`;
}

const PLAN_PARALLEL = 32;
const PLAN_PER_REGISTRY = 16;

function hostOf(ref: ImageReference): string {
  return ref.registry;
}

/** The tags and digests of one source, as its selection says. */
async function sourceRefs(spec: SourceSpec, client: RegistryClient, signal?: AbortSignal): Promise<ImageReference[]> {
  const { select } = spec;
  if (select.kind === 'image') return [spec.ref];
  if (select.kind === 'list') return select.refs.map((r) => (isValidDigest(r) ? withDigest(spec.ref, r) : withTag(spec.ref, r)));
  let tags = await client.listTags(spec.ref.repository, 1000, signal);
  if (select.kind === 'regex') tags = filterByRegex(tags, select.pattern);
  else if (select.kind === 'semver') tags = filterBySemver(tags, select.range);
  if (spec.newest !== undefined) tags = newestTags(tags, spec.newest);
  return tags.map((t) => withTag(spec.ref, t));
}

function failureOf(err: unknown, source: ImageName, destination: ImageName | undefined, phase: SyncFailure['phase']): SyncFailure {
  return { source, destination, reason: reasonOf(err) ?? 'unknown', message: err instanceof Error ? err.message : String(err), phase };
}

/** The destination's digest, or undefined when it has none or cannot tell us (push-only rights). */
async function destinationDigest(client: RegistryClient, ref: ImageReference, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await client.headManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', signal))?.digest;
  } catch (err) {
    if (err instanceof AuthenticationError || (err instanceof RegistryError && (err.status === 401 || err.status === 403))) return undefined;
    throw err;
  }
}

export async function runSync(targets: readonly SyncTarget[], opts: SyncOptions): Promise<SyncResult> {
  const signal = opts.signal;
  const emit = (e: SyncEvent): void => opts.onEvent?.(e);
  const multiArch: MultiArch = opts.all ? 'all' : 'system';
  const failures: SyncFailure[] = [];
  const fail = (f: SyncFailure): void => {
    failures.push(f);
    emit({ event: 'failed', ...f });
  };
  const perRegistry = opts.perRegistry ?? 4;
  const hostLimit = typeof perRegistry === 'function' ? perRegistry : () => perRegistry;

  // 1. The images: listings at once, a few per registry.
  const listLimits = new RegistryLimits(PLAN_PARALLEL, () => 4);
  const images: SyncImage[] = [];
  const seen = new Set<string>();
  const listed = await Promise.all(
    targets.map(async (t) => {
      try {
        const client = opts.clients.source(t.spec.ref.registry, t.spec.endpoint);
        return await listLimits.run([hostOf(t.spec.ref)], signal, () => sourceRefs(t.spec, client, signal));
      } catch (err) {
        if (signal?.aborted) throw new CancelledError();
        fail(failureOf(err, imageName(t.spec.ref), undefined, 'list'));
        return [];
      }
    }),
  );
  targets.forEach((t, i) => {
    for (const source of listed[i] ?? []) {
      for (const rule of t.destinations) {
        const destination = rule.map(source);
        const key = `${formatReference(source)} ${formatReference(destination)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        images.push({ source, destination, sourceEndpoint: t.spec.endpoint, destinationEndpoint: rule.endpoint });
      }
    }
  });
  if (opts.failWhenEmpty && images.length === 0 && failures.length === 0) throw new NotFoundError(`no images to sync found in ${targets.map((t) => formatReference(t.spec.ref)).join(', ')}`);
  const mine = images.filter((im) => inShard(formatReference(im.source), opts.shard));

  // 2. The plan: each image checked against its destination, many at once (these are small reads).
  const planLimits = new RegistryLimits(PLAN_PARALLEL, () => PLAN_PER_REGISTRY);
  const tops = new Map<PlanEntry, ManifestBytes>();
  const plan: Array<PlanEntry | undefined> = new Array(mine.length);
  let stop = false;
  await Promise.all(
    mine.map(async (im, i) => {
      const from = imageName(im.source);
      const to = imageName(im.destination);
      try {
        await planLimits.run([hostOf(im.source), hostOf(im.destination)], signal, async () => {
          if (stop) return;
          const src = opts.clients.source(im.source.registry, im.sourceEndpoint);
          const dst = opts.clients.destination(im.destination.registry, im.destinationEndpoint);
          const [top, existing] = await Promise.all([
            src.getManifest(im.source.repository, im.source.digest ?? im.source.tag ?? 'latest', signal),
            destinationDigest(dst, im.destination, signal),
          ]);
          const entry = platformEntry(top, opts.platform, multiArch);
          const digest = entry?.digest ?? top.digest;
          const rewrite = opts.format !== undefined && !alreadyInFormat(entry ? { bytes: Buffer.alloc(0), digest, mediaType: entry.mediaType } : top, opts.format);
          const p: PlanEntry = { ...im, digest, action: existing === digest && !rewrite ? 'skip' : 'copy' };
          if (p.action === 'copy') tops.set(p, top);
          plan[i] = p;
          emit({ event: 'planned', source: from, destination: to, digest, action: p.action });
        });
      } catch (err) {
        if (signal?.aborted) throw new CancelledError();
        fail(failureOf(err, from, to, 'plan'));
        if (!opts.keepGoing) stop = true;
      }
    }),
  );
  const entries = plan.filter((p): p is PlanEntry => p !== undefined);
  const result: SyncResult = { plan: entries, copied: 0, skipped: 0, failures, notRun: 0, bytes: 0, digests: [] };
  const landed = new Map<PlanEntry, string>();
  if (opts.dryRun) return result;
  if (stop) {
    result.notRun = entries.length;
    return result;
  }

  // 3. The copies.
  for (const p of entries) {
    if (p.action !== 'skip' || !p.digest) continue;
    result.skipped++;
    landed.set(p, p.digest);
    emit({ event: 'skipped', source: imageName(p.source), destination: imageName(p.destination), digest: p.digest });
  }
  const limits = new RegistryLimits(Math.max(1, opts.parallel ?? 8), hostLimit);
  const ledger = new BlobLedger();
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  await Promise.all(
    entries
      .filter((p) => p.action === 'copy')
      .map(async (p) => {
        const from = imageName(p.source);
        const to = imageName(p.destination);
        try {
          await limits.run([hostOf(p.source), hostOf(p.destination)], signal, async () => {
            if (stop) {
              result.notRun++;
              return;
            }
            emit({ event: 'started', source: from, destination: to, digest: p.digest });
            const started = Date.now();
            for (let attempt = 0; ; attempt++) {
              try {
                const r = await copyImage(
                  { transport: 'docker', ref: p.source },
                  { transport: 'docker', ref: p.destination },
                  {
                    srcClient: opts.clients.source(p.source.registry, p.sourceEndpoint),
                    dstClient: opts.clients.destination(p.destination.registry, p.destinationEndpoint),
                    jobs,
                    multiArch,
                    platform: opts.platform,
                    format: opts.format,
                    preserveDigests: opts.preserveDigests,
                    sourceTop: attempt === 0 ? tops.get(p) : undefined,
                    blobLedger: ledger,
                    signal,
                  },
                );
                result.copied++;
                result.bytes += r.bytes;
                landed.set(p, r.digest);
                emit({ event: 'copied', source: from, destination: to, digest: r.digest, bytes: r.bytes, blobsCopied: r.blobsCopied, blobsSkipped: r.blobsSkipped, blobsMounted: r.blobsMounted, ms: Date.now() - started });
                return;
              } catch (err) {
                if (signal?.aborted || attempt >= (opts.retryTimes ?? 0) || failureClassOf(reasonOf(err)) !== 'retryable') throw err;
                await sleep(backoffDelay({ attempts: 0, baseDelayMs: 1000, maxDelayMs: 30_000 }, attempt + 1), signal);
              }
            }
          });
        } catch (err) {
          if (signal?.aborted) throw new CancelledError();
          fail(failureOf(err, from, to, 'copy'));
          if (!opts.keepGoing) stop = true;
        }
      }),
  );
  for (const p of entries) {
    const digest = landed.get(p);
    if (digest) result.digests.push({ destination: p.destination, digest });
  }
  return result;
}
