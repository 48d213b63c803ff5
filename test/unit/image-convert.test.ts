import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { RegxError } from '../../src/core/errors';
import { alreadyInFormat, convertImageManifests, convertManifest } from '../../src/core/image/convert';
import type { ManifestBytes } from '../../src/core/image/copy-source';
import { digestOf } from '../../src/core/image/digest';
import { MediaType } from '../../src/core/image/mediatypes';
import { hostPlatform } from '../../src/core/image/platform';

const d = (n: string): string => digestOf(Buffer.from(n));

function bytes(value: unknown, indent = 2): ManifestBytes {
  const b = Buffer.from(JSON.stringify(value, null, indent));
  const mediaType = (value as { mediaType: string }).mediaType;
  return { bytes: b, mediaType, digest: digestOf(b) };
}

const dockerImage = {
  schemaVersion: 2,
  mediaType: MediaType.dockerManifest,
  config: { mediaType: MediaType.dockerConfig, size: 523, digest: d('config') },
  layers: [
    { mediaType: MediaType.dockerLayerGzip, size: 10, digest: d('l1') },
    { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', size: 20, digest: d('foreign'), urls: ['https://example.invalid/base.tar.gz'] },
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', size: 30, digest: d('plain') },
  ],
};

function reasonIs(reason: string, pattern: RegExp) {
  return (err: unknown): boolean => err instanceof RegxError && err.reason === reason && pattern.test(err.message);
}

test('a Docker schema 2 image becomes OCI: every media type mapped, config and layer digests kept, Go field order', () => {
  const out = convertManifest(bytes(dockerImage), { format: 'oci' });
  assert.equal(out.mediaType, MediaType.ociManifest);
  assert.equal(out.digest, digestOf(out.bytes));
  assert.equal(
    out.bytes.toString(),
    `{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}","config":{"mediaType":"${MediaType.ociConfig}","digest":"${d('config')}","size":523},"layers":[` +
      `{"mediaType":"${MediaType.ociLayerGzip}","digest":"${d('l1')}","size":10},` +
      `{"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip","digest":"${d('foreign')}","size":20,"urls":["https://example.invalid/base.tar.gz"]},` +
      `{"mediaType":"${MediaType.ociLayer}","digest":"${d('plain')}","size":30}]}`,
  );
});

test('OCI back to Docker schema 2 restores the Docker media types, drops annotations, and converts back to the same OCI bytes', () => {
  const oci = convertManifest(bytes(dockerImage), { format: 'oci' });
  const withAnnotations = bytes({ ...JSON.parse(oci.bytes.toString()), annotations: { 'org.opencontainers.image.source': 'x' } });
  const docker = convertManifest(withAnnotations, { format: 'v2s2' });
  const parsed = JSON.parse(docker.bytes.toString());
  assert.equal(docker.mediaType, MediaType.dockerManifest);
  assert.deepEqual(parsed, dockerImage, 'same fields and values as the original Docker manifest');
  assert.match(
    docker.bytes.toString(),
    /^\{"schemaVersion":2,"mediaType":"[^"]+","config":\{"mediaType":"[^"]+","size":523,"digest":/,
    'Docker descriptors put size before digest',
  );
  assert.equal(convertManifest(docker, { format: 'oci' }).digest, oci.digest);
});

test('a manifest already in the wanted format keeps its bytes and digest, whatever its whitespace', () => {
  const m = bytes(dockerImage, 3);
  assert.equal(convertManifest(m, { format: 'v2s2' }), m);
  assert.equal(convertManifest(m, {}), m);
});

test('a Docker list becomes an OCI index naming the converted children by their new digest, size and type', () => {
  const child = bytes(dockerImage);
  const list = bytes({
    schemaVersion: 2,
    mediaType: MediaType.dockerManifestList,
    manifests: [
      {
        mediaType: MediaType.dockerManifest,
        size: child.bytes.length,
        digest: child.digest,
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8', features: ['sse4'] },
      },
      {
        mediaType: MediaType.dockerManifest,
        size: 7,
        digest: d('elsewhere'),
        platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1' },
      },
    ],
  });
  const out = convertImageManifests([child], list, { format: 'oci' });
  assert.equal(out.changed, 2);
  const newChild = out.children[0] as ManifestBytes;
  assert.equal(
    out.top.bytes.toString(),
    `{"schemaVersion":2,"mediaType":"${MediaType.ociIndex}","manifests":[` +
      `{"mediaType":"${MediaType.ociManifest}","digest":"${newChild.digest}","size":${newChild.bytes.length},"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},` +
      `{"mediaType":"${MediaType.dockerManifest}","digest":"${d('elsewhere')}","size":7,"platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.1"}}]}`,
    'a child not copied (index-only) keeps its entry as it was',
  );
});

test("an OCI index becomes a Docker list: annotations dropped, an entry without a platform gets this machine's", () => {
  const index = bytes({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [{ mediaType: MediaType.dockerManifest, digest: d('a'), size: 3, annotations: { x: 'y' } }],
    annotations: { 'org.opencontainers.image.created': 'now' },
  });
  const out = JSON.parse(convertManifest(index, { format: 'v2s2' }).bytes.toString());
  const host = hostPlatform();
  assert.deepEqual(out, {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifestList,
    manifests: [{ mediaType: MediaType.dockerManifest, size: 3, digest: d('a'), platform: { architecture: host.architecture, os: host.os } }],
  });
});

test('what Docker schema 2 cannot hold is refused by name: zstd layers, artifacts, a subject', () => {
  const oci = JSON.parse(convertManifest(bytes(dockerImage), { format: 'oci' }).bytes.toString());
  const zstd = bytes({ ...oci, layers: [{ mediaType: MediaType.ociLayerZstd, digest: d('z'), size: 1 }] });
  assert.throws(() => convertManifest(zstd, { format: 'v2s2' }), reasonIs('unsupported', /zstd-compressed layer .* Docker schema 2 has no zstd/));
  const artifact = bytes({ ...oci, config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: d('h'), size: 2 } });
  assert.throws(() => convertManifest(artifact, { format: 'v2s2' }), reasonIs('unsupported', /is not an image .*helm/));
  const referrer = bytes({ ...oci, subject: { mediaType: MediaType.ociManifest, digest: d('s'), size: 3 } });
  assert.throws(() => convertManifest(referrer, { format: 'v2s2' }), reasonIs('unsupported', /subject/));
  const odd = bytes({ ...dockerImage, layers: [{ mediaType: 'application/x-unknown', digest: d('u'), size: 1 }] });
  assert.throws(() => convertManifest(odd, { format: 'oci' }), reasonIs('unsupported', /"application\/x-unknown", which has no OCI form/));
});

test('schema 1 is refused when a format is asked for, and kept as it is when the conversion is only implied', () => {
  const s1 = { bytes: Buffer.from('{"schemaVersion":1,"fsLayers":[]}'), mediaType: MediaType.dockerSchema1Signed, digest: d('s1') };
  assert.throws(() => convertManifest(s1, { format: 'oci' }), reasonIs('unsupported', /Docker schema 1, which cannot be converted to OCI/));
  assert.equal(convertManifest(s1, { format: 'oci', keepUnconvertible: true }), s1);
});

test('an implied conversion keeps what has no OCI form as it is; an asked-for one refuses it', () => {
  const plugin = bytes({ ...dockerImage, config: { mediaType: 'application/vnd.docker.plugin.v1+json', size: 5, digest: d('plugin') } });
  assert.equal(convertManifest(plugin, { format: 'oci', keepUnconvertible: true }), plugin);
  assert.throws(
    () => convertManifest(plugin, { format: 'oci' }),
    reasonIs('unsupported', /config of type "application\/vnd.docker.plugin.v1\+json", which has no OCI form/),
  );
});

test('with digests to be preserved, a needed conversion is an error and a needless one is not', () => {
  assert.throws(
    () => convertManifest(bytes(dockerImage), { format: 'oci', preserveDigests: true }),
    reasonIs('usage', /converting it to OCI would change the digest of manifest sha256:/),
  );
  const m = bytes(dockerImage);
  assert.equal(convertManifest(m, { format: 'v2s2', preserveDigests: true }), m);
});

test('recompressed layers are substituted with their new digest, size and type; annotations and order stay', () => {
  const oci = bytes({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: d('c'), size: 5 },
    layers: [
      { mediaType: MediaType.ociLayer, digest: d('raw'), size: 100, annotations: { 'org.example': '1' } },
      { mediaType: MediaType.ociLayerGzip, digest: d('gz'), size: 50 },
    ],
    annotations: { a: 'b' },
  });
  const layers = new Map([[d('raw'), { mediaType: MediaType.ociLayerGzip, digest: d('raw.gz'), size: 40 }]]);
  const out = JSON.parse(convertManifest(oci, { layers }).bytes.toString());
  assert.deepEqual(out.layers, [
    { mediaType: MediaType.ociLayerGzip, digest: d('raw.gz'), size: 40, annotations: { 'org.example': '1' } },
    { mediaType: MediaType.ociLayerGzip, digest: d('gz'), size: 50 },
  ]);
  assert.deepEqual(out.annotations, { a: 'b' });
  assert.equal(out.config.digest, d('c'), 'the config is untouched');
  assert.throws(() => convertManifest(oci, { layers, preserveDigests: true }), reasonIs('usage', /replacing its layers would change the digest/));
});

test('alreadyInFormat: an index is only when its entries are images of that format too', () => {
  const ociIndex = (type: string): ManifestBytes =>
    bytes({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: type, digest: d('x'), size: 1 }] });
  assert.equal(alreadyInFormat(ociIndex(MediaType.ociManifest), 'oci'), true);
  assert.equal(alreadyInFormat(ociIndex(MediaType.dockerManifest), 'oci'), false);
  assert.equal(alreadyInFormat(bytes(dockerImage), 'oci'), false);
  assert.equal(alreadyInFormat(bytes(dockerImage), undefined), true);
});
