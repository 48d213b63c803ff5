// regx copy against real Distribution registries, checked with real skopeo and umoci: what regx copies
// skopeo reads back whole with the same digest, what skopeo pushed regx copies, multi-platform indexes
// keep their digest (or give up one image with --platform), and oci: folders regx writes are valid layouts.
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  buildImage,
  inspectRawWithSkopeo,
  makeTempDir,
  pushImage,
  pushWithSkopeo,
  registryFetch,
  regxBundle,
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
import type { TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import { copyImage } from '../../src/core/image/copy';
import { parseImageLocation } from '../../src/core/reference/transport';
import { RegistryClient } from '../../src/core/registry/client';

after(async () => {
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

async function blobStatus(reg: TestRegistry, repo: string, digest: string): Promise<number> {
  return (await registryFetch(reg, `/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status;
}

test('an image regx copied between registries is read back whole by skopeo with the source digest', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const layout = makeTempDir('src');
  const img = await writeImageLayout(layout, { tag: 'v1', layers: 3, layerSize: 64 * 1024, mediaType: 'docker' });
  await pushWithSkopeo(layout, 'v1', a, 'team/app:v1');
  const r = await runRegx(['copy', ...insecure, `docker://${a.host}/team/app:v1`, `docker://${b.host}/prod/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 blobs copied/);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'prod/app:v1')), img.manifestDigest);
  const out = makeTempDir('readback');
  const back = await run('skopeo', ['copy', ...skopeoFlags(b, 'src'), `docker://${b.host}/prod/app:v1`, `oci:${out}:v1`], { timeoutMs: 120_000 });
  assert.equal(back.code, 0, back.stderr);
  for (const layer of img.layers)
    assert.deepEqual(await readFile(join(out, 'blobs', 'sha256', layer.digest.slice(7))), img.blobs.get(layer.digest), `layer ${layer.digest} came back whole`);
});

test('a two-platform index is copied whole with its digest, and --platform linux/arm64 copies just that image', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const layout = makeTempDir('multi');
  const idx = await writeMultiPlatformLayout(
    layout,
    'v2',
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    { mediaType: 'oci', layers: 2, layerSize: 16 * 1024 },
  );
  await pushWithSkopeo(layout, 'v2', a, 'multi/app:v2');
  const whole = await runRegx(['copy', ...insecure, `docker://${a.host}/multi/app:v2`, `docker://${b.host}/multi/app`]);
  assert.equal(whole.code, 0, whole.stderr);
  assert.match(whole.stdout, /3 manifests/);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'multi/app:v2')), idx.indexDigest, 'index digest preserved; the tag defaulted to the source tag');
  for (const image of idx.images) assert.equal(sha256(await inspectRawWithSkopeo(b, `multi/app@${image.manifestDigest}`)), image.manifestDigest);

  const arm = idx.images.find((i) => i.platform.architecture === 'arm64');
  const amd = idx.images.find((i) => i.platform.architecture === 'amd64');
  assert.ok(arm && amd);
  const one = await runRegx(['copy', ...insecure, '--platform', 'linux/arm64', `docker://${a.host}/multi/app:v2`, `docker://${b.host}/arm/app:v2`]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'arm/app:v2')), arm.manifestDigest, 'the tag names the arm64 image itself');
  for (const l of arm.layers) assert.equal(await blobStatus(b, 'arm/app', l.digest), 200);
  for (const l of amd.layers) assert.equal(await blobStatus(b, 'arm/app', l.digest), 404, 'amd64 layers were not copied');
});

test('oci: folders regx writes are valid layouts that skopeo and umoci read; oci -> registry keeps the digest', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'umoci'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const layout = makeTempDir('oci-src');
  const img = await writeImageLayout(layout, { tag: 'v3', layers: 2, layerSize: 32 * 1024, mediaType: 'oci' });
  await pushWithSkopeo(layout, 'v3', a, 'team/oci:v3');
  const out = join(makeTempDir('oci-out'), 'layout');
  const r = await runRegx(['copy', '--src-tls-verify=false', `docker://${a.host}/team/oci:v3`, `oci:${out}`]);
  assert.equal(r.code, 0, r.stderr);
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'v3', 'an oci destination without a tag gets the source tag');
  const stat = await run('umoci', ['stat', '--image', `${out}:v3`]);
  assert.equal(stat.code, 0, stat.stderr);
  const unpacked = join(makeTempDir('bundle'), 'b');
  const unpack = await run('umoci', ['unpack', '--rootless', '--image', `${out}:v3`, unpacked]);
  assert.equal(unpack.code, 0, unpack.stderr);
  const push = await run('skopeo', ['copy', '--preserve-digests', ...skopeoFlags(b, 'dest'), `oci:${out}:v3`, `docker://${b.host}/from/skopeo:v3`], {
    timeoutMs: 120_000,
  });
  assert.equal(push.code, 0, push.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'from/skopeo:v3')), img.manifestDigest);
  // And regx pushes its own folder back: oci -> docker, digest preserved.
  const again = await runRegx(['copy', '--dest-tls-verify=false', `oci:${out}:v3`, `docker://${b.host}/from/regx:v3`]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'from/regx:v3')), img.manifestDigest);
});

test('oci -> oci keeps other images in the destination folder and adds a name', async () => {
  const src = makeTempDir('o2o-src');
  const img = await writeImageLayout(src, { tag: 'one', layers: 1, mediaType: 'oci' });
  const dst = makeTempDir('o2o-dst');
  await writeImageLayout(dst, { tag: 'keep', layers: 1, mediaType: 'oci' });
  const r = await runRegx(['copy', `oci:${src}:one`, `oci:${dst}:two`]);
  assert.equal(r.code, 0, r.stderr);
  const names = JSON.parse(await readFile(join(dst, 'index.json'), 'utf8')).manifests.map((m: { annotations: Record<string, string>; digest: string }) => [
    m.annotations['org.opencontainers.image.ref.name'],
    m.digest,
  ]);
  assert.deepEqual(names.map((n: string[]) => n[0]).sort(), ['keep', 'two']);
  assert.equal(names.find((n: string[]) => n[0] === 'two')[1], img.manifestDigest);
});

test('promotion between repositories of one registry mounts every blob: no blob bytes move', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const image = await buildImage({ layers: 3, layerSize: 64 * 1024, mediaType: 'oci' });
  await pushImage(a, 'dev/app', 'v1', image);
  const pa = await startFaultProxy({ target: a.host });
  const r = await runRegx(['copy', ...insecure, `docker://${pa.host}/dev/app:v1`, `docker://${pa.host}/prod/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 mounted/);
  assert.equal(pa.count('POST', /\/v2\/prod\/app\/blobs\/uploads\/\?mount=.*&from=dev%2Fapp/), 4);
  assert.equal(pa.count('GET', /\/blobs\//), 0, 'no blob was read');
  assert.equal(pa.count('PUT', /\/blobs\//) + pa.count('PATCH', /\/blobs\//), 0, 'no blob was uploaded');
  assert.equal(await blobStatus(a, 'prod/app', image.layers[0]?.digest as string), 200);
});

test('a registry that refuses monolithic PUTs gets a chunked upload; forced chunked mode honours the chunk size', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const image = await buildImage({ layers: 1, layerSize: 600 * 1024, mediaType: 'oci' });
  await pushImage(a, 'src/app', 'v1', image);
  const pb = await startFaultProxy({ target: b.host });
  pb.addRule({ method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, action: { kind: 'status', status: 415 }, times: 1 });
  const r = await runRegx(['copy', '--jobs=1', ...insecure, `docker://${a.host}/src/app:v1`, `docker://${pb.host}/dst/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(pb.count('PATCH', /\/blobs\/uploads\//) >= 1, 'fell back to PATCH');
  assert.equal(
    (await registryFetch(b, '/v2/dst/app/manifests/v1', { method: 'HEAD', headers: { accept: image.manifestMediaType } })).headers.get('docker-content-digest'),
    image.manifestDigest,
  );

  // In-process, forced chunked with 128 KiB chunks against the real registry.
  const pc = await startFaultProxy({ target: b.host });
  const srcClient = new RegistryClient(a.host, { tlsVerify: false });
  const dstClient = new RegistryClient(pc.host, { tlsVerify: false });
  try {
    const res = await copyImage(parseImageLocation(`docker://${a.host}/src/app:v1`), parseImageLocation(`docker://${pc.host}/chunked/app:v1`), {
      srcClient,
      dstClient,
      uploadMode: 'chunked',
      chunkSize: 128 * 1024,
    });
    assert.equal(res.digest, image.manifestDigest);
    const layerSize = image.layers[0]?.size as number;
    assert.ok(pc.count('PATCH', /\/blobs\/uploads\//) >= Math.ceil(layerSize / (128 * 1024)), 'the layer went in 128 KiB chunks');
  } finally {
    await srcClient.close();
    await dstClient.close();
  }
});

test('TLS with a CA folder and Basic auth on one side, Bearer tokens on the other, credentials from flags', async (t) => {
  if (!requireTools(t, ['docker-registry', 'openssl'])) return;
  const a = await startRegistry({ tls: true, htpasswd: { username: 'alice', password: 'a-secret' } });
  const b = await startRegistry({ token: true, tokenIssuer: { username: 'bob', password: 'b-secret' } });
  const image = await buildImage({ layers: 2, layerSize: 16 * 1024, mediaType: 'docker' });
  await pushImage(a, 'team/app', 'v1', image);
  const r = await runRegx([
    'copy',
    `--src-cert-dir=${a.certDir}`,
    '--src-creds=alice:a-secret',
    '--dest-tls-verify=false',
    '--dest-creds=bob:b-secret',
    `docker://${a.host}/team/app:v1`,
    `docker://${b.host}/tok/app:v1`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stderr.includes('secret') && !r.stdout.includes('secret'), 'no secret is printed');
  assert.equal(
    (await registryFetch(b, '/v2/tok/app/manifests/v1', { method: 'HEAD', headers: { accept: image.manifestMediaType } })).headers.get('docker-content-digest'),
    image.manifestDigest,
  );
  const denied = await runRegx([
    'copy',
    `--src-cert-dir=${a.certDir}`,
    '--src-creds=alice:wrong',
    '--dest-tls-verify=false',
    '--dest-creds=bob:b-secret',
    `docker://${a.host}/team/app:v1`,
    `docker://${b.host}/tok/app:v2`,
  ]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /alice/);
});

test('a destination without a repository is refused before any request; a bad --platform or --jobs too', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const pa = await startFaultProxy({ target: a.host });
  const r = await runRegx(['copy', '--dest-tls-verify=false', `docker://${pa.host}/x/y:v1`, `docker://${pa.host}/`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /repository name is missing/);
  const s = await runRegx(['copy', `docker://registry.example.com/`, `oci:/tmp/never`]);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /repository name is missing after registry "registry.example.com"/);
  assert.equal((await runRegx(['copy', '--platform', 'linux', `docker://${pa.host}/x/y:v1`, 'oci:/tmp/never'])).code, 2);
  assert.equal((await runRegx(['copy', '--jobs', '0', `docker://${pa.host}/x/y:v1`, 'oci:/tmp/never'])).code, 2);
  assert.equal(pa.log.length, 0, 'no request reached the registry');
});

test('on a TTY the copy shows blobs, bytes and rate as it goes; -q prints nothing', async (t) => {
  if (!requireTools(t, ['docker-registry', 'script'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const image = await buildImage({ layers: 3, layerSize: 64 * 1024, mediaType: 'oci' });
  await pushImage(a, 'team/app', 'v1', image);
  const copy = (extra: string, repo: string): string =>
    `${process.execPath} ${regxBundle} copy ${extra} --src-tls-verify=false --dest-tls-verify=false docker://${a.host}/team/app:v1 docker://${b.host}/${repo}:v1`;
  // util-linux `script` gives regx a pseudo-terminal, as a user's shell would.
  const tty = await run('script', ['-qec', copy('', 'tty/app'), '/dev/null']);
  assert.equal(tty.code, 0, tty.stdout);
  assert.match(tty.stdout, /Copying blobs \d+\/4, [\d.]+\/[\d.]+ MiB, [\d.]+ MiB\/s/);
  assert.match(tty.stdout, /Copied sha256:/);
  const quiet = await run('script', ['-qec', copy('-q', 'quiet/app'), '/dev/null']);
  assert.equal(quiet.code, 0, quiet.stdout);
  assert.equal(quiet.stdout.trim(), '', 'nothing at all with -q');
});

test('credentials come from --authfile (containers auth.json) when no flag gives them', async (t) => {
  if (!requireTools(t, ['docker-registry', 'openssl'])) return;
  const a = await startRegistry({ tls: true, htpasswd: { username: 'carol', password: 'c-secret' } });
  const image = await buildImage({ layers: 1, mediaType: 'oci' });
  await pushImage(a, 'team/app', 'v1', image);
  const authfile = join(makeTempDir('auth'), 'auth.json');
  await writeFile(authfile, JSON.stringify({ auths: { [a.host]: { auth: Buffer.from('carol:c-secret').toString('base64') } } }));
  const out = makeTempDir('authfile-out');
  const r = await runRegx(['copy', `--authfile=${authfile}`, `--src-cert-dir=${a.certDir}`, `docker://${a.host}/team/app:v1`, `oci:${out}:v1`], {
    env: { REGISTRY_AUTH_FILE: '/nonexistent', HOME: makeTempDir('home') },
  });
  assert.equal(r.code, 0, r.stderr);
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
  assert.equal(index.manifests[0].digest, image.manifestDigest);
  const denied = await runRegx(['copy', `--src-cert-dir=${a.certDir}`, `docker://${a.host}/team/app:v1`, `oci:${out}:v2`], {
    env: { REGISTRY_AUTH_FILE: '/nonexistent', HOME: makeTempDir('home'), XDG_RUNTIME_DIR: makeTempDir('xdg') },
  });
  assert.equal(denied.code, 1, 'without the file there are no credentials');
});

test('a two-platform index copied into an oci: folder is read back whole by skopeo --all, digest kept', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const layout = makeTempDir('multi-oci-src');
  const idx = await writeMultiPlatformLayout(
    layout,
    'v4',
    [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
    { mediaType: 'oci', layers: 1, layerSize: 8 * 1024 },
  );
  await pushWithSkopeo(layout, 'v4', a, 'multi/oci:v4');
  const out = join(makeTempDir('multi-oci-out'), 'layout');
  const r = await runRegx(['copy', '--src-tls-verify=false', `docker://${a.host}/multi/oci:v4`, `oci:${out}:v4`]);
  assert.equal(r.code, 0, r.stderr);
  const entry = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')).manifests[0];
  assert.equal(entry.digest, idx.indexDigest);
  assert.equal(entry.mediaType, 'application/vnd.oci.image.index.v1+json');
  const push = await run('skopeo', ['copy', '--all', '--preserve-digests', ...skopeoFlags(b, 'dest'), `oci:${out}:v4`, `docker://${b.host}/multi/back:v4`], {
    timeoutMs: 120_000,
  });
  assert.equal(push.code, 0, push.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'multi/back:v4')), idx.indexDigest);
});
