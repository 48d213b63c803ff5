// `containers-storage:` and `docker-daemon:` for the copy engine. The engine's API is the only way in,
// so the store used is exactly the engine's own (engine.ts picks the socket, or starts podman with the
// location's storage settings). Images travel as the archives the engines read and write:
//   out: podman's `oci-archive` (Docker's `docker save` tar) is spooled to a private temp file, then
//        read by the archive readers, which bound and digest-verify every entry. Both engines write
//        the archive's index last, so it cannot be read as it streams; a file keeps memory bounded.
//   in:  the copy writes an oci-archive (docker-archive for Docker) to a private temp file with the
//        archive writers (every blob verified), which the engine then loads; podman gets the name
//        tagged on the loaded image ID, so nothing names the image before it is whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { NotFoundError, RegxError, UsageError } from '../errors';
import { formatReference, withDefaultTag } from '../reference/reference';
import { formatImageLocation } from '../reference/transport';
import type { ImageLocation } from '../reference/transport';
import type { ImageDestination } from '../image/copy-destination';
import type { ImageSource } from '../image/copy-source';
import { dockerArchiveDestination, dockerArchiveSource } from '../image/docker-archive';
import { ociArchiveDestination, ociArchiveSource } from '../image/oci-archive';
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
}

function connectFor(loc: LocalLocation, opts: LocalTransportOptions): Promise<LocalEngine> {
  if (loc.transport === 'docker-daemon') return connectLocalEngine({ kind: 'docker', env: opts.env, signal: opts.signal });
  return connectLocalEngine({ kind: 'podman', storage: loc.storage, env: opts.env, podmanPath: opts.podmanPath, signal: opts.signal });
}

/** What the engine is asked for: the image ID when the location gives one (or a prefix the store has), else the full name. */
async function engineName(engine: LocalEngine, loc: LocalLocation): Promise<string> {
  if (loc.id) return loc.id;
  if (loc.transport === 'containers-storage' && loc.maybeId && !loc.id) {
    const found = await engine.inspectImage(loc.maybeId).catch(() => undefined);
    if (found && found.id.replace(/^sha256:/, '').startsWith(loc.maybeId)) return found.id.replace(/^sha256:/, '');
  }
  return formatReference(loc.ref as NonNullable<LocalLocation['ref']>);
}

async function privateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'regx-local-'));
}

export async function localSource(loc: LocalLocation, opts: LocalTransportOptions = {}): Promise<ImageSource> {
  const engine = await connectFor(loc, opts);
  let dir: string | undefined;
  try {
    const name = await engineName(engine, loc);
    dir = await privateDir();
    const file = join(dir, 'image.tar');
    const notFound = (err: unknown): never => {
      if (err instanceof RegxError && err.reason === 'not-found') throw new NotFoundError(`${formatImageLocation(loc)}: no such image in ${engine.engine}'s store (${err.serverMessage ?? err.message})`);
      throw err;
    };
    // podman writes an image into the other archive format by converting its manifest, which rewrites
    // the config (a new config digest): each image leaves in the format of the manifest podman keeps.
    const kept = engine.kind === 'podman' ? (await engine.inspectImage(name).catch(notFound)).manifestMediaType : undefined;
    const oci = engine.kind === 'podman' && (kept === undefined || /^application\/vnd\.oci\./.test(kept));
    const body = await engine.exportImage(name, oci ? 'oci-archive' : 'docker-archive', opts.signal).catch(notFound);
    await pipeline(body, createWriteStream(file, { mode: 0o600 }), { signal: opts.signal });
    const inner = oci ? await ociArchiveSource({ transport: 'oci-archive', path: file }) : await dockerArchiveSource({ transport: 'docker-archive', path: file });
    const spool = dir;
    return {
      ...inner,
      name: formatImageLocation(loc),
      tag: loc.ref?.tag,
      close: async () => {
        await inner.close?.();
        await rm(spool, { recursive: true, force: true });
        await engine.close();
      },
    };
  } catch (err) {
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
          throw new RegxError('unsupported', `${m.digest} is a ${m.mediaType} manifest; podman loads images through an OCI archive, which holds OCI manifests only: let the copy convert it (digests not kept)`);
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
