// `docker-archive:FILE[:REFERENCE|:@N]`: the `docker save` / `podman save` format.
//   manifest.json        [{"Config": "<hex>.json", "RepoTags": ["docker.io/foo/bar:v1"], "Layers": ["<hex>.tar", ...]}, ...]
//   <hex>.json           an image config
//   <hex>.tar            a layer, uncompressed, named by its diff_id
// An archive stores no image manifest: reading one builds a Docker schema 2 manifest from the config
// and the layer files. Its layers are uncompressed and say so (`rootfs.diff.tar`; skopeo labels them
// gzip although they are not), so the copy engine compresses them for a registry or an OCI layout,
// and the pushed image gets new layer and manifest digests. Writing decompresses layers on the way in
// (an archive holds them uncompressed) and checks them against the config's diff_ids.
// Read in place through tar.ts. Symlinks are allowed because skopeo and docker write the legacy
// `<id>/layer.tar -> ../<hex>.tar` links, but only ever resolved inside the archive; nothing is extracted.
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { ArchiveError, DigestMismatchError, ManifestInvalidError, NotFoundError, RegxError, UsageError } from '../errors';
import { formatReference, parseNormalizedReference, withDefaultTag } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { ImageLocation } from '../reference/transport';
import type { ImageDestination } from './copy-destination';
import type { ImageSource, ManifestBytes } from './copy-source';
import { digestOf, isSupportedDigest, parseDigest, StreamVerifier, verifiedChunks, verifyBytes } from './digest';
import { maxConfigBytes } from './limits';
import { isIndexMediaType, MediaType } from './mediatypes';
import type { Descriptor } from './mediatypes';
import { checkArchiveTarget } from './oci-archive';
import { TarArchive, TarWriter } from './tar';
import type { TarEntry } from './tar';

type DockerArchiveLocation = Extract<ImageLocation, { transport: 'docker-archive' }>;

/** An uncompressed layer in a Docker schema 2 manifest. */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const maxArchiveManifestBytes = 16 * 1024 * 1024;

export interface ArchiveItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function isItem(value: unknown): value is ArchiveItem {
  const v = value as Partial<ArchiveItem> | null;
  const strings = (a: unknown): boolean => Array.isArray(a) && a.every((s) => typeof s === 'string');
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.Config === 'string' &&
    (v.RepoTags === undefined || v.RepoTags === null || strings(v.RepoTags)) &&
    strings(v.Layers)
  );
}

async function readItems(tar: TarArchive, what: string): Promise<ArchiveItem[]> {
  const entry = tar.file('manifest.json');
  if (!entry) throw new ArchiveError(`${what} is not a docker-archive (manifest.json is missing)`, tar.path);
  let parsed: unknown;
  try {
    parsed = JSON.parse((await tar.read(entry, maxArchiveManifestBytes, 'manifest.json')).toString('utf8'));
  } catch (err) {
    if (err instanceof RegxError) throw err;
    throw new ArchiveError(`manifest.json in ${what} is not JSON`, tar.path);
  }
  if (!Array.isArray(parsed) || !parsed.every(isItem)) throw new ArchiveError(`manifest.json in ${what} is not a list of {Config, RepoTags, Layers}`, tar.path);
  return parsed.map((i: ArchiveItem) => ({ Config: i.Config, RepoTags: i.RepoTags ?? [], Layers: i.Layers }));
}

function sameTag(repoTag: string, wanted: string): boolean {
  try {
    return formatReference(withDefaultTag(parseNormalizedReference(repoTag))) === wanted;
  } catch {
    return false;
  }
}

/** The manifest an archived image is read back with: built from its config and uncompressed layers. */
export function archiveManifest(config: { digest: string; size: number }, layers: Array<{ digest: string; size: number; mediaType?: string }>): ManifestBytes {
  const body = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: l.mediaType ?? DOCKER_LAYER_TAR, size: l.size, digest: l.digest })),
  };
  const bytes = Buffer.from(JSON.stringify(body));
  return { bytes, mediaType: MediaType.dockerManifest, digest: digestOf(bytes) };
}

function diffIdsOf(config: Buffer, what: string): string[] {
  let ids: unknown;
  try {
    ids = (JSON.parse(config.toString('utf8')) as { rootfs?: { diff_ids?: unknown } } | null)?.rootfs?.diff_ids;
  } catch {
    throw new ManifestInvalidError(`the image config in ${what} is not JSON`);
  }
  if (!Array.isArray(ids) || !ids.every(isSupportedDigest)) throw new ManifestInvalidError(`the image config in ${what} has no valid rootfs.diff_ids`);
  return ids as string[];
}

async function sniff(tar: TarArchive, entry: TarEntry): Promise<'gzip' | 'zstd' | 'none'> {
  if (entry.size < 4) return 'none';
  const head = await tar.read({ ...entry, size: 4 }, 4, 'layer');
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

async function hashEntry(tar: TarArchive, entry: TarEntry): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of tar.stream(entry)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Every RepoTags entry of every image in the archive (skopeo's `list-tags docker-archive:`). */
export async function dockerArchiveTags(path: string): Promise<string[]> {
  const tar = await TarArchive.open(path, { what: `docker-archive ${path}`, allowSymlinks: true });
  try {
    return (await readItems(tar, `docker-archive ${path}`)).flatMap((i) => i.RepoTags);
  } finally {
    await tar.close();
  }
}

export async function dockerArchiveSource(loc: DockerArchiveLocation): Promise<ImageSource> {
  const what = `docker-archive ${loc.path}`;
  const tar = await TarArchive.open(loc.path, { what, allowSymlinks: true });
  try {
    const items = await readItems(tar, what);
    let item: ArchiveItem | undefined;
    let tag: string | undefined;
    if (loc.sourceIndex !== undefined) {
      item = items[loc.sourceIndex];
      if (!item) throw new NotFoundError(`${what} has ${items.length} images; there is no @${loc.sourceIndex}`);
    } else if (loc.ref) {
      const wanted = formatReference(loc.ref);
      item = items.find((i) => i.RepoTags.some((t) => sameTag(t, wanted)));
      if (!item) throw new NotFoundError(`no image tagged ${wanted} in ${what}`);
      tag = loc.ref.tag;
    } else {
      if (items.length === 0) throw new NotFoundError(`no image in ${what}`);
      if (items.length > 1) throw new ArchiveError(`${what} holds ${items.length} images: pick one with docker-archive:${loc.path}:REFERENCE or :@N`, loc.path);
      item = items[0] as ArchiveItem;
    }
    if (tag === undefined && item.RepoTags[0]) {
      try {
        tag = withDefaultTag(parseNormalizedReference(item.RepoTags[0])).tag;
      } catch {
        // An untagged or oddly tagged image: the destination names it.
      }
    }
    const configEntry = tar.file(item.Config);
    if (!configEntry) throw new ArchiveError(`${what}: the config ${JSON.stringify(item.Config)} is not a file in the archive`, loc.path);
    const configBytes = await tar.read(configEntry, maxConfigBytes, 'config');
    const config = { digest: digestOf(configBytes), size: configBytes.length };
    const diffIds = diffIdsOf(configBytes, what);
    if (diffIds.length !== item.Layers.length)
      throw new ManifestInvalidError(`the image in ${what} lists ${item.Layers.length} layers and its config ${diffIds.length} diff_ids`);
    const blobs = new Map<string, TarEntry>();
    const layers: Array<{ digest: string; size: number; mediaType?: string }> = [];
    for (const [i, name] of item.Layers.entries()) {
      const entry = tar.file(name);
      if (!entry) throw new ArchiveError(`${what}: the layer ${JSON.stringify(name)} is not a file in the archive`, loc.path);
      const kind = await sniff(tar, entry);
      let layer: { digest: string; size: number; mediaType?: string };
      if (kind === 'none') layer = { digest: diffIds[i] as string, size: entry.size };
      else if (kind === 'gzip') layer = { digest: await hashEntry(tar, entry), size: entry.size, mediaType: MediaType.dockerLayerGzip };
      else throw new RegxError('unsupported', `${what}: the layer ${name} is zstd-compressed, which a Docker schema 2 image cannot describe`);
      layers.push(layer);
      blobs.set(layer.digest, entry);
    }
    const manifest = archiveManifest(config, layers);
    const blob = (desc: Descriptor): TarEntry => {
      const entry = blobs.get(desc.digest);
      if (!entry) throw new NotFoundError(`blob ${desc.digest} is not in ${what}`);
      return entry;
    };
    return {
      name: loc.path,
      tag,
      top: async () => manifest,
      manifest: async (desc) => {
        if (desc.digest !== manifest.digest) throw new NotFoundError(`manifest ${desc.digest} is not in ${what}`);
        return { ...manifest, descriptor: desc };
      },
      openBlob: async (desc) => (desc.digest === config.digest ? Readable.from([configBytes]) : tar.stream(blob(desc))),
      readBlob: async (desc) => (desc.digest === config.digest ? configBytes : tar.read(blob(desc), maxConfigBytes, `blob ${desc.digest}`)),
      close: () => tar.close(),
    };
  } catch (err) {
    await tar.close();
    throw err;
  }
}

const CONFIG_TYPES: readonly string[] = [MediaType.dockerConfig, MediaType.ociConfig];

/** A marker: the layer's uncompressed content is in the archive already, under the same diff_id. */
class AlreadyWritten extends Error {}

/** The layer's bytes uncompressed, whatever compression they came in (told from their first bytes). */
async function* uncompressed(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 4) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, r.value]);
  }
  const rest = async function* rest(): AsyncGenerator<Uint8Array> {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  let decoder: Transform | undefined;
  if (head[0] === 0x1f && head[1] === 0x8b) decoder = zlib.createGunzip();
  else if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    const z = zlib as unknown as { createZstdDecompress?: () => Transform };
    if (!z.createZstdDecompress) throw new RegxError('unsupported', `a zstd-compressed layer cannot be decompressed by this Node.js (${process.version})`);
    decoder = z.createZstdDecompress();
  }
  if (!decoder) {
    yield* rest();
    return;
  }
  yield* pipeline(Readable.from(rest()), decoder, () => undefined) as AsyncIterable<Uint8Array>;
}

export async function dockerArchiveDestination(loc: DockerArchiveLocation, additionalTags: readonly ImageReference[] = []): Promise<ImageDestination> {
  if (loc.sourceIndex !== undefined)
    throw new UsageError(
      `docker-archive:${loc.path}:@${loc.sourceIndex} names a source image by position; a destination takes docker-archive:${loc.path}[:REFERENCE]`,
    );
  const target = await checkArchiveTarget(loc.path, 'docker-archive');
  // As skopeo: an archive is written whole, never added to or silently replaced.
  if (target.exists && target.size > 0)
    throw new ArchiveError(`${loc.path} already exists: a docker-archive is written whole, and an existing one is not modified`, loc.path);
  const tar = await TarWriter.create(loc.path);
  const configs = new Map<string, Buffer>();
  /** Blob digest -> the layer file it was written as. */
  const layers = new Map<string, { name: string; diffId: string; size: number }>();
  const names = new Set<string>();

  const addConfig = async (desc: Descriptor, bytes: Buffer, label: string): Promise<void> => {
    verifyBytes(bytes, desc.digest, label);
    if (configs.has(desc.digest)) return;
    configs.set(desc.digest, bytes);
    await tar.addFile(`${parseDigest(desc.digest).encoded}.json`, bytes);
  };
  const addLayer = async (
    desc: Descriptor,
    open: () => Promise<AsyncIterable<Uint8Array>>,
    label: string,
    signal?: AbortSignal,
    onBytes?: (n: number) => void,
  ): Promise<void> => {
    const hash = createHash('sha256');
    let diffId = '';
    try {
      const { size } = await tar.addStream(
        async () => {
          const verifier = new StreamVerifier(desc.digest, desc.size >= 0 ? desc.size : undefined, label);
          const counted = async function* counted(): AsyncGenerator<Uint8Array> {
            for await (const chunk of verifiedChunks(await open(), verifier)) {
              onBytes?.(chunk.length);
              yield chunk;
            }
          };
          return (async function* hashed() {
            for await (const chunk of uncompressed(counted())) {
              hash.update(chunk);
              yield chunk;
            }
          })();
        },
        () => {
          diffId = `sha256:${hash.digest('hex')}`;
          const name = `${parseDigest(diffId).encoded}.tar`;
          if (names.has(name)) throw new AlreadyWritten();
          names.add(name);
          return name;
        },
        signal,
      );
      layers.set(desc.digest, { name: `${parseDigest(diffId).encoded}.tar`, diffId, size });
    } catch (err) {
      if (!(err instanceof AlreadyWritten)) throw err;
      layers.set(desc.digest, { name: `${parseDigest(diffId).encoded}.tar`, diffId, size: -1 });
    }
  };
  return {
    name: loc.path,
    reference: loc.ref ? formatReference(loc.ref) : '',
    current: async () => undefined,
    hasBlob: async (desc) => configs.has(desc.digest) || layers.has(desc.digest),
    writeBlob: async (desc, open, opts) => {
      if (CONFIG_TYPES.includes(desc.mediaType)) {
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of await open()) {
          total += chunk.length;
          if (total > maxConfigBytes) throw new RegxError('too-large', `${opts.what} is more than ${maxConfigBytes} bytes`);
          chunks.push(Buffer.from(chunk));
        }
        await addConfig(desc, Buffer.concat(chunks), opts.what);
        opts.onBytes?.(total);
      } else await addLayer(desc, open, opts.what, opts.signal, opts.onBytes);
    },
    writeSmallBlob: async (desc, bytes, opts) => {
      if (CONFIG_TYPES.includes(desc.mediaType)) {
        await addConfig(desc, bytes, opts.what);
        opts.onBytes?.(bytes.length);
      } else await addLayer(desc, async () => Readable.from([bytes]), opts.what, opts.signal, opts.onBytes);
    },
    putManifest: async (m) => {
      throw new RegxError('unsupported', `a docker-archive holds single images, not the index ${m.digest}`);
    },
    commit: async (m) => {
      if (isIndexMediaType(m.mediaType))
        throw new RegxError('unsupported', `a docker-archive holds single images, not an index (${m.digest}); pick one image of it`);
      const parsed = JSON.parse(m.bytes.toString('utf8')) as { config?: Descriptor; layers?: Descriptor[] };
      const configBytes = parsed.config && configs.get(parsed.config.digest);
      if (!parsed.config || !configBytes || !CONFIG_TYPES.includes(parsed.config.mediaType)) {
        throw new RegxError(
          'unsupported',
          `${m.digest} is not a container image (its config is ${JSON.stringify(parsed.config?.mediaType ?? 'missing')}); a docker-archive holds images only`,
        );
      }
      const written = (parsed.layers ?? []).map((l) => {
        const w = layers.get(l.digest);
        if (!w) throw new ManifestInvalidError(`layer ${l.digest} of ${m.digest} was not written to the archive`);
        return w;
      });
      const diffIds = diffIdsOf(configBytes, `image ${m.digest}`);
      if (diffIds.length !== written.length)
        throw new ManifestInvalidError(`image ${m.digest} has ${written.length} layers and its config ${diffIds.length} diff_ids`);
      for (const [i, w] of written.entries()) {
        if (w.diffId !== diffIds[i])
          throw new DigestMismatchError(diffIds[i] as string, w.diffId, `layer ${i + 1} of ${m.digest} uncompressed (the config's diff_id)`);
      }
      const repoTags = [...new Set([...(loc.ref ? [loc.ref] : []), ...additionalTags].map((r) => formatReference(withDefaultTag(r))))];
      const configName = `${parseDigest(parsed.config.digest).encoded}.json`;
      const items: ArchiveItem[] = [{ Config: configName, RepoTags: repoTags, Layers: written.map((w) => w.name) }];
      await tar.addFile('manifest.json', Buffer.from(JSON.stringify(items)));
      await tar.finish();
      const sizes = new Map(written.filter((w) => w.size >= 0).map((w) => [w.diffId, w.size]));
      return archiveManifest(
        { digest: parsed.config.digest, size: configBytes.length },
        written.map((w) => ({ digest: w.diffId, size: sizes.get(w.diffId) ?? w.size })),
      );
    },
    discard: () => tar.abort(),
  };
}
