// Test images made without any container engine: image content is built in memory (random, incompressible
// layers so the gzip size is about the requested size) and written as an OCI image layout that skopeo and
// umoci read, or pushed to a real registry with skopeo, digests preserved.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { TestRegistry } from './registry';
import { run } from './tools';
import type { RunResult } from './tools';

const gzipAsync = promisify(gzip);

export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** "docker" = Docker schema 2 media types (what registries commonly serve); "oci" = OCI image spec. */
export type ImageFormat = 'oci' | 'docker';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageOptions {
  /** Tag written into the layout's index.json (org.opencontainers.image.ref.name). Default "latest". */
  tag?: string;
  /** Number of layers (default 1). */
  layers?: number;
  /** Bytes of random content per layer (default 1024); the gzip blob is a little larger. */
  layerSize?: number;
  labels?: Record<string, string>;
  env?: string[];
  os?: string;
  architecture?: string;
  variant?: string;
  /** Media types to use (default "docker"). */
  mediaType?: ImageFormat;
  /** The config's `created` (default a fixed date, so only layer content varies). */
  created?: string;
  /** Bytes of random content of each layer, base first (instead of `layers` x `layerSize`). */
  layerSizes?: number[];
  /** Merged into the config's `config` (Entrypoint, Cmd, User, WorkingDir, ExposedPorts, Volumes, StopSignal). */
  runConfig?: Record<string, unknown>;
  /** The config's history instead of one step per layer; its non-empty steps should match the layers. */
  history?: { created_by: string; empty_layer?: boolean }[];
}

export interface BlobInfo {
  digest: string;
  size: number;
  mediaType: string;
}

export interface LayerInfo extends BlobInfo {
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
}

/** An image held in memory: every blob by digest, plus the facts tests assert on. */
export interface BuiltImage {
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  manifestSize: number;
  config: Buffer;
  configDigest: string;
  configSize: number;
  layers: LayerInfo[];
  platform: Platform;
  /** Every blob of the image (config and layers; not the manifest) by digest. */
  blobs: Map<string, Buffer>;
}

export interface WrittenImage extends BuiltImage {
  tag: string;
  layoutDir: string;
  /** What skopeo reads this image from: `oci:LAYOUT:TAG`, or `dir:...` for Docker media types (see skopeoSource). */
  source: string;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A POSIX ustar archive holding one regular file (enough for a valid layer). */
export function tarOneFile(name: string, content: Buffer, mtime = 1704067200): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'ascii');
  };
  const octal = (n: number, length: number): string => n.toString(8).padStart(length - 1, '0') + '\0';
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(mtime, 12));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const pad = (512 - (content.length % 512)) % 512;
  return Buffer.concat([header, content, Buffer.alloc(pad + 1024, 0)]);
}

/** Builds an image in memory (random layers, config, manifest); nothing is written. */
export async function buildImage(opts: ImageOptions = {}): Promise<BuiltImage> {
  const format = opts.mediaType ?? 'docker';
  const docker = format === 'docker';
  const sizes = opts.layerSizes ?? Array.from({ length: opts.layers ?? 1 }, () => opts.layerSize ?? 1024);
  const created = opts.created ?? '2024-01-01T00:00:00Z';
  const platform: Platform = { os: opts.os ?? 'linux', architecture: opts.architecture ?? 'amd64', ...(opts.variant ? { variant: opts.variant } : {}) };
  const blobs = new Map<string, Buffer>();
  const layers: LayerInfo[] = [];
  const layerMediaType = docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip;
  // Layers in parallel: gzip runs on libuv's thread pool.
  const built = await Promise.all(
    sizes.map(async (size, i) => {
      const tar = tarOneFile(`layer-${i}.bin`, randomBytes(size));
      const gz = await gzipAsync(tar, { level: 1 });
      return { tar, gz };
    }),
  );
  for (const { tar, gz } of built) {
    const digest = sha256(gz);
    blobs.set(digest, gz);
    layers.push({ digest, size: gz.length, mediaType: layerMediaType, diffId: sha256(tar) });
  }
  const configJson = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: opts.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Labels: opts.labels ?? {},
      Cmd: ['/bin/sh'],
      ...opts.runConfig,
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: opts.history?.map((h) => ({ created, ...h })) ?? layers.map((_, i) => ({ created, created_by: `regx test layer ${i}` })),
  };
  const config = Buffer.from(JSON.stringify(configJson));
  const configDigest = sha256(config);
  blobs.set(configDigest, config);
  const manifestMediaType = docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest;
  const manifestJson = {
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: { mediaType: docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig, digest: configDigest, size: config.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifest = Buffer.from(JSON.stringify(manifestJson, null, 2));
  return {
    manifest,
    manifestDigest: sha256(manifest),
    manifestMediaType,
    manifestSize: manifest.length,
    config,
    configDigest,
    configSize: config.length,
    layers,
    platform,
    blobs,
  };
}

interface LayoutIndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

function writeBlob(layoutDir: string, digest: string, data: Buffer): void {
  const p = join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  if (!existsSync(p)) writeFileSync(p, data);
}

/** Creates the layout skeleton if needed and points `tag` in index.json at the given descriptor. */
function tagInLayout(layoutDir: string, tag: string, desc: LayoutIndexEntry): void {
  mkdirSync(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const indexFile = join(layoutDir, 'index.json');
  const index = existsSync(indexFile)
    ? (JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: LayoutIndexEntry[] })
    : { manifests: [] as LayoutIndexEntry[] };
  const refName = 'org.opencontainers.image.ref.name';
  const manifests = index.manifests.filter((m) => m.annotations?.[refName] !== tag);
  manifests.push({ ...desc, annotations: { ...desc.annotations, [refName]: tag } });
  writeFileSync(indexFile, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }, null, 2));
}

function writeImageBlobs(layoutDir: string, image: BuiltImage): void {
  mkdirSync(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, data] of image.blobs) writeBlob(layoutDir, digest, data);
  writeBlob(layoutDir, image.manifestDigest, image.manifest);
}

/** Writes one image into an OCI image layout directory (created or added to) under `opts.tag`. */
export async function writeImageLayout(layoutDir: string, opts: ImageOptions = {}): Promise<WrittenImage> {
  const image = await buildImage(opts);
  const tag = opts.tag ?? 'latest';
  writeImageBlobs(layoutDir, image);
  tagInLayout(layoutDir, tag, { mediaType: image.manifestMediaType, digest: image.manifestDigest, size: image.manifestSize });
  if (image.manifestMediaType === MediaTypes.dockerManifest) writeDirTransport(layoutDir, tag, image.manifest, [image]);
  return { ...image, tag, layoutDir, source: skopeoSource(layoutDir, tag) };
}

/**
 * skopeo 1.9's `oci:` transport only resolves index.json entries whose mediaType is an OCI manifest or index,
 * so an image with Docker schema 2 media types cannot be read from an OCI layout by tag. For those, a copy in
 * skopeo's `dir:` format (manifest.json, blobs named by hex digest, `<hex>.manifest.json` per list instance;
 * blobs hard-linked from the layout) sits in LAYOUT/.skopeo-dir/TAG, and skopeoSource() points there.
 */
function writeDirTransport(layoutDir: string, tag: string, top: Buffer, images: BuiltImage[]): void {
  const dir = join(layoutDir, '.skopeo-dir', tag);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'version'), 'Directory Transport Version: 1.1\n');
  writeFileSync(join(dir, 'manifest.json'), top);
  const single = images.length === 1 && images[0]?.manifest === top;
  for (const image of images) {
    if (!single) writeFileSync(join(dir, `${hex(image.manifestDigest)}.manifest.json`), image.manifest);
    for (const digest of image.blobs.keys()) {
      const target = join(dir, hex(digest));
      if (!existsSync(target)) linkSync(join(layoutDir, 'blobs', 'sha256', hex(digest)), target);
    }
  }
}

/** The hex part of `sha256:HEX`. */
export function hex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** The skopeo source reference for TAG of a layout written here (`dir:` for Docker media types, else `oci:`). */
export function skopeoSource(layoutDir: string, tag: string): string {
  const dir = join(layoutDir, '.skopeo-dir', tag);
  return existsSync(join(dir, 'manifest.json')) ? `dir:${dir}` : `oci:${layoutDir}:${tag}`;
}

export interface WrittenIndex {
  tag: string;
  layoutDir: string;
  source: string;
  index: Buffer;
  indexDigest: string;
  indexMediaType: string;
  images: BuiltImage[];
}

/** Writes a multi-platform image (OCI index, or Docker manifest list when mediaType "docker") under `tag`. */
export async function writeMultiPlatformLayout(
  layoutDir: string,
  tag: string,
  platforms: Platform[],
  opts: Omit<ImageOptions, 'tag' | 'os' | 'architecture' | 'variant'> = {},
): Promise<WrittenIndex> {
  const docker = (opts.mediaType ?? 'docker') === 'docker';
  const images = await Promise.all(platforms.map((p) => buildImage({ ...opts, ...p })));
  for (const image of images) writeImageBlobs(layoutDir, image);
  const indexMediaType = docker ? MediaTypes.dockerList : MediaTypes.ociIndex;
  const indexJson = {
    schemaVersion: 2,
    mediaType: indexMediaType,
    manifests: images.map((img) => ({ mediaType: img.manifestMediaType, digest: img.manifestDigest, size: img.manifestSize, platform: img.platform })),
  };
  const index = Buffer.from(JSON.stringify(indexJson, null, 2));
  const indexDigest = sha256(index);
  writeBlob(layoutDir, indexDigest, index);
  tagInLayout(layoutDir, tag, { mediaType: indexMediaType, digest: indexDigest, size: index.length });
  if (docker) writeDirTransport(layoutDir, tag, index, images);
  return { tag, layoutDir, source: skopeoSource(layoutDir, tag), index, indexDigest, indexMediaType, images };
}

/** skopeo flags to reach `registry` as source ("src"), destination ("dest") or for inspect/delete/list-tags (""). */
export function skopeoFlags(registry: TestRegistry, side: 'src' | 'dest' | '', withCreds = true): string[] {
  const p = side ? `--${side}-` : '--';
  const flags = registry.tls && registry.certDir ? [`${p}cert-dir=${registry.certDir}`] : [`${p}tls-verify=false`];
  if (withCreds && registry.username !== undefined) flags.push(`${p}creds=${registry.username}:${registry.password ?? ''}`);
  return flags;
}

export interface PushOptions {
  /** Copy every image of an index (`--all`), keeping the index itself. Default true. */
  all?: boolean;
  extraArgs?: string[];
}

/**
 * `skopeo copy --preserve-digests SOURCE docker://HOST/REPO:TAG` (SOURCE from skopeoSource). skopeo 1.9 keeps the manifest bytes
 * (and so the digest) when the destination accepts the source's manifest type and layers are already gzip;
 * --preserve-digests makes it fail rather than silently convert. Throws with skopeo's stderr on failure.
 */
export async function pushWithSkopeo(layoutDir: string, tag: string, registry: TestRegistry, repoAndTag: string, opts: PushOptions = {}): Promise<RunResult> {
  const args = ['copy', '--quiet', '--preserve-digests', ...((opts.all ?? true) ? ['--all'] : []), ...skopeoFlags(registry, 'dest'), ...(opts.extraArgs ?? [])];
  args.push(skopeoSource(layoutDir, tag), `docker://${registry.host}/${repoAndTag}`);
  const r = await run('skopeo', args, { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`skopeo copy to ${registry.host}/${repoAndTag} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r;
}

/** `skopeo inspect --raw`: the manifest bytes exactly as the registry serves them (digest = sha256 of them). */
export async function inspectRawWithSkopeo(registry: TestRegistry, repoAndRef: string): Promise<Buffer> {
  const r = await run('skopeo', ['inspect', '--raw', ...skopeoFlags(registry, ''), `docker://${registry.host}/${repoAndRef}`], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`skopeo inspect --raw ${registry.host}/${repoAndRef} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return Buffer.from(r.stdout, 'utf8');
}
