// Hostile OCI layouts, made by hand in a temp dir: blobs, index.json and oci-layout that are symlinks
// to a device, a FIFO or a file outside the layout, folders and FIFOs in place of files, a blobs/
// folder leading outside for a write, an index.json past its cap, a config past skopeo's cap. Each
// must end in a clear error, quickly, with nothing read or written outside the layout. Also: a copy
// into oci: that fails or is cancelled leaves no temp file and no layout it made itself.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CancelledError, NotFoundError, OciLayoutError, RegxError } from '../../src/core/errors';
import { copyImage } from '../../src/core/image/copy';
import type { CopyProgress } from '../../src/core/image/copy';
import { digestOf } from '../../src/core/image/digest';
import { maxConfigBytes, maxLayoutIndexBytes } from '../../src/core/image/limits';
import { OciLayout, REF_NAME_ANNOTATION } from '../../src/core/image/oci-layout';
import { parseImageLocation } from '../../src/core/reference/transport';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG = 'application/vnd.oci.image.config.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar';
// A hang (reading /dev/zero or a FIFO to the end) must fail the test, not stall the suite.
const quick = { timeout: 15_000 };

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'regx-hostile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface HandMade {
  dir: string;
  manifest: string;
  config: string;
  layer: string;
  blob(digest: string): string;
}

/** A one-image layout written with plain fs calls (tag v1), so tests can then make any part of it hostile. */
async function handMadeLayout(dir: string, opts: { layerBytes?: number; config?: Buffer } = {}): Promise<HandMade> {
  const blob = (digest: string): string => join(dir, 'blobs', 'sha256', digest.slice(7));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = async (bytes: Buffer): Promise<string> => {
    const digest = digestOf(bytes);
    await writeFile(blob(digest), bytes);
    return digest;
  };
  const configBytes = opts.config ?? Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layerBytes = randomBytes(opts.layerBytes ?? 4096);
  const config = await put(configBytes);
  const layer = await put(layerBytes);
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: CONFIG, digest: config, size: configBytes.length },
      layers: [{ mediaType: LAYER, digest: layer, size: layerBytes.length }],
    }),
  );
  const manifest = await put(manifestBytes);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: MANIFEST, digest: manifest, size: manifestBytes.length, annotations: { [REF_NAME_ANNOTATION]: 'v1' } }],
    }),
  );
  return { dir, manifest, config, layer, blob };
}

async function replaceWithSymlink(path: string, target: string): Promise<void> {
  await rm(path, { force: true });
  await symlink(target, path);
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

const copy = (from: string, to: string, signal?: AbortSignal, onProgress?: (p: CopyProgress) => void) =>
  copyImage(parseImageLocation(from), parseImageLocation(to), { signal, onProgress });

function layoutRefusal(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof OciLayoutError, `an OciLayoutError, got ${String(err)}`);
    assert.equal(err.reason, 'layout-invalid');
    assert.match(err.message, pattern);
    return true;
  };
}

/** Every file and folder under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

test('a manifest blob symlinked to /dev/zero is refused as a device, without reading it', quick, async (t) => {
  const src = await handMadeLayout(join(await tempDir(t), 'src'));
  await replaceWithSymlink(src.blob(src.manifest), '/dev/zero');
  const layout = await OciLayout.open(src.dir);
  await assert.rejects(layout.readBlob(src.manifest, 4 << 20, 'manifest'), layoutRefusal(/leads outside the OCI layout .* \(to \/dev\/zero\)/));
});

test('a blob symlinked to a symlink inside the layout that leads to /dev/zero is refused on the resolved path', quick, async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  // A symlink inside the layout to a symlink to /dev/zero: the outside check is on the resolved path.
  await symlink('/dev/zero', join(src.dir, 'zero'));
  await replaceWithSymlink(src.blob(src.layer), '../../zero');
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'out')}:v1`), layoutRefusal(/leads outside the OCI layout/));
  assert.equal(existsSync(join(dir, 'out')), false, 'the refused copy left no destination folder');
});

test('a device node in place of a manifest blob is refused as a device, unopened', quick, async (t) => {
  const src = await handMadeLayout(join(await tempDir(t), 'src'));
  await rm(src.blob(src.manifest));
  // The node /dev/zero is (char 1,5): reading it to the end never ends. CI runs as root, as mknod needs.
  execFileSync('mknod', [src.blob(src.manifest), 'c', '1', '5']);
  const layout = await OciLayout.open(src.dir);
  await assert.rejects(layout.readBlob(src.manifest, 4 << 20, 'manifest'), layoutRefusal(/manifest sha256:[0-9a-f]{64} at .* is a device, not a regular file/));
  assert.equal(await layout.hasBlob(src.manifest), false, 'a device is no blob');
});

test('index.json symlinked to a FIFO inside the layout is refused as a FIFO instead of hanging', quick, async (t) => {
  const src = await handMadeLayout(join(await tempDir(t), 'src'));
  mkfifo(join(src.dir, 'pipe'));
  await replaceWithSymlink(join(src.dir, 'index.json'), 'pipe');
  await assert.rejects(
    OciLayout.open(src.dir).then((l) => l.resolve('v1')),
    layoutRefusal(/index\.json at .* is a FIFO, not a regular file/),
  );
});

test('a FIFO in place of a blob is refused, for manifests read whole and layers streamed', quick, async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  await rm(src.blob(src.layer));
  mkfifo(src.blob(src.layer));
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'out')}:v1`), layoutRefusal(/blob sha256:[0-9a-f]{64} at .* is a FIFO/));
  await rm(src.blob(src.manifest));
  mkfifo(src.blob(src.manifest));
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'out')}:v1`), layoutRefusal(/manifest sha256:[0-9a-f]{64} at .* is a FIFO/));
});

test('oci-layout symlinked to a valid file outside the layout is refused', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  await writeFile(join(dir, 'outside-marker'), '{"imageLayoutVersion":"1.0.0"}');
  await replaceWithSymlink(join(src.dir, 'oci-layout'), join(dir, 'outside-marker'));
  await assert.rejects(OciLayout.open(src.dir), layoutRefusal(/oci-layout at .* leads outside the OCI layout/));
});

test('a layer symlinked to a file outside the layout is never read, even when the digest matches it', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  // The outside file is exactly what the manifest names: only where it lives is wrong.
  const secret = join(dir, 'secret');
  await writeFile(secret, await readFile(src.blob(src.layer)));
  await replaceWithSymlink(src.blob(src.layer), secret);
  await assert.rejects(
    copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'out')}:v1`),
    layoutRefusal(new RegExp(`blob ${src.layer} at .* leads outside the OCI layout`)),
  );
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('a symlink that stays inside the layout is followed', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  await mkdir(join(src.dir, 'store'));
  await writeFile(join(src.dir, 'store', 'layer'), await readFile(src.blob(src.layer)));
  await replaceWithSymlink(src.blob(src.layer), '../../store/layer');
  const result = await copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'out')}:v1`);
  assert.equal(result.digest, src.manifest);
  assert.deepEqual(await readFile(join(dir, 'out', 'blobs', 'sha256', src.layer.slice(7))), await readFile(join(src.dir, 'store', 'layer')));
});

test('a folder in place of index.json is a layout error, not a raw EISDIR', async (t) => {
  const src = await handMadeLayout(join(await tempDir(t), 'src'));
  await rm(join(src.dir, 'index.json'));
  await mkdir(join(src.dir, 'index.json'));
  await assert.rejects(
    OciLayout.open(src.dir).then((l) => l.readIndex()),
    layoutRefusal(/index\.json at .* is a folder/),
  );
});

test('an index.json past its cap is refused as too large without being parsed', quick, async (t) => {
  const src = await handMadeLayout(join(await tempDir(t), 'src'));
  // Valid JSON that is only whitespace padding past the cap: read whole, it would be accepted.
  const index = await readFile(join(src.dir, 'index.json'), 'utf8');
  await writeFile(join(src.dir, 'index.json'), index + ' '.repeat(maxLayoutIndexBytes));
  const layout = await OciLayout.open(src.dir);
  await assert.rejects(layout.resolve('v1'), (err: unknown) => {
    assert.ok(err instanceof RegxError);
    assert.equal(err.reason, 'too-large');
    assert.match(err.message, /index\.json in OCI layout .* more than the 16777216-byte limit/);
    return true;
  });
  // A sparse 1 GiB oci-layout is refused from its size alone.
  await truncate(join(src.dir, 'oci-layout'), 1 << 30);
  await assert.rejects(OciLayout.open(src.dir), (err: unknown) => err instanceof RegxError && err.reason === 'too-large');
});

test('a blobs/ folder symlinked outside the layout is never written through', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  const outside = join(dir, 'elsewhere');
  await mkdir(outside);
  const dst = join(dir, 'dst');
  await mkdir(dst);
  await writeFile(join(dst, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await symlink(outside, join(dst, 'blobs'));
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${dst}:v1`), layoutRefusal(/folder at .*\/dst\/blobs leads outside the OCI layout/));
  assert.deepEqual(await readdir(outside), [], 'nothing was written outside');
  assert.deepEqual((await readdir(dst)).sort(), ['blobs', 'oci-layout'], 'no index.json, no temp file');
});

test('a blobs/sha256 folder symlinked outside the layout is never written through', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  const outside = join(dir, 'elsewhere');
  await mkdir(outside);
  const dst = join(dir, 'dst');
  await mkdir(join(dst, 'blobs'), { recursive: true });
  await writeFile(join(dst, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await symlink(outside, join(dst, 'blobs', 'sha256'));
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${dst}:v1`), layoutRefusal(/folder at .*\/dst\/blobs\/sha256 leads outside the OCI layout/));
  assert.deepEqual(await readdir(outside), [], 'nothing was written outside');
  assert.equal(existsSync(join(dst, 'index.json')), false);
});

test('a blob name planted as a symlink in the destination is replaced by the real blob, not written through', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  const dst = join(dir, 'dst');
  const victim = join(dir, 'victim');
  await writeFile(victim, 'keep me');
  await mkdir(join(dst, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dst, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await symlink(victim, join(dst, 'blobs', 'sha256', src.layer.slice(7)));
  await copy(`oci:${src.dir}:v1`, `oci:${dst}:v1`);
  assert.equal(await readFile(victim, 'utf8'), 'keep me');
  assert.ok((await stat(join(dst, 'blobs', 'sha256', src.layer.slice(7)))).isFile());
  assert.deepEqual(await readFile(join(dst, 'blobs', 'sha256', src.layer.slice(7))), await readFile(src.blob(src.layer)));
});

test('a config past 4 MiB is refused while planning, before anything is written to oci:', async (t) => {
  const dir = await tempDir(t);
  const big = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', pad: 'x'.repeat(maxConfigBytes) }));
  const src = await handMadeLayout(join(dir, 'src'), { config: big });
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'out')}:v1`), (err: unknown) => {
    assert.ok(err instanceof RegxError);
    assert.equal(err.reason, 'too-large');
    assert.match(err.message, new RegExp(`config ${src.config} is ${big.length} bytes, more than the ${maxConfigBytes}-byte limit`));
    return true;
  });
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('a blob of unknown size (-1) is written and verified by digest alone', async (t) => {
  const layout = await OciLayout.create(await tempDir(t));
  const bytes = randomBytes(3000);
  const digest = digestOf(bytes);
  async function* body(): AsyncIterable<Buffer> {
    yield bytes.subarray(0, 1000);
    yield bytes.subarray(1000);
  }
  await assert.rejects(
    layout.writeBlob(
      { digest, size: -1 },
      (async function* () {
        yield randomBytes(10);
      })(),
      'layer',
    ),
    /digest mismatch/,
  );
  assert.equal(await layout.hasBlob(digest, -1), false);
  await layout.writeBlob({ digest, size: -1 }, body(), 'layer');
  assert.equal(await layout.hasBlob(digest, -1), true);
  assert.deepEqual(await layout.readBlob(digest, 4096, 'layer'), bytes);
});

test('a copy into a new oci: folder that fails midway takes the folder away again', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'));
  await rm(src.blob(src.layer));
  // Two levels that did not exist: both were made by the copy, so both go.
  const out = join(dir, 'new', 'out');
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${out}:v1`), NotFoundError);
  assert.equal(existsSync(join(dir, 'new')), false, 'no empty layout folder left behind');
  // An empty folder given as the destination stays, empty.
  await mkdir(join(dir, 'empty'));
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'empty')}:v1`), NotFoundError);
  assert.deepEqual(await readdir(join(dir, 'empty')), []);
});

test('a copy into an existing layout cancelled mid-blob leaves no temp file and its index.json untouched', async (t) => {
  const dir = await tempDir(t);
  const src = await handMadeLayout(join(dir, 'src'), { layerBytes: 5 << 20 });
  const dst = await handMadeLayout(join(dir, 'dst'));
  const indexBefore = await readFile(join(dst.dir, 'index.json'));
  const controller = new AbortController();
  // Abort once a MiB of the big layer has landed on disk: its temp file exists by then.
  const midLayer =
    (c: AbortController) =>
    (p: CopyProgress): void => {
      if (p.bytesMoved >= 1 << 20) c.abort();
    };
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${dst.dir}:v2`, controller.signal, midLayer(controller)), CancelledError);
  assert.deepEqual(await readFile(join(dst.dir, 'index.json')), indexBefore);
  assert.deepEqual(
    (await tree(dst.dir)).filter((p) => p.includes('.regx-tmp-')),
    [],
  );
  assert.equal(existsSync(dst.blob(src.layer)), false, 'the cancelled layer is not in place');
  // Into a new folder, the same cancellation leaves nothing at all.
  const fresh = new AbortController();
  await assert.rejects(copy(`oci:${src.dir}:v1`, `oci:${join(dir, 'fresh')}:v1`, fresh.signal, midLayer(fresh)), CancelledError);
  assert.equal(existsSync(join(dir, 'fresh')), false);
});

test('a blob whose final name cannot be taken leaves no temp file behind', async (t) => {
  const dir = await tempDir(t);
  const layout = await OciLayout.create(dir);
  const bytes = Buffer.from('a layer');
  const digest = digestOf(bytes);
  // A non-empty folder where the blob goes: the rename into place fails.
  await mkdir(join(layout.blobPath(digest), 'x'), { recursive: true });
  async function* body(): AsyncIterable<Buffer> {
    yield bytes;
  }
  await assert.rejects(layout.writeBlob({ digest, size: bytes.length }, body(), 'layer'));
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.startsWith('.regx-tmp-')),
    [],
  );
});
