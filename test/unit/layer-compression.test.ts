import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { DigestMismatchError, RegxError } from '../../src/core/errors';
import type { BlobWrite, ImageDestination } from '../../src/core/image/copy-destination';
import type { ImageSource } from '../../src/core/image/copy-source';
import { digestOf } from '../../src/core/image/digest';
import { checkCompressionOptions, LayerRecompressor, zstdAvailable } from '../../src/core/image/layer-compression';
import { MediaType } from '../../src/core/image/mediatypes';
import type { Descriptor } from '../../src/core/image/mediatypes';

function source(blobs: Map<string, Buffer>): ImageSource {
  return {
    name: 'test',
    tag: undefined,
    top: () => Promise.reject(new Error('unused')),
    manifest: () => Promise.reject(new Error('unused')),
    readBlob: () => Promise.reject(new Error('unused')),
    openBlob: async (desc) => {
      const b = blobs.get(desc.digest) as Buffer;
      return (async function* () {
        yield b.subarray(0, 100);
        yield b.subarray(100);
      })();
    },
  };
}

function destination(): ImageDestination & { written: Map<string, Buffer> } {
  const written = new Map<string, Buffer>();
  return {
    written,
    name: 'dest',
    reference: 't',
    current: async () => undefined,
    hasBlob: async (desc) => written.has(desc.digest),
    writeBlob: async (desc, open) => {
      const parts: Buffer[] = [];
      for await (const c of await open()) parts.push(Buffer.from(c));
      const all = Buffer.concat(parts);
      assert.equal(digestOf(all), desc.digest);
      assert.equal(all.length, desc.size);
      written.set(desc.digest, all);
    },
    writeSmallBlob: () => Promise.reject(new Error('unused')),
    putManifest: () => Promise.reject(new Error('unused')),
    commit: () => Promise.reject(new Error('unused')),
    discard: async () => undefined,
  };
}

const write: BlobWrite = { what: 'layer' };
const layerDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('regx-layers-'));

test('only layers not compressed the wanted way are recompressed: an uncompressed tar yes, gzip no, a config never', () => {
  const r = new LayerRecompressor({ format: 'gzip', level: 9 });
  const desc = (mediaType: string): Descriptor => ({ mediaType, digest: digestOf(Buffer.from(mediaType)), size: 1 });
  assert.equal(r.needs(desc(MediaType.ociLayer)), true);
  assert.equal(r.needs(desc('application/vnd.docker.image.rootfs.diff.tar')), true);
  assert.equal(r.needs(desc(MediaType.ociLayerGzip)), false, 'kept as it is, whatever the level (skopeo 1.9 does the same)');
  assert.equal(r.needs(desc(MediaType.dockerLayerGzip)), false);
  assert.equal(r.needs(desc(MediaType.ociConfig)), false);
  assert.equal(r.needs(desc('application/vnd.in-toto+json')), false, 'artifact blobs are not layers');
  if (!zstdAvailable())
    assert.throws(
      () => r.needs(desc(MediaType.ociLayerZstd)),
      (e: unknown) => e instanceof RegxError && e.reason === 'unsupported' && /cannot decompress zstd/.test(e.message),
    );
});

test('zstd is refused on a Node.js without it, naming why; levels out of range are refused', () => {
  if (zstdAvailable()) assert.doesNotThrow(() => checkCompressionOptions({ format: 'zstd' }));
  else
    assert.throws(
      () => new LayerRecompressor({ format: 'zstd' }),
      (e: unknown) => e instanceof RegxError && e.reason === 'unsupported' && /no zstd in zlib/.test(e.message) && e.message.includes(process.version),
    );
  assert.throws(() => checkCompressionOptions({ format: 'gzip', level: 10 }), /out of range for gzip \(0 to 9\)/);
  assert.throws(() => checkCompressionOptions({ format: 'gzip', level: 1.5 }), /out of range/);
});

test('an uncompressed layer is gzipped: the new blob is what the destination gets, its content is the tar, and no temporary file is left', async () => {
  const tar = Buffer.alloc(64 * 1024, 'a');
  const layer: Descriptor = { mediaType: MediaType.ociLayer, digest: digestOf(tar), size: tar.length };
  const before = layerDirs().length;
  const r = new LayerRecompressor({ format: 'gzip', level: 9 });
  const dest = destination();
  assert.equal(await r.move(layer, source(new Map([[layer.digest, tar]])), dest, write, new AbortController().signal), 'copied');
  const out = r.replaced.get(layer.digest) as Descriptor;
  assert.equal(out.mediaType, MediaType.ociLayerGzip);
  assert.ok(out.size < tar.length / 10, 'level 9 compresses the repeated bytes');
  assert.deepEqual(gunzipSync(dest.written.get(out.digest) as Buffer), tar, 'the uncompressed content, and so the diff_id, is unchanged');
  assert.equal(
    await r.move(layer, source(new Map([[layer.digest, tar]])), dest, write, new AbortController().signal),
    'skipped',
    'the same bytes again: the destination has them',
  );
  await r.close();
  assert.equal(layerDirs().length, before);
});

test('a source layer that does not match its digest is refused, and nothing is written', async () => {
  const tar = Buffer.alloc(4096, 'b');
  const layer: Descriptor = { mediaType: MediaType.ociLayer, digest: digestOf(Buffer.from('other')), size: tar.length };
  const before = new Set(layerDirs());
  const r = new LayerRecompressor({ format: 'gzip' });
  const dest = destination();
  await assert.rejects(r.move(layer, source(new Map([[layer.digest, tar]])), dest, write, new AbortController().signal), DigestMismatchError);
  assert.equal(dest.written.size, 0);
  assert.equal(r.replaced.size, 0);
  const created = layerDirs().filter((n) => !before.has(n));
  assert.equal(created.length, 1);
  const dir = join(tmpdir(), created[0] as string);
  assert.deepEqual(readdirSync(dir), [], 'the partial compressed file is gone at once');
  await r.close();
  assert.equal(existsSync(dir), false);
});
