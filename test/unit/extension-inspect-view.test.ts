import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InspectedImage } from '../../src/core/image/inspect';
import { inspectView } from '../../src/extension/inspect/inspect-view';

const manifest = {
  schemaVersion: 2 as const,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c', size: 100 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l1', size: 1000 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l2', size: 20 },
  ],
};

const image = {
  info: { Name: 'r.test/a', Digest: 'sha256:top', RepoTags: ['1'], Created: '2024-01-01T00:00:00Z', DockerVersion: '', Labels: { z: '1', a: '2' }, Architecture: 'arm64', Os: 'linux', Layers: [], LayersData: [], Env: ['PATH=/bin'] },
  rawManifest: Buffer.from('{}'),
  rawMediaType: 'application/vnd.oci.image.index.v1+json',
  manifest,
  manifestDigest: 'sha256:arm',
  index: {
    schemaVersion: 2 as const,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:amd', size: 5, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:arm', size: 6, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  },
  config: { os: 'linux', architecture: 'arm64', variant: 'v8', history: [{ created: '2024-01-01T00:00:00Z', created_by: 'RUN x' }, { created_by: 'ENV', empty_layer: true }] },
  rawConfig: Buffer.from('{}'),
} satisfies InspectedImage;

test('the Inspect view adds config and layers for the size, marks the platform shown, and sorts labels', () => {
  const view = inspectView('r.test/a:1', image);
  assert.equal(view.totalSize, 1120);
  assert.equal(view.platform, 'linux/arm64/v8');
  assert.equal(view.digest, 'sha256:top', 'the digest is the one the reference names (the index)');
  assert.deepEqual(view.platforms.map((p) => [p.platform, p.shown]), [['linux/amd64', false], ['linux/arm64/v8', true]]);
  assert.deepEqual(view.labels, [['a', '2'], ['z', '1']]);
  assert.deepEqual(view.history, [{ created: '2024-01-01T00:00:00Z', createdBy: 'RUN x', emptyLayer: false }, { created: '', createdBy: 'ENV', emptyLayer: true }]);
  assert.deepEqual(view.layers.map((l) => l.digest), ['sha256:l1', 'sha256:l2']);
});

test("the Inspect view's platform sizes are each image's config plus layers, not the platform manifest's byte count", () => {
  const view = inspectView('r.test/a:1', image, new Map([['sha256:amd', 4321]]));
  assert.deepEqual(view.platforms.map((p) => [p.digest, p.size]), [['sha256:amd', 4321], ['sha256:arm', 1120]]);
  const unknown = inspectView('r.test/a:1', image);
  assert.equal(unknown.platforms[0]?.size, undefined, 'a platform whose manifest was not read has no size rather than its descriptor size');
});
