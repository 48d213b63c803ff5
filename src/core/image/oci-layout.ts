// OCI image layout folders (image-spec image-layout.md), read and written the way containers/image's
// `oci:` transport does, so skopeo, umoci and podman read what we write and we read what they write:
//   DIR/oci-layout             {"imageLayoutVersion":"1.0.0"}
//   DIR/index.json             an image index; entries named by `org.opencontainers.image.ref.name`
//   DIR/blobs/<alg>/<encoded>  content, by digest
// Writes are crash-safe: every blob goes to a temp file, is digest-checked, then renamed into place,
// and index.json is replaced atomically and last, so a folder never names an image it does not hold.
// A layout is as untrusted as a registry: only regular files that resolve inside the folder are read
// (a symlink out of it, a FIFO or a device is refused before it is read), files read whole are
// capped, and nothing is written through a blobs/ folder that leads outside.
import { randomBytes } from 'node:crypto';
// fs.promises rather than node:fs/promises: loaded on first use, not at every regx start.
import { constants as fsc, promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { CancelledError, ManifestTooLargeError, NotFoundError, OciLayoutError } from '../errors';
import { isDescriptor } from './manifest-walk';
import type { Descriptor } from './mediatypes';
import { parseDigest, StreamVerifier, verifyBytes } from './digest';
import { maxLayoutIndexBytes, maxLayoutMarkerBytes } from './limits';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const LAYOUT_FILE = 'oci-layout';
const INDEX_FILE = 'index.json';
const LAYOUT_VERSION = '1.0.0';
// O_NOFOLLOW: a file swapped for a symlink after it was checked fails to open. O_NONBLOCK: opening a
// FIFO can never wait for a writer. Neither exists on Windows, where the checks before opening remain.
const READ_FLAGS = fsc.O_RDONLY | (fsc.O_NOFOLLOW ?? 0) | (fsc.O_NONBLOCK ?? 0);

export interface OciIndexFile {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

function isMissing(err: unknown): boolean {
  const code = errCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function tempName(): string {
  return `.regx-tmp-${randomBytes(8).toString('hex')}`;
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function writeFileAtomically(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dir, tempName());
  try {
    // 'wx' is O_EXCL: a symlink planted under the temp name is never followed.
    const handle = await fsp.open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, join(dir, name));
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Reads at most `max` bytes of an open file; `tooLarge` when there are more (a file growing after fstat included). */
async function readBounded(handle: FileHandle, size: number, max: number, tooLarge: (size: number) => Error): Promise<Buffer> {
  if (size > max) throw tooLarge(size);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(1 << 20, max + 1 - total);
    const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > max) throw tooLarge(total);
  }
  return Buffer.concat(chunks, total);
}

export class OciLayout {
  /** Set when this object made the layout (there was no `oci-layout`): a failed copy may undo it. */
  private isNew = false;
  /** Folders this object created, in creation order. */
  private readonly madeDirs: string[] = [];
  /** Files this object put in place (blobs, `oci-layout`). */
  private readonly madeFiles = new Set<string>();

  private constructor(
    readonly dir: string,
    /** The folder with every symlink resolved: what "inside the layout" means. */
    private readonly root: string,
  ) {}

  /** An existing layout to read from: `oci-layout` and `index.json` must be there. */
  static async open(dir: string): Promise<OciLayout> {
    let root: string;
    try {
      root = await fsp.realpath(dir);
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(`no OCI image layout at ${dir} (the folder does not exist)`);
      throw err;
    }
    const layout = new OciLayout(dir, root);
    await layout.checkMarker(false);
    return layout;
  }

  /** A layout to write into: created when missing; an existing one keeps its other images. */
  static async create(dir: string): Promise<OciLayout> {
    let first: string | undefined;
    try {
      first = await fsp.mkdir(dir, { recursive: true });
    } catch (err) {
      if (errCode(err) === 'EEXIST' || errCode(err) === 'ENOTDIR') throw new OciLayoutError(`${dir} is not a folder`, dir);
      throw err;
    }
    const layout = new OciLayout(dir, await fsp.realpath(dir));
    if (first !== undefined) {
      // mkdir -p made `first` and everything below it down to `dir`: all of it is ours to remove.
      const chain: string[] = [];
      for (let d = resolve(dir); ; d = dirname(d)) {
        chain.unshift(d);
        if (d === resolve(first) || dirname(d) === d) break;
      }
      layout.madeDirs.push(...chain);
    }
    try {
      await layout.ensureDir(join(dir, 'blobs'));
      if (!(await layout.checkMarker(true))) {
        await writeFileAtomically(dir, LAYOUT_FILE, Buffer.from(JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })));
        layout.isNew = true;
        layout.madeFiles.add(join(dir, LAYOUT_FILE));
      }
    } catch (err) {
      layout.isNew = true;
      await layout.discard();
      throw err;
    }
    return layout;
  }

  /** Checks `oci-layout`; false when it is missing and `missingOk`. */
  private async checkMarker(missingOk: boolean): Promise<boolean> {
    const path = join(this.dir, LAYOUT_FILE);
    const text = await this.readWhole(path, maxLayoutMarkerBytes, LAYOUT_FILE);
    if (text === undefined) {
      if (missingOk) return false;
      throw new NotFoundError(`no OCI image layout at ${this.dir} (${LAYOUT_FILE} is missing)`);
    }
    let version: unknown;
    try {
      version = (JSON.parse(text.toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      throw new OciLayoutError(`${path} is not JSON`, this.dir);
    }
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new OciLayoutError(`unsupported OCI layout version ${JSON.stringify(version)} in ${this.dir}`, this.dir);
    }
    return true;
  }

  /** `path` with symlinks resolved, refused unless it stays inside the layout; undefined when missing. */
  private async resolveInside(path: string, what: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await fsp.realpath(path);
    } catch (err) {
      if (isMissing(err)) return undefined;
      if (errCode(err) === 'ELOOP') throw new OciLayoutError(`${what} at ${path} is a symlink loop`, this.dir);
      throw err;
    }
    if (!isWithin(this.root, real)) throw new OciLayoutError(`${what} at ${path} leads outside the OCI layout ${this.dir} (to ${real})`, this.dir);
    return real;
  }

  /** A regular file inside the layout, opened for reading; undefined when missing. Anything else is refused unopened. */
  private async openInside(path: string, what: string): Promise<{ handle: FileHandle; size: number } | undefined> {
    const real = await this.resolveInside(path, what);
    if (real === undefined) return undefined;
    const notRegular = (st: Stats): OciLayoutError => new OciLayoutError(`${what} at ${path} is ${kindOf(st)}, not a regular file`, this.dir);
    let handle: FileHandle;
    try {
      // A device or FIFO is refused before it is opened: opening some devices already does something.
      const st = await fsp.lstat(real);
      if (!st.isFile()) throw notRegular(st);
      handle = await fsp.open(real, READ_FLAGS);
    } catch (err) {
      if (isMissing(err)) return undefined;
      if (errCode(err) === 'ELOOP') throw new OciLayoutError(`${what} at ${path} was replaced by a symlink while being read`, this.dir);
      throw err;
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw notRegular(st);
      return { handle, size: st.size };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** A file inside the layout read whole, at most `max` bytes; undefined when missing. */
  private async readWhole(path: string, max: number, what: string): Promise<Buffer | undefined> {
    const file = await this.openInside(path, what);
    if (!file) return undefined;
    try {
      return await readBounded(file.handle, file.size, max, (size) => new ManifestTooLargeError(size, max, `${what} in OCI layout ${this.dir}`));
    } finally {
      await file.handle.close();
    }
  }

  /** A folder of the layout, made when missing; refused when it is not a folder or leads outside the layout. */
  private async ensureDir(path: string): Promise<void> {
    try {
      await fsp.mkdir(path);
      this.madeDirs.push(path);
    } catch (err) {
      if (errCode(err) !== 'EEXIST') throw err;
    }
    // Writing through a blobs/ that is a symlink out of the layout would put files anywhere.
    const real = await this.resolveInside(path, 'folder');
    if (real === undefined) throw new OciLayoutError(`${path} is a dangling symlink`, this.dir);
    const st = await fsp.stat(real);
    if (!st.isDirectory()) throw new OciLayoutError(`${path} is ${kindOf(st)}, not a folder`, this.dir);
  }

  /** The folder blobs of `algorithm` are written to, made when missing and checked to be inside the layout. */
  private async blobDir(algorithm: string): Promise<string> {
    const blobs = join(this.dir, 'blobs');
    await this.ensureDir(blobs);
    const dir = join(blobs, algorithm);
    await this.ensureDir(dir);
    return dir;
  }

  /** index.json; an empty index when a layout being written has none yet. */
  async readIndex(): Promise<OciIndexFile> {
    const path = join(this.dir, INDEX_FILE);
    const bytes = await this.readWhole(path, maxLayoutIndexBytes, INDEX_FILE);
    if (bytes === undefined) return { schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: [] };
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new OciLayoutError(`${path} is not JSON`, this.dir);
    }
    const manifests = (parsed as { manifests?: unknown })?.manifests;
    if (!Array.isArray(manifests) || !manifests.every(isDescriptor)) {
      throw new OciLayoutError(`${path} is not an image index (bad "manifests")`, this.dir);
    }
    return parsed as OciIndexFile;
  }

  /**
   * The descriptor a reference names, as containers/image picks it: by ref-name annotation when a tag
   * is given; with no tag, the only image in the folder (several are ambiguous, so an error).
   */
  async resolve(tag: string | undefined): Promise<Descriptor> {
    const index = await this.readIndex();
    if (tag === undefined || tag === '') {
      if (index.manifests.length === 1) return index.manifests[0] as Descriptor;
      if (index.manifests.length === 0) throw new NotFoundError(`no image in OCI layout ${this.dir}`);
      throw new OciLayoutError(`OCI layout ${this.dir} holds ${index.manifests.length} images: name one with oci:${this.dir}:TAG`, this.dir);
    }
    const found = index.manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag);
    if (!found) throw new NotFoundError(`no image named "${tag}" in OCI layout ${this.dir}`);
    return found;
  }

  /** Where a blob lives; the digest is validated first so it can never name a path outside blobs/. */
  blobPath(digest: string): string {
    const { algorithm, encoded } = parseDigest(digest);
    return join(this.dir, 'blobs', algorithm, encoded);
  }

  /**
   * Whether the layout holds the blob as a regular file (of `size` bytes, when given). Anything else
   * under its name (a symlink out, a FIFO) counts as absent, so a write replaces it.
   */
  async hasBlob(digest: string, size?: number): Promise<boolean> {
    const path = this.blobPath(digest);
    try {
      const real = await this.resolveInside(path, `blob ${digest}`);
      if (real === undefined) return false;
      const st = await fsp.lstat(real);
      return st.isFile() && (size === undefined || size < 0 || st.size === size);
    } catch (err) {
      if (err instanceof OciLayoutError || isMissing(err)) return false;
      throw err;
    }
  }

  /** The raw bytes of a blob, from a regular file inside the layout; the reader verifies them (see StreamVerifier). */
  async openBlob(digest: string, what = 'blob'): Promise<Readable> {
    const file = await this.openInside(this.blobPath(digest), `${what} ${digest}`);
    if (!file) throw new NotFoundError(`${what} ${digest} is missing from OCI layout ${this.dir}`);
    return file.handle.createReadStream({ highWaterMark: 1 << 20 });
  }

  /** A small blob (manifest, config) read whole, at most `maxBytes`, and digest-checked. */
  async readBlob(digest: string, maxBytes: number, what: string): Promise<Buffer> {
    const bytes = await this.readWhole(this.blobPath(digest), maxBytes, `${what} ${digest}`);
    if (bytes === undefined) throw new NotFoundError(`${what} ${digest} is missing from OCI layout ${this.dir}`);
    verifyBytes(bytes, digest, `${what} ${digest}`);
    return bytes;
  }

  /**
   * Streams a blob into the layout: temp file, hashed on the way, fsynced, renamed into place only
   * when digest and size (unless unknown, -1) match. On any failure (including cancellation) the temp
   * file is removed.
   */
  async writeBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    body: AsyncIterable<Uint8Array>,
    what: string,
    signal?: AbortSignal,
    onBytes?: (n: number) => void,
  ): Promise<void> {
    const { algorithm, encoded } = parseDigest(desc.digest);
    const verifier = new StreamVerifier(desc.digest, desc.size >= 0 ? desc.size : undefined, `${what} ${desc.digest}`);
    const final = join(await this.blobDir(algorithm), encoded);
    const tmp = join(this.dir, tempName());
    let placed = false;
    try {
      const handle = await fsp.open(tmp, 'wx');
      try {
        for await (const chunk of body) {
          if (signal?.aborted) throw new CancelledError();
          verifier.update(chunk);
          await handle.write(chunk);
          onBytes?.(chunk.length);
        }
        verifier.check();
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(tmp, final);
      placed = true;
      this.madeFiles.add(final);
    } finally {
      if (!placed) await fsp.rm(tmp, { force: true });
    }
  }

  async writeBlobBytes(digest: string, bytes: Uint8Array, what: string): Promise<void> {
    verifyBytes(bytes, digest, `${what} ${digest}`);
    if (await this.hasBlob(digest, bytes.length)) return;
    const { algorithm, encoded } = parseDigest(digest);
    const dir = await this.blobDir(algorithm);
    await writeFileAtomically(dir, encoded, bytes);
    this.madeFiles.add(join(dir, encoded));
  }

  /**
   * Names `desc` in index.json (the last write of a copy). With a tag, the entry carrying that
   * ref name is replaced (other images keep their names); without one, an unnamed entry with the
   * same digest is replaced, else the descriptor is appended.
   */
  async setTag(tag: string | undefined, desc: Descriptor): Promise<void> {
    const index = await this.readIndex();
    const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
    if (desc.platform) entry.platform = desc.platform;
    if (desc.artifactType) entry.artifactType = desc.artifactType;
    const annotations = { ...(desc.annotations ?? {}) };
    delete annotations[REF_NAME_ANNOTATION];
    if (tag) annotations[REF_NAME_ANNOTATION] = tag;
    if (Object.keys(annotations).length) entry.annotations = annotations;
    const same = (d: Descriptor): boolean =>
      tag ? d.annotations?.[REF_NAME_ANNOTATION] === tag : !d.annotations?.[REF_NAME_ANNOTATION] && d.digest === desc.digest;
    const manifests = index.manifests.filter((d) => !same(d));
    const at = index.manifests.findIndex(same);
    if (at >= 0) manifests.splice(at, 0, entry);
    else manifests.push(entry);
    const next: OciIndexFile = { ...index, schemaVersion: 2, mediaType: index.mediaType ?? OCI_INDEX_MEDIA_TYPE, manifests };
    await writeFileAtomically(this.dir, INDEX_FILE, Buffer.from(JSON.stringify(next)));
  }

  /**
   * After a failed copy: a layout this object created is taken away again (the files it wrote, then
   * the folders it made, each only if empty), so no half-made folder is left behind. A layout that was
   * there before keeps what was added: its blobs may already be counted on by a copy running beside
   * this one, and it names nothing new. Never throws.
   */
  async discard(): Promise<void> {
    if (!this.isNew) return;
    try {
      // Named images by now are another copy's work: the folder is no longer ours alone.
      if ((await this.readIndex()).manifests.length > 0) return;
      for (const file of this.madeFiles) await fsp.rm(file, { force: true });
      for (const dir of [...this.madeDirs].reverse()) await fsp.rmdir(dir).catch(() => undefined);
    } catch {
      // Best effort: what is left is garbage no index names.
    }
  }
}
