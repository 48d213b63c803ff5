// A sync run: list the sources' tags, split off this process's shard, check each image against its
// destination (the source manifest and the destination's digest read at once: one round trip per
// image, so a re-run that changes nothing costs that and no more), then copy those that differ,
// several at a time under a global cap and a per-registry cap, blobs shared between images moved
// once (blob-ledger.ts). Every image ends in exactly one event: skipped, copied or failed. Without
// keepGoing the first failure stops new copies from starting (those running finish); with it, the
// failures are reported and the others land.
// With registries.d, GPG simple signatures travel with each image (as referrers do), also to images a
// run skips; with signers, every image synced is signed, unchanged ones too (skopeo sync copies, and so
// signs, every image on every run).
import { AuthenticationError, CancelledError, failureClassOf, NotFoundError, reasonOf, RegistryError, UsageError } from '../errors';
import { BlobLedger } from '../image/blob-ledger';
import { manifestImageSize } from '../image/image-size';
import { copyImage, DEFAULT_JOBS, platformEntry } from '../image/copy';
import type { MultiArch } from '../image/copy';
import type { ManifestFormat } from '../image/convert';
import { alreadyInFormat } from '../image/convert';
import type { ManifestBytes } from '../image/copy-source';
import type { PlatformWanted } from '../image/platform';
import type { KeepReferrers } from '../supply-chain/carry';
import { discoverReferrers, flattenReferrers } from '../supply-chain/discover';
import { listReferrersApi } from '../supply-chain/referrers-api';
import { isIndexMediaType } from '../image/mediatypes';
import type { RegistriesConfig } from '../signing/registries-d';
import type { ImageSigner } from '../signing/signer';
import { signatureIdentity } from '../signing/signer';
import { readSimpleSignatures, writeSimpleSignatures } from '../signing/simple-store';
import { platformSubset } from './platform-subset';
import type { PlatformSubset } from './platform-subset';
import { planPrunes, runPrune } from './prune';
import { backoffDelay, sleep } from '../http/retry';
import { formatReference, withDigest, withTag } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import { isValidDigest } from '../reference/reference';
import type { RegistryClient } from '../registry/client';
import { RegistryLimits } from './limiter';
import { inShard } from './shard';
import type { Shard } from './shard';
import { filterByRegex, filterBySemver, isDroppedReferrerTag, isReferrerTag, newestTags } from './tag-filter';
import type { EndpointSettings, ImageName, PlanEntry, PruneEntry, SourceSpec, SyncEvent, SyncImage } from './types';

/** Where a source's images go: one rule per destination. */
export interface DestinationRule {
  map(source: ImageReference): ImageReference;
  endpoint?: EndpointSettings;
  /** The registry every image of this rule goes to, when the rule knows it up front (a config's destination). */
  host?: string;
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
  /** Remove the destination tags planned for pruning (sources with `prune`); without it they are only planned. */
  prune?: boolean;
  /** What refers to each image and travels with it, for sources that do not say (default: everything). */
  referrers?: KeepReferrers;
  /**
   * registries.d: GPG simple signatures of each image travel from the source's store to the
   * destination's (unless its referrers say signatures stay behind), and signers store theirs per it.
   */
  registries?: RegistriesConfig;
  /** Sign every image synced, unchanged ones included, as the destination names it. */
  signers?: ImageSigner[];
  /** Environment for the built-in lookaside location (HOME); default this process's. */
  env?: NodeJS.ProcessEnv;
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
  phase: 'list' | 'plan' | 'copy' | 'prune';
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
  /** Destination tags no source selects any more, in repositories whose sources allow pruning. */
  prunes: PruneEntry[];
  pruned: number;
  /** Referrers carried to images that were already there. */
  referrersCarried: number;
  /** GPG simple signatures stored at the destinations (copied images and those already there). */
  signaturesCarried: number;
  /** Signatures made by the run's signers. */
  signed: number;
}

export function imageName(ref: ImageReference): ImageName {
  return `docker://${formatReference(ref)}`;
}

const PLAN_PARALLEL = 32;
const PLAN_PER_REGISTRY = 16;

/** `docker://registry/repo` of an image name, its tag or digest cut off. */
function repositoryOfName(name: ImageName): string {
  return name.replace(/(@[^/]+|:[^/:]+)$/, '');
}

function hostOf(ref: ImageReference): string {
  return ref.registry;
}

/** The tags and digests of one source, as its selection says. */
async function sourceRefs(spec: SourceSpec, client: RegistryClient, keep: KeepReferrers, signal?: AbortSignal): Promise<ImageReference[]> {
  const { select } = spec;
  if (select.kind === 'image') return [spec.ref];
  if (select.kind === 'list') return select.refs.map((r) => (isValidDigest(r) ? withDigest(spec.ref, r) : withTag(spec.ref, r)));
  let tags = await client.listTags(spec.ref.repository, 1000, signal);
  if (spec.excludeReferrerTags) tags = tags.filter((t) => !isReferrerTag(t));
  else tags = tags.filter((t) => !isDroppedReferrerTag(t, keep));
  if (select.kind === 'regex') tags = filterByRegex(tags, select.pattern);
  else if (select.kind === 'semver') tags = filterBySemver(tags, select.range);
  else if (select.kind === 'match') {
    if (select.regex !== undefined) tags = filterByRegex(tags, select.regex);
    if (select.semver !== undefined) tags = filterBySemver(tags, select.semver);
  }
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

/** What of an index one image's sync copies: the run's choice, or its source's platforms. */
interface Choice {
  multiArch: MultiArch;
  platform?: PlatformWanted;
  /** Several platforms: a new index of just those (platform-subset.ts). */
  subset?: PlatformWanted[];
}

function choiceFor(im: SyncImage, opts: SyncOptions): Choice {
  const p = im.platforms;
  if (p === 'all') return { multiArch: 'all' };
  if (Array.isArray(p)) return p.length === 1 ? { multiArch: 'system', platform: p[0] } : { multiArch: 'all', subset: p };
  return { multiArch: opts.all ? 'all' : 'system', platform: opts.platform };
}

/** What the plan learnt of one image, kept for its copy. */
interface Planned {
  top: ManifestBytes;
  choice: Choice;
  subset?: PlatformSubset;
}

function keepOf(im: SyncImage, opts: SyncOptions): KeepReferrers {
  return im.referrers ?? opts.referrers ?? { signatures: true, others: true };
}

export async function runSync(targets: readonly SyncTarget[], opts: SyncOptions): Promise<SyncResult> {
  const signal = opts.signal;
  const emit = (e: SyncEvent): void => opts.onEvent?.(e);
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
        return await listLimits.run([hostOf(t.spec.ref)], signal, () =>
          sourceRefs(t.spec, client, t.spec.referrers ?? opts.referrers ?? { signatures: true, others: true }, signal),
        );
      } catch (err) {
        if (signal?.aborted) throw new CancelledError();
        fail(failureOf(err, imageName(t.spec.ref), undefined, 'list'));
        return undefined;
      }
    }),
  );
  // Destination repositories whose sources allow pruning, with every tag some source (of any shard) puts there.
  const pruneRepos = new Map<string, { ref: ImageReference; endpoint?: EndpointSettings; kept: Set<string>; unsure: boolean }>();
  const repoKey = (r: ImageReference): string => `${r.registry}/${r.repository}`;
  targets.forEach((t, i) => {
    const sources = listed[i];
    for (const rule of t.destinations) {
      if (t.spec.prune) {
        // Where this source's images go, known without a listing: map the repository itself.
        let repo: ImageReference | undefined;
        try {
          repo = rule.map(withTag(t.spec.ref, 'latest'));
        } catch {
          repo = undefined;
        }
        if (repo) {
          const key = repoKey(repo);
          const entry = pruneRepos.get(key) ?? { ref: repo, endpoint: rule.endpoint, kept: new Set<string>(), unsure: false };
          // A source that could not be listed might still select any tag there: prune nothing in that repository.
          if (!sources) entry.unsure = true;
          pruneRepos.set(key, entry);
        }
      }
    }
    for (const source of sources ?? []) {
      for (const rule of t.destinations) {
        const destination = rule.map(source);
        const key = `${formatReference(source)} ${formatReference(destination)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        images.push({
          source,
          destination,
          sourceEndpoint: t.spec.endpoint,
          destinationEndpoint: rule.endpoint,
          platforms: t.spec.platforms,
          referrers: t.spec.referrers,
        });
      }
    }
  });
  // Any source, pruning or not, that puts a tag in a pruned repository keeps it.
  for (const im of images) {
    const p = pruneRepos.get(repoKey(im.destination));
    if (p && im.destination.tag !== undefined) p.kept.add(im.destination.tag);
  }
  if (opts.failWhenEmpty && images.length === 0 && failures.length === 0)
    throw new NotFoundError(`no images to sync found in ${targets.map((t) => formatReference(t.spec.ref)).join(', ')}`);
  const mine = images.filter((im) => inShard(formatReference(im.source), opts.shard));

  // 2. The plan: each image checked against its destination, many at once (these are small reads).
  const planLimits = new RegistryLimits(PLAN_PARALLEL, () => PLAN_PER_REGISTRY);
  const planned = new Map<PlanEntry, Planned>();
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
          const choice = choiceFor(im, opts);
          let digest: string;
          let rewrite = false;
          let subset: PlatformSubset | undefined;
          if (choice.subset) {
            if (opts.format !== undefined)
              throw new UsageError('a list of platforms cannot be combined with a manifest format conversion: the new index would name the unconverted images');
            subset = platformSubset(top, choice.subset);
            digest = subset.top.digest;
          } else {
            const entry = platformEntry(top, choice.platform, choice.multiArch);
            digest = entry?.digest ?? top.digest;
            rewrite = opts.format !== undefined && !alreadyInFormat(entry ? { bytes: Buffer.alloc(0), digest, mediaType: entry.mediaType } : top, opts.format);
          }
          const p: PlanEntry = { ...im, digest, action: existing === digest && !rewrite ? 'skip' : 'copy' };
          if (digest === top.digest) {
            const size = manifestImageSize(top.bytes, top.mediaType);
            if (size !== undefined) p.size = size;
          }
          planned.set(p, { top, choice, subset });
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

  // Prunes: what the pruned repositories hold that no source selects (this shard's share of them).
  let prunes: PruneEntry[] = [];
  if (pruneRepos.size > 0 && !stop) {
    const failedRepos = new Set(failures.filter((f) => f.destination).map((f) => repositoryOfName(f.destination as string)));
    const repos = [...pruneRepos.values()].filter((r) => !r.unsure && !failedRepos.has(repositoryOfName(imageName(r.ref))));
    prunes = await planPrunes(repos, entries, {
      client: (ref, endpoint) => opts.clients.destination(ref.registry, endpoint),
      mine: (ref) => inShard(formatReference(ref), opts.shard),
      signal,
      onFailure: (ref, err) => fail(failureOf(err, imageName(ref), imageName(ref), 'prune')),
    });
    for (const p of prunes) emit({ event: 'planned', destination: imageName(p.destination), digest: p.digest, action: 'prune' });
  }
  const result: SyncResult = {
    plan: entries,
    copied: 0,
    skipped: 0,
    failures,
    notRun: 0,
    bytes: 0,
    digests: [],
    prunes,
    pruned: 0,
    referrersCarried: 0,
    signaturesCarried: 0,
    signed: 0,
  };
  const landed = new Map<PlanEntry, string>();
  if (opts.dryRun) return result;
  if (stop) {
    result.notRun = entries.length;
    return result;
  }

  // 3. The copies, and the referrers of images already there.
  const limits = new RegistryLimits(Math.max(1, opts.parallel ?? 8), hostLimit);
  const ledger = new BlobLedger();
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  const signers = opts.signers ?? [];
  type Copied = {
    digest: string;
    bytes: number;
    blobsCopied: number;
    blobsSkipped: number;
    blobsMounted: number;
    carried: number;
    signaturesCarried: number;
    signed: number;
  };
  const copyOne = async (p: PlanEntry, what: Planned, attempt: number): Promise<Copied> => {
    const srcClient = opts.clients.source(p.source.registry, p.sourceEndpoint);
    const dstClient = opts.clients.destination(p.destination.registry, p.destinationEndpoint);
    const common = {
      srcClient,
      dstClient,
      jobs,
      format: opts.format,
      preserveDigests: opts.preserveDigests,
      blobLedger: ledger,
      referrers: keepOf(p, opts),
      registries: opts.registries,
      env: opts.env,
      signal,
    };
    if (what.subset && what.subset.children.length > 0) {
      // The chosen platforms' images by digest, then the new index under the tag (only when it is not there yet).
      const top = what.subset.top;
      const sum: Copied = { digest: top.digest, bytes: 0, blobsCopied: 0, blobsSkipped: 0, blobsMounted: 0, carried: 0, signaturesCarried: 0, signed: 0 };
      for (const child of what.subset.children) {
        const r = await copyImage(
          { transport: 'docker', ref: withDigest(p.source, child.digest) },
          { transport: 'docker', ref: withDigest(p.destination, child.digest) },
          { ...common, multiArch: 'all' },
        );
        sum.bytes += r.bytes;
        sum.blobsCopied += r.blobsCopied;
        sum.blobsSkipped += r.blobsSkipped;
        sum.blobsMounted += r.blobsMounted;
        sum.carried += r.referrers.carried;
        sum.signaturesCarried += r.simpleSignatures.carried;
      }
      const tag = p.destination.tag ?? 'latest';
      if (signers.length > 0) {
        // What the tag will name is signed, so it is stored by digest first and tagged after (as copyImage does).
        if (p.action === 'copy') await dstClient.putManifest(p.destination.repository, top.digest, top.bytes, top.mediaType, signal);
        const destination = withTag(p.destination, tag);
        for (const signer of signers) {
          await signer.sign({
            manifestDigest: top.digest,
            manifest: { bytes: top.bytes, mediaType: top.mediaType },
            dockerReference: signatureIdentity(destination),
            destination,
            client: dstClient,
            registries: opts.registries ?? { docker: new Map(), dir: '' },
            signal,
          });
          sum.signed++;
        }
      }
      if (p.action === 'copy') await dstClient.putManifest(p.destination.repository, tag, top.bytes, top.mediaType, signal);
      return sum;
    }
    const r = await copyImage(
      { transport: 'docker', ref: p.source },
      { transport: 'docker', ref: p.destination },
      { ...common, signers, multiArch: what.choice.multiArch, platform: what.choice.platform, sourceTop: attempt === 0 ? what.top : undefined },
    );
    return { ...r, carried: r.referrers.carried, signaturesCarried: r.simpleSignatures.carried, signed: r.signed.length };
  };

  /**
   * GPG simple signatures of a skipped image that its destination lacks, stored there now: one read at the
   * source (a lookaside file or URL, or the signature API), and at the destination only when there are some.
   */
  const carrySimpleSignatures = async (p: PlanEntry, what: Planned): Promise<number> => {
    if (!opts.registries || !keepOf(p, opts).signatures) return 0;
    const at = (client: RegistryClient, ref: ImageReference) => ({ client, ref, registries: opts.registries as RegistriesConfig, env: opts.env, signal });
    const src = at(opts.clients.source(p.source.registry, p.sourceEndpoint), p.source);
    const dst = at(opts.clients.destination(p.destination.registry, p.destinationEndpoint), p.destination);
    let stored = 0;
    for (const digest of what.subset ? what.subset.children.map((c) => c.digest) : [p.digest as string]) {
      const found = await readSimpleSignatures(src, digest);
      if (found.signatures.length > 0) stored += (await writeSimpleSignatures(dst, digest, found.signatures)).added;
    }
    return stored;
  };

  const repoTags = new Map<string, Promise<string[] | undefined>>();
  /** Whether the source holds anything referring to a skipped image that its sync carries (one discovery, at the source only). */
  const hasReferrersToCarry = async (p: PlanEntry, what: Planned): Promise<boolean> => {
    const keep = keepOf(p, opts);
    if (!keep.signatures && !keep.others) return false;
    const client = opts.clients.source(p.source.registry, p.sourceEndpoint);
    // Cheap answers first. Without a referrers API (asked once per registry, then remembered), a referrer
    // is a tag (cosign's, or the referrers tag schema's index): a repository whose one tag list holds none
    // has nothing to carry. With the API, a single image with an empty list has nothing either.
    const api = await listReferrersApi(client, p.source.repository, what.top.digest, { subjectMediaType: what.top.mediaType, signal });
    if (api === undefined) {
      const key = `${p.source.registry}/${p.source.repository}`;
      let tags = repoTags.get(key);
      if (!tags) repoTags.set(key, (tags = client.listTags(p.source.repository, 1000, signal).catch(() => undefined)));
      const list = await tags;
      if (list && !list.some(isReferrerTag)) return false;
    } else if (api.descriptors.length === 0 && !isIndexMediaType(what.top.mediaType)) return false;
    const entry = what.subset ? undefined : platformEntry(what.top, what.choice.platform, what.choice.multiArch);
    const chosen = entry ? await client.getManifest(p.source.repository, entry.digest, signal) : what.top;
    const found = await discoverReferrers(client, p.source.repository, chosen, { signal, platforms: true });
    return flattenReferrers(found.root).some((r) => r.storage !== 'attestation-manifest' && (r.kind === 'signature' ? keep.signatures : keep.others));
  };

  await Promise.all(
    entries.map(async (p) => {
      const from = imageName(p.source);
      const to = imageName(p.destination);
      const what = planned.get(p) as Planned;
      try {
        if (p.action === 'skip') {
          // Already there by digest; what refers to it may not be (new signatures, a copy stopped after the
          // image). Looking is a few small reads at the source, done as many at once as the plan's; a
          // carry, when there is one, is a copy and waits its turn among them. Signing it is a copy too.
          let carried = 0;
          let signaturesCarried = 0;
          let signed = 0;
          if (!stop && signers.length > 0) {
            const r = await limits.run([hostOf(p.source), hostOf(p.destination)], signal, () => copyOne(p, what, 1));
            ({ carried, signaturesCarried, signed } = r);
          } else if (!stop) {
            const [found, simple] = await planLimits.run([hostOf(p.source), hostOf(p.destination)], signal, () =>
              Promise.all([hasReferrersToCarry(p, what), carrySimpleSignatures(p, what)]),
            );
            signaturesCarried = simple;
            if (found) carried = await limits.run([hostOf(p.source), hostOf(p.destination)], signal, async () => (await copyOne(p, what, 1)).carried);
          }
          result.skipped++;
          result.referrersCarried += carried;
          result.signaturesCarried += signaturesCarried;
          result.signed += signed;
          landed.set(p, p.digest as string);
          emit({
            event: 'skipped',
            source: from,
            destination: to,
            digest: p.digest as string,
            ...(carried ? { referrersCarried: carried } : {}),
            ...(signaturesCarried ? { signaturesCarried } : {}),
            ...(signed ? { signed } : {}),
          });
          return;
        }
        await limits.run([hostOf(p.source), hostOf(p.destination)], signal, async () => {
          if (stop) {
            result.notRun++;
            return;
          }
          emit({ event: 'started', source: from, destination: to, digest: p.digest });
          const started = Date.now();
          for (let attempt = 0; ; attempt++) {
            try {
              const r = await copyOne(p, what, attempt);
              result.copied++;
              result.bytes += r.bytes;
              result.signaturesCarried += r.signaturesCarried;
              result.signed += r.signed;
              landed.set(p, r.digest);
              emit({
                event: 'copied',
                source: from,
                destination: to,
                digest: r.digest,
                bytes: r.bytes,
                blobsCopied: r.blobsCopied,
                blobsSkipped: r.blobsSkipped,
                blobsMounted: r.blobsMounted,
                ms: Date.now() - started,
                ...(r.carried ? { referrersCarried: r.carried } : {}),
                ...(r.signaturesCarried ? { signaturesCarried: r.signaturesCarried } : {}),
                ...(r.signed ? { signed: r.signed } : {}),
              });
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

  // 4. Prunes, only when asked for and only in repositories where every image landed.
  if (opts.prune && prunes.length > 0 && !stop) {
    const failedRepos = new Set(failures.filter((f) => f.destination && f.phase !== 'prune').map((f) => repositoryOfName(f.destination as string)));
    await Promise.all(
      prunes.map(async (pr) => {
        const to = imageName(pr.destination);
        if (failedRepos.has(repositoryOfName(to))) return;
        try {
          await limits.run([hostOf(pr.destination)], signal, () =>
            runPrune(opts.clients.destination(pr.destination.registry, pr.destinationEndpoint), pr, signal),
          );
          result.pruned++;
          emit({ event: 'pruned', destination: to, digest: pr.digest });
        } catch (err) {
          if (signal?.aborted) throw new CancelledError();
          fail(failureOf(err, to, to, 'prune'));
        }
      }),
    );
  }
  return result;
}
