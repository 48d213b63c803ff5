// A small tar reader and writer for image archives (`oci-archive:`, `docker-archive:`): ustar headers,
// pax extended headers (path, linkpath, size) and GNU long names, which is all that skopeo, docker,
// podman and GNU tar put in such archives. Our own rather than a dependency, because an archive is
// hostile input and what we need is narrow: nothing is ever extracted to disk, entries are indexed
// once and read in place by offset, and every rule below is ours to state and test.
//
// Reading: a compressed archive (gzip, or zstd where Node.js has it: `docker save | gzip`, which docker
// and skopeo load too) is first decompressed into a private temp file, removed on close(). Then the
// archive is scanned header by header (data is skipped, not read) into an index of
// entries. Refused: a bad header checksum, an entry whose data runs past the end of the file, a
// missing end-of-archive marker, an absolute name or one with a `..` component, a name given twice,
// hard links, devices, FIFOs and anything else that is not a file, a folder or (where the format
// needs them) a symlink whose target stays inside the archive. Symlinks are never followed on disk:
// `file()` resolves them inside the index, a bounded number of hops.
//
// Writing: entries go to a temp file beside the destination, which is renamed over it only when the
// archive is complete, so a failed copy leaves no half-written archive. An entry whose size (or even
// name) is known only once its data has passed (a layer decompressed on the way in) gets a placeholder
// header that is rewritten in place afterwards: streamed, with no temporary copy of the layer.
import { randomBytes } from 'node:crypto';
import { constants as fsc, createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { ArchiveError, CancelledError, ManifestTooLargeError, NotFoundError, RegxError } from '../errors';

const BLOCK = 512;
const READ_FLAGS = fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0);
/** Bounds on what a hostile archive can make us hold: entries indexed, one pax header, one long name. */
export const maxTarEntries = 200_000;
const maxPaxBytes = 1 << 20;
const maxLongNameBytes = 64 * 1024;
const maxSymlinkHops = 16;

export type TarEntryKind = 'file' | 'dir' | 'symlink';

export interface TarEntry {
  /** Normalised: no leading `./`, no trailing `/`, no empty or `.` components. */
  path: string;
  kind: TarEntryKind;
  /** Where the entry's data starts in the archive file. */
  offset: number;
  size: number;
  /** A symlink's target, normalised to a path inside the archive. */
  target?: string;
}

export interface TarOpenOptions {
  /** Names the archive in messages, e.g. "docker-archive /tmp/x.tar". */
  what: string;
  /** docker-archive: skopeo and docker write `ID/layer.tar -> ../HEX.tar`; OCI archives need none. */
  allowSymlinks: boolean;
}

function bad(path: string, message: string): never {
  throw new ArchiveError(message, path);
}

/** The bytes up to the first NUL, as text. */
function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

/** A numeric field: octal text, or base-256 (high bit set) for values octal cannot hold (files of 8 GiB and more). */
function parseNumber(block: Buffer, start: number, length: number): number | undefined {
  const field = block.subarray(start, start + length);
  if ((field[0] as number) & 0x80) {
    if (field[0] === 0xff) return undefined; // negative
    let n = (field[0] as number) & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] as number);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  const n = parseInt(text, 8);
  return Number.isSafeInteger(n) ? n : undefined;
}

function checksumOk(block: Buffer): boolean {
  const stored = parseNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  // Some old writers summed signed bytes; both are accepted, as GNU tar and Go do.
  return stored !== undefined && (stored === unsigned || stored === signed);
}

/** pax records `LEN KEY=VALUE\n`; malformed ones make the archive corrupt. */
function parsePax(data: Buffer): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) return undefined;
    const len = Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= space - pos || pos + len > data.length || data[pos + len - 1] !== 0x0a) return undefined;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0) return undefined;
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

/**
 * An entry name as a path inside the archive, or an error: absolute names and `..` components are
 * refused outright (extracted, they would write outside the folder; indexed, they mean nothing good).
 */
export function normaliseEntryPath(name: string): { path?: string; problem?: string } {
  if (name.includes('\0')) return { problem: 'contains a NUL byte' };
  if (name.startsWith('/')) return { problem: 'is absolute' };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { problem: 'has a ".." component' };
    parts.push(part);
  }
  return { path: parts.join('/') };
}

/** A symlink's target inside the archive, or undefined when it would leave it (absolute, or `..` past the top). */
function symlinkTarget(linkPath: string, target: string): string | undefined {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return undefined;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function kindName(type: string): string {
  if (type === '1') return 'a hard link';
  if (type === '3' || type === '4') return 'a device';
  if (type === '6') return 'a FIFO';
  return `an entry of type "${type.replace(/[^\x20-\x7e]/g, '?')}"`;
}

/** An archive file opened for reading, with its entries indexed. Call close() when done. */
export class TarArchive {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly entries: ReadonlyMap<string, TarEntry>,
    private readonly what: string,
    /** The private folder of a decompressed copy, removed on close. */
    private readonly scratch?: string,
  ) {}

  static async open(path: string, opts: TarOpenOptions): Promise<TarArchive> {
    const handle = await openRegular(path, opts.what);
    let scratch: string | undefined;
    let tar = handle;
    try {
      const codec = compressionOf(await readBlock(handle, 0, 6), opts.what);
      if (codec) {
        scratch = await fsp.mkdtemp(join(tmpdir(), 'regx-archive-'));
        const plain = join(scratch, 'archive.tar');
        try {
          await pipeline(createReadStream('', { fd: handle, autoClose: false, start: 0 }), codec, createWriteStream(plain, { flags: 'wx', mode: 0o600 }));
        } catch (err) {
          if (err instanceof RegxError) throw err;
          bad(path, `${opts.what} is compressed, and its compressed stream is corrupt or truncated (${(err as Error).message})`);
        }
        await handle.close();
        tar = await openRegular(plain, opts.what);
      }
      const st = await tar.stat();
      const entries = await indexEntries(tar, st.size, path, opts);
      return new TarArchive(path, tar, entries, opts.what, scratch);
    } catch (err) {
      await handle.close().catch(() => undefined);
      if (tar !== handle) await tar.close().catch(() => undefined);
      if (scratch) await fsp.rm(scratch, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** The regular file at `path`, following symlinks inside the archive; undefined when there is none. */
  file(path: string): TarEntry | undefined {
    const norm = normaliseEntryPath(path).path;
    if (norm === undefined) return undefined;
    let entry = this.entries.get(norm);
    for (let hops = 0; entry?.kind === 'symlink'; hops++) {
      if (hops >= maxSymlinkHops) bad(this.path, `${this.what}: ${path} is a chain of more than ${maxSymlinkHops} symlinks`);
      entry = this.entries.get(entry.target as string);
    }
    return entry?.kind === 'file' ? entry : undefined;
  }

  /** An entry's data read whole, refused past `max` bytes before anything is read. */
  async read(entry: TarEntry, max: number, what: string): Promise<Buffer> {
    if (entry.size > max) throw new ManifestTooLargeError(entry.size, max, `${what} in ${this.what}`);
    const buf = Buffer.alloc(entry.size);
    let done = 0;
    while (done < entry.size) {
      const { bytesRead } = await this.handle.read(buf, done, entry.size - done, entry.offset + done);
      if (bytesRead === 0) bad(this.path, `${this.what} was truncated while being read`);
      done += bytesRead;
    }
    return buf;
  }

  /** An entry's data as a stream (positioned reads: several may run at once). */
  stream(entry: TarEntry): Readable {
    if (entry.size === 0) return Readable.from([]);
    return this.handle.createReadStream({ start: entry.offset, end: entry.offset + entry.size - 1, autoClose: false, highWaterMark: 1 << 20 });
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    if (this.scratch) await fsp.rm(this.scratch, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The archive opened for reading; it may itself be a symlink (the user named it), but must lead to a regular file. */
async function openRegular(path: string, what: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    // Checked before opening, so that a device is never opened.
    const st = await fsp.stat(path);
    if (!st.isFile()) bad(path, `${what} is not a regular file`);
    handle = await fsp.open(path, READ_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError(`${what} does not exist`);
    throw err;
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    bad(path, `${what} is not a regular file`);
  }
  return handle;
}

/** A decompressor for a compressed archive (told from its first bytes), undefined for a plain tar. */
function compressionOf(head: Buffer, what: string): Transform | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return zlib.createGunzip();
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    const z = zlib as unknown as { createZstdDecompress?: () => Transform };
    if (!z.createZstdDecompress)
      throw new RegxError(
        'unsupported',
        `${what} is zstd-compressed, which this Node.js (${process.version}) cannot decompress; decompress it first (zstd -d)`,
      );
    return z.createZstdDecompress();
  }
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
    throw new RegxError('unsupported', `${what} is xz-compressed; decompress it first (xz -d)`);
  if (head.subarray(0, 3).toString('latin1') === 'BZh') throw new RegxError('unsupported', `${what} is bzip2-compressed; decompress it first (bunzip2)`);
  return undefined;
}

async function readBlock(handle: FileHandle, at: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, at + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

async function indexEntries(handle: FileHandle, fileSize: number, path: string, opts: TarOpenOptions): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const what = opts.what;
  let pos = 0;
  let pax: Map<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    if (pos + BLOCK > fileSize) bad(path, `${what} is truncated: it ends at byte ${fileSize} without the end-of-archive marker`);
    const block = await readBlock(handle, pos, BLOCK);
    if (block.every((b) => b === 0)) {
      if (pax || longName !== undefined || longLink !== undefined)
        bad(path, `${what} is corrupt: an extended header at byte ${pos - BLOCK} has no entry after it`);
      return entries;
    }
    if (!checksumOk(block)) bad(path, `${what} is corrupt: bad tar header checksum at byte ${pos}`);
    const type = String.fromCharCode(block[156] as number);
    const ustar = block.subarray(257, 263).toString('latin1') === 'ustar\0';
    let size = parseNumber(block, 124, 12);
    if (size === undefined) bad(path, `${what} is corrupt: bad size field at byte ${pos}`);
    const paxSize = pax?.get('size');
    if (paxSize !== undefined && (type === '0' || type === '\0' || type === '7')) {
      if (!/^[0-9]+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) bad(path, `${what} is corrupt: bad pax size at byte ${pos}`);
      size = Number(paxSize);
    }
    // Folders and symlinks have no data whatever their size field says (as GNU tar and Go read them).
    if (type === '5' || type === '2') size = 0;
    const dataAt = pos + BLOCK;
    const next = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (dataAt + size > fileSize) bad(path, `${what} is truncated: an entry at byte ${pos} needs ${size} bytes, and the file ends at byte ${fileSize}`);

    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const max = type === 'x' || type === 'g' ? maxPaxBytes : maxLongNameBytes;
      if (size > max) bad(path, `${what}: an extended header at byte ${pos} is ${size} bytes, more than ${max}`);
      const data = await readBlock(handle, dataAt, size);
      if (type === 'x') {
        pax = parsePax(data);
        if (!pax) bad(path, `${what} is corrupt: bad pax header at byte ${pos}`);
      } else if (type === 'L') longName = cString(data, 0, data.length);
      else if (type === 'K') longLink = cString(data, 0, data.length);
      // 'g' (global pax) carries nothing image archives need.
      pos = next;
      continue;
    }

    let name = longName ?? pax?.get('path');
    if (name === undefined) {
      name = cString(block, 0, 100);
      const prefix = ustar ? cString(block, 345, 155) : '';
      if (prefix) name = `${prefix}/${name}`;
    }
    const linkName = longLink ?? pax?.get('linkpath') ?? cString(block, 157, 100);
    pax = undefined;
    longName = undefined;
    longLink = undefined;
    const shown = JSON.stringify(name.slice(0, 200));
    const { path: entryPath, problem } = normaliseEntryPath(name);
    if (problem !== undefined || entryPath === undefined) bad(path, `${what} is refused: the entry ${shown} ${problem}`);

    let kind: TarEntryKind;
    let target: string | undefined;
    if (type === '0' || type === '\0' || type === '7') kind = 'file';
    else if (type === '5') kind = 'dir';
    else if (type === '2') {
      if (!opts.allowSymlinks) bad(path, `${what} is refused: the entry ${shown} is a symlink, which this format never needs`);
      target = symlinkTarget(entryPath, linkName);
      if (target === undefined) bad(path, `${what} is refused: the symlink ${shown} points outside the archive (to ${JSON.stringify(linkName.slice(0, 200))})`);
      kind = 'symlink';
    } else bad(path, `${what} is refused: the entry ${shown} is ${kindName(type)}`);

    if (entryPath !== '') {
      const before = entries.get(entryPath);
      // A later entry silently replacing an earlier one is how an archive shows one thing and holds another.
      if (before && !(before.kind === 'dir' && kind === 'dir')) bad(path, `${what} is refused: ${shown} appears more than once`);
      if (!before) {
        if (entries.size >= maxTarEntries) bad(path, `${what} has more than ${maxTarEntries} entries`);
        entries.set(entryPath, { path: entryPath, kind, offset: dataAt, size: kind === 'file' ? size : 0, ...(target !== undefined ? { target } : {}) });
      }
    }
    pos = next;
  }
}

// ---- Writing ----

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** A ustar header block; names longer than the header holds get a pax header first (see headerBlocks). */
function ustarHeader(name: string, size: number, type: '0' | '5' | 'x', mode: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  if (size < 8 ** 11) block.write(octal(size, 12), 124, 'latin1');
  else {
    // base-256, as GNU tar and Go write sizes octal cannot hold
    block[124] = 0x80;
    let n = size;
    for (let i = 135; i > 124; i--) {
      block[i] = n % 256;
      n = Math.floor(n / 256);
    }
  }
  block.write(octal(0, 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(type, 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function headerBlocks(name: string, size: number, type: '0' | '5', mode: number): Buffer {
  if (Buffer.byteLength(name) <= 100) return ustarHeader(name, size, type, mode);
  const body = Buffer.byteLength(` path=${name}\n`);
  // The record's length counts its own digits.
  let len = body + 1;
  while (String(len).length + body !== len) len = String(len).length + body;
  const record = Buffer.from(`${len} path=${name}\n`);
  return Buffer.concat([
    ustarHeader('PaxHeaders/entry', record.length, 'x', 0o644),
    record,
    padding(record.length),
    ustarHeader(name.slice(0, 100), size, type, mode),
  ]);
}

export interface StreamEntryResult {
  size: number;
}

/**
 * An archive being written: to a temp file beside `path`, renamed over it by finish(). Entries are
 * written one at a time (each call waits for the one before), so callers may write concurrently.
 */
export class TarWriter {
  private pos = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private done = false;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<TarWriter> {
    const tmp = join(dirname(path), `.${basename(path)}.regx-tmp-${randomBytes(6).toString('hex')}`);
    try {
      // 'wx' (O_EXCL): a symlink planted under the temp name is never followed.
      return new TarWriter(path, tmp, await fsp.open(tmp, 'wx', 0o644));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError(`cannot write ${path}: the folder ${dirname(path)} does not exist`);
      throw err;
    }
  }

  /** Runs `fn` once every write queued before it is over. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async writeAt(bytes: Buffer, at: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, at + done);
      done += bytesWritten;
    }
  }

  private async append(bytes: Buffer): Promise<void> {
    await this.writeAt(bytes, this.pos);
    this.pos += bytes.length;
  }

  addDir(name: string): Promise<void> {
    return this.exclusive(() => this.append(headerBlocks(`${name.replace(/\/$/, '')}/`, 0, '5', 0o755)));
  }

  addFile(name: string, bytes: Buffer): Promise<void> {
    return this.exclusive(async () => {
      await this.append(Buffer.concat([headerBlocks(name, bytes.length, '0', 0o644), bytes, padding(bytes.length)]));
    });
  }

  /**
   * Streams an entry whose size, or name, is known only once its data has passed: `open` is called
   * when it is this entry's turn, `nameFor` once the data is written (it may refuse by throwing).
   * Names must fit a ustar header (100 bytes), since the header is rewritten in place. On failure the
   * archive is cut back to where the entry began, so the entry can be written again.
   */
  addStream(
    open: () => Promise<AsyncIterable<Uint8Array>>,
    nameFor: (size: number) => string | Promise<string>,
    signal?: AbortSignal,
  ): Promise<StreamEntryResult> {
    return this.exclusive(async () => {
      const start = this.pos;
      try {
        await this.append(Buffer.alloc(BLOCK));
        let size = 0;
        for await (const chunk of await open()) {
          if (signal?.aborted) throw new CancelledError();
          await this.append(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          size += chunk.byteLength;
        }
        const name = await nameFor(size);
        if (Buffer.byteLength(name) > 100) throw new RegxError('usage', `archive entry name ${name} is longer than 100 bytes`);
        await this.append(padding(size));
        await this.writeAt(ustarHeader(name, size, '0', 0o644), start);
        return { size };
      } catch (err) {
        this.pos = start;
        await this.handle.truncate(start).catch(() => undefined);
        throw err;
      }
    });
  }

  /** Ends the archive (two zero blocks), flushes it to disk and puts it in place. */
  finish(): Promise<void> {
    return this.exclusive(async () => {
      await this.append(Buffer.alloc(BLOCK * 2));
      await this.handle.sync();
      await this.handle.close();
      this.done = true;
      await fsp.rename(this.tmp, this.path);
    });
  }

  /** Drops the unfinished archive; never throws. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close().catch(() => undefined);
    await fsp.rm(this.tmp, { force: true }).catch(() => undefined);
  }
}

/** posix.join for entry names, re-exported so callers need not import path themselves. */
export const entryJoin = posix.join;
