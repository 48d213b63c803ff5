// OCI image layout folders (image-spec image-layout.md), read and written the way containers/image's
// `oci:` transport does, so skopeo, umoci and podman read what we write and we read what they write:
//   DIR/oci-layout             {"imageLayoutVersion":"1.0.0"}
//   DIR/index.json             an image index; entries named by `org.opencontainers.image.ref.name`
//   DIR/blobs/<alg>/<encoded>  content, by digest
// Writes are crash-safe: every blob goes to a temp file, is digest-checked, then renamed into place,
// and index.json is replaced atomically and last, so a folder never names an image it does not hold.
import { randomBytes } from 'node:crypto';
// fs.promises rather than node:fs/promises: loaded on first use, not at every regx start.
import { createReadStream, promises as fsp, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, NotFoundError, OciLayoutError } from '../errors';
import { isDescriptor } from './manifest-walk';
import type { Descriptor } from './mediatypes';
import { parseDigest, StreamVerifier, verifyBytes } from './digest';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const LAYOUT_FILE = 'oci-layout';
const LAYOUT_VERSION = '1.0.0';

export interface OciIndexFile {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function tempName(): string {
  return `.regx-tmp-${randomBytes(8).toString('hex')}`;
}

async function writeFileAtomically(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dir, tempName());
  try {
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

export class OciLayout {
  private constructor(readonly dir: string) {}

  /** An existing layout to read from: `oci-layout` and `index.json` must be there. */
  static async open(dir: string): Promise<OciLayout> {
    let text: string;
    try {
      text = await fsp.readFile(join(dir, LAYOUT_FILE), 'utf8');
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(`no OCI image layout at ${dir} (${LAYOUT_FILE} is missing)`);
      throw err;
    }
    let version: unknown;
    try {
      version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      throw new OciLayoutError(`${join(dir, LAYOUT_FILE)} is not JSON`, dir);
    }
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new OciLayoutError(`unsupported OCI layout version ${JSON.stringify(version)} in ${dir}`, dir);
    }
    return new OciLayout(dir);
  }

  /** A layout to write into: created when missing; an existing one keeps its other images. */
  static async create(dir: string): Promise<OciLayout> {
    await fsp.mkdir(join(dir, 'blobs'), { recursive: true });
    try {
      await fsp.stat(join(dir, LAYOUT_FILE));
    } catch (err) {
      if (!isMissing(err)) throw err;
      await writeFileAtomically(dir, LAYOUT_FILE, Buffer.from(JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })));
    }
    return new OciLayout(dir);
  }

  /** index.json; an empty index when a layout being written has none yet. */
  async readIndex(): Promise<OciIndexFile> {
    let text: string;
    try {
      text = await fsp.readFile(join(this.dir, 'index.json'), 'utf8');
    } catch (err) {
      if (isMissing(err)) return { schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: [] };
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new OciLayoutError(`${join(this.dir, 'index.json')} is not JSON`, this.dir);
    }
    const manifests = (parsed as { manifests?: unknown })?.manifests;
    if (!Array.isArray(manifests) || !manifests.every(isDescriptor)) {
      throw new OciLayoutError(`${join(this.dir, 'index.json')} is not an image index (bad "manifests")`, this.dir);
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

  async hasBlob(digest: string, size?: number): Promise<boolean> {
    try {
      const s = await fsp.stat(this.blobPath(digest));
      return s.isFile() && (size === undefined || s.size === size);
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** The raw bytes of a blob; the reader verifies them (see StreamVerifier). */
  blobStream(digest: string): ReadStream {
    return createReadStream(this.blobPath(digest), { highWaterMark: 1 << 20 });
  }

  /** A small blob (manifest, config) read whole and digest-checked. */
  async readBlob(digest: string, maxBytes: number, what: string): Promise<Buffer> {
    const path = this.blobPath(digest);
    let size: number;
    try {
      size = (await fsp.stat(path)).size;
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(`${what} ${digest} is missing from OCI layout ${this.dir}`);
      throw err;
    }
    if (size > maxBytes) throw new OciLayoutError(`${what} ${digest} in ${this.dir} is ${size} bytes, more than the ${maxBytes}-byte limit`, this.dir);
    const bytes = await fsp.readFile(path);
    verifyBytes(bytes, digest, `${what} ${digest}`);
    return bytes;
  }

  /**
   * Streams a blob into the layout: temp file, hashed on the way, fsynced, renamed into place only
   * when digest and size match. On any failure (including cancellation) the temp file is removed.
   */
  async writeBlob(desc: Pick<Descriptor, 'digest' | 'size'>, body: AsyncIterable<Uint8Array>, what: string, signal?: AbortSignal, onBytes?: (n: number) => void): Promise<void> {
    const final = this.blobPath(desc.digest);
    const verifier = new StreamVerifier(desc.digest, desc.size, `${what} ${desc.digest}`);
    await fsp.mkdir(join(final, '..'), { recursive: true });
    const tmp = join(this.dir, tempName());
    const handle = await fsp.open(tmp, 'wx');
    let ok = false;
    try {
      for await (const chunk of body) {
        if (signal?.aborted) throw new CancelledError();
        verifier.update(chunk);
        await handle.write(chunk);
        onBytes?.(chunk.length);
      }
      verifier.check();
      await handle.sync();
      ok = true;
    } finally {
      await handle.close();
      if (!ok) await fsp.rm(tmp, { force: true });
    }
    await fsp.rename(tmp, final);
  }

  async writeBlobBytes(digest: string, bytes: Uint8Array, what: string): Promise<void> {
    verifyBytes(bytes, digest, `${what} ${digest}`);
    if (await this.hasBlob(digest, bytes.length)) return;
    await fsp.mkdir(join(this.blobPath(digest), '..'), { recursive: true });
    await writeFileAtomically(join(this.blobPath(digest), '..'), parseDigest(digest).encoded, bytes);
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
    const same = (d: Descriptor): boolean => (tag ? d.annotations?.[REF_NAME_ANNOTATION] === tag : !d.annotations?.[REF_NAME_ANNOTATION] && d.digest === desc.digest);
    const manifests = index.manifests.filter((d) => !same(d));
    const at = index.manifests.findIndex(same);
    if (at >= 0) manifests.splice(at, 0, entry);
    else manifests.push(entry);
    const next: OciIndexFile = { ...index, schemaVersion: 2, mediaType: index.mediaType ?? OCI_INDEX_MEDIA_TYPE, manifests };
    await writeFileAtomically(this.dir, 'index.json', Buffer.from(JSON.stringify(next)));
  }
}
