// The file transports against real skopeo 1.9 (and podman where it runs): `dir:`, `oci-archive:` and
// `docker-archive:` written by regx are read by skopeo, written by skopeo are read by regx, digests
// kept where the format keeps them (dir: and oci-archive: keep every manifest; a docker-archive keeps
// the config and the uncompressed layers), several images in one docker-archive, and corrupt,
// truncated or hostile archives refused with a clear error before anything is written.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  hex,
  inspectRawWithSkopeo,
  makeTempDir,
  pushWithSkopeo,
  removeAllTempDirs,
  requireTools,
  run,
  runRegx,
  sha256,
  skopeoFlags,
  startRegistry,
  stopAll,
  writeImageLayout,
  writeMultiPlatformLayout,
} from '../harness';

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

async function skopeo(args: string[]): Promise<string> {
  const r = await run('skopeo', args, { timeoutMs: 180_000 });
  assert.equal(r.code, 0, `skopeo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function regx(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runRegx(args, { timeoutMs: 180_000 });
  assert.equal(r.code, 0, `regx ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** Refused: a non-zero exit, nothing on stdout, and a message matching `message`. */
async function refused(args: string[], message: RegExp): Promise<string> {
  const r = await runRegx(args, { timeoutMs: 60_000 });
  assert.notEqual(r.code, 0, `regx ${args.join(' ')} should fail; it printed ${r.stdout}`);
  assert.match(r.stderr, message);
  return r.stderr;
}

function config(stdout: string): { rootfs: { diff_ids: string[] } } {
  return JSON.parse(stdout) as { rootfs: { diff_ids: string[] } };
}

// ---- dir: ----

test('dir: a two-platform index regx wrote is read by skopeo with every digest, and skopeo pushes it back unchanged', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('dir-src');
  const idx = await writeMultiPlatformLayout(
    layout,
    'm',
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
    { mediaType: 'oci', layers: 2, layerSize: 8 * 1024 },
  );
  await pushWithSkopeo(layout, 'm', reg, 'multi/app:m');
  const dir = join(makeTempDir('dir-out'), 'img');
  await regx(['copy', ...insecure, `docker://${reg.host}/multi/app:m`, `dir:${dir}`]);
  // skopeo's layout: version, manifest.json (the index), <hex>.manifest.json per image, blobs by hex.
  assert.equal(readFileSync(join(dir, 'version'), 'utf8'), 'Directory Transport Version: 1.1\n');
  const expected = new Set([
    'version',
    'manifest.json',
    ...idx.images.flatMap((i) => [`${hex(i.manifestDigest)}.manifest.json`, ...[...i.blobs.keys()].map(hex)]),
  ]);
  assert.deepEqual(new Set(readdirSync(dir)), expected);
  assert.equal(sha256(Buffer.from(await skopeo(['inspect', '--raw', `dir:${dir}`]))), idx.indexDigest);
  await skopeo(['copy', '--all', '--preserve-digests', ...skopeoFlags(reg, 'dest'), `dir:${dir}`, `docker://${reg.host}/back/app:m`]);
  assert.equal(sha256(await inspectRawWithSkopeo(reg, 'back/app:m')), idx.indexDigest);
  for (const image of idx.images) assert.equal(sha256(await inspectRawWithSkopeo(reg, `back/app@${image.manifestDigest}`)), image.manifestDigest);
});

test('dir: a folder skopeo wrote is read by regx (inspect and copy) with the index digest, and regx writes the same files', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('dir-sk');
  const idx = await writeMultiPlatformLayout(
    layout,
    'm',
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
    { mediaType: 'oci', layers: 1 },
  );
  const skDir = join(makeTempDir('dir-sk-out'), 'img');
  await skopeo(['copy', '--all', `oci:${layout}:m`, `dir:${skDir}`]);
  const raw = await regx(['inspect', '--raw', `dir:${skDir}`]);
  assert.equal(sha256(Buffer.from(raw.stdout)), idx.indexDigest);
  const summary = JSON.parse((await regx(['inspect', '--override-arch', 'arm64', `dir:${skDir}`])).stdout) as { Architecture: string; Digest: string };
  assert.equal(summary.Architecture, 'arm64');
  await regx(['copy', ...insecure, `dir:${skDir}`, `docker://${reg.host}/from/dir:m`]);
  assert.equal(sha256(await inspectRawWithSkopeo(reg, 'from/dir:m')), idx.indexDigest);
  const mine = join(makeTempDir('dir-regx'), 'img');
  await regx(['copy', `dir:${skDir}`, `dir:${mine}`]);
  assert.deepEqual(readdirSync(mine).sort(), readdirSync(skDir).sort());
  for (const name of readdirSync(skDir)) assert.deepEqual(readFileSync(join(mine, name)), readFileSync(join(skDir, name)), name);
});

test('dir: a folder holding other files is not overwritten; a dir: image is replaced whole, its old files taken away', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const a = makeTempDir('dir-a');
  const b = makeTempDir('dir-b');
  const one = await writeImageLayout(a, { tag: 'v1', mediaType: 'oci', layers: 2 });
  const two = await writeImageLayout(b, { tag: 'v1', mediaType: 'oci', layers: 1 });
  const precious = makeTempDir('dir-precious');
  writeFileSync(join(precious, 'thesis.txt'), 'do not delete');
  await refused(['copy', `oci:${a}:v1`, `dir:${precious}`], /not empty and is not a dir: image folder; refusing to overwrite it/);
  assert.deepEqual(readdirSync(precious), ['thesis.txt']);

  const dir = join(makeTempDir('dir-replace'), 'img');
  await regx(['copy', '--preserve-digests', `oci:${a}:v1`, `dir:${dir}`]);
  await regx(['copy', '--preserve-digests', `oci:${b}:v1`, `dir:${dir}`]);
  assert.deepEqual(new Set(readdirSync(dir)), new Set(['version', 'manifest.json', ...[...two.blobs.keys()].map(hex)]));
  assert.equal(sha256(Buffer.from(await skopeo(['inspect', '--raw', `dir:${dir}`]))), two.manifestDigest);
  assert.ok(!readdirSync(dir).includes(hex(one.layers[0]?.digest ?? '')), 'the first image is gone');
});

test('dir: a blob that is a symlink is refused unread, and one with other bytes fails the copy on its digest', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const layout = makeTempDir('dir-hostile-src');
  const img = await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers: 1 });
  const dir = join(makeTempDir('dir-hostile'), 'img');
  await skopeo(['copy', `oci:${layout}:v1`, `dir:${dir}`]);
  const layer = join(dir, hex(img.layers[0]?.digest as string));
  const saved = readFileSync(layer);
  execFileSync('rm', [layer]);
  execFileSync('ln', ['-s', '/etc/passwd', layer]);
  const out = makeTempDir('dir-hostile-out');
  await refused(['copy', `dir:${dir}`, `oci:${out}:x`], /is a symlink; a dir: image holds regular files only/);
  execFileSync('rm', [layer]);
  const tampered = Buffer.from(saved);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
  writeFileSync(layer, tampered);
  await refused(['copy', `dir:${dir}`, `oci:${out}:x`], /digest/i);
  assert.ok(!existsSync(join(out, 'index.json')) || !readFileSync(join(out, 'index.json'), 'utf8').includes('"x"'), 'nothing names the broken image');
});

// ---- oci-archive: ----

test('oci-archive: skopeo reads what regx wrote from a registry, digests kept, and regx reads what skopeo wrote', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('oa-src');
  const idx = await writeMultiPlatformLayout(
    layout,
    'm',
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
    { mediaType: 'oci', layers: 2, layerSize: 300 * 1024 },
  );
  await pushWithSkopeo(layout, 'm', reg, 'oa/app:m');
  const file = join(makeTempDir('oa-out'), 'app.tar');
  await regx(['copy', ...insecure, `docker://${reg.host}/oa/app:m`, `oci-archive:${file}:v1`]);
  assert.equal(sha256(Buffer.from(await skopeo(['inspect', '--raw', `oci-archive:${file}:v1`]))), idx.indexDigest);
  const unpacked = makeTempDir('oa-unpacked');
  await skopeo(['copy', '--all', '--preserve-digests', `oci-archive:${file}:v1`, `oci:${unpacked}:v1`]);
  for (const image of idx.images)
    for (const [digest, bytes] of image.blobs) assert.deepEqual(readFileSync(join(unpacked, 'blobs', 'sha256', hex(digest))), bytes, digest);
  assert.deepEqual(readdirSync(join(file, '..')), ['app.tar'], 'no temp file left beside the archive');

  const skFile = join(makeTempDir('oa-sk'), 'sk.tar');
  await skopeo(['copy', '--all', `oci:${layout}:m`, `oci-archive:${skFile}:tagged`]);
  assert.equal(sha256(Buffer.from((await regx(['inspect', '--raw', `oci-archive:${skFile}:tagged`])).stdout)), idx.indexDigest);
  assert.equal(sha256(Buffer.from((await regx(['inspect', '--raw', `oci-archive:${skFile}`])).stdout)), idx.indexDigest, 'the only image, unnamed');
  await regx(['copy', ...insecure, `oci-archive:${skFile}:tagged`, `docker://${reg.host}/oa/back:m`]);
  assert.equal(sha256(await inspectRawWithSkopeo(reg, 'oa/back:m')), idx.indexDigest);
  await refused(['inspect', `oci-archive:${skFile}:nope`], /no image named "nope" in oci-archive/);
});

test('oci-archive: a failed copy leaves no archive and an existing one untouched', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const layout = makeTempDir('oa-fail');
  const img = await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers: 2 });
  const dir = makeTempDir('oa-fail-out');
  const file = join(dir, 'x.tar');
  // A layer whose bytes are not its digest's: the copy fails on it.
  const layer = join(layout, 'blobs', 'sha256', hex(img.layers[1]?.digest as string));
  const good = readFileSync(layer);
  const bad = Buffer.from(good);
  bad[10] = (bad[10] as number) ^ 0xff;
  writeFileSync(layer, bad);
  await refused(['copy', `oci:${layout}:v1`, `oci-archive:${file}`], /digest/i);
  assert.deepEqual(readdirSync(dir), [], 'neither the archive nor a temp file');
  writeFileSync(layer, good);
  await regx(['copy', `oci:${layout}:v1`, `oci-archive:${file}`]);
  const before = readFileSync(file);
  writeFileSync(layer, bad);
  await refused(['copy', `oci:${layout}:v1`, `oci-archive:${file}`], /digest/i);
  assert.deepEqual(readFileSync(file), before, 'the archive that was there is unchanged');
  assert.deepEqual(readdirSync(dir), ['x.tar']);
});

// ---- docker-archive: ----

test('docker-archive: regx writes what skopeo and podman load read, with the config and diff_ids of the registry image', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('da-src');
  const img = await writeImageLayout(layout, { tag: 'v1', mediaType: 'docker', layers: 3, layerSize: 200 * 1024 });
  await pushWithSkopeo(layout, 'v1', reg, 'da/app:v1');
  const file = join(makeTempDir('da-out'), 'app.tar');
  await regx(['copy', ...insecure, '--additional-tag', 'extra/name:two', `docker://${reg.host}/da/app:v1`, `docker-archive:${file}:da/app:v1`]);
  const items = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json']).toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  assert.deepEqual(items[0]?.RepoTags, ['docker.io/da/app:v1', 'docker.io/extra/name:two']);
  assert.deepEqual(
    items[0]?.Layers,
    img.layers.map((l) => `${hex(l.diffId)}.tar`),
    'layers stored uncompressed, named by diff_id',
  );
  const skConfig = await skopeo(['inspect', '--config', '--raw', `docker-archive:${file}:da/app:v1`]);
  assert.equal(sha256(Buffer.from(skConfig)), img.configDigest);
  assert.deepEqual(
    config(skConfig).rootfs.diff_ids,
    img.layers.map((l) => l.diffId),
  );
  assert.deepEqual(JSON.parse(await skopeo(['list-tags', `docker-archive:${file}`])), JSON.parse((await regx(['list-tags', `docker-archive:${file}`])).stdout));

  // podman (rootful, a private store on vfs) loads it under both names.
  const root = makeTempDir('podman-root');
  const podman = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    run('podman', ['--root', join(root, 'root'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs', ...args], { timeoutMs: 180_000 });
  const load = await podman(['load', '-i', file]);
  assert.equal(load.code, 0, load.stderr);
  const listed = await podman(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.deepEqual(listed.stdout.trim().split('\n').sort(), ['docker.io/da/app:v1', 'docker.io/extra/name:two']);
  const inspected = JSON.parse((await podman(['image', 'inspect', 'docker.io/da/app:v1'])).stdout) as Array<{ Id: string; RootFS: { Layers: string[] } }>;
  assert.equal(`sha256:${inspected[0]?.Id}`, img.configDigest, 'podman names the image by its config digest');
  assert.deepEqual(
    inspected[0]?.RootFS.Layers,
    img.layers.map((l) => l.diffId),
  );
});

test('docker-archive: regx reads what skopeo wrote and pushes a valid image (layers compressed, digests changed, said so)', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('da-sk');
  const img = await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers: 2, layerSize: 100 * 1024 });
  const file = join(makeTempDir('da-sk-out'), 'sk.tar');
  await skopeo(['copy', `oci:${layout}:v1`, `docker-archive:${file}:sk/app:v1`]);
  const ours = JSON.parse((await regx(['inspect', `docker-archive:${file}`])).stdout) as { Layers: string[]; LayersData: Array<{ MIMEType: string }> };
  assert.deepEqual(
    ours.Layers,
    img.layers.map((l) => l.diffId),
    'the layers are the uncompressed ones, by diff_id',
  );
  assert.ok(
    ours.LayersData.every((l) => l.MIMEType === 'application/vnd.docker.image.rootfs.diff.tar'),
    'and say they are uncompressed',
  );
  assert.equal(sha256(Buffer.from((await regx(['inspect', '--config', '--raw', `docker-archive:${file}:sk/app:v1`])).stdout)), img.configDigest);

  const pushed = await regx(['copy', ...insecure, `docker-archive:${file}`, `docker://${reg.host}/sk/app:v1`]);
  assert.match(pushed.stderr, /2 layers recompressed with gzip \(new layer digests\): its digest is sha256:[0-9a-f]{64}, the source's sha256:[0-9a-f]{64}/);
  const manifest = JSON.parse((await inspectRawWithSkopeo(reg, 'sk/app:v1')).toString()) as {
    mediaType: string;
    config: { digest: string };
    layers: Array<{ mediaType: string; digest: string }>;
  };
  assert.equal(manifest.config.digest, img.configDigest);
  assert.ok(manifest.layers.every((l) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
  // The pushed layers are gzip streams of exactly the archive's layer tars: pulled back, their diff_ids hold.
  const back = makeTempDir('da-back');
  await skopeo(['copy', ...skopeoFlags(reg, 'src'), `docker://${reg.host}/sk/app:v1`, `dir:${back}`]);
  for (const [i, l] of manifest.layers.entries()) {
    const unzipped = execFileSync('gzip', ['-dc', join(back, hex(l.digest))]);
    assert.equal(sha256(unzipped), img.layers[i]?.diffId);
  }
  // Kept uncompressed when asked to keep digests: the archive's own manifest, pushed as is.
  await regx(['copy', ...insecure, '--preserve-digests', `docker-archive:${file}`, `docker://${reg.host}/sk/raw:v1`]);
  const raw = JSON.parse((await inspectRawWithSkopeo(reg, 'sk/raw:v1')).toString()) as { layers: Array<{ digest: string }> };
  assert.deepEqual(
    raw.layers.map((l) => l.digest),
    img.layers.map((l) => l.diffId),
  );
});

test('docker-archive: several images in one archive are picked by @N or by tag, and none without one', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const base = makeTempDir('da-multi');
  const imgs = [];
  const merged = join(base, 'merged');
  mkdirSync(merged);
  const items: unknown[] = [];
  for (const [i, name] of ['one/app:v1', 'two/app:v2'].entries()) {
    const layout = join(base, `l${i}`);
    imgs.push(await writeImageLayout(layout, { tag: 'v', mediaType: 'oci', layers: i + 1 }));
    const single = join(base, `s${i}.tar`);
    await skopeo(['copy', `oci:${layout}:v`, `docker-archive:${single}:${name}`]);
    execFileSync('tar', ['-xf', single, '-C', merged]);
    items.push(...(JSON.parse(readFileSync(join(merged, 'manifest.json'), 'utf8')) as unknown[]));
  }
  // As `docker save` writes several images: one manifest.json listing both (made with GNU tar here).
  writeFileSync(join(merged, 'manifest.json'), JSON.stringify(items));
  const file = join(base, 'multi.tar');
  execFileSync('tar', ['-cf', file, '-C', merged, '.']);
  const configOf = async (ref: string): Promise<string> => sha256(Buffer.from((await regx(['inspect', '--config', '--raw', ref])).stdout));
  assert.equal(await configOf(`docker-archive:${file}:@0`), imgs[0]?.configDigest);
  assert.equal(await configOf(`docker-archive:${file}:@1`), imgs[1]?.configDigest);
  assert.equal(await configOf(`docker-archive:${file}:two/app:v2`), imgs[1]?.configDigest);
  assert.equal(await configOf(`docker-archive:${file}:docker.io/one/app:v1`), imgs[0]?.configDigest);
  assert.equal(
    sha256(Buffer.from(await skopeo(['inspect', '--config', '--raw', `docker-archive:${file}:@1`]))),
    imgs[1]?.configDigest,
    'skopeo reads the same archive alike',
  );
  await refused(['inspect', `docker-archive:${file}`], /holds 2 images: pick one with docker-archive:.*:REFERENCE or :@N/);
  await refused(['inspect', `docker-archive:${file}:@2`], /has 2 images; there is no @2/);
  await refused(['inspect', `docker-archive:${file}:three/app`], /no image tagged docker\.io\/three\/app:latest/);
  const tags = JSON.parse((await regx(['list-tags', `docker-archive:${file}`])).stdout) as { Tags: string[] };
  assert.deepEqual(tags.Tags, ['docker.io/one/app:v1', 'docker.io/two/app:v2']);
  // Copied out of it, the second image alone: what a docker-archive destination writes is read by skopeo.
  const out = join(base, 'two.tar');
  await regx(['copy', `docker-archive:${file}:@1`, `docker-archive:${out}:two/app:v2`]);
  assert.equal(sha256(Buffer.from(await skopeo(['inspect', '--config', '--raw', `docker-archive:${out}`]))), imgs[1]?.configDigest);
  await refused(['copy', `docker-archive:${file}:@0`, `docker-archive:${out}`], /already exists: a docker-archive is written whole/);
});

test('docker-archive: a layer file stored gzip-compressed is described as gzip by its own digest and copied as it is', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const base = makeTempDir('da-gz-layer');
  const layout = join(base, 'layout');
  const img = await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers: 2 });
  const plain = join(base, 'plain.tar');
  await skopeo(['copy', `oci:${layout}:v1`, `docker-archive:${plain}`]);
  const tree = join(base, 'tree');
  mkdirSync(tree);
  execFileSync('tar', ['-xf', plain, '-C', tree]);
  const items = JSON.parse(readFileSync(join(tree, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  const first = (items[0] as { Layers: string[] }).Layers[0] as string;
  const gz = execFileSync('gzip', ['-nc', join(tree, first)]);
  writeFileSync(join(tree, `${first}.gz`), gz);
  (items[0] as { Layers: string[] }).Layers[0] = `${first}.gz`;
  writeFileSync(join(tree, 'manifest.json'), JSON.stringify(items));
  const file = join(base, 'mixed.tar');
  execFileSync('tar', ['-cf', file, '-C', tree, '.']);
  const info = JSON.parse((await regx(['inspect', `docker-archive:${file}`])).stdout) as { Layers: string[]; LayersData: Array<{ MIMEType: string }> };
  assert.deepEqual(info.Layers, [sha256(gz), img.layers[1]?.diffId]);
  assert.deepEqual(
    info.LayersData.map((l) => l.MIMEType),
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.docker.image.rootfs.diff.tar'],
  );
  const out = join(base, 'out');
  await regx(['copy', `docker-archive:${file}`, `oci:${out}:v1`]);
  assert.deepEqual(readFileSync(join(out, 'blobs', 'sha256', hex(sha256(gz)))), gz, 'the gzip layer kept byte for byte');
  // And read back by skopeo with the image's diff_ids.
  assert.deepEqual(
    config(await skopeo(['inspect', '--config', '--raw', `oci:${out}:v1`])).rootfs.diff_ids,
    img.layers.map((l) => l.diffId),
  );
});

test("docker-archive: an index is written as one of its images (this machine's, or --platform's); --all is refused", async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const base = makeTempDir('da-index');
  const layout = join(base, 'layout');
  const idx = await writeMultiPlatformLayout(
    layout,
    'm',
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 's390x' },
    ],
    { mediaType: 'oci', layers: 1 },
  );
  const host = { x64: 'amd64', arm64: 'arm64', s390x: 's390x' }[process.arch as string];
  if (host) {
    const mine = join(base, 'host.tar');
    await regx(['copy', `oci:${layout}:m`, `docker-archive:${mine}:app:m`]);
    const want = idx.images.find((i) => i.platform.architecture === host);
    assert.equal(sha256(Buffer.from(await skopeo(['inspect', '--config', '--raw', `docker-archive:${mine}`]))), want?.configDigest);
  }
  const s390 = join(base, 's390x.tar');
  await regx(['copy', '--platform', 'linux/s390x', `oci:${layout}:m`, `docker-archive:${s390}:app:m`]);
  assert.equal(sha256(Buffer.from(await skopeo(['inspect', '--config', '--raw', `docker-archive:${s390}`]))), idx.images[2]?.configDigest);
  await refused(['copy', '--all', `oci:${layout}:m`, `docker-archive:${join(base, 'all.tar')}`], /a docker-archive holds a single image, not an index/);
  await refused(
    ['copy', '--dest-compress-format', 'gzip', `oci:${layout}:m`, `docker-archive:${join(base, 'gz.tar')}`],
    /stores layers uncompressed; a layer compression cannot be chosen/,
  );
  assert.ok(!existsSync(join(base, 'all.tar')) && !existsSync(join(base, 'gz.tar')));
});

// ---- hostile and broken archives ----

/** A tar made by Python's tarfile, to get entries no sane writer makes. */
function pythonTar(file: string, script: string): void {
  execFileSync('python3', [
    '-c',
    `import tarfile, io\nt = tarfile.open(${JSON.stringify(file)}, 'w', format=tarfile.PAX_FORMAT)\ndef add(name, data=b'', **kw):\n    i = tarfile.TarInfo(name); i.size = len(data)\n    for k, v in kw.items(): setattr(i, k, v)\n    t.addfile(i, io.BytesIO(data))\n${script}\nt.close()`,
  ]);
}

test('archives: truncated or corrupt ones are refused with a clear error, and nothing is written', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const base = makeTempDir('broken');
  const layout = join(base, 'layout');
  await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers: 2, layerSize: 64 * 1024 });
  const oa = join(base, 'o.tar');
  const da = join(base, 'd.tar');
  await skopeo(['copy', `oci:${layout}:v1`, `oci-archive:${oa}:v1`]);
  await skopeo(['copy', `oci:${layout}:v1`, `docker-archive:${da}:x/y:v1`]);
  const out = join(base, 'out');
  for (const [file, transport] of [
    [oa, 'oci-archive'],
    [da, 'docker-archive'],
  ] as const) {
    const cut = `${file}.cut`;
    writeFileSync(cut, readFileSync(file));
    truncateSync(cut, Math.floor(statSync(file).size / 2));
    await refused(['copy', `${transport}:${cut}`, `oci:${out}:x`], new RegExp(`${transport} .*\\.cut is truncated`));
    const noEnd = `${file}.noend`;
    const whole = readFileSync(file);
    // Cut just after the last entry: every header is whole but the end-of-archive marker is gone.
    let end = whole.length;
    while (end > 0 && whole.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
    writeFileSync(noEnd, whole.subarray(0, end));
    await refused(['inspect', `${transport}:${noEnd}`], /is truncated: it ends at byte \d+ without the end-of-archive marker/);
    const corrupt = `${file}.corrupt`;
    const bytes = Buffer.from(whole);
    bytes[3] = (bytes[3] as number) ^ 0x55; // the first entry's name, under its header checksum
    writeFileSync(corrupt, bytes);
    await refused(['inspect', `${transport}:${corrupt}`], /is corrupt: bad tar header checksum at byte 0/);
    const xz = `${file}.xz`;
    writeFileSync(xz, execFileSync('xz', ['-c', file]));
    await refused(['inspect', `${transport}:${xz}`], /is xz-compressed; decompress it first/);
    // A gzip-compressed one (`docker save | gzip`) is read as skopeo reads it; a cut one is refused.
    const gz = `${file}.gz`;
    const zipped = execFileSync('gzip', ['-c', file]);
    writeFileSync(gz, zipped);
    assert.equal((await regx(['inspect', '--raw', `${transport}:${gz}`])).stdout, (await regx(['inspect', '--raw', `${transport}:${file}`])).stdout);
    writeFileSync(gz, zipped.subarray(0, zipped.length >> 1));
    await refused(['inspect', `${transport}:${gz}`], /is compressed, and its compressed stream is corrupt or truncated/);
  }
  assert.ok(!existsSync(out), 'no destination was created');
});

test('archives: an entry with ../ or an absolute name, a symlink out, a hard link or a device is refused', async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const base = makeTempDir('evil');
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'dotdot',
      'docker-archive',
      "add('../../etc/cron.d/x', b'boom')\nadd('manifest.json', b'[]')",
      /the entry "\.\.\/\.\.\/etc\/cron\.d\/x" has a "\.\." component/,
    ],
    ['dotdot-inner', 'oci-archive', "add('blobs/../../x', b'boom')", /has a "\.\." component/],
    ['absolute', 'docker-archive', "add('/etc/passwd', b'boom')", /the entry "\/etc\/passwd" is absolute/],
    [
      'symlink-out',
      'docker-archive',
      "add('manifest.json', type=tarfile.SYMTYPE, linkname='/etc/passwd')",
      /the symlink "manifest\.json" points outside the archive \(to "\/etc\/passwd"\)/,
    ],
    ['symlink-up', 'docker-archive', "add('a/layer.tar', type=tarfile.SYMTYPE, linkname='../../secret')", /points outside the archive/],
    [
      'symlink-oci',
      'oci-archive',
      "add('index.json', type=tarfile.SYMTYPE, linkname='other.json')",
      /the entry "index\.json" is a symlink, which this format never needs/,
    ],
    ['hardlink', 'docker-archive', "add('manifest.json', type=tarfile.LNKTYPE, linkname='etc/passwd')", /the entry "manifest\.json" is a hard link/],
    ['device', 'oci-archive', "add('dev', type=tarfile.CHRTYPE, devmajor=1, devminor=3)", /the entry "dev" is a device/],
    ['twice', 'oci-archive', "add('index.json', b'{}')\nadd('index.json', b'{\"manifests\": []}')", /"index\.json" appears more than once/],
  ];
  for (const [name, transport, script, message] of cases) {
    const file = join(base, `${name}.tar`);
    pythonTar(file, script);
    await refused(['inspect', `${transport}:${file}`], message);
  }
  // The symlinks skopeo itself writes (ID/layer.tar -> ../HEX.tar) stay inside and are resolved there.
  const ok = join(base, 'legacy.tar');
  const layout = join(base, 'layout');
  const img = await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers: 1 });
  await skopeo(['copy', `oci:${layout}:v1`, `docker-archive:${ok}`]);
  const merged = join(base, 'legacy');
  mkdirSync(merged);
  execFileSync('tar', ['-xf', ok, '-C', merged]);
  const items = JSON.parse(readFileSync(join(merged, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  const linkDir = readdirSync(merged).find((n) => statSync(join(merged, n)).isDirectory()) as string;
  (items[0] as { Layers: string[] }).Layers = [`${linkDir}/layer.tar`];
  writeFileSync(join(merged, 'manifest.json'), JSON.stringify(items));
  execFileSync('tar', ['-cf', ok, '-C', merged, '.']);
  const summary = JSON.parse((await regx(['inspect', `docker-archive:${ok}`])).stdout) as { Layers: string[] };
  assert.deepEqual(summary.Layers, [img.layers[0]?.diffId], 'the layer reached through the in-archive symlink');
});

test('transports: dir:, oci-archive: and docker-archive: refuse what skopeo refuses', async () => {
  await refused(['list-tags', 'dir:/tmp/x'], /Unsupported transport 'dir' for tag listing\. Only supported: docker, docker-archive/);
  await refused(['list-tags', 'oci-archive:/tmp/x.tar'], /Unsupported transport 'oci-archive' for tag listing/);
  await refused(['inspect', 'docker-archive:/tmp/x.tar:foo@sha256:' + '0'.repeat(64)], /has a digest; an archive names images by tag only/);
  await refused(['copy', 'docker-archive:/nonexistent.tar', 'docker-archive:/tmp/y.tar:@1'], /does not exist|names a source image by position/);
  await refused(['copy', '--additional-tag', 'a/b:c', 'dir:/nonexistent', 'oci:/tmp/nowhere'], /--additional-tag applies to docker-archive: destinations only/);
});
