// skopeo's `dir:` format: one image per folder, nothing named.
//   DIR/version                      "Directory Transport Version: 1.1\n"
//   DIR/manifest.json                the manifest (or index) as its bytes, so its digest holds
//   DIR/<hex>.manifest.json          each image of an index, by the hex of its digest
//   DIR/<hex>                        every blob (config, layers), by the hex of its digest
// Read as a layout is: only regular files directly in the folder are opened (a symlink, FIFO or device
// under a blob's name is refused unopened), small files are read with a cap, every digest is checked.
// Written crash-safe: blobs go to temp files renamed into place once verified, manifest.json is
// written last; then the files of the image that was there before are removed (skopeo empties the
// folder first, which a failed copy would leave empty).
import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ArchiveError, CancelledError, ManifestTooLargeError, NotFoundError } from '../errors';
import type { ImageLocation } from '../reference/transport';
import { maxManifestBytes } from '../registry/client';
import type { ImageDestination } from './copy-destination';
import type { ImageSource, ManifestBytes } from './copy-source';
import { manifestDigest, parseDigest, StreamVerifier, verifyBytes, verifyManifestBytes } from './digest';
import { maxConfigBytes } from './limits';
import { manifestMediaType } from './mediatypes';
import { MAX_SIGNATURE_BYTES } from '../signing/openpgp-verify';
import { MAX_LOOKASIDE_SIGNATURES } from '../signing/simple-store';

export const DIR_VERSION = 'Directory Transport Version: 1.1\n';
const MANIFEST = 'manifest.json';
const READ_FLAGS = fsc.O_RDONLY | (fsc.O_NOFOLLOW ?? 0) | (fsc.O_NONBLOCK ?? 0);
/** The files a dir: image is made of, which a new image written over it may remove. */
const OWN_FILE = /^(?:[0-9a-f]{32,128}(?:\.manifest\.json)?|(?:[0-9a-f]{32,128}\.)?signature-[0-9]+|manifest\.json)$/;

type DirLocation = Extract<ImageLocation, { transport: 'dir' }>;

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

function blobName(digest: string): string {
  return parseDigest(digest).encoded;
}

function manifestName(digest: string): string {
  return `${parseDigest(digest).encoded}.manifest.json`;
}

/** A regular file directly in the folder, opened; undefined when missing; anything else refused unopened. */
async function openRegular(dir: string, name: string, what: string): Promise<{ handle: FileHandle; size: number } | undefined> {
  const path = join(dir, name);
  try {
    const st = await fsp.lstat(path);
    if (!st.isFile())
      throw new ArchiveError(`${what} at ${path} is ${st.isSymbolicLink() ? 'a symlink' : 'not a regular file'}; a dir: image holds regular files only`, dir);
    const handle = await fsp.open(path, READ_FLAGS);
    const after = await handle.stat();
    if (!after.isFile() || after.ino !== st.ino) {
      await handle.close();
      throw new ArchiveError(`${what} at ${path} changed while being opened`, dir);
    }
    return { handle, size: after.size };
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
    if (code(err) === 'ELOOP') throw new ArchiveError(`${what} at ${path} was replaced by a symlink while being read`, dir);
    throw err;
  }
}

async function readCapped(dir: string, name: string, max: number, what: string): Promise<Buffer | undefined> {
  const file = await openRegular(dir, name, what);
  if (!file) return undefined;
  try {
    if (file.size > max) throw new ManifestTooLargeError(file.size, max, `${what} in ${dir}`);
    const buf = Buffer.alloc(file.size);
    let done = 0;
    while (done < file.size) {
      const { bytesRead } = await file.handle.read(buf, done, file.size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  } finally {
    await file.handle.close();
  }
}

export async function dirSource(loc: DirLocation): Promise<ImageSource> {
  let dir: string;
  try {
    dir = await fsp.realpath(loc.path);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') throw new NotFoundError(`no dir: image at ${loc.path} (the folder does not exist)`);
    throw err;
  }
  const readManifest = async (name: string, what: string): Promise<{ bytes: Buffer; mediaType: string }> => {
    const bytes = await readCapped(dir, name, maxManifestBytes, what);
    if (!bytes) throw new NotFoundError(`${what} is missing from ${loc.path} (no ${name})`);
    return { bytes, mediaType: manifestMediaType(bytes, undefined) };
  };
  return {
    name: loc.path,
    tag: undefined,
    async top() {
      const { bytes, mediaType } = await readManifest(MANIFEST, 'the manifest');
      return { bytes, mediaType, digest: manifestDigest(bytes, mediaType) };
    },
    async manifest(desc) {
      const { bytes, mediaType } = await readManifest(manifestName(desc.digest), `manifest ${desc.digest}`);
      verifyManifestBytes(bytes, mediaType, desc.digest, `manifest ${desc.digest} in ${loc.path}`);
      return { bytes, mediaType: desc.mediaType || mediaType, digest: desc.digest, descriptor: desc };
    },
    async openBlob(desc): Promise<Readable> {
      const file = await openRegular(dir, blobName(desc.digest), `blob ${desc.digest}`);
      if (!file) throw new NotFoundError(`blob ${desc.digest} is missing from ${loc.path}`);
      return file.handle.createReadStream({ highWaterMark: 1 << 20 });
    },
    async readBlob(desc) {
      const bytes = await readCapped(dir, blobName(desc.digest), maxConfigBytes, `blob ${desc.digest}`);
      if (!bytes) throw new NotFoundError(`blob ${desc.digest} is missing from ${loc.path}`);
      return bytes;
    },
    // signature-1, -2... until the first missing one, as containers/image reads them, with a lookaside store's bounds.
    async signatures(signal) {
      const out: Buffer[] = [];
      for (let n = 1; ; n++) {
        if (signal?.aborted) throw new CancelledError();
        if (n > MAX_LOOKASIDE_SIGNATURES) throw new ArchiveError(`${loc.path} holds more than ${MAX_LOOKASIDE_SIGNATURES} signatures`, loc.path);
        const sig = await readCapped(dir, `signature-${n}`, MAX_SIGNATURE_BYTES, `signature ${n}`);
        if (!sig) return out;
        out.push(sig);
      }
    },
  };
}

/** Writes `bytes` (or a stream) to a temp file in `dir` and renames it to `name` once verified. */
async function placeFile(
  dir: string,
  name: string,
  body: AsyncIterable<Uint8Array> | Uint8Array,
  verifier: StreamVerifier | undefined,
  signal?: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<void> {
  const tmp = join(dir, `.regx-tmp-${randomBytes(8).toString('hex')}`);
  let placed = false;
  try {
    const handle = await fsp.open(tmp, 'wx', 0o644);
    try {
      const chunks = body instanceof Uint8Array ? [body] : body;
      for await (const chunk of chunks) {
        if (signal?.aborted) throw new CancelledError();
        verifier?.update(chunk);
        await handle.write(chunk);
        onBytes?.(chunk.length);
      }
      verifier?.check();
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, join(dir, name));
    placed = true;
  } finally {
    if (!placed) await fsp.rm(tmp, { force: true });
  }
}

export async function dirDestination(loc: DirLocation): Promise<ImageDestination> {
  const dir = loc.path;
  let created: string | undefined;
  try {
    const st = await fsp.stat(dir);
    if (!st.isDirectory()) throw new ArchiveError(`${dir} is not a folder`, dir);
    const names = await fsp.readdir(dir);
    if (names.length > 0) {
      // skopeo's rule: a folder with other things in it is only overwritten when it is a dir: image.
      const version = await readCapped(dir, 'version', 1024, 'the version file');
      if (version?.toString('utf8') !== DIR_VERSION)
        throw new ArchiveError(`${dir} is not empty and is not a dir: image folder; refusing to overwrite it`, dir);
    }
  } catch (err) {
    if (code(err) !== 'ENOENT') throw err;
    created = await fsp.mkdir(dir, { recursive: true });
  }
  /** Names the new image is made of (kept when the old image's files are removed). */
  const keep = new Set<string>([MANIFEST, 'version']);
  /** Files this copy put in place that were not there before (removed again by discard). */
  const made = new Set<string>();
  const has = async (name: string, size?: number): Promise<boolean> => {
    try {
      const st = await fsp.lstat(join(dir, name));
      return st.isFile() && (size === undefined || size < 0 || st.size === size);
    } catch (err) {
      if (code(err) === 'ENOENT') return false;
      throw err;
    }
  };
  const place = async (
    name: string,
    body: AsyncIterable<Uint8Array> | Uint8Array,
    verifier: StreamVerifier | undefined,
    signal?: AbortSignal,
    onBytes?: (n: number) => void,
  ): Promise<void> => {
    const existed = await has(name);
    await placeFile(dir, name, body, verifier, signal, onBytes);
    keep.add(name);
    if (!existed) made.add(name);
  };
  const putManifest = async (m: ManifestBytes, name: string): Promise<void> => {
    verifyManifestBytes(m.bytes, m.mediaType, m.digest, `manifest ${m.digest}`);
    await place(name, m.bytes, undefined);
  };
  return {
    name: dir,
    reference: '',
    current: async () => undefined,
    hasBlob: async (desc) => {
      const name = blobName(desc.digest);
      const there = await has(name, desc.size);
      if (there) keep.add(name);
      return there;
    },
    writeBlob: async (desc, open, opts) => {
      const verifier = new StreamVerifier(desc.digest, desc.size >= 0 ? desc.size : undefined, `${opts.what}`);
      await place(blobName(desc.digest), await open(), verifier, opts.signal, opts.onBytes);
    },
    writeSmallBlob: async (desc, bytes, opts) => {
      verifyBytes(bytes, desc.digest, opts.what);
      await place(blobName(desc.digest), bytes, undefined);
      opts.onBytes?.(bytes.length);
    },
    putManifest: (m) => putManifest(m, manifestName(m.digest)),
    // As containers/image lays them out: signature-1, signature-2... next to manifest.json.
    putSignatures: async (signatures, signal) => {
      for (const [i, sig] of signatures.entries()) {
        if (signal?.aborted) throw new CancelledError();
        await place(`signature-${i + 1}`, sig, undefined);
      }
      return dir;
    },
    commit: async (m) => {
      await putManifest(m, MANIFEST);
      await placeFile(dir, 'version', Buffer.from(DIR_VERSION), undefined);
      // One image per folder: what the previous image left is taken away now that the new one is whole.
      for (const name of await fsp.readdir(dir)) {
        if (!keep.has(name) && OWN_FILE.test(name)) await fsp.rm(join(dir, name), { force: true });
      }
    },
    discard: async () => {
      try {
        for (const name of made) await fsp.rm(join(dir, name), { force: true });
        if (created !== undefined) await fsp.rmdir(dir);
      } catch {
        // Best effort: what is left is not named by any manifest.json.
      }
    },
  };
}
