import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InspectedImage } from '../../src/core/image/inspect';
import { formatPercent } from '../../src/extension/format';
import { historyRows, indexView, inspectView, layerChart, runConfig } from '../../src/extension/inspect/inspect-view';
import { webLink } from '../../src/extension/inspect/web-link';
import { isInspectRequest } from '../../src/webview/inspect/protocol';

const manifest = {
  schemaVersion: 2 as const,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c', size: 100 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l1', size: 1000 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l2', size: 20 },
  ],
};

const image = {
  info: {
    Name: 'r.test/a',
    Digest: 'sha256:top',
    RepoTags: ['1'],
    Created: '2024-01-01T00:00:00Z',
    DockerVersion: '',
    Labels: { z: '1', a: '2', 'org.opencontainers.image.source': 'https://git.example/team/app', evil: 'javascript:alert(1)' },
    Architecture: 'arm64',
    Os: 'linux',
    Layers: [],
    LayersData: [],
    Env: ['PATH=/bin'],
  },
  rawManifest: Buffer.from('{}'),
  rawMediaType: 'application/vnd.oci.image.manifest.v1+json',
  manifest,
  manifestDigest: 'sha256:top',
  config: {
    os: 'linux',
    architecture: 'arm64',
    variant: 'v8',
    config: {
      Entrypoint: ['/entry.sh'],
      Cmd: ['serve', '--port', '8080'],
      User: '1001',
      WorkingDir: '/srv',
      ExposedPorts: { '8080/tcp': {}, '443/tcp': {} },
      Volumes: { '/data': {} },
      StopSignal: 'SIGQUIT',
    },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN make' }],
  },
  rawConfig: Buffer.from('{}'),
} satisfies InspectedImage;

const names = { reference: 'r.test/a:1', repositoryName: 'r.test/a' };

test('the Inspect view adds config and layers for the size, sorts labels, and copies the digest reference', () => {
  const view = inspectView(names, image);
  assert.equal(view.kind, 'image');
  assert.equal(view.totalSize, 1120);
  assert.equal(view.platform, 'linux/arm64/v8');
  assert.equal(view.digestReference, 'r.test/a@sha256:top');
  assert.deepEqual(
    view.labels.map((l) => l.key),
    ['a', 'evil', 'org.opencontainers.image.source', 'z'],
  );
  assert.deepEqual(
    view.layers.map((l) => l.digest),
    ['sha256:l1', 'sha256:l2'],
  );
});

test('the Inspect view shows how the image runs: Entrypoint, Cmd, User, WorkingDir, ExposedPorts, Volumes, StopSignal', () => {
  assert.deepEqual(inspectView(names, image).run, {
    entrypoint: ['/entry.sh'],
    cmd: ['serve', '--port', '8080'],
    user: '1001',
    workingDir: '/srv',
    exposedPorts: ['443/tcp', '8080/tcp'],
    volumes: ['/data'],
    stopSignal: 'SIGQUIT',
  });
  assert.deepEqual(
    runConfig({ config: {} }),
    { entrypoint: null, cmd: null, user: '', workingDir: '', exposedPorts: [], volumes: [], stopSignal: '' },
    'an image without a run config shows nothing made up',
  );
});

test('label values that are http(s) addresses are links; javascript: and other schemes are not', () => {
  const labels = Object.fromEntries(inspectView(names, image).labels.map((l) => [l.key, l.link]));
  assert.deepEqual(labels, { a: false, evil: false, 'org.opencontainers.image.source': true, z: false });
  assert.equal(webLink('https://git.example/team/app'), 'https://git.example/team/app');
  assert.equal(webLink('http://docs.example:8080/a?b=c#d'), 'http://docs.example:8080/a?b=c#d');
  for (const refused of [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<b>x</b>',
    'file:///etc/passwd',
    'vscode://ms-vscode.x',
    'command:workbench.action.quit',
    'https://user:pw@host.example/',
    'see https://x.example',
    'https://x.example/\nmore',
    'https://x.example/\u202e',
    'notaurl',
    '',
  ])
    assert.equal(webLink(refused), undefined, refused);
});

test('history marks empty layers and tells which layer each other step made', () => {
  assert.deepEqual(historyRows(image), [
    { created: '2024-01-01T00:00:00Z', createdBy: 'ADD rootfs', emptyLayer: false, layer: 1 },
    { created: '', createdBy: 'ENV A=1', emptyLayer: true, layer: undefined },
    { created: '', createdBy: 'RUN make', emptyLayer: false, layer: 2 },
  ]);
  const squashed = historyRows({ manifest, config: { history: [{ created_by: 'one step for two layers' }] } });
  assert.deepEqual(
    squashed.map((h) => h.layer),
    [undefined],
    'a history that does not match the layers claims none',
  );
});

test('the layer chart sizes bars against the largest layer, gives each its share, and says it in a sentence', () => {
  const chart = layerChart([3000, 1000, 0], (n) => (n === 1 ? 'ADD rootfs' : undefined));
  assert.deepEqual(
    chart.bars.map((b) => [b.layer, b.size, Math.round(b.percent), Math.round(b.width), b.createdBy]),
    [
      [1, 3000, 75, 100, 'ADD rootfs'],
      [2, 1000, 25, 33, undefined],
      [3, 0, 0, 0, undefined],
    ],
  );
  assert.equal(chart.summary, "3 layers, 4.0 kB in all; the largest is layer 1, 3.0 kB (75% of the image's layers).");
  assert.equal(layerChart([]).summary, 'No layers.');
  assert.deepEqual(
    layerChart([-1, -1]).bars.map((b) => b.width),
    [0, 0],
    'unknown (schema 1) sizes draw no bars',
  );
  assert.equal(inspectView(names, image).chart.bars[1]?.createdBy, 'RUN make', 'bars name the step that made them');
  assert.equal(formatPercent(0.2), '<1%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(99.6), '100%');
});

test("the index view lists each platform with its image's size (config + layers) and marks attestations", () => {
  const index = {
    schemaVersion: 2 as const,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:amd', size: 5, platform: { os: 'linux', architecture: 'amd64' } },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: 'sha256:arm',
        size: 6,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: 'sha256:att',
        size: 7,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
    ],
  };
  const view = indexView(names, 'sha256:idx', 'application/vnd.oci.image.index.v1+json', index, new Map([['sha256:amd', 4321]]));
  assert.equal(view.kind, 'index');
  assert.equal(view.digestReference, 'r.test/a@sha256:idx');
  assert.deepEqual(
    view.platforms.map((p) => [p.platform, p.digest, p.size, p.attestation]),
    [
      ['linux/amd64', 'sha256:amd', 4321, false],
      ['linux/arm64/v8', 'sha256:arm', undefined, false],
      ['unknown/unknown', 'sha256:att', undefined, true],
    ],
  );
});

test('the page may ask only for what the protocol names', () => {
  assert.equal(isInspectRequest({ type: 'openLink', url: 'https://x.example' }), true);
  assert.equal(isInspectRequest({ type: 'inspectPlatform', digest: 'sha256:a' }), true);
  assert.equal(isInspectRequest({ type: 'retry' }), true);
  assert.equal(isInspectRequest({ type: 'openLink' }), false);
  assert.equal(isInspectRequest({ type: 'inspectPlatform', digest: 1 }), false);
  assert.equal(isInspectRequest({ type: 'runCommand', command: 'x' }), false);
  assert.equal(isInspectRequest(null), false);
});
