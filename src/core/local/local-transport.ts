// `containers-storage:` and `docker-daemon:` for the copy engine. The engine's API is the only way in,
// so the store used is exactly the engine's own (engine.ts picks the socket, or starts podman with the
// location's storage settings). Images travel as the archives the engines read and write:
//   out: the engine's `docker save` tar (podman's docker-archive) is spooled to a private temp file,
//        then read by the archive reader, which bounds and digest-verifies every entry. The engines
//        write the archive's index last, so it cannot be read as it streams; a file keeps memory
//        bounded, and the file itself is capped by the image's size as the engine counts it
//        (exportLimit), so a socket that streams without end cannot fill the disk. It is removed
//        whatever happens: a failed or cancelled export, a refused archive, or the copy's close().
//        docker-archive, not oci-archive: podman writes it uncompressed (its oci-archive
//        re-gzips every layer on one core, most of a push's time) and keeps the config bytes either
//        way (its OCI conversion of a Docker image rewrites the config). An image podman keeps as OCI
//        is handed on as OCI again: same config, same uncompressed layers, OCI media types.
//   in:  the copy writes an oci-archive (docker-archive for Docker) to a private temp file with the
//        archive writers (every blob verified), which the engine then loads; podman gets the name
//        tagged on the loaded image ID, so nothing names the image before it is whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArchiveTooLargeError, NotFoundError, RegxError, UsageError } from '../errors';
import { formatReference, withDefaultTag } from '../reference/reference';
import { formatImageLocation } from '../reference/transport';
import type { ImageLocation } from '../reference/transport';
import type { ImageDestination } from '../image/copy-destination';
import type { ImageSource, ManifestBytes } from '../image/copy-source';
import { digestOf } from '../image/digest';
import { MediaType } from '../image/mediatypes';
import type { Descriptor } from '../image/mediatypes';
import { dockerArchiveDestination, dockerArchiveSource } from '../image/docker-archive';
import { ociArchiveDestination } from '../image/oci-archive';
import { connectLocalEngine } from './engine';
import type { LocalEngine } from './engine';

export type LocalLocation = Extract<ImageLocation, { transport: 'containers-storage' | 'docker-daemon' }>;

export function isLocalLocation(loc: ImageLocation): loc is LocalLocation {
  return loc.transport === 'containers-storage' || loc.transport === 'docker-daemon';
}

/** Settings the caller may give: another environment (tests), a podman binary, a socket. */
export interface LocalTransportOptions {
  env?: NodeJS.ProcessEnv;
  podmanPath?: string;
  signal?: AbortSignal;
  /** The most bytes an export may spool (default: exportLimit of the image's size). */
  maxExportBytes?: number;
  /** A connection to the location's engine already under way (see CopyOptions.sourceEngine), used instead of a new one. */
  engine?: Promise<LocalEngine>;
}

/** Room beyond the layers' bytes: tar headers and padding, the config, manifest.json, legacy `<id>/json` files. */
const exportSlack = 64 * 1024 * 1024;
/** When the engine gives no size: large enough for any real image, still a bound. */
export const unknownSizeExportLimit = 256 * 1024 ** 3;

/**
 * The most an engine's export of an image may write to the spool. The archive holds the layers
 * uncompressed, which is what podman and Docker count as the image's size; twice that (engines count
 * shared or compressed content differently) plus room for the archive's own files.
 */
export function exportLimit(imageSize: number): number {
  return Number.isSafeInteger(imageSize) && imageSize > 0 ? imageSize * 2 + exportSlack : unknownSizeExportLimit;
}

/** Passes bytes through until more than `limit` have come, then fails with ArchiveTooLargeError. */
function capped(limit: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new ArchiveTooLargeError(what, limit));
      else done(null, chunk);
    },
  });
}

export function connectFor(loc: LocalLocation, opts: LocalTransportOptions): Promise<LocalEngine> {
  if (loc.transport === 'docker-daemon') return connectLocalEngine({ kind: 'docker', env: opts.env, signal: opts.signal });
  return connectLocalEngine({ kind: 'podman', storage: loc.storage, env: opts.env, podmanPath: opts.podmanPath, signal: opts.signal });
}

/** What the engine is asked for: the image ID when the location gives one (or a prefix the store has), else the full name. */
export async function engineName(engine: LocalEngine, loc: LocalLocation): Promise<string> {
  if (loc.id) return loc.id;
  if (loc.transport === 'containers-storage' && loc.maybeId && !loc.id) {
    const found = await engine.inspectImage(loc.maybeId).catch(() => undefined);
    if (found && found.id.replace(/^sha256:/, '').startsWith(loc.maybeId)) return found.id.replace(/^sha256:/, '');
  }
  return formatReference(loc.ref as NonNullable<LocalLocation['ref']>);
}

/** The same image with OCI media types: the bytes of config and layers (so every blob digest) unchanged. */
function asOciManifest(m: ManifestBytes): ManifestBytes {
  const parsed = JSON.parse(m.bytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  const layerType = (t: string): string => (t === MediaType.dockerLayerGzip ? MediaType.ociLayerGzip : MediaType.ociLayer);
  const body = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { ...parsed.config, mediaType: MediaType.ociConfig },
    layers: parsed.layers.map((l) => ({ ...l, mediaType: layerType(l.mediaType) })),
  };
  const bytes = Buffer.from(JSON.stringify(body));
  return { bytes, mediaType: MediaType.ociManifest, digest: digestOf(bytes) };
}

async function privateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'regx-local-'));
}

export async function localSource(loc: LocalLocation, opts: LocalTransportOptions = {}): Promise<ImageSource> {
  const engine = await (opts.engine ?? connectFor(loc, opts));
  let dir: string | undefined;
  let inner: ImageSource | undefined;
  try {
    const name = await engineName(engine, loc);
    dir = await privateDir();
    const file = join(dir, 'image.tar');
    const notFound = (err: unknown): never => {
      if (err instanceof RegxError && err.reason === 'not-found')
        throw new NotFoundError(`${formatImageLocation(loc)}: no such image in ${engine.engine}'s store (${err.serverMessage ?? err.message})`);
      throw err;
    };
    const details = await engine.inspectImage(name).catch(notFound);
    const oci = engine.kind === 'podman' && details.manifestMediaType !== undefined && /^application\/vnd\.oci\./.test(details.manifestMediaType);
    const limit = opts.maxExportBytes ?? exportLimit(details.size);
    const body = await engine.exportImage(name, 'docker-archive', opts.signal).catch(notFound);
    await pipeline(body, capped(limit, `${engine.engine}'s export of ${formatImageLocation(loc)}`), createWriteStream(file, { mode: 0o600 }), {
      signal: opts.signal,
    });
    const archive = await dockerArchiveSource({ transport: 'docker-archive', path: file });
    inner = archive;
    const spool = dir;
    const top = oci ? asOciManifest(await archive.top(opts.signal)) : undefined;
    return {
      ...archive,
      ...(top
        ? {
            top: async () => top,
            manifest: async (desc) => {
              if (desc.digest !== top.digest) throw new NotFoundError(`manifest ${desc.digest} is not in ${formatImageLocation(loc)}`);
              return { ...top, descriptor: desc };
            },
          }
        : {}),
      name: formatImageLocation(loc),
      tag: loc.ref?.tag,
      close: async () => {
        await archive.close?.();
        await rm(spool, { recursive: true, force: true });
        await engine.close();
      },
    };
  } catch (err) {
    await inner?.close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
    await engine.close();
    throw err;
  }
}

export async function localDestination(loc: LocalLocation, opts: LocalTransportOptions = {}): Promise<ImageDestination> {
  const where = formatImageLocation(loc);
  if (!loc.ref) throw new UsageError(`${where}: a destination needs a name (REPOSITORY[:TAG]), not an image ID`);
  if (loc.ref.digest) throw new UsageError(`${where}: a destination is named by tag, not by digest`);
  const name = formatReference(withDefaultTag(loc.ref));
  const engine = await connectFor(loc, opts);
  const podman = engine.kind === 'podman';
  let dir: string | undefined;
  try {
    dir = await privateDir();
    const file = join(dir, 'image.tar');
    const inner = podman
      ? await ociArchiveDestination({ transport: 'oci-archive', path: file }, name)
      : await dockerArchiveDestination({ transport: 'docker-archive', path: file, ref: withDefaultTag(loc.ref) });
    const spool = dir;
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await rm(spool, { recursive: true, force: true });
      await engine.close();
    };
    return {
      ...inner,
      name: where,
      reference: name,
      // podman keeps the manifest it loaded and reports its digest: a copy of the same image is a no-op.
      current: async () => (podman ? (await engine.inspectImage(name).catch(() => undefined))?.manifestDigest : undefined),
      commit: async (m, signal) => {
        if (podman && !/^application\/vnd\.oci\./.test(m.mediaType)) {
          throw new RegxError(
            'unsupported',
            `${m.digest} is a ${m.mediaType} manifest; podman loads images through an OCI archive, which holds OCI manifests only: let the copy convert it (digests not kept)`,
          );
        }
        const stored = await inner.commit(m, signal);
        await engine.loadImage(createReadStream(file), signal);
        if (podman) {
          // The loaded image is tagged by its ID (the config digest), whatever name podman gave it.
          const config = (JSON.parse(m.bytes.toString('utf8')) as { config?: { digest?: string } }).config?.digest;
          if (!config) throw new RegxError('manifest-invalid', `${m.digest} has no config: not an image ${engine.engine} can store`);
          await engine.tagImage(config.replace(/^sha256:/, ''), name);
        }
        await close();
        return stored;
      },
      discard: async () => {
        await inner.discard();
        await close();
      },
      close,
    };
  } catch (err) {
    if (dir) await rm(dir, { recursive: true, force: true });
    await engine.close();
    throw err;
  }
}
