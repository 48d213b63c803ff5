// Recompressing layers during a copy, with skopeo 1.9's rule: a layer whose compression is not the one
// wanted is converted (an uncompressed tar is compressed), and one already compressed that way is
// kept as it is, whatever the level asked for. The compressed bytes go to a private temporary file
// first, because the new digest and size must be known before the blob can be named at the destination;
// the source bytes are digest-checked on the way in. The uncompressed content is unchanged, so the
// config's diff_ids still hold and the config is not touched.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { RegxError } from '../errors';
import type { BlobWrite, ImageDestination } from './copy-destination';
import type { ImageSource } from './copy-source';
import { StreamVerifier, verifiedChunks } from './digest';
import { MediaType } from './mediatypes';
import type { Descriptor } from './mediatypes';

export type LayerCompression = 'gzip' | 'zstd';

export interface CompressionOptions {
  format: LayerCompression;
  /** gzip: 0 (stored) to 9 (smallest); zstd: 1 to 22. Default: the library's. */
  level?: number;
}

type Kind = 'none' | LayerCompression;

/** Layer media types by their compression, and the type the same layer has compressed another way. */
const LAYER_TYPES: Record<string, { kind: Kind; as: Partial<Record<LayerCompression, string>> }> = {
  [MediaType.ociLayer]: { kind: 'none', as: { gzip: MediaType.ociLayerGzip, zstd: MediaType.ociLayerZstd } },
  [MediaType.ociLayerGzip]: { kind: 'gzip', as: { zstd: MediaType.ociLayerZstd } },
  [MediaType.ociLayerZstd]: { kind: 'zstd', as: { gzip: MediaType.ociLayerGzip } },
  'application/vnd.docker.image.rootfs.diff.tar': { kind: 'none', as: { gzip: MediaType.dockerLayerGzip } },
  [MediaType.dockerLayerGzip]: { kind: 'gzip', as: {} },
};

/**
 * Output buffer per zlib call. The default (16 KiB) makes a 64 MiB layer thousands of round trips
 * between zlib's thread and JavaScript; measured on the bench's layers, 256 KiB spends about a sixth
 * less CPU compressing (the bytes are the same).
 */
const zlibChunk = 256 * 1024;

type ZstdZlib = { createZstdCompress?: (o?: unknown) => Transform; createZstdDecompress?: () => Transform; constants: Record<string, number> };
const z = zlib as unknown as ZstdZlib;

/** Node.js has zstd in zlib from 22.15/23.8; older ones (20, this project's floor) do not. */
export function zstdAvailable(): boolean {
  return typeof z.createZstdCompress === 'function' && typeof z.createZstdDecompress === 'function';
}

function unsupported(message: string): never {
  throw new RegxError('unsupported', message);
}

export function checkCompressionOptions(opts: CompressionOptions): void {
  if (opts.format !== 'gzip' && opts.format !== 'zstd') unsupported(`unknown layer compression "${String(opts.format)}": gzip and zstd are known`);
  if (opts.format === 'zstd' && !zstdAvailable())
    unsupported(`zstd compression is not available: this Node.js (${process.version}) has no zstd in zlib (it came in Node.js 22.15)`);
  const [min, max] = opts.format === 'gzip' ? [0, 9] : [1, 22];
  if (opts.level !== undefined && (!Number.isInteger(opts.level) || opts.level < min || opts.level > max)) {
    throw new RegxError('usage', `compression level ${opts.level} is out of range for ${opts.format} (${min} to ${max})`);
  }
}

export class LayerRecompressor {
  /** Source layer digest -> the descriptor of the blob that replaced it. */
  readonly replaced = new Map<string, Descriptor>();
  private dir: Promise<string> | undefined;
  private count = 0;

  constructor(readonly opts: CompressionOptions) {
    checkCompressionOptions(opts);
  }

  /** True when this blob is a layer whose compression must change; throws when it must and cannot. */
  needs(desc: Descriptor): boolean {
    const type = LAYER_TYPES[desc.mediaType];
    if (!type || type.kind === this.opts.format) return false;
    if (!type.as[this.opts.format])
      unsupported(
        `layer ${desc.digest} ("${desc.mediaType}") cannot be compressed with ${this.opts.format}: Docker schema 2 has no ${this.opts.format} layer type`,
      );
    if (type.kind === 'zstd' && !zstdAvailable())
      unsupported(`layer ${desc.digest} is zstd-compressed and this Node.js (${process.version}) cannot decompress zstd`);
    return true;
  }

  /** Compresses the layer into a temporary file, then writes it to the destination unless it is there already. */
  async move(desc: Descriptor, source: ImageSource, dest: ImageDestination, write: BlobWrite, signal: AbortSignal): Promise<'copied' | 'skipped'> {
    const type = LAYER_TYPES[desc.mediaType] as (typeof LAYER_TYPES)[string];
    const path = join(await this.tempDir(), String(this.count++));
    try {
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      const verifier = new StreamVerifier(desc.digest, desc.size >= 0 ? desc.size : undefined, `${write.what}`);
      const input = Readable.from(verifiedChunks(await source.openBlob(desc, signal), verifier));
      await pipeline(input, this.decoder(type.kind), this.encoder(), tap, createWriteStream(path, { flags: 'wx', mode: 0o600 }), { signal });
      const out: Descriptor = { mediaType: type.as[this.opts.format] as string, digest: `sha256:${hash.digest('hex')}`, size };
      let how: 'copied' | 'skipped' = 'skipped';
      if (!(await dest.hasBlob(out, signal))) {
        await dest.writeBlob(out, async () => createReadStream(path, { highWaterMark: 1 << 20 }), write);
        how = 'copied';
      }
      this.replaced.set(desc.digest, out);
      return how;
    } finally {
      await fsp.rm(path, { force: true });
    }
  }

  /** Removes the temporary folder; call once the copy is over, whatever its outcome. */
  async close(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    const path = await dir?.catch(() => undefined);
    if (path) await fsp.rm(path, { recursive: true, force: true }).catch(() => undefined);
  }

  private tempDir(): Promise<string> {
    this.dir ??= fsp.mkdtemp(join(tmpdir(), 'regx-layers-'));
    return this.dir;
  }

  private decoder(kind: Kind): Transform {
    if (kind === 'gzip') return zlib.createGunzip({ chunkSize: zlibChunk });
    if (kind === 'zstd') return (z.createZstdDecompress as () => Transform)();
    return new PassThrough();
  }

  private encoder(): Transform {
    const level = this.opts.level;
    if (this.opts.format === 'gzip') return zlib.createGzip(level === undefined ? { chunkSize: zlibChunk } : { level, chunkSize: zlibChunk });
    const params = level === undefined ? {} : { [z.constants.ZSTD_c_compressionLevel as number]: level };
    return (z.createZstdCompress as (o?: unknown) => Transform)({ params });
  }
}
