// regx copy's format conversion, --multi-arch, recompression and skopeo's spellings, against real
// Distribution registries and checked with real skopeo 1.9 and umoci: what skopeo writes for the same
// command is what regx must write (byte for byte where both keep the config as it is).
import { strict as assert } from 'node:assert';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { gunzipSync, gzip } from 'node:zlib';
import {
  buildImage,
  inspectRawWithSkopeo,
  makeTempDir,
  MediaTypes,
  pushImage,
  pushWithSkopeo,
  registryFetch,
  removeAllTempDirs,
  requireTools,
  run,
  runRegx,
  sha256,
  skopeoFlags,
  startRegistry,
  stopAll,
  tarOneFile,
  writeMultiPlatformLayout,
} from '../harness';
import type { BuiltImage, LayerInfo, TestRegistry } from '../harness';
import { zstdAvailable } from '../../src/core/image/layer-compression';
import { hostPlatform } from '../../src/core/image/platform';

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

const gzipAsync = promisify(gzip);
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const uncompressedLayer = { docker: 'application/vnd.docker.image.rootfs.diff.tar', oci: 'application/vnd.oci.image.layer.v1.tar' };

/**
 * An image whose config is already as Go's encoding/json writes the OCI config struct (field order,
 * no empty fields), so skopeo's re-encoding of it on conversion keeps its bytes; layers gzip or plain tar.
 */
async function canonicalImage(format: 'docker' | 'oci', opts: { gzipLayers?: boolean; layers?: number } = {}): Promise<BuiltImage> {
  const blobs = new Map<string, Buffer>();
  const layers: LayerInfo[] = [];
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    const tar = tarOneFile(`f${i}.txt`, Buffer.from(`layer ${i} ${Math.random()}\n`.repeat(200)));
    const blob = opts.gzipLayers === false ? tar : await gzipAsync(tar);
    const mediaType = opts.gzipLayers === false ? uncompressedLayer[format] : format === 'docker' ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip;
    blobs.set(sha256(blob), blob);
    layers.push({ digest: sha256(blob), size: blob.length, mediaType, diffId: sha256(tar) });
  }
  const created = '2024-01-01T00:00:00Z';
  const config = Buffer.from(
    JSON.stringify({
      created,
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created, created_by: `layer ${i}` })),
    }),
  );
  blobs.set(sha256(config), config);
  const manifestMediaType = format === 'docker' ? MediaTypes.dockerManifest : MediaTypes.ociManifest;
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: manifestMediaType,
        config: { mediaType: format === 'docker' ? MediaTypes.dockerConfig : MediaTypes.ociConfig, digest: sha256(config), size: config.length },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      },
      null,
      3,
    ),
  );
  return {
    manifest,
    manifestDigest: sha256(manifest),
    manifestMediaType,
    manifestSize: manifest.length,
    config,
    configDigest: sha256(config),
    configSize: config.length,
    layers,
    platform: { os: 'linux', architecture: 'amd64' },
    blobs,
  };
}

async function manifestStatus(reg: TestRegistry, repoAndRef: string): Promise<number> {
  const [repo, ref] = repoAndRef.split(':') as [string, string];
  return (
    await registryFetch(reg, `/v2/${repo}/manifests/${ref}`, {
      method: 'HEAD',
      headers: { accept: [MediaTypes.ociIndex, MediaTypes.dockerList, MediaTypes.ociManifest, MediaTypes.dockerManifest].join(', ') },
    })
  ).status;
}

async function layoutEntry(dir: string, tag: string): Promise<{ mediaType: string; digest: string; size: number }> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(entry, `${dir} has ${tag}`);
  return entry;
}

async function layoutJson(dir: string, digest: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as Record<string, unknown>;
}

test('a Docker image copied to oci: becomes OCI as with skopeo, skopeo and umoci read it by tag, and it goes back to a registry with that digest', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'umoci'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const img = await buildImage({ layers: 2, layerSize: 16 * 1024, mediaType: 'docker' });
  await pushImage(a, 'team/app', 'v1', img);
  const out = join(makeTempDir('convert'), 'layout');
  const r = await runRegx(['copy', '--src-tls-verify=false', `docker://${a.host}/team/app:v1`, `oci:${out}:v1`]);
  assert.equal(r.code, 0, r.stderr);
  const entry = await layoutEntry(out, 'v1');
  assert.equal(entry.mediaType, MediaTypes.ociManifest);
  assert.notEqual(entry.digest, img.manifestDigest);
  assert.match(r.stderr, new RegExp(`converted to OCI: its digest is ${entry.digest}, the source's ${img.manifestDigest}`));
  const manifest = await layoutJson(out, entry.digest);
  assert.deepEqual(manifest.config, { mediaType: MediaTypes.ociConfig, digest: img.configDigest, size: img.configSize }, 'the config bytes are kept');

  // skopeo maps the manifest and layers the same way (it also re-encodes the config, which regx keeps whole).
  const theirs = join(makeTempDir('convert-skopeo'), 'layout');
  const sk = await run('skopeo', ['copy', '-q', ...skopeoFlags(a, 'src'), `docker://${a.host}/team/app:v1`, `oci:${theirs}:v1`], { timeoutMs: 120_000 });
  assert.equal(sk.code, 0, sk.stderr);
  const skManifest = await layoutJson(theirs, (await layoutEntry(theirs, 'v1')).digest);
  assert.equal(skManifest.mediaType, manifest.mediaType);
  assert.deepEqual(skManifest.layers, manifest.layers);

  const inspect = await run('skopeo', ['inspect', `oci:${out}:v1`]);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.equal(JSON.parse(inspect.stdout).Digest, entry.digest);
  const ls = await run('umoci', ['ls', '--layout', out]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(ls.stdout.trim().split('\n'), ['v1']);
  const unpack = await run('umoci', ['unpack', '--rootless', '--image', `${out}:v1`, join(makeTempDir('bundle'), 'b')]);
  assert.equal(unpack.code, 0, unpack.stderr);

  const back = await runRegx(['copy', '--dest-tls-verify=false', `oci:${out}:v1`, `docker://${b.host}/back/app:v1`]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stderr, '', 'oci: -> registry rewrites nothing');
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'back/app:v1')), entry.digest);
});

test('--preserve-digests keeps a Docker image as it is through oci: and back; with --format oci it is refused before anything is written', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const img = await buildImage({ layers: 2, layerSize: 8 * 1024, mediaType: 'docker' });
  await pushImage(a, 'team/app', 'v1', img);
  const out = join(makeTempDir('preserve'), 'layout');
  const r = await runRegx(['copy', '--preserve-digests', '--src-tls-verify=false', `docker://${a.host}/team/app:v1`, `oci:${out}:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const entry = await layoutEntry(out, 'v1');
  const theirs = join(makeTempDir('preserve-skopeo'), 'layout');
  const sk = await run('skopeo', ['copy', '-q', '--preserve-digests', ...skopeoFlags(a, 'src'), `docker://${a.host}/team/app:v1`, `oci:${theirs}:v1`], {
    timeoutMs: 120_000,
  });
  assert.equal(sk.code, 0, sk.stderr);
  const skEntry = await layoutEntry(theirs, 'v1');
  assert.deepEqual([entry.mediaType, entry.digest], [skEntry.mediaType, skEntry.digest], 'the Docker manifest as it is, as skopeo writes it');
  assert.equal(entry.digest, img.manifestDigest);
  const back = await runRegx(['copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${out}:v1`, `docker://${b.host}/back/app:v1`]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'back/app:v1')), img.manifestDigest);

  const refused = await runRegx([
    'copy',
    '--format',
    'oci',
    '--preserve-digests',
    ...insecure,
    `docker://${a.host}/team/app:v1`,
    `docker://${b.host}/never/app:v1`,
  ]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /converting it to OCI would change the digest of manifest sha256:[0-9a-f]{64}, which is to be kept/);
  assert.equal(await manifestStatus(b, 'never/app:v1'), 404);
  const layer = img.layers[0] as LayerInfo;
  assert.equal((await registryFetch(b, `/v2/never/app/blobs/${layer.digest}`, { method: 'HEAD' })).status, 404, 'no blob was moved');
});

test('--format converts to the very bytes skopeo writes: OCI to v2s2, and v2s2 to OCI when the config is already as Go encodes it', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const oci = await buildImage({ layers: 2, layerSize: 8 * 1024, mediaType: 'oci' });
  await pushImage(a, 'src/oci', 'v1', oci);
  const docker = await canonicalImage('docker');
  await pushImage(a, 'src/docker', 'v1', docker);
  for (const [format, repo] of [
    ['v2s2', 'src/oci'],
    ['oci', 'src/docker'],
  ] as const) {
    const ours = await runRegx(['copy', '--format', format, ...insecure, `docker://${a.host}/${repo}:v1`, `docker://${a.host}/regx/${format}:v1`]);
    assert.equal(ours.code, 0, ours.stderr);
    const theirs = await run(
      'skopeo',
      [
        'copy',
        '-q',
        '--format',
        format,
        ...skopeoFlags(a, 'src'),
        ...skopeoFlags(a, 'dest'),
        `docker://${a.host}/${repo}:v1`,
        `docker://${a.host}/skopeo/${format}:v1`,
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(theirs.code, 0, theirs.stderr);
    const regxBytes = await inspectRawWithSkopeo(a, `regx/${format}:v1`);
    assert.equal(regxBytes.toString(), (await inspectRawWithSkopeo(a, `skopeo/${format}:v1`)).toString(), `--format ${format}: byte for byte`);
    assert.equal(JSON.parse(regxBytes.toString()).mediaType, format === 'oci' ? MediaTypes.ociManifest : MediaTypes.dockerManifest);
  }
  const v2s1 = await runRegx(['copy', '--format', 'v2s1', ...insecure, `docker://${a.host}/src/oci:v1`, `docker://${a.host}/x/y:v1`]);
  assert.equal(v2s1.code, 1);
  assert.match(v2s1.stderr, /--format v2s1 is not supported: regx does not write Docker schema 1/);
  const bogus = await runRegx(['copy', '--format', 'v3', ...insecure, `docker://${a.host}/src/oci:v1`, `docker://${a.host}/x/y:v1`]);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /unknown format "v3". Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'/);
});

test("--multi-arch: system copies this machine's image, index-only the index alone (failing where the children are missing, as with skopeo)", async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const host = hostPlatform();
  const other = host.architecture === 'amd64' ? { os: 'linux', architecture: 'arm64' } : { os: 'linux', architecture: 'amd64' };
  const layout = makeTempDir('multi');
  const idx = await writeMultiPlatformLayout(layout, 'v1', [{ os: host.os, architecture: host.architecture }, other], {
    mediaType: 'docker',
    layers: 1,
    layerSize: 4096,
  });
  await pushWithSkopeo(layout, 'v1', a, 'multi/app:v1');
  const mine = idx.images.find((i) => i.platform.architecture === host.architecture) as BuiltImage;
  const src = `docker://${a.host}/multi/app:v1`;

  const system = await runRegx(['copy', '--multi-arch', 'system', ...insecure, src, `docker://${b.host}/sys/app:v1`]);
  assert.equal(system.code, 0, system.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'sys/app:v1')), mine.manifestDigest);

  // index-only into a repository without the children: the registry refuses the index, for skopeo too.
  const missing = await runRegx(['copy', '--multi-arch', 'index-only', ...insecure, src, `docker://${b.host}/bare/app:v1`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /manifest blob unknown: blob unknown to registry/);
  const skMissing = await run('skopeo', [
    'copy',
    '-q',
    '--multi-arch',
    'index-only',
    ...skopeoFlags(a, 'src'),
    ...skopeoFlags(b, 'dest'),
    src,
    `docker://${b.host}/bare/skopeo:v1`,
  ]);
  assert.equal(skMissing.code, 1);
  assert.match(skMissing.stderr, /manifest blob unknown/);
  assert.equal(await manifestStatus(b, 'bare/app:v1'), 404);

  // Where the children are already, the index alone is copied, digest kept, and nothing else moves.
  const full = await runRegx(['copy', ...insecure, src, `docker://${b.host}/full/app:v1`]);
  assert.equal(full.code, 0, full.stderr);
  const only = await runRegx(['copy', '--multi-arch', 'index-only', ...insecure, src, `docker://${b.host}/full/app:v2`]);
  assert.equal(only.code, 0, only.stderr);
  assert.match(only.stdout, /0 blobs copied .* 1 manifests/);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'full/app:v2')), idx.indexDigest);

  // index-only into oci: writes the index alone, converted to an OCI index: the same bytes as skopeo's.
  const ours = join(makeTempDir('index-only'), 'layout');
  const theirs = join(makeTempDir('index-only-skopeo'), 'layout');
  assert.equal((await runRegx(['copy', '--multi-arch', 'index-only', '--src-tls-verify=false', src, `oci:${ours}:v1`])).code, 0);
  const sk = await run('skopeo', ['copy', '-q', '--multi-arch', 'index-only', ...skopeoFlags(a, 'src'), src, `oci:${theirs}:v1`]);
  assert.equal(sk.code, 0, sk.stderr);
  const entry = await layoutEntry(ours, 'v1');
  assert.equal(entry.digest, (await layoutEntry(theirs, 'v1')).digest);
  assert.equal(entry.mediaType, MediaTypes.ociIndex);
  assert.deepEqual(await readdir(join(ours, 'blobs', 'sha256')), [entry.digest.slice(7)]);

  // The whole Docker list into oci: becomes an OCI index of OCI images, which skopeo copies on by tag with its digest.
  const whole = join(makeTempDir('list-oci'), 'layout');
  const all = await runRegx(['copy', '--src-tls-verify=false', src, `oci:${whole}:v1`]);
  assert.equal(all.code, 0, all.stderr);
  const index = await layoutEntry(whole, 'v1');
  assert.equal(index.mediaType, MediaTypes.ociIndex);
  const children = (await layoutJson(whole, index.digest)).manifests as { mediaType: string; platform: { architecture: string } }[];
  assert.deepEqual(
    children.map((c) => [c.mediaType, c.platform.architecture]),
    [
      [MediaTypes.ociManifest, host.architecture],
      [MediaTypes.ociManifest, other.architecture],
    ],
  );
  const push = await run(
    'skopeo',
    ['copy', '-q', '--all', '--preserve-digests', ...skopeoFlags(b, 'dest'), `oci:${whole}:v1`, `docker://${b.host}/from/layout:v1`],
    { timeoutMs: 120_000 },
  );
  assert.equal(push.code, 0, push.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'from/layout:v1')), index.digest);

  const both = await runRegx(['copy', '--all', '--multi-arch', 'all', src, 'oci:/tmp/never']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /cannot use --all and --multi-arch flags together/);
  const bad = await runRegx(['copy', '--multi-arch', 'some', src, 'oci:/tmp/never']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown multi-arch option "some". Choose one of the supported options: 'system', 'all', or 'index-only'/);
  assert.equal((await runRegx(['copy', '--multi-arch', 'index-only', '--platform', 'linux/arm64', src, 'oci:/tmp/never'])).code, 2);
});

test('--dest-compress-format gzip compresses uncompressed layers (new digests, said on stderr) and keeps gzip ones, as skopeo 1.9 does', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'umoci'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const plain = await canonicalImage('oci', { gzipLayers: false });
  await pushImage(a, 'plain/app', 'v1', plain);
  const r = await runRegx([
    'copy',
    '--dest-compress-format',
    'gzip',
    '--dest-compress-level',
    '6',
    ...insecure,
    `docker://${a.host}/plain/app:v1`,
    `docker://${b.host}/gz/app:v1`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 layers recompressed with gzip \(new layer digests\): its digest is sha256:/);
  const manifest = JSON.parse((await inspectRawWithSkopeo(b, 'gz/app:v1')).toString()) as {
    config: { digest: string };
    layers: { mediaType: string; digest: string }[];
  };
  assert.equal(manifest.config.digest, plain.configDigest, 'the config is untouched');
  for (const [i, layer] of manifest.layers.entries()) {
    assert.equal(layer.mediaType, MediaTypes.ociLayerGzip);
    const blob = Buffer.from(await (await registryFetch(b, `/v2/gz/app/blobs/${layer.digest}`)).arrayBuffer());
    assert.equal(sha256(gunzipSync(blob)), plain.layers[i]?.diffId, 'the content still matches its diff_id');
  }
  const sk = await run(
    'skopeo',
    [
      'copy',
      '-q',
      '--dest-compress-format',
      'gzip',
      ...skopeoFlags(a, 'src'),
      ...skopeoFlags(b, 'dest'),
      `docker://${a.host}/plain/app:v1`,
      `docker://${b.host}/gz/skopeo:v1`,
    ],
    { timeoutMs: 120_000 },
  );
  assert.equal(sk.code, 0, sk.stderr);
  const skManifest = JSON.parse((await inspectRawWithSkopeo(b, 'gz/skopeo:v1')).toString()) as typeof manifest;
  assert.deepEqual(
    skManifest.layers.map((l) => l.mediaType),
    manifest.layers.map((l) => l.mediaType),
    'skopeo compresses the same layers the same way',
  );
  // umoci checks every layer against the config's diff_ids when it unpacks.
  const out = join(makeTempDir('gz-layout'), 'layout');
  assert.equal((await runRegx(['copy', '--src-tls-verify=false', `docker://${b.host}/gz/app:v1`, `oci:${out}:v1`])).code, 0);
  const unpack = await run('umoci', ['unpack', '--rootless', '--image', `${out}:v1`, join(makeTempDir('gz-bundle'), 'b')]);
  assert.equal(unpack.code, 0, unpack.stderr);

  // Layers already gzip are kept as they are, whatever the level: same digest, for skopeo too.
  const gz = await buildImage({ layers: 1, layerSize: 8 * 1024, mediaType: 'oci' });
  await pushImage(a, 'gz/app', 'v1', gz);
  for (const [tool, args] of [
    ['regx', ['--dest-compress-format', 'gzip', '--dest-compress-level', '9']],
    ['skopeo', ['-q', '--dest-compress-format', 'gzip', '--dest-compress-level', '9', ...skopeoFlags(a, 'src'), ...skopeoFlags(b, 'dest')]],
  ] as const) {
    const res =
      tool === 'regx'
        ? await runRegx(['copy', ...args, ...insecure, `docker://${a.host}/gz/app:v1`, `docker://${b.host}/kept/${tool}:v1`])
        : await run('skopeo', ['copy', ...args, `docker://${a.host}/gz/app:v1`, `docker://${b.host}/kept/${tool}:v1`]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(sha256(await inspectRawWithSkopeo(b, `kept/${tool}:v1`)), gz.manifestDigest, `${tool} keeps the gzip layers and the digest`);
  }

  const preserve = await runRegx([
    'copy',
    '--preserve-digests',
    '--dest-compress',
    ...insecure,
    `docker://${a.host}/plain/app:v1`,
    `docker://${b.host}/never/app:v1`,
  ]);
  assert.equal(preserve.code, 2);
  assert.match(preserve.stderr, /compressing layer sha256:[0-9a-f]{64} would change its digest and the image's, which are to be kept/);
  assert.equal(await manifestStatus(b, 'never/app:v1'), 404);
  if (!zstdAvailable()) {
    const zstd = await runRegx(['copy', '--dest-compress-format', 'zstd', ...insecure, `docker://${a.host}/gz/app:v1`, `docker://${b.host}/never/app:v1`]);
    assert.equal(zstd.code, 1);
    assert.match(zstd.stderr, new RegExp(`zstd compression is not available: this Node.js \\(${process.version}\\) has no zstd in zlib`));
  }
  assert.equal((await runRegx(['copy', '--dest-compress-level', 'high', `docker://${a.host}/gz/app:v1`, 'oci:/tmp/never'])).code, 2);
});

test("skopeo's spellings: --screds/--dcreds are --src-creds/--dest-creds; --additional-tag is refused, as skopeo applies it to docker-archive only", async (t) => {
  if (!requireTools(t, ['docker-registry', 'openssl'])) return;
  const a = await startRegistry({ tls: true, htpasswd: { username: 'alice', password: 'a-secret' } });
  const b = await startRegistry({ tls: true, htpasswd: { username: 'bob', password: 'b-secret' } });
  const img = await buildImage({ layers: 1, mediaType: 'oci' });
  await pushImage(a, 'team/app', 'v1', img);
  const certs = [`--src-cert-dir=${a.certDir}`, `--dest-cert-dir=${b.certDir}`];
  const ok = await runRegx([
    'copy',
    ...certs,
    '--screds',
    'alice:a-secret',
    '--dcreds=bob:b-secret',
    `docker://${a.host}/team/app:v1`,
    `docker://${b.host}/team/app:v1`,
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(sha256(await inspectRawWithSkopeo(b, 'team/app:v1')), img.manifestDigest);
  const wrong = await runRegx([
    'copy',
    ...certs,
    '--screds',
    'alice:a-secret',
    '--dcreds=bob:wrong',
    `docker://${a.host}/team/app:v1`,
    `docker://${b.host}/team/app:v2`,
  ]);
  assert.equal(wrong.code, 1, 'the --dcreds password is the one used');
  const twice = await runRegx(['copy', '--screds', 'a:b', '--src-creds', 'a:b', `docker://${a.host}/team/app:v1`, 'oci:/tmp/never']);
  assert.equal(twice.code, 2);
  const tag = await runRegx([
    'copy',
    '--additional-tag',
    'extra:1',
    ...certs,
    '--screds',
    'alice:a-secret',
    '--dcreds=bob:b-secret',
    `docker://${a.host}/team/app:v1`,
    `docker://${b.host}/team/app:v3`,
  ]);
  assert.equal(tag.code, 2);
  assert.match(tag.stderr, /--additional-tag applies to docker-archive: destinations only/);
  assert.equal(await manifestStatus(b, 'team/app:v3'), 404);
});
