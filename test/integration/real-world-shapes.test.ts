// Shapes real registries hold, made as the tools that make them write them (test/harness/shapes.ts), pushed
// to a real Distribution and copied by regx registry -> registry and registry -> oci: -> registry: every
// digest must survive. regx inspect is checked against real skopeo 1.9 where skopeo can inspect the shape,
// and the layouts regx writes are read by skopeo and umoci by tag.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  buildImage,
  buildkitAttestationIndex,
  cosignSignature,
  cosignSignatureTag,
  dockerForeignLayerImage,
  hex,
  hugeIndex,
  makeTempDir,
  orasReferrer,
  referrersIndex,
  referrersTag,
  pushBlob,
  pushImage,
  pushShape,
  regxBundle,
  registryDigest,
  registryFetch,
  registryManifest,
  removeAllTempDirs,
  repoRoot,
  requireTools,
  run,
  runRegx,
  sbomArtifact,
  skopeoFlags,
  startRegistry,
  stopAll,
  windowsManifestList,
} from '../harness';
import type { RunResult, Shape, ShapeManifest, TestRegistry } from '../harness';
import { buildSchema1Image, SCHEMA1_SIGNED } from '../harness/schema1';

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo', 'umoci']);
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

async function regx(args: string[]): Promise<RunResult> {
  const r = await runRegx(args, { timeoutMs: 300_000 });
  assert.equal(r.code, 0, `regx ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
  return r;
}

async function skopeo(args: string[]): Promise<RunResult> {
  const r = await run('skopeo', args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `skopeo ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
  return r;
}

interface LayoutEntry {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

function layoutEntry(dir: string, tag: string): LayoutEntry {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: LayoutEntry[] };
  const entries = index.manifests.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.equal(entries.length, 1, `${dir} names ${tag} once`);
  return entries[0] as LayoutEntry;
}

const layoutHas = (dir: string, digest: string): boolean => existsSync(join(dir, 'blobs', 'sha256', hex(digest)));

/** Every manifest and blob of the shape is in the registry repository under its own digest; foreign layers are not. */
async function assertRegistryHoldsShape(reg: TestRegistry, repository: string, shape: Shape): Promise<void> {
  for (const m of shape.children) assert.equal(await registryDigest(reg, repository, m.digest), m.digest, `${repository} has child ${m.digest}`);
  for (const digest of shape.blobs.keys())
    assert.equal((await registryFetch(reg, `/v2/${repository}/blobs/${digest}`, { method: 'HEAD' })).status, 200, `${repository} has blob ${digest}`);
  for (const digest of shape.foreign)
    assert.equal((await registryFetch(reg, `/v2/${repository}/blobs/${digest}`, { method: 'HEAD' })).status, 404, `foreign layer ${digest} stays foreign`);
}

/** (a) registry -> registry: the destination serves the same bytes under the same digest, children included. */
async function assertRegistryRoundTrip(src: TestRegistry, dst: TestRegistry, from: string, to: string, shape: Shape): Promise<void> {
  await regx(['copy', ...insecure, `docker://${src.host}/${from}`, `docker://${dst.host}/${to}`]);
  const [repository, reference] = splitRef(to);
  assert.equal(await registryDigest(dst, repository, reference), shape.top.digest, `${to} keeps the digest`);
  assert.deepEqual(await registryManifest(dst, repository, reference), shape.top.bytes, `${to} keeps the bytes`);
  await assertRegistryHoldsShape(dst, repository, shape);
}

/**
 * (b) registry -> oci:DIR:TAG -> registry, digest kept all the way (`extra`: --preserve-digests for Docker
 * shapes, which regx would otherwise convert to OCI). Returns the layout folder.
 */
async function assertLayoutRoundTrip(
  src: TestRegistry,
  dst: TestRegistry,
  from: string,
  tag: string,
  back: string,
  shape: Shape,
  extra: string[] = [],
): Promise<string> {
  const dir = join(makeTempDir('shape'), 'layout');
  await regx(['copy', ...insecure, ...extra, `docker://${src.host}/${from}`, `oci:${dir}:${tag}`]);
  const entry = layoutEntry(dir, tag);
  assert.equal(entry.digest, shape.top.digest, `oci:${tag} keeps the digest`);
  assert.equal(entry.mediaType, shape.top.mediaType);
  assert.deepEqual(readFileSync(join(dir, 'blobs', 'sha256', hex(entry.digest))), shape.top.bytes);
  for (const m of shape.children) assert.ok(layoutHas(dir, m.digest), `the layout has child ${m.digest}`);
  for (const digest of shape.blobs.keys()) assert.ok(layoutHas(dir, digest), `the layout has blob ${digest}`);
  for (const digest of shape.foreign) assert.ok(!layoutHas(dir, digest), `foreign layer ${digest} is not fetched`);
  await regx(['copy', ...insecure, ...extra, `oci:${dir}:${tag}`, `docker://${dst.host}/${back}`]);
  const [repository, reference] = splitRef(back);
  assert.equal(await registryDigest(dst, repository, reference), shape.top.digest, `${back} (through oci:) keeps the digest`);
  await assertRegistryHoldsShape(dst, repository, shape);
  return dir;
}

function splitRef(ref: string): [string, string] {
  const at = ref.indexOf('@');
  if (at >= 0) return [ref.slice(0, at), ref.slice(at + 1)];
  const colon = ref.lastIndexOf(':');
  return [ref.slice(0, colon), ref.slice(colon + 1)];
}

/** (c) Every field skopeo inspect prints, regx prints with the same value. */
async function assertInspectMatchesSkopeo(reg: TestRegistry, ref: string, extra: string[] = []): Promise<Record<string, unknown>> {
  const ours = JSON.parse((await regx(['inspect', ...skopeoFlags(reg, ''), ...extra, `docker://${reg.host}/${ref}`])).stdout) as Record<string, unknown>;
  const theirs = JSON.parse((await skopeo(['inspect', ...skopeoFlags(reg, ''), ...extra, `docker://${reg.host}/${ref}`])).stdout) as Record<string, unknown>;
  for (const [field, value] of Object.entries(theirs)) assert.deepEqual(ours[field], value, `${ref}: field ${field} differs from skopeo's`);
  return ours;
}

/** (c) `inspect --config` and `--config --raw` print what skopeo prints, byte for byte (an empty `"config": {}` kept). */
async function assertConfigMatchesSkopeo(reg: TestRegistry, ref: string, extra: string[] = []): Promise<void> {
  for (const flags of [['--config'], ['--config', '--raw']]) {
    const ours = await regx(['inspect', ...flags, ...skopeoFlags(reg, ''), ...extra, `docker://${reg.host}/${ref}`]);
    const theirs = await skopeo(['inspect', ...flags, ...skopeoFlags(reg, ''), ...extra, `docker://${reg.host}/${ref}`]);
    assert.equal(ours.stdout, theirs.stdout, `${ref}: inspect ${[...flags, ...extra].join(' ')}`);
  }
}

/** (c) An artifact is not an image: plain `inspect` and `--config` are refused as skopeo refuses them, same words, same exit. */
async function assertArtifactRefusedLikeSkopeo(reg: TestRegistry, ref: string, configType: string): Promise<void> {
  for (const flags of [[], ['--config']]) {
    const ours = await runRegx(['inspect', ...flags, ...skopeoFlags(reg, ''), `docker://${reg.host}/${ref}`]);
    const theirs = await run('skopeo', ['inspect', ...flags, ...skopeoFlags(reg, ''), `docker://${reg.host}/${ref}`]);
    const words = `unsupported image-specific operation on artifact with type "${configType}"`;
    assert.equal(theirs.code, 1, theirs.stderr);
    // skopeo logs it through logrus, which quotes the message and escapes its quotes.
    assert.ok(theirs.stderr.includes(words.replace(/"/g, '\\"')), theirs.stderr);
    assert.equal(ours.code, 1, `regx inspect ${flags.join(' ')} ${ref}: ${ours.stdout}`);
    assert.ok(ours.stderr.includes(words), ours.stderr);
  }
}

/** (c) `inspect --raw` prints the top manifest as served, as skopeo does. */
async function assertRawMatchesSkopeo(reg: TestRegistry, ref: string, expected: Buffer): Promise<void> {
  const ours = await regx(['inspect', '--raw', ...skopeoFlags(reg, ''), `docker://${reg.host}/${ref}`]);
  const theirs = await skopeo(['inspect', '--raw', ...skopeoFlags(reg, ''), `docker://${reg.host}/${ref}`]);
  assert.equal(ours.stdout, theirs.stdout, `${ref}: inspect --raw`);
  assert.equal(ours.stdout, expected.toString('utf8'));
}

/**
 * (c) skopeo and umoci find the layout's tag, skopeo copies everything under it to `copyTo` (every blob
 * there and right) with its digest, and skopeo's inspect of it (image shapes only) is regx's.
 */
async function assertLayoutReadByTools(dir: string, tag: string, opts: { image: boolean; copyTo?: [TestRegistry, string] }): Promise<void> {
  const entry = layoutEntry(dir, tag);
  const raw = await skopeo(['inspect', '--raw', `oci:${dir}:${tag}`]);
  assert.deepEqual(Buffer.from(raw.stdout), readFileSync(join(dir, 'blobs', 'sha256', hex(entry.digest))), `skopeo reads oci:${tag}`);
  if (opts.copyTo) {
    const [reg, to] = opts.copyTo;
    await skopeo(['copy', '--all', '--preserve-digests', ...skopeoFlags(reg, 'dest'), `oci:${dir}:${tag}`, `docker://${reg.host}/${to}`]);
    const [repository, reference] = splitRef(to);
    assert.equal(await registryDigest(reg, repository, reference), entry.digest, `skopeo copies oci:${tag} with its digest`);
  }
  const ls = await run('umoci', ['ls', '--layout', dir]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.ok(ls.stdout.split('\n').includes(tag), `umoci lists ${tag}: ${ls.stdout}`);
  if (!opts.image) return;
  const theirs = JSON.parse((await skopeo(['inspect', `oci:${dir}:${tag}`])).stdout) as Record<string, unknown>;
  const ours = JSON.parse((await regx(['inspect', `oci:${dir}:${tag}`])).stdout) as Record<string, unknown>;
  assert.equal(theirs.Digest, entry.digest);
  for (const [field, value] of Object.entries(theirs)) assert.deepEqual(ours[field], value, `oci:${tag}: field ${field} differs from skopeo's`);
}

/** A layout regx converted to OCI goes to a registry with the digest it has there; its foreign layers stay foreign. */
async function assertConvertedLayoutPushes(dir: string, tag: string, reg: TestRegistry, to: string): Promise<void> {
  const entry = layoutEntry(dir, tag);
  await regx(['copy', ...insecure, `oci:${dir}:${tag}`, `docker://${reg.host}/${to}`]);
  const [repository, reference] = splitRef(to);
  assert.equal(await registryDigest(reg, repository, reference), entry.digest, `${to} has the layout's digest`);
  assert.deepEqual(await registryManifest(reg, repository, reference), readFileSync(join(dir, 'blobs', 'sha256', hex(entry.digest))));
}

/**
 * An image's manifests as written into a layout, top first then its children, with the config digests
 * and the digests they change left out: skopeo re-encodes a Docker config as OCI, regx keeps its bytes
 * (README), so only those differ.
 */
function manifestsWithoutConfigDigests(dir: string, tag: string): unknown[] {
  const read = (digest: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', hex(digest)), 'utf8')) as Record<string, unknown>;
  const top = read(layoutEntry(dir, tag).digest);
  const children = ((top.manifests ?? []) as { digest: string }[]).map((d) => read(d.digest));
  return [top, ...children].map((m) => ({
    ...m,
    ...(m.config ? { config: { ...(m.config as object), digest: undefined } } : {}),
    ...(m.manifests ? { manifests: (m.manifests as object[]).map((d) => ({ ...d, digest: undefined, size: undefined })) } : {}),
  }));
}

/** regx's conversion of a Docker image to OCI for a layout is skopeo's, media types, urls and platforms included. */
async function assertConvertedAsSkopeoDoes(reg: TestRegistry, from: string, converted: string, tag: string): Promise<void> {
  const theirs = join(makeTempDir('shape-skopeo'), 'layout');
  await skopeo(['copy', '--all', ...skopeoFlags(reg, 'src'), `docker://${reg.host}/${from}`, `oci:${theirs}:${tag}`]);
  assert.deepEqual(manifestsWithoutConfigDigests(converted, tag), manifestsWithoutConfigDigests(theirs, tag));
}

describe('real-world shapes round-trip with their digests', { skip: !haveTools }, () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  before(async () => {
    // Distribution refuses manifests with layer URLs unless they are allowed, as Docker Hub allows Microsoft's.
    const foreignUrls = { validation: { manifests: { urls: { allow: ['^https://mcr\\.microsoft\\.com/'] } } } };
    [src, dst] = await Promise.all([startRegistry({ extraConfig: foreignUrls }), startRegistry({ extraConfig: foreignUrls })]);
  });

  test('a Docker list with Windows entries and foreign layers next to linux/amd64', async () => {
    const shape = await windowsManifestList();
    await pushShape(src, 'win/app', 'ltsc', shape);
    await assertRegistryRoundTrip(src, dst, 'win/app:ltsc', 'mirror/win:ltsc', shape);
    await assertLayoutRoundTrip(src, dst, 'win/app:ltsc', 'ltsc', 'back/win:ltsc', shape, ['--preserve-digests']);
    await assertRawMatchesSkopeo(src, 'win/app:ltsc', shape.top.bytes);
    const linux = await assertInspectMatchesSkopeo(src, 'win/app:ltsc');
    assert.equal(linux.Os, 'linux');
    const windows = await assertInspectMatchesSkopeo(src, 'win/app:ltsc', ['--override-os=windows']);
    assert.equal(windows.Os, 'windows');
    assert.equal(windows.Digest, shape.top.digest);
    await assertConfigMatchesSkopeo(src, 'win/app:ltsc', ['--override-os=windows']);
    // --raw never chooses a platform, so one the list lacks is no error.
    const raw = await regx(['inspect', '--raw', '--tls-verify=false', '--override-os=windows', '--override-arch=arm64', `docker://${src.host}/win/app:ltsc`]);
    assert.equal(raw.stdout, shape.top.bytes.toString('utf8'));
    // Converted to OCI (the foreign layers become non-distributable ones): a layout skopeo and umoci read by tag.
    const converted = join(makeTempDir('shape-oci'), 'layout');
    await regx(['copy', ...insecure, `docker://${src.host}/win/app:ltsc`, `oci:${converted}:ltsc`]);
    assert.equal(layoutEntry(converted, 'ltsc').mediaType, 'application/vnd.oci.image.index.v1+json');
    await assertLayoutReadByTools(converted, 'ltsc', { image: true, copyTo: [dst, 'skopeo/win:ltsc'] });
    await assertConvertedLayoutPushes(converted, 'ltsc', dst, 'oci/win:ltsc');
    await assertConvertedAsSkopeoDoes(src, 'win/app:ltsc', converted, 'ltsc');
  });

  test('a Docker image whose base layer is foreign', async () => {
    const shape = await dockerForeignLayerImage();
    await pushShape(src, 'win/nano', '1809', shape);
    await assertRegistryRoundTrip(src, dst, 'win/nano:1809', 'mirror/nano:1809', shape);
    await assertLayoutRoundTrip(src, dst, 'win/nano:1809', '1809', 'back/nano:1809', shape, ['--preserve-digests']);
    await assertRawMatchesSkopeo(src, 'win/nano:1809', shape.top.bytes);
    const ours = await assertInspectMatchesSkopeo(src, 'win/nano:1809');
    assert.equal(ours.Os, 'windows');
    assert.equal((ours.Layers as string[])[0], shape.foreign[0], 'the foreign layer is listed');
    await assertConfigMatchesSkopeo(src, 'win/nano:1809');
    const converted = join(makeTempDir('shape-oci'), 'layout');
    await regx(['copy', ...insecure, `docker://${src.host}/win/nano:1809`, `oci:${converted}:1809`]);
    const manifest = JSON.parse(readFileSync(join(converted, 'blobs', 'sha256', hex(layoutEntry(converted, '1809').digest)), 'utf8')) as {
      layers: { mediaType: string; urls?: string[] }[];
    };
    assert.equal(manifest.layers[0]?.mediaType, 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip');
    assert.equal(manifest.layers[0]?.urls?.length, 1, 'the urls are kept');
    assert.ok(!layoutHas(converted, shape.foreign[0] as string));
    await assertLayoutReadByTools(converted, '1809', { image: true, copyTo: [dst, 'skopeo/nano:1809'] });
    await assertConvertedLayoutPushes(converted, '1809', dst, 'oci/nano:1809');
    await assertConvertedAsSkopeoDoes(src, 'win/nano:1809', converted, '1809');
  });

  test('a BuildKit index with unknown/unknown attestation manifests', async () => {
    const shape = await buildkitAttestationIndex();
    await pushShape(src, 'team/buildkit', 'v1', shape);
    await assertRegistryRoundTrip(src, dst, 'team/buildkit:v1', 'mirror/buildkit:v1', shape);
    // OCI already: nothing to convert, no flag needed.
    const dir = await assertLayoutRoundTrip(src, dst, 'team/buildkit:v1', 'v1', 'back/buildkit:v1', shape);
    await assertLayoutReadByTools(dir, 'v1', { image: true, copyTo: [dst, 'skopeo/buildkit:v1'] });
    await assertRawMatchesSkopeo(src, 'team/buildkit:v1', shape.top.bytes);
    const amd64 = await assertInspectMatchesSkopeo(src, 'team/buildkit:v1');
    assert.equal(amd64.Architecture, 'amd64');
    const arm64 = await assertInspectMatchesSkopeo(src, 'team/buildkit:v1', ['--override-arch=arm64']);
    assert.equal(arm64.Architecture, 'arm64');
    // The attestation manifest itself, by digest: an image of unknown/unknown whose config has an empty "config".
    const attestation = shape.attestations[0] as ShapeManifest;
    const att = await assertInspectMatchesSkopeo(src, `team/buildkit@${attestation.digest}`);
    assert.equal(att.Os, 'unknown');
    await assertConfigMatchesSkopeo(src, `team/buildkit@${attestation.digest}`);
    await assertConfigMatchesSkopeo(src, 'team/buildkit:v1');
    // --platform picks the image, never its attestation.
    await regx(['copy', ...insecure, '--platform=linux/amd64', `docker://${src.host}/team/buildkit:v1`, `docker://${dst.host}/mirror/buildkit:amd64`]);
    assert.equal(await registryDigest(dst, 'mirror/buildkit', 'amd64'), shape.images[0]?.digest);
  });

  test('a cosign signature tag beside the image it signs', async () => {
    const image = await buildImage({ layers: 2, mediaType: 'oci' });
    await pushImage(src, 'team/signed', 'v1', image);
    const shape = cosignSignature(src.host, 'team/signed', image.manifestDigest);
    const sigTag = cosignSignatureTag(image.manifestDigest);
    assert.match(sigTag, /^sha256-[0-9a-f]{64}\.sig$/);
    await pushShape(src, 'team/signed', sigTag, shape);
    await assertRegistryRoundTrip(src, dst, `team/signed:${sigTag}`, `mirror/signed:${sigTag}`, shape);
    await regx(['copy', ...insecure, `docker://${src.host}/team/signed:v1`, `docker://${dst.host}/mirror/signed:v1`]);
    assert.equal(await registryDigest(dst, 'mirror/signed', 'v1'), image.manifestDigest);
    // The image and its signature in one layout, each under its own tag.
    const dir = await assertLayoutRoundTrip(src, dst, `team/signed:${sigTag}`, sigTag, `back/signed:${sigTag}`, shape);
    await regx(['copy', ...insecure, `docker://${src.host}/team/signed:v1`, `oci:${dir}:v1`]);
    assert.equal(layoutEntry(dir, sigTag).digest, shape.top.digest, 'the signature keeps its tag beside the image');
    await assertLayoutReadByTools(dir, sigTag, { image: true, copyTo: [dst, `skopeo/signed:${sigTag}`] });
    await assertLayoutReadByTools(dir, 'v1', { image: true, copyTo: [dst, 'skopeo/signed:v1'] });
    await assertRawMatchesSkopeo(src, `team/signed:${sigTag}`, shape.top.bytes);
    const inspected = await assertInspectMatchesSkopeo(src, `team/signed:${sigTag}`);
    assert.deepEqual([...(inspected.RepoTags as string[])].sort(), [sigTag, 'v1']);
    await assertConfigMatchesSkopeo(src, `team/signed:${sigTag}`);
  });

  test('an OCI artifact with the empty config and a subject, pushed by digest', async () => {
    const image = await buildImage({ mediaType: 'oci' });
    await pushImage(src, 'team/app', 'v1', image);
    const subject: ShapeManifest = { bytes: image.manifest, digest: image.manifestDigest, mediaType: image.manifestMediaType };
    const shape = orasReferrer(subject);
    assert.equal(shape.blobs.get('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a')?.toString(), '{}');
    await pushShape(src, 'team/app', shape.top.digest, shape);
    const ref = `team/app@${shape.top.digest}`;
    await assertRegistryRoundTrip(src, dst, ref, `mirror/app@${shape.top.digest}`, shape);
    const dir = await assertLayoutRoundTrip(src, dst, ref, 'notary', `back/app@${shape.top.digest}`, shape);
    await assertLayoutReadByTools(dir, 'notary', { image: false, copyTo: [dst, 'skopeo/notary:notary'] });
    await assertRawMatchesSkopeo(src, ref, shape.top.bytes);
    await assertArtifactRefusedLikeSkopeo(src, ref, 'application/vnd.oci.empty.v1+json');
    // The referrers tag schema (registries without the referrers API): an index of artifacts at `sha256-<subject hex>`.
    const referrers = referrersIndex([shape]);
    const tag = referrersTag(image.manifestDigest);
    await pushShape(src, 'team/app', tag, referrers);
    await assertRegistryRoundTrip(src, dst, `team/app:${tag}`, `mirror/app:${tag}`, referrers);
    const refDir = await assertLayoutRoundTrip(src, dst, `team/app:${tag}`, tag, `back/app:${tag}`, referrers);
    // skopeo 1.9 cannot copy this index with its digest at all, registry to registry either: it wants to rewrite it.
    await assertLayoutReadByTools(refDir, tag, { image: false });
    await assertRawMatchesSkopeo(src, `team/app:${tag}`, referrers.top.bytes);
  });

  test('an SBOM artifact with a custom config media type', async () => {
    const shape = sbomArtifact();
    await pushShape(src, 'team/sbom', 'app-1.0', shape);
    await assertRegistryRoundTrip(src, dst, 'team/sbom:app-1.0', 'mirror/sbom:app-1.0', shape);
    const dir = await assertLayoutRoundTrip(src, dst, 'team/sbom:app-1.0', 'app-1.0', 'back/sbom:app-1.0', shape);
    await assertLayoutReadByTools(dir, 'app-1.0', { image: false, copyTo: [dst, 'skopeo/sbom:app-1.0'] });
    await assertRawMatchesSkopeo(src, 'team/sbom:app-1.0', shape.top.bytes);
    await assertArtifactRefusedLikeSkopeo(src, 'team/sbom:app-1.0', JSON.parse(shape.top.bytes.toString('utf8')).config.mediaType as string);
  });

  test('an index of 2,000 entries that repeat four child manifests', async () => {
    const shape = await hugeIndex(2000, 4);
    await pushShape(src, 'huge/repeat', 'v1', shape);
    await assertRegistryRoundTrip(src, dst, 'huge/repeat:v1', 'mirror/repeat:v1', shape);
    await assertLayoutRoundTrip(src, dst, 'huge/repeat:v1', 'v1', 'back/repeat:v1', shape);
    await assertRawMatchesSkopeo(src, 'huge/repeat:v1', shape.top.bytes);
    const ours = await assertInspectMatchesSkopeo(src, 'huge/repeat:v1');
    assert.equal(ours.Digest, shape.top.digest);
  });

  test('an index of 1,500 distinct small images copies in bounded memory', async () => {
    const shape = await hugeIndex(1500, 1500);
    await pushShape(src, 'huge/distinct', 'v1', shape);
    // A small heap: the copy holds each child manifest once (about 0.5 MB here), never the whole index many times over.
    const bounded = (args: string[]): Promise<RunResult> =>
      run(process.execPath, ['--max-old-space-size=64', regxBundle, ...args], { cwd: repoRoot, timeoutMs: 600_000 });
    const r = await bounded(['copy', ...insecure, `docker://${src.host}/huge/distinct:v1`, `docker://${dst.host}/mirror/distinct:v1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await registryDigest(dst, 'mirror/distinct', 'v1'), shape.top.digest);
    await assertRegistryHoldsShape(dst, 'mirror/distinct', shape);
    const dir = join(makeTempDir('shape'), 'layout');
    const toLayout = await bounded(['copy', ...insecure, `docker://${src.host}/huge/distinct:v1`, `oci:${dir}:v1`]);
    assert.equal(toLayout.code, 0, toLayout.stderr);
    assert.equal(layoutEntry(dir, 'v1').digest, shape.top.digest);
    const back = await bounded(['copy', ...insecure, `oci:${dir}:v1`, `docker://${dst.host}/back/distinct:v1`]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(await registryDigest(dst, 'back/distinct', 'v1'), shape.top.digest);
    // Read, not copied, by skopeo: it moves 1,500 manifests one at a time (about a minute).
    await assertLayoutReadByTools(dir, 'v1', { image: true });
  });
});

describe('Docker schema 1 (signed) round-trips registry -> registry', { skip: !haveTools }, () => {
  test('the payload digest is kept and inspect agrees with skopeo', async () => {
    const schema1 = { compatibility: { schema1: { enabled: true } } };
    const [a, b] = await Promise.all([startRegistry({ extraConfig: schema1 }), startRegistry({ extraConfig: schema1 })]);
    const image = await buildSchema1Image({ name: 'legacy/app', tag: 'v1', layers: 3 });
    for (const [digest, data] of image.blobs) await pushBlob(a, 'legacy/app', digest, data);
    const put = await registryFetch(a, '/v2/legacy/app/manifests/v1', { method: 'PUT', body: image.manifest, headers: { 'content-type': SCHEMA1_SIGNED } });
    assert.equal(put.status, 201, await put.text());
    await regx(['copy', ...insecure, `docker://${a.host}/legacy/app:v1`, `docker://${b.host}/mirror/app:v1`]);
    assert.equal(await registryDigest(b, 'mirror/app', 'v1'), image.digest);
    await assertInspectMatchesSkopeo(b, 'mirror/app:v1');
    // An OCI layout cannot hold it unchanged: refused before anything is written.
    const dir = join(makeTempDir('shape'), 'layout');
    const r = await runRegx(['copy', ...insecure, `docker://${a.host}/legacy/app:v1`, `oci:${dir}:v1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /schema 1/);
    assert.ok(!existsSync(join(dir, 'index.json')));
  });
});
