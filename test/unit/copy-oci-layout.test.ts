import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DigestMismatchError, InvalidDigestError, NotFoundError, OciLayoutError } from '../../src/core/errors';
import { digestOf } from '../../src/core/image/digest';
import { OciLayout, REF_NAME_ANNOTATION } from '../../src/core/image/oci-layout';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'regx-oci-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function* chunks(...parts: string[]): AsyncIterable<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

test('a new layout gets oci-layout at once and index.json only when an image is named', async (t) => {
  const dir = join(await tempDir(t), 'out');
  const layout = await OciLayout.create(dir);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  await assert.rejects(readFile(join(dir, 'index.json')), /ENOENT/);
  const bytes = Buffer.from('{"schemaVersion":2}');
  const digest = digestOf(bytes);
  await layout.writeBlobBytes(digest, bytes, 'manifest');
  await layout.setTag('v1', { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: bytes.length });
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.manifests.length, 1);
  assert.equal(index.manifests[0].annotations[REF_NAME_ANNOTATION], 'v1');
  assert.deepEqual(await readFile(join(dir, 'blobs', 'sha256', digest.slice(7))), bytes);
});

test('setTag replaces the entry of the same name and keeps the other images', async (t) => {
  const layout = await OciLayout.create(await tempDir(t));
  const d = (n: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(Buffer.from(n)), size: n.length });
  await layout.setTag('a', d('1'));
  await layout.setTag('b', d('2'));
  await layout.setTag('a', d('3'));
  const index = await layout.readIndex();
  assert.deepEqual(
    index.manifests.map((m) => [m.annotations?.[REF_NAME_ANNOTATION], m.digest]),
    [
      ['a', d('3').digest],
      ['b', d('2').digest],
    ],
  );
  assert.equal((await layout.resolve('b')).digest, d('2').digest);
  await assert.rejects(layout.resolve('c'), NotFoundError);
  await assert.rejects(layout.resolve(undefined), OciLayoutError, 'two images and no tag is ambiguous');
});

test('with no tag, the single image in the folder is the one meant', async (t) => {
  const layout = await OciLayout.create(await tempDir(t));
  const desc = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(Buffer.from('x')), size: 1 };
  await layout.setTag(undefined, desc);
  await layout.setTag(undefined, desc);
  assert.equal((await layout.readIndex()).manifests.length, 1, 'an unnamed entry of the same digest is replaced, not repeated');
  assert.equal((await layout.resolve(undefined)).digest, desc.digest);
});

test('writeBlob renames into place only when digest and size match, and leaves no temp file', async (t) => {
  const dir = await tempDir(t);
  const layout = await OciLayout.create(dir);
  const good = Buffer.from('hello world');
  const digest = digestOf(good);
  await assert.rejects(layout.writeBlob({ digest, size: good.length }, chunks('hello', ' wor1d'), 'layer'), (err: unknown) => {
    assert.ok(err instanceof DigestMismatchError);
    assert.match(err.message, new RegExp(`layer ${digest}`));
    return true;
  });
  assert.equal(await layout.hasBlob(digest), false);
  await assert.rejects(layout.writeBlob({ digest, size: good.length }, chunks('hello world!'), 'layer'), /size mismatch/);
  assert.deepEqual((await readdir(dir)).sort(), ['blobs', 'oci-layout'], 'failed writes leave no temp files');
  await layout.writeBlob({ digest, size: good.length }, chunks('hello', ' world'), 'layer');
  assert.equal(await layout.hasBlob(digest, good.length), true);
});

test('a digest from a manifest can never name a path outside blobs/', async (t) => {
  const layout = await OciLayout.create(await tempDir(t));
  assert.throws(() => layout.blobPath('sha256:../../etc/passwd'), InvalidDigestError);
  assert.throws(() => layout.blobPath('md5:d41d8cd98f00b204e9800998ecf8427e'), InvalidDigestError);
});

test('open refuses a folder that is not a layout and reads blobs digest-checked', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(OciLayout.open(dir), NotFoundError);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
  await assert.rejects(OciLayout.open(dir), OciLayoutError);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const layout = await OciLayout.open(dir);
  const digest = digestOf(Buffer.from('right'));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), 'wrong');
  await assert.rejects(layout.readBlob(digest, 100, 'manifest'), DigestMismatchError);
  await assert.rejects(layout.readBlob(digestOf(Buffer.from('absent')), 100, 'manifest'), NotFoundError);
});
