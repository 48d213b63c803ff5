// The copy engine: `docker://`, `oci:`, `dir:`, `oci-archive:`, `docker-archive:`, `containers-storage:`
// and `docker-daemon:` in any direction (DESIGN.md "Copy"; the local stores through local/local-transport.ts).
// An image in podman's store bound for a registry is pushed by podman itself when that is the same copy
// (local/podman-push.ts); everything else takes the steps below.
//  1. Read the manifest the source names (and, with `platform`, the one image picked out of an index).
//  2. If the destination reference already names that digest, stop: a no-op costs two requests.
//  3. Read every child manifest of an index, and list the blobs of all of them, each once.
//  4. Move blobs, `jobs` at a time, streaming straight from source to destination: skip those the
//     destination has, mount those on the same registry, upload the rest; every byte is verified.
//  5. Push child manifests by digest, then the named manifest under its tag, bytes and media type
//     unchanged so the digest is preserved. Nothing names the image until this last write, so a copy
//     that fails or is cancelled never leaves a tag pointing at an incomplete image. A registry that
//     answers the last PUT with another digest than ours is not taken at its word: the manifest is
//     read back, and only other bytes under the tag (the tag then names something else, which the
//     error says) make the copy fail after the tag was written (RegistryClient.putManifest).
// Asked to (a manifest format, a layer compression, or a Docker image bound for an `oci:` layout),
// layers are recompressed in step 4 and manifests rewritten before step 5 (convert.ts): new digests.
// A docker-archive's layers are uncompressed: bound for a registry or an OCI layout or archive they
// are gzip-compressed, as skopeo does (new digests), unless digests are to be kept.
import { AuthenticationError, CancelledError, ManifestInvalidError, NetworkError, RegistryError, RegxError, UsageError } from '../errors';
import { backoffDelay, isRetryableNetworkError, sleep } from '../http/retry';
import type { RetryPolicy } from '../http/retry';
import type { ImageReference } from '../reference/reference';
import type { ImageLocation } from '../reference/transport';
import { formatImageLocation } from '../reference/transport';
import { RegistryClient } from '../registry/client';
import type { UploadMode } from '../registry/uploads';
import { alreadyInFormat, convertImageManifests } from './convert';
import type { ManifestFormat } from './convert';
import { openDestination } from './copy-destination';
import type { ImageDestination } from './copy-destination';
import { ProgressTracker } from './copy-progress';
import type { CopyProgress } from './copy-progress';
import { openSource, readSmallBlob } from './copy-source';
import type { ImageSource, ManifestBytes } from './copy-source';
import { parseDigest } from './digest';
import type { BlobLedger } from './blob-ledger';
import { LayerRecompressor } from './layer-compression';
import type { CompressionOptions } from './layer-compression';
import { manifestRefs } from './manifest-walk';
import { isIndexMediaType, isSchema1MediaType } from './mediatypes';
import type { Descriptor, ImageIndex } from './mediatypes';
import { hostPlatform, parsePlatform, selectPlatform } from './platform';
import type { PlatformWanted } from './platform';
import { runPool } from './pool';
import { prepareCarry, pushCarried } from '../supply-chain/carry';
import type { CarrySides, CarryWork, KeepReferrers } from '../supply-chain/carry';
import type { ImageSigner, SignResult } from '../signing/signer';
import { signatureIdentity } from '../signing/signer';
import type { RegistriesConfig } from '../signing/registries-d';
import { readSimpleSignatures, writeSimpleSignatures } from '../signing/simple-store';
import { localPushRoute, pushWithPodman } from '../local/podman-push';
import type { LocalPushRoute } from '../local/podman-push';
import type { LocalEngine } from '../local/engine';

export type { CopyProgress } from './copy-progress';

export interface CopyOptions {
  /** Client for a `docker://` source; made (and closed) here when absent. */
  srcClient?: RegistryClient;
  /** Client for a `docker://` destination; the source's when both are on one registry and none is given. */
  dstClient?: RegistryClient;
  /** Blobs moved at once (default 6). */
  jobs?: number;
  /** Copy only this image out of an index ("linux/arm64" or parsed); default: the whole index. */
  platform?: string | PlatformWanted;
  /**
   * What to copy of an index (skopeo's --multi-arch): `all` (the default) the index and every image,
   * `system` one image (`platform`, else this machine's), `index-only` the index manifest alone.
   */
  multiArch?: MultiArch;
  /** Rewrite every manifest in this format; default: as they are, except Docker ones bound for `oci:` (made OCI). */
  format?: ManifestFormat;
  /** Keep every manifest's bytes and digest: no conversion, and an error if one was asked for. */
  preserveDigests?: boolean;
  /** Recompress layers not compressed this way (new layer and manifest digests). */
  compression?: CompressionOptions;
  onProgress?: (p: CopyProgress) => void;
  signal?: AbortSignal;
  uploadMode?: UploadMode;
  chunkSize?: number;
  /** docker-archive destinations: more RepoTags for the image (skopeo's --additional-tag). */
  additionalTags?: ImageReference[];
  /** Attempts per blob when a connection breaks or a registry answers 5xx/429 mid-transfer (default 4). */
  blobAttempts?: number;
  /** Told about each blob-level retry (for logs); never carries secrets. */
  onRetry?: (what: string, attempt: number, reason: string, delayMs: number) => void;
  /** The source's top manifest, already read (by a sync plan): not fetched again. */
  sourceTop?: ManifestBytes;
  /** Shared by copies running at once to one registry: each blob is moved there once (blob-ledger.ts). */
  blobLedger?: BlobLedger;
  /**
   * What refers to the copied manifests and travels with them, registry to registry (default: all of it).
   * Referrers of images in `oci:` layouts are not carried.
   */
  referrers?: KeepReferrers;
  /**
   * Sign the manifest the destination names, once it is stored by digest and before the tag names it
   * (docker:// destinations only); each signer stores its signature where it belongs.
   */
  signers?: ImageSigner[];
  /** The identity signatures claim; default: the destination reference with the tag it gets. */
  signIdentity?: ImageReference;
  /**
   * registries.d for the signers (lookaside stores, sigstore attachments). When given, GPG simple
   * signatures of the copied manifest also travel registry to registry, byte for byte (unless
   * `referrers.signatures` is false), from the source's signature store to the destination's.
   */
  registries?: RegistriesConfig;
  /** Environment for the built-in lookaside location (HOME); default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Told which way an image in podman's store goes to a registry: podman's own push, or the export route and why. */
  onLocalRoute?: (route: LocalPushRoute) => void;
  /**
   * A local source's engine, connecting already: the caller started it early, since a private podman
   * service takes a few hundred milliseconds to come up. The copy uses it instead of connecting, and closes it.
   */
  sourceEngine?: Promise<LocalEngine>;
}

export type MultiArch = 'all' | 'system' | 'index-only';

export interface CopyResult {
  /** Digest of the manifest the destination reference now names. */
  digest: string;
  /** Digest and media type of that manifest at the source: they differ when it was converted or its layers recompressed. */
  sourceDigest: string;
  sourceMediaType: string;
  /** Manifests rewritten (format conversion or new layer digests). */
  manifestsConverted: number;
  /** Layers recompressed. */
  layersCompressed: number;
  mediaType: string;
  /** The destination as an image location string, with the tag it got. */
  destination: string;
  /** True when the destination already had it and nothing was written. */
  noop: boolean;
  manifestsPushed: number;
  blobsCopied: number;
  blobsSkipped: number;
  blobsMounted: number;
  /** Bytes moved over the wire or to disk. */
  bytes: number;
  /** What refers to the image: carried now, already at the destination, left behind on request. */
  referrers: { carried: number; present: number; dropped: number; storages: Record<'referrers-api' | 'referrers-tag' | 'cosign-tag', number> };
  /** Signatures made by `signers`, in their order. */
  signed: SignResult[];
  /** GPG simple signatures of the source carried to the destination (stored now, or there already). */
  simpleSignatures: { carried: number; present: number; where?: string };
  /**
   * The local engine that pushed the image itself (`Podman Engine 4.3.1`), when it did. It does not say
   * which blobs the registry had already: blobsCopied and bytes then count all of the image's.
   */
  pushedBy?: string;
}

export const DEFAULT_JOBS = 6;
/** Blobs this small are read whole and sent in one request where the registry allows it. */
const SMALL_BLOB = 256 * 1024;
const blobRetry: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };

/** skopeo's rule for a destination without a tag: the source's tag, else `latest`. */
export function destinationTag(dst: ImageLocation, sourceTag: string | undefined): string {
  if (dst.transport === 'docker') return dst.ref.tag ?? sourceTag ?? 'latest';
  if (dst.transport === 'dir' || dst.transport === 'docker-archive') return '';
  if (dst.transport === 'containers-storage' || dst.transport === 'docker-daemon') return dst.ref?.tag ?? 'latest';
  return dst.tag ?? sourceTag ?? 'latest';
}

/** The destination as a location string, with the tag the copy gives it. */
function destinationString(dst: ImageLocation, tag: string): string {
  if (dst.transport === 'docker') return formatImageLocation({ transport: 'docker', ref: dst.ref.digest ? dst.ref : { ...dst.ref, tag } });
  if (dst.transport === 'oci' || dst.transport === 'oci-archive') return `${dst.transport}:${dst.path}:${tag}`;
  return formatImageLocation(dst);
}

function isRetryable(err: unknown): boolean {
  if (err instanceof CancelledError) return false;
  if (err instanceof NetworkError) return true;
  if (err instanceof RegistryError) return err.status === 408 || err.status === 429 || (err.status >= 500 && err.status !== 501 && err.status !== 505);
  if (err instanceof RegxError) return false;
  return isRetryableNetworkError(err);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface Plan {
  /** Child manifests, each once and after its own children: the order they must be pushed in. */
  children: ManifestBytes[];
  blobs: Descriptor[];
}

/** How far an index may go: enough for any real registry's largest lists, not for a hostile one. */
export interface PlanLimits {
  /** Distinct manifests under the root (default 10,000). */
  maxManifests: number;
  /** Indexes inside indexes (default 8). */
  maxDepth: number;
  /** Bytes of all the child manifests held until they are pushed (default 128 MiB). */
  maxBytes: number;
}

export const defaultPlanLimits: PlanLimits = { maxManifests: 10_000, maxDepth: 8, maxBytes: 128 * 1024 * 1024 };

/**
 * Reads every manifest under `root` and lists the blobs of all of them. Each digest is fetched and
 * kept once however often indexes repeat it, and the walk stops with a clear error past the limits,
 * so an index that repeats one child 100,000 times, or nests indexes deep, costs bounded memory.
 */
export async function planCopy(
  source: ImageSource,
  root: ManifestBytes,
  jobs: number,
  signal: AbortSignal | undefined,
  limits: PlanLimits = defaultPlanLimits,
): Promise<Plan> {
  const children: ManifestBytes[] = [];
  const blobs = new Map<string, Descriptor>();
  const seen = new Set<string>([root.digest]);
  let bytes = 0;
  const visit = async (m: ManifestBytes, depth: number): Promise<void> => {
    const refs = manifestRefs(m.bytes, m.mediaType);
    for (const b of refs.blobs) {
      parseDigest(b.digest);
      if (!blobs.has(b.digest)) blobs.set(b.digest, b);
    }
    const fresh: Descriptor[] = [];
    for (const d of refs.manifests) {
      parseDigest(d.digest);
      if (seen.has(d.digest)) continue;
      if (depth + 1 > limits.maxDepth)
        throw new ManifestInvalidError(`invalid manifest: indexes nested more than ${limits.maxDepth} deep under ${root.digest}`);
      seen.add(d.digest);
      if (seen.size - 1 > limits.maxManifests)
        throw new RegxError('too-large', `${root.digest} lists more than ${limits.maxManifests} distinct manifests; no real image needs that many`);
      fresh.push(d);
    }
    const fetched: ManifestBytes[] = new Array<ManifestBytes>(fresh.length);
    await runPool(
      fresh.map((d, i) => [d, i] as const),
      jobs,
      async ([d, i], s) => {
        const child = await source.manifest(d, s);
        bytes += child.bytes.length;
        if (bytes > limits.maxBytes) throw new RegxError('too-large', `the manifests under ${root.digest} add up to more than ${limits.maxBytes} bytes`);
        fetched[i] = child;
      },
      signal,
    );
    for (const child of fetched) {
      await visit(child, depth + 1);
      children.push(child);
    }
  };
  await visit(root, 0);
  // Largest first: with several at a time, the copy ends sooner when the long ones start early.
  return { children, blobs: [...blobs.values()].sort((a, b) => b.size - a.size) };
}

/** The index entry a platform choice picks out of `top`, or undefined when `top` itself is copied. */
export function platformEntry(top: ManifestBytes, platform: CopyOptions['platform'], multiArch: MultiArch | undefined): Descriptor | undefined {
  if (multiArch === 'system') platform ??= hostPlatform();
  if (platform === undefined || multiArch === 'all' || multiArch === 'index-only' || !isIndexMediaType(top.mediaType)) return undefined;
  const wanted = typeof platform === 'string' ? parsePlatform(platform) : platform;
  const index = JSON.parse(top.bytes.toString('utf8')) as ImageIndex;
  return selectPlatform({ ...index, manifests: manifestRefs(top.bytes, top.mediaType).manifests }, wanted);
}

/** The current digest at the destination, or undefined when unknown (absent, or not readable with push-only rights). */
async function currentDigest(dest: ImageDestination, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return await dest.current(signal);
  } catch (err) {
    if (err instanceof AuthenticationError || (err instanceof RegistryError && (err.status === 401 || err.status === 403))) return undefined;
    throw err;
  }
}

export async function copyImage(src: ImageLocation, dst: ImageLocation, opts: CopyOptions = {}): Promise<CopyResult> {
  const jobs = Math.max(1, Math.floor(opts.jobs ?? DEFAULT_JOBS));
  const signal = opts.signal;
  if (opts.platform !== undefined && (opts.multiArch === 'all' || opts.multiArch === 'index-only'))
    throw new UsageError(`a platform cannot be chosen when copying ${opts.multiArch === 'all' ? 'every image of an index' : 'the index alone'}`);
  // A destination named by digest must get exactly that digest: nothing may be rewritten.
  const preserveDigests = opts.preserveDigests === true || (dst.transport === 'docker' && dst.ref.digest !== undefined);
  const ociDestination = dst.transport === 'oci' || dst.transport === 'oci-archive';
  const toArchive = dst.transport === 'docker-archive';
  // A local engine's store takes one image, stored uncompressed (by way of an archive it loads).
  const toLocal = dst.transport === 'containers-storage' || dst.transport === 'docker-daemon';
  const fromLocal = src.transport === 'containers-storage' || src.transport === 'docker-daemon';
  if (toLocal) {
    if (opts.multiArch === 'all' || opts.multiArch === 'index-only')
      throw new UsageError(`${dst.transport} holds single images, not an index: pick one image (a platform) to copy`);
    if (opts.compression) throw new UsageError(`${dst.transport} stores layers uncompressed; a layer compression cannot be chosen for it`);
    if (opts.format === 'oci' && dst.transport === 'docker-daemon')
      throw new UsageError('a Docker Engine loads Docker images; the OCI format cannot be chosen for it');
  }
  if (toArchive) {
    // It holds one image with uncompressed layers and no manifest of its own.
    if (opts.multiArch === 'all' || opts.multiArch === 'index-only')
      throw new UsageError('a docker-archive holds a single image, not an index: pick one image (a platform) to copy');
    if (opts.compression) throw new UsageError('a docker-archive stores layers uncompressed; a layer compression cannot be chosen for it');
    if (opts.format === 'oci') throw new UsageError('a docker-archive holds Docker images; the OCI format cannot be chosen for it');
  } else if (opts.additionalTags?.length) throw new UsageError('additional tags apply to docker-archive destinations only');
  // skopeo writes Docker images to an OCI layout as OCI, which is what skopeo and umoci then read by tag.
  // podman loads images from an OCI archive, which holds OCI manifests only (config and diff_ids stay).
  const implicitOci = !opts.format && !opts.preserveDigests && (ociDestination || dst.transport === 'containers-storage');
  const conversion = {
    format: toArchive ? undefined : (opts.format ?? (implicitOci ? ('oci' as const) : undefined)),
    keepUnconvertible: implicitOci,
    preserveDigests,
  };
  // An archive's uncompressed layers are compressed for destinations that serve or keep images compressed.
  // So are a local store's layers (its archive holds them uncompressed), as podman push does.
  const defaultGzip = (src.transport === 'docker-archive' || fromLocal) && !preserveDigests && (dst.transport === 'docker' || ociDestination);
  const compressionOptions = opts.compression ?? (defaultGzip ? { format: 'gzip' as const } : undefined);
  const compression = compressionOptions ? new LayerRecompressor(compressionOptions) : undefined;
  if (opts.signers?.length) checkSigningDestination(dst, opts.signers, opts.signIdentity);
  const owned: RegistryClient[] = [];
  const own = (registry: string): RegistryClient => {
    const c = new RegistryClient(registry);
    owned.push(c);
    return c;
  };
  let opened: ImageDestination | undefined;
  let openedSource: ImageSource | undefined;
  try {
    const srcClient = src.transport === 'docker' ? (opts.srcClient ?? own(src.ref.registry)) : undefined;
    const dstClient =
      dst.transport === 'docker'
        ? (opts.dstClient ??
          (srcClient && src.transport === 'docker' && src.ref.registry === dst.ref.registry && !opts.srcClient ? srcClient : own(dst.ref.registry)))
        : undefined;
    const tracker = new ProgressTracker(opts.onProgress);
    if (signal?.aborted) throw new CancelledError();
    let podmanGaveWay = false;
    if (fromLocal && dst.transport === 'docker' && dstClient) {
      // podman pushes its own image when that is the same copy (local/podman-push.ts): no archive of it is written.
      const route = await localPushRoute(src, dst, opts, dstClient);
      opts.onLocalRoute?.(route);
      let pushed: Awaited<ReturnType<typeof pushWithPodman>> | undefined;
      let pushTag = '';
      if (route.by === 'engine-push' && src.transport === 'containers-storage') {
        pushTag = destinationTag(dst, src.ref?.tag);
        pushed = await pushWithPodman(src, dst, pushTag, dstClient, tracker, signal, opts.sourceEngine).catch((err: unknown) => {
          // regx has just read the tag with its own trust, so a certificate podman refuses is one only regx trusts
          // (NODE_EXTRA_CA_CERTS, say). Nothing was written: the export route pushes the image with that trust.
          if (!(err instanceof RegxError && err.reason.startsWith('tls-')) || signal?.aborted) throw err;
          opts.onLocalRoute?.({ by: 'export', why: `podman refused the registry's certificate, which regx trusts (${err.message})` });
          podmanGaveWay = true;
          return undefined;
        });
      }
      if (pushed) {
        tracker.phase('done');
        return {
          digest: pushed.digest,
          sourceDigest: pushed.sourceDigest,
          sourceMediaType: pushed.sourceMediaType,
          mediaType: pushed.mediaType,
          manifestsConverted: pushed.digest === pushed.sourceDigest ? 0 : 1,
          layersCompressed: pushed.layers,
          destination: destinationString(dst, pushTag),
          noop: false,
          manifestsPushed: 1,
          blobsCopied: pushed.layers + 1,
          blobsSkipped: 0,
          blobsMounted: 0,
          bytes: pushed.bytes,
          referrers: { carried: 0, present: 0, dropped: 0, storages: { 'referrers-api': 0, 'referrers-tag': 0, 'cosign-tag': 0 } },
          signed: [],
          simpleSignatures: { carried: 0, present: 0 },
          pushedBy: pushed.engine,
        };
      }
    }

    // After podman's push gave way, its engine connection (and a private service it started) is closed: connect anew.
    const source = await openSource(src, srcClient, signal, podmanGaveWay ? undefined : opts.sourceEngine);
    openedSource = source;
    const tag = destinationTag(dst, source.tag);
    const dest = await openDestination(dst, tag, dstClient, opts.additionalTags);
    opened = dest;
    const destination = destinationString(dst, tag);

    // The source manifest and what the destination names now are fetched at once: a no-op copy is then
    // one round trip to each registry, at the same time.
    const [top, existing] = await Promise.all([opts.sourceTop ? Promise.resolve(opts.sourceTop) : source.top(signal), currentDigest(dest, signal)]);
    // skopeo's default for a destination that cannot hold an index: this machine's image of it.
    const entry = platformEntry(top, opts.platform, toArchive || toLocal ? 'system' : opts.multiArch);
    const keep = opts.referrers ?? { signatures: true, others: true };
    // Referrers travel registry to registry; a layout on either side holds none of them here.
    const carrySides: CarrySides | undefined =
      (keep.signatures || keep.others) && source.registry && dest.registry
        ? {
            source,
            src: { client: source.registry.client, repository: source.registry.repository },
            dst: { client: dest.registry.client, repository: dest.registry.repository, name: destination },
            // Referrers are small: their requests wait on round trips more than on bandwidth.
            jobs,
            signal,
            plan: (m, s) => planCopy(source, m, jobs, s),
          }
        : undefined;
    const resultFor = (m: { digest: string; mediaType: string }): CopyResult => ({
      digest: m.digest,
      sourceDigest: m.digest,
      sourceMediaType: m.mediaType,
      mediaType: m.mediaType,
      destination,
      noop: false,
      manifestsPushed: 0,
      manifestsConverted: 0,
      layersCompressed: 0,
      blobsCopied: 0,
      blobsSkipped: 0,
      blobsMounted: 0,
      bytes: 0,
      referrers: { carried: 0, present: 0, dropped: 0, storages: { 'referrers-api': 0, 'referrers-tag': 0, 'cosign-tag': 0 } },
      signed: [],
      simpleSignatures: { carried: 0, present: 0 },
    });
    const signers = opts.signers ?? [];
    // Runs every signer on `m` (stored by digest already) and notes what each stored.
    const signTop = async (m: ManifestBytes, into: CopyResult): Promise<void> => {
      if (signers.length === 0 || dst.transport !== 'docker' || !dest.registry) return;
      const destination = { ...dst.ref, tag: dst.ref.digest ? dst.ref.tag : tag };
      const dockerReference = signatureIdentity(opts.signIdentity ?? destination);
      for (const signer of signers) {
        if (signal?.aborted) throw new CancelledError();
        into.signed.push(
          await signer.sign({
            manifestDigest: m.digest,
            manifest: { bytes: m.bytes, mediaType: m.mediaType },
            dockerReference,
            destination,
            client: dest.registry.client,
            registries: opts.registries ?? { docker: new Map(), dir: '' },
            signal,
          }),
        );
      }
    };
    // GPG simple signatures travel when signatures are kept: from a registry's store (registries.d given) or a
    // dir: folder's signature-N files, to a registry's store (registries.d given) or a dir: folder.
    const simpleSource =
      opts.registries && keep.signatures && source.registry && (dst.transport === 'docker' || dest.putSignatures)
        ? {
            client: source.registry.client,
            ref: { registry: source.registry.host, repository: source.registry.repository },
            registries: opts.registries,
            env: opts.env,
            signal,
          }
        : undefined;
    const simpleDestination =
      opts.registries && keep.signatures && dest.registry && dst.transport === 'docker'
        ? {
            client: dest.registry.client,
            ref: { registry: dest.registry.host, repository: dest.registry.repository },
            registries: opts.registries,
            env: opts.env,
            signal,
          }
        : undefined;
    const readSimple = async (digest: string): Promise<Buffer[]> => {
      if (simpleSource) return (await readSimpleSignatures(simpleSource, digest)).signatures;
      // A folder's signature-N files sign its manifest.json, the image it names.
      if (!keep.signatures || !source.signatures || digest !== top.digest) return [];
      const kept = await source.signatures(signal);
      // As skopeo: signatures are not dropped silently where they cannot be stored.
      if (kept.length > 0 && !simpleDestination && !dest.putSignatures) {
        throw new RegxError(
          'unsupported',
          `${kept.length} GPG signature${kept.length === 1 ? '' : 's'} of ${source.name} cannot be stored in ${dst.transport === 'docker' ? `${destination} without registries.d` : `the ${dst.transport}: destination, which keeps none`}; leave them behind to copy the image without them`,
        );
      }
      return kept;
    };
    const writeSimple = async (digest: string, sigs: Buffer[], into: CopyResult): Promise<void> => {
      if (!simpleDestination || sigs.length === 0) return;
      const w = await writeSimpleSignatures(simpleDestination, digest, sigs);
      into.simpleSignatures = { carried: w.added, present: w.present, where: w.where };
    };
    // A destination that keeps its own signatures (dir:): the source's, then the new ones, as containers/image writes them.
    const keepSignatures = async (m: ManifestBytes, carried: Buffer[], into: CopyResult): Promise<void> => {
      if (!dest.putSignatures) return;
      const made: { bytes: Buffer; signer: string }[] = [];
      // The identity was required up front when signers were given (checkSigningDestination).
      const identity = opts.signIdentity;
      for (const signer of signers) {
        if (signal?.aborted) throw new CancelledError();
        if (signer.signature && identity) made.push(await signer.signature({ manifestDigest: m.digest, dockerReference: signatureIdentity(identity), signal }));
      }
      if (carried.length + made.length === 0) return;
      const where = await dest.putSignatures([...carried, ...made.map((x) => x.bytes)], signal);
      for (const x of made) into.signed.push({ kind: 'simple-signing', storedAt: where, signer: x.signer });
      if (carried.length > 0) into.simpleSignatures = { carried: carried.length, present: 0, where };
    };
    if (entry && existing === entry.digest && !conversion.format && !compression && !carrySides && signers.length === 0 && !simpleSource) {
      // The image picked out of the index is there already and nothing travels with it: no need to read its manifest.
      tracker.phase('done');
      return { ...resultFor(entry), noop: true };
    }
    const chosen = entry ? await source.manifest(entry, signal) : top;
    const result = resultFor(chosen);
    const indexOnly = opts.multiArch === 'index-only' && isIndexMediaType(chosen.mediaType);
    const prepare = (exclude: ReadonlySet<string>, speculative = false): Promise<CarryWork> =>
      prepareCarry(carrySides as CarrySides, chosen, keep, exclude, { platforms: !indexOnly, speculative });
    const carryPush = async (work: CarryWork, state: string): Promise<void> => {
      try {
        const pushed = await pushCarried(carrySides as CarrySides, work, signal);
        result.referrers.carried = pushed.pushed;
        result.referrers.storages = pushed.storages;
      } catch (err) {
        if (err instanceof RegxError && err.reason !== 'cancelled')
          throw new RegxError(err.reason, `${err.message}; ${state}`, { cause: err, serverCode: err.serverCode, serverMessage: err.serverMessage });
        throw err;
      }
    };
    const sameRegistry = source.registry && dest.registry && source.registry.host === dest.registry.host;
    // Blobs of an image already in the destination repository are there by definition.
    const sameRepository = sameRegistry && source.registry?.repository === dest.registry?.repository;
    const mountFrom = sameRegistry && !sameRepository ? source.registry?.repository : undefined;

    // `asIs`: a referrer's blob, never recompressed (its manifest names these bytes).
    const moveOne = async (desc: Descriptor, s: AbortSignal, holder: string | undefined, asIs = false): Promise<void> => {
      const kind = /config/.test(desc.mediaType) ? 'config' : 'layer';
      const what = `${kind} ${desc.digest} of ${source.name}`;
      for (let attempt = 1; ; attempt++) {
        let moved = 0;
        const onBytes = (n: number): void => {
          moved += n;
          tracker.bytes(n);
        };
        try {
          if (!asIs && compression?.needs(desc)) {
            const how = await compression.move(desc, source, dest, { signal: s, onBytes, what, mode: opts.uploadMode, chunkSize: opts.chunkSize }, s);
            result.layersCompressed++;
            if (how === 'copied') result.blobsCopied++;
            else result.blobsSkipped++;
            result.bytes += moved;
            tracker.blobDone(desc.digest, desc.size, how);
            return;
          }
          let session;
          if (sameRepository || (holder !== undefined && holder === dest.registry?.repository)) {
            result.blobsSkipped++;
            tracker.blobDone(desc.digest, desc.size, 'skipped');
            return;
          }
          // Another copy of this run put the blob on the destination registry: mount it from there.
          const from = mountFrom ?? holder;
          if (from && dest.mount) {
            session = await dest.mount(desc, from, s);
            if (!session) {
              result.blobsMounted++;
              tracker.blobDone(desc.digest, desc.size, 'mounted');
              return;
            }
          } else if (await dest.hasBlob(desc, s)) {
            result.blobsSkipped++;
            tracker.blobDone(desc.digest, desc.size, 'skipped');
            return;
          }
          const write = { signal: s, onBytes, what, mode: opts.uploadMode, chunkSize: opts.chunkSize, session };
          if (desc.size >= 0 && desc.size <= SMALL_BLOB) await dest.writeSmallBlob(desc, await readSmallBlob(source, desc, s), write);
          else await dest.writeBlob(desc, () => source.openBlob(desc, s), write);
          result.blobsCopied++;
          result.bytes += moved;
          tracker.blobDone(desc.digest, desc.size, 'copied');
          return;
        } catch (err) {
          tracker.bytes(-moved);
          if (s.aborted) throw new CancelledError();
          const attempts = opts.blobAttempts ?? blobRetry.attempts;
          if (attempt >= attempts || !isRetryable(err)) throw err;
          const delay = backoffDelay(blobRetry, attempt);
          opts.onRetry?.(what, attempt, describe(err), delay);
          await sleep(delay, s).catch(() => undefined);
        }
      }
    };
    const ledger = opts.blobLedger;
    const target = dest.registry;
    const moveBlob = (desc: Descriptor, s: AbortSignal, asIs = false): Promise<void> =>
      ledger && target && (asIs || !compression?.needs(desc))
        ? ledger.run(target.host, target.repository, desc.digest, (holder) => moveOne(desc, s, holder, asIs))
        : moveOne(desc, s, undefined, asIs);
    // The same digest at the destination is this image only when copying would not rewrite it.
    const mayRewrite =
      !alreadyInFormat(chosen, conversion.format) ||
      (compression !== undefined &&
        (isIndexMediaType(chosen.mediaType) || manifestRefs(chosen.bytes, chosen.mediaType).blobs.some((b) => compression.needs(b))));
    if (existing === chosen.digest && !mayRewrite) {
      if (carrySides) {
        // The image is there; what refers to it may not be (a copy that failed after the image, or new signatures).
        const carry = await prepare(new Set());
        noteCarry(result, carry);
        if (carry.items.length > 0) {
          tracker.begin(
            carry.blobs.length,
            carry.blobs.reduce((n, b) => n + Math.max(0, b.size), 0),
          );
          await runPool(carry.blobs, jobs, (b, s) => moveBlob(b, s, true), signal);
          tracker.phase('manifests');
          await carryPush(carry, `the image was already at ${destination}`);
          await writeSimple(chosen.digest, await readSimple(chosen.digest), result);
          await signTop(chosen, result);
          tracker.phase('done');
          return result;
        }
      }
      // The image is there; signatures it lacks are still stored, and one asked for is still made (skopeo signs every copy).
      await writeSimple(chosen.digest, await readSimple(chosen.digest), result);
      await signTop(chosen, result);
      tracker.phase('done');
      return { ...result, noop: signers.length === 0 && result.simpleSignatures.carried === 0 };
    }

    if ((ociDestination || toArchive || toLocal) && isSchema1MediaType(chosen.mediaType)) {
      // Its digest names the signed payload, not the bytes a layout stores under it: written as is,
      // the layout would hold a blob that does not match its own name.
      throw new RegxError(
        'unsupported',
        `${source.name} is a Docker schema 1 image, which an OCI layout or archive cannot hold unchanged; it must be converted to OCI or Docker schema 2 first`,
      );
    }
    const work = indexOnly ? { children: [], blobs: [] } : await planCopy(source, chosen, jobs, signal);
    // Conversions that would be refused are found before any byte is written.
    const preview = convertImageManifests(work.children, chosen, conversion);
    const rewrites = preview.changed > 0 || preview.top.digest !== chosen.digest || (compression !== undefined && work.blobs.some((b) => compression.needs(b)));
    if (compression)
      for (const b of work.blobs)
        if (compression.needs(b) && preserveDigests)
          throw new UsageError(`compressing layer ${b.digest} would change its digest and the image's, which are to be kept`);
    if (toArchive && preserveDigests) {
      const packed = manifestRefs(chosen.bytes, chosen.mediaType).blobs.find((b) => !/config/.test(b.mediaType) && !/\.tar$/.test(b.mediaType));
      if (packed)
        throw new UsageError(`a docker-archive stores layers uncompressed: layer ${packed.digest} would get a new digest, and digests are to be kept`);
    }
    tracker.begin(
      work.blobs.length,
      work.blobs.reduce((n, b) => n + Math.max(0, b.size), 0),
    );
    // What refers to the image is found, fetched and its blobs moved while the image's blobs move.
    let carry: CarryWork | undefined;
    let simple: Buffer[] = [];
    const carryBlobs = async (s: AbortSignal): Promise<void> => {
      simple = await readSimple(chosen.digest);
      if (simple.length > 0 && rewrites) {
        throw new RegxError(
          'referrers-invalidated',
          `${simple.length} GPG signature${simple.length === 1 ? '' : 's'} of ${source.name} name the image's digest, which this copy changes: they cannot be carried to the rewritten image`,
        );
      }
      if (!carrySides) return;
      const found = await prepare(new Set(work.blobs.map((b) => b.digest)), true);
      if (found.items.length > 0 && rewrites) {
        throw new RegxError(
          'referrers-invalidated',
          `${found.items.length} referrer${found.items.length === 1 ? '' : 's'} (signatures, attestations or other artifacts) of ${source.name} name the image's digests, which this copy changes: they cannot be carried to the rewritten image`,
        );
      }
      carry = found;
      noteCarry(result, found);
      tracker.grow(
        found.blobs.length,
        found.blobs.reduce((n, b) => n + Math.max(0, b.size), 0),
      );
      await runPool(found.blobs, carrySides.jobs, (b, bs) => moveBlob(b, bs, true), s);
    };
    await runPool([0, 1], 2, (part, s) => (part === 0 ? runPool(work.blobs, jobs, moveBlob, s) : carryBlobs(s)), signal);

    tracker.phase('manifests');
    const final = convertImageManifests(work.children, chosen, { ...conversion, layers: compression?.replaced });
    // Image manifests at once; nested indexes after them, in order (each after its own children).
    await runPool(
      final.children.filter((m) => !isIndexMediaType(m.mediaType)),
      jobs,
      (m, s) => dest.putManifest(m, s),
      signal,
    );
    for (const m of final.children.filter((c) => isIndexMediaType(c.mediaType))) await dest.putManifest(m, signal);
    if (signal?.aborted) throw new CancelledError();
    const carrying = carry !== undefined && carry.items.length > 0;
    // A referrer names an existing subject, and a signature an existing image: the image goes first by digest, the tag stays last.
    if ((carrying || (dst.transport === 'docker' && (signers.length > 0 || simple.length > 0))) && final.top.digest !== dest.reference)
      await dest.putManifest(final.top, signal);
    if (carry && carrying) await carryPush(carry, `the image's blobs and manifests are at ${destination} but it was not tagged`);
    if (simple.length > 0 || signers.length > 0) {
      try {
        await writeSimple(final.top.digest, simple, result);
        await signTop(final.top, result);
        await keepSignatures(final.top, simple, result);
      } catch (err) {
        if (err instanceof RegxError && err.reason !== 'cancelled')
          throw new RegxError(err.reason, `${err.message}; the image's blobs and manifests are at ${destination} but it was not tagged`, {
            cause: err,
            serverCode: err.serverCode,
            serverMessage: err.serverMessage,
          });
        throw err;
      }
    }
    // An archive may store what it can hold rather than these bytes (a docker-archive has no manifest of ours).
    const stored = (await dest.commit(final.top, signal)) ?? final.top;
    result.digest = stored.digest;
    result.mediaType = stored.mediaType;
    result.manifestsConverted = final.changed;
    result.manifestsPushed = work.children.length + 1;
    tracker.phase('done');
    return result;
  } catch (err) {
    // Nothing names the image yet: take back what the copy left (open uploads, a layout it created).
    await opened?.discard();
    throw err;
  } finally {
    await openedSource?.close?.();
    await opts.sourceEngine?.then(
      (e) => e.close(),
      () => undefined,
    );
    await opened?.close?.();
    await compression?.close();
    await Promise.all(owned.map((c) => c.close().catch(() => undefined)));
  }
}

/**
 * Where signatures can be kept, said before anything is written: a registry (its signature store or
 * sigstore attachments) and a dir: folder (GPG signature-N files, with an identity given, since a folder
 * has no image name to claim); the other destinations refuse, in skopeo's words.
 */
function checkSigningDestination(dst: ImageLocation, signers: readonly ImageSigner[], identity: ImageReference | undefined): void {
  if (dst.transport === 'docker') return;
  if (dst.transport === 'dir') {
    if (!identity) throw new UsageError(`a signature names an image, and a dir: folder (${dst.path}) has no name: the identity to sign as must be given`);
    const unable = signers.find((s) => !s.signature);
    if (unable) throw new RegxError('unsupported', `${unable.description} stores its signatures in registries only; a dir: folder keeps GPG signatures`);
    return;
  }
  if (dst.transport === 'oci' || dst.transport === 'oci-archive')
    throw new RegxError(
      'unsupported',
      `pushing signatures for OCI images is not supported: an ${dst.transport}: destination keeps no signatures (sign a registry or dir: copy)`,
    );
  if (dst.transport === 'docker-archive')
    throw new RegxError(
      'unsupported',
      'storing signatures for docker tar files is not supported: a docker-archive: keeps no signatures (sign a registry or dir: copy)',
    );
  throw new RegxError('unsupported', `${dst.transport}: keeps no signatures: signing is supported for registry and dir: destinations`);
}

function noteCarry(result: CopyResult, carry: CarryWork): void {
  result.referrers.present = carry.present;
  result.referrers.dropped = carry.dropped;
}
