import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { humanDuration } from '../../src/core/openshift/age';
import { describeImageStream, imageStreamModel } from '../../src/core/openshift/describe';
import { alignTabs } from '../../src/core/openshift/tabwriter';
import { prioritizeTags } from '../../src/core/openshift/tag-order';
import type { ImageStream, NamedTagEventList } from '../../src/core/openshift/types';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'openshift-double', 'fixtures');
function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;
}

test('oc describe is nodejs: alias folded into its target, current image marked, exact text', () => {
  const is = fixture<ImageStream>('imagestream-nodejs.json');
  const text = describeImageStream(is, new Date('2019-11-05T17:52:18Z'));
  const expected = [
    'Name:\t\t\tnodejs',
    'Namespace:\t\topenshift',
    'Created:\t\tAbout an hour ago',
    'Labels:\t\t\tsamples.operator.openshift.io/managed=true',
    'Annotations:\t\topenshift.io/display-name=Node.js',
    '\t\t\topenshift.io/image.dockerRepositoryCheck=2019-11-05T16:52:18Z',
    '\t\t\tsamples.operator.openshift.io/version=4.3.0-0.ci-2019-11-05-141931',
    'Image Repository:\timage-registry.openshift-image-registry.svc:5000/openshift/nodejs',
    'Image Lookup:\t\tlocal=false',
    'Unique Images:\t\t1',
    'Tags:\t\t\t2',
    '',
    '10-SCL (latest)',
    '  tagged from registry.redhat.io/rhscl/nodejs-10-rhel7',
    '    prefer registry pullthrough when referencing this tag',
    '',
    '  Build and run Node.js 10 applications on RHEL 7. For more information about using this builder image, including OpenShift considerations, see https://github.com/nodeshift/centos7-s2i-nodejs.',
    '  Tags: builder, nodejs',
    '  Example Repo: https://github.com/sclorg/nodejs-ex.git',
    '',
    '  * registry.redhat.io/rhscl/nodejs-10-rhel7@sha256:ac2d05221d5492a84626a4002c3d2e9db64cbc67c2b6f91f0c0466f9899e525c',
    '      About an hour ago',
    '',
  ].join('\n');
  assert.equal(text, expected);
});

test('the tree model: one row for 10-SCL with latest folded, source and notes, current item first', () => {
  const m = imageStreamModel(fixture<ImageStream>('imagestream-nodejs.json'), new Date('2019-11-08T16:52:18Z'));
  assert.equal(m.tags.length, 1);
  const [row] = m.tags;
  assert.equal(row?.heading, '10-SCL (latest)');
  assert.deepEqual(row?.aliases, ['latest']);
  assert.equal(row?.sourceLine, 'tagged from registry.redhat.io/rhscl/nodejs-10-rhel7');
  assert.deepEqual(row?.notes, ['prefer registry pullthrough when referencing this tag']);
  assert.equal(row?.history[0]?.current, true);
  assert.equal(row?.history[0]?.age, '3 days ago');
  assert.equal(m.tagCount, 2);
  assert.equal(m.uniqueImages, 1);
});

function streamWith(status: NamedTagEventList[], spec: NonNullable<ImageStream['spec']['tags']>): ImageStream {
  return {
    metadata: { name: 'bar', namespace: 'foo' },
    spec: { tags: spec },
    status: {
      dockerImageRepository: 'image-registry.openshift-image-registry.svc:5000/foo/bar',
      publicDockerImageRepository: 'default-route-openshift-image-registry.apps-crc.testing/foo/bar',
      tags: status,
    },
  };
}

test('two history items: the newest marked *, the older indented, ages in oc wording', () => {
  const history = fixture<NamedTagEventList>('tag-history-two-items.json');
  const is = streamWith(
    [history],
    [{ name: 'default', from: { kind: 'DockerImage', name: 'registry:5000/foo/bar:default' }, importPolicy: { scheduled: true, insecure: true } }],
  );
  const text = describeImageStream(is, new Date('2015-03-24T09:43:00Z'));
  const tail = text.slice(text.indexOf('Image Repository:'));
  assert.equal(
    tail,
    [
      'Image Repository:\tdefault-route-openshift-image-registry.apps-crc.testing/foo/bar',
      'Image Lookup:\t\tlocal=false',
      'Unique Images:\t\t2',
      'Tags:\t\t\t1',
      '',
      'default',
      '  updates automatically from registry registry:5000/foo/bar:default',
      '    will use insecure HTTPS or HTTP connections',
      '',
      '  * registry:5000/foo/bar@sha256:4bd26aef1ce78b4f05ede83496276f11e3343441574ca1ce89dffd146c708c16',
      '      5 minutes ago',
      '    registry:5000/foo/bar@sha256:062b80555a5dd7f5d58e78b266785a399277ff8c3e402ce5fa5d8571788e6bad',
      '      26 hours ago',
      '',
    ].join('\n'),
  );
  assert.ok(
    text.startsWith('Name:\t\t\tbar\nNamespace:\t\tfoo\nLabels:\t\t\t<none>\nAnnotations:\t\t<none>\n'),
    'no Created line without a creationTimestamp; <none> for empty maps',
  );
});

test('a failed import shows the server reason and message, and no items', () => {
  const failed = fixture<NamedTagEventList>('tag-import-failed.json');
  const is = streamWith([failed], [{ name: 'latest', from: { kind: 'DockerImage', name: 'os-test-image:latest' }, generation: 2 }]);
  const m = imageStreamModel(is, new Date('2019-11-10T20:24:36Z'));
  assert.equal(m.tags[0]?.failures[0]?.text, '! error: Import failed (Unauthorized): you may not have access to the container image "os-test-image:latest"');
  assert.equal(m.tags[0]?.history.length, 0);
  assert.match(
    describeImageStream(is, new Date('2019-11-10T20:24:36Z')),
    /\n {2}! error: Import failed \(Unauthorized\): you may not have access to the container image "os-test-image:latest"\n {6}About an hour ago\n$/,
  );
});

test('tags order: latest, minor versions descending, full versions descending, then the rest; spec-only tags counted', () => {
  assert.deepEqual(prioritizeTags(['10-SCL', '1.0.0', 'v2.1', 'latest', '2.1', 'beta', '3.5', '1.2.3-rc1', '1.2.3', 'Alpha', '5.1-rc1']), [
    'latest',
    '5.1-rc1',
    '3.5',
    '2.1',
    'v2.1',
    '1.2.3',
    '1.2.3-rc1',
    '1.0.0',
    '10-SCL',
    'Alpha',
    'beta',
  ]);
  const is = streamWith(
    [],
    [
      { name: 'b', from: { kind: 'ImageStreamImage', name: 'bar@sha256:abc' } },
      { name: 'latest', from: { kind: 'ImageStreamTag', name: 'other', namespace: 'elsewhere' } },
      { name: 'a' },
    ],
  );
  const m = imageStreamModel(is, new Date());
  assert.deepEqual(
    m.tags.map((t) => [t.tag, t.sourceLine]),
    [
      ['latest', 'tagged from elsewhere/other'],
      ['a', 'tag without source image'],
      ['b', 'tagged from bar@sha256:abc'],
    ],
  );
});

test('no tags at all prints Tags: <none>', () => {
  assert.match(describeImageStream({ metadata: { name: 'x' }, spec: {} }), /Image Lookup:\t\tlocal=false\nTags:\t\t\t<none>\n$/);
});

test('a by-tag reference shows the image ID next to the age, aligned with a tab', () => {
  const is = streamWith(
    [{ tag: 'v1', items: [{ created: '2020-01-01T00:00:00Z', dockerImageReference: 'quay.io/a/b:v1', image: 'sha256:1111', generation: 1 }] }],
    [],
  );
  const text = describeImageStream(is, new Date('2020-01-01T00:00:30Z'));
  assert.match(text, /\nv1\n {2}no spec tag\n\n/);
  assert.match(text, /\n {6}30 seconds ago\tsha256:1111\n$/);
});

test('humanDuration follows go-units', () => {
  const s = 1000;
  const h = 3600 * s;
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1 * s), '1 second');
  assert.equal(humanDuration(59 * s), '59 seconds');
  assert.equal(humanDuration(60 * s), 'About a minute');
  assert.equal(humanDuration(5 * 60 * s), '5 minutes');
  assert.equal(humanDuration(59 * 60 * s), '59 minutes');
  assert.equal(humanDuration(89 * 60 * s), 'About an hour');
  assert.equal(humanDuration(90 * 60 * s), '2 hours');
  assert.equal(humanDuration(47 * h), '47 hours');
  assert.equal(humanDuration(72 * h), '3 days');
  assert.equal(humanDuration(15 * 24 * h), '2 weeks');
  assert.equal(humanDuration(125 * 24 * h), '4 months');
  assert.equal(humanDuration(800 * 24 * h), '2 years');
});

test('tab alignment matches Go tabwriter (padding 1, tabwidth 8, tab padding)', () => {
  assert.equal(alignTabs('a:\t1\nlonger label:\t2\n\tcont\nx\n'), 'a:\t\t1\nlonger label:\t2\n\t\tcont\nx\n');
  assert.equal(alignTabs('1234567:\tv\n'), '1234567:\tv\n');
  assert.equal(alignTabs('ab\tx\n12345678\ty\n'), 'ab\t\tx\n12345678\ty\n', 'width 8 + padding 1 rounds up to 16');
});
