import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubernetesError, NetworkError, UntrustedCertificateError, UsageError } from '../../src/core/errors';
import { imageStreamModel } from '../../src/core/openshift/describe';
import type { ImageStream } from '../../src/core/openshift/types';
import { describeClusterFailure } from '../../src/extension/openshift/cluster-failure';
import { grantRows, historyRow, shortImageId, tagRow } from '../../src/extension/openshift/cluster-rows';

const now = new Date('2024-05-01T12:00:00Z');
const idA = 'sha256:4bd26aef1ce78b4f05ede83496276f11e3343441574ca1ce89dffd146c708c16';
const idB = 'sha256:062b80555a5dd7f5d58e78b266785a399277ff8c3e402ce5fa5d8571788e6bad';

const stream: ImageStream = {
  metadata: { name: 'nodejs', namespace: 'openshift' },
  spec: {
    tags: [
      {
        name: '10-SCL',
        from: { kind: 'DockerImage', name: 'registry.redhat.io/rhscl/nodejs-10-rhel7' },
        importPolicy: { scheduled: true },
        referencePolicy: { type: 'Local' },
      },
      { name: 'latest', from: { kind: 'ImageStreamTag', name: '10-SCL' } },
      { name: 'broken', from: { kind: 'DockerImage', name: 'quay.io/x/broken:1' } },
    ],
  },
  status: {
    tags: [
      {
        tag: '10-SCL',
        items: [
          { created: '2024-05-01T11:55:00Z', dockerImageReference: `registry.redhat.io/rhscl/nodejs-10-rhel7@${idA}`, image: idA, generation: 1 },
          { created: '2024-04-28T12:00:00Z', dockerImageReference: `registry.redhat.io/rhscl/nodejs-10-rhel7@${idB}`, image: idB, generation: 1 },
        ],
      },
      {
        tag: 'broken',
        items: null,
        conditions: [
          {
            type: 'ImportSuccess',
            status: 'False',
            reason: 'NotFound',
            message: 'dockerimage.image.openshift.io "quay.io/x/broken:1" not found',
            generation: 1,
            lastTransitionTime: '2024-05-01T11:00:00Z',
          },
        ],
      },
    ],
  },
};

test('a tag row folds its aliases into the heading and says where it comes from, as oc describe does', () => {
  const tags = imageStreamModel(stream, now).tags;
  const scl = tags.find((t) => t.tag === '10-SCL')!;
  const row = tagRow('nodejs', scl);
  assert.equal(row.label, '10-SCL (latest)');
  assert.equal(row.description, 'updates automatically from registry registry.redhat.io/rhscl/nodejs-10-rhel7');
  assert.match(row.tooltip, /prefer registry pullthrough when referencing this tag/);
  assert.match(row.tooltip, new RegExp(`\\* registry.redhat.io/rhscl/nodejs-10-rhel7@${idA}`));
  assert.equal(
    tags.some((t) => t.tag === 'latest'),
    false,
    'the alias has no row of its own',
  );
});

test("a failed import shows the server's message in the tooltip", () => {
  const broken = imageStreamModel(stream, now).tags.find((t) => t.tag === 'broken')!;
  assert.match(
    tagRow('nodejs', broken).tooltip,
    /! error: Import failed \(NotFound\): dockerimage.image.openshift.io "quay.io\/x\/broken:1" not found \(About an hour ago\)/,
  );
});

test('history rows mark the current image with * and give each its age', () => {
  const history = imageStreamModel(stream, now)
    .tags.find((t) => t.tag === '10-SCL')!
    .history.map(historyRow);
  assert.deepEqual(
    history.map((h) => [h.label, h.description]),
    [
      [`* ${shortImageId(idA)}`, '5 minutes ago · current'],
      [shortImageId(idB), '3 days ago'],
    ],
  );
  assert.equal(shortImageId(idA), 'sha256:4bd26aef1ce7');
  assert.match(history[0]!.tooltip, new RegExp(idA));
});

test('registry access lists one row per subject of each binding, as oc names subjects', () => {
  const rows = grantRows([
    {
      binding: 'system:image-puller',
      role: 'system:image-puller',
      subjects: [
        { kind: 'User', name: 'bob' },
        { kind: 'ServiceAccount', name: 'default', namespace: 'ci' },
      ],
    },
    { binding: 'system:image-pusher-0', role: 'system:image-pusher', subjects: [{ kind: 'Group', name: 'devs' }] },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.text.label, r.text.description]),
    [
      ['bob', 'system:image-puller'],
      ['system:serviceaccount:ci:default', 'system:image-puller'],
      ['group:devs', 'system:image-pusher (system:image-pusher-0)'],
    ],
  );
});

test('cluster failures become rows with what the user can do: trust, log in, retry', () => {
  assert.deepEqual(describeClusterFailure(new UntrustedCertificateError('unknown authority', 'api:6443', 'PEM', 'AB'), 'dev @ api:6443').actions, [
    'clusterTrust',
    'clusterRetry',
  ]);
  assert.deepEqual(describeClusterFailure(new KubernetesError('Unauthorized', 401, 'Unauthorized', '/apis'), 'dev @ api:6443').actions, [
    'clusterLogIn',
    'clusterRetry',
  ]);
  const forbidden = describeClusterFailure(
    new KubernetesError('imagestreams.image.openshift.io is forbidden: User "viewer" cannot list resource "imagestreams"', 403, 'Forbidden', '/apis'),
    'c',
  );
  assert.equal(forbidden.message, 'imagestreams.image.openshift.io is forbidden: User "viewer" cannot list resource "imagestreams"');
  assert.deepEqual(forbidden.actions, ['clusterRetry']);
  assert.equal(describeClusterFailure(new NetworkError('cannot reach https://api:6443: ECONNREFUSED'), 'c').message, 'Cannot reach c');
  assert.deepEqual(describeClusterFailure(new UsageError('the kubeconfig has no current context'), 'c').actions, ['clusterLogIn', 'clusterRetry']);
});
