// Image streams against the OpenShift double whose importer reaches a REAL Distribution registry started
// here: import success and failure (the server's own words), the client-side --confirm checks (nothing
// sent), tag / alias / delete, and the RBAC refusal for a view-only user, verbatim.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { ConfirmationRequiredError, InvalidReferenceError, KubernetesError } from '../../src/core/errors';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { describeImageStream, imageStreamModel } from '../../src/core/openshift/describe';
import { getImageStream, getImageStreamTag, listImageStreams } from '../../src/core/openshift/imagestreams';
import { importImage } from '../../src/core/openshift/import';
import { createPullSecret } from '../../src/core/openshift/secrets';
import { deleteTag, tagImage } from '../../src/core/openshift/tag';
import type { ImageStreamImport } from '../../src/core/openshift/types';
import { buildImage, closeRegistryAgents, pushImage, removeAllTempDirs, requireTools, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';

let double: OpenShiftDouble;
let reg: TestRegistry;
let dev: OpenShiftClient;
let viewer: OpenShiftClient;
let v1: BuiltImage;
let v2: BuiltImage;
const tools = ['openssl', 'docker-registry'];

before(async () => {
  if (!requireTools(undefined, tools)) return;
  reg = await startRegistry({ tls: true });
  v1 = await buildImage({ labels: { version: '1' } });
  v2 = await buildImage({ labels: { version: '2' } });
  await pushImage(reg, 'team/app', 'v1', v1);
  await pushImage(reg, 'team/app', 'v2', v2);
  double = await startOpenShiftDouble();
  dev = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('developer') });
  viewer = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('viewer') });
});
after(async () => {
  await dev?.close();
  await viewer?.close();
  await double?.stop();
  await closeRegistryAgents();
  await stopAll();
  removeAllTempDirs();
});

test('import a missing stream: refused without --confirm before anything is sent', async (t) => {
  if (!requireTools(t, tools)) return;
  const sent = double.requests.length;
  await assert.rejects(importImage(dev, { namespace: 'myproject', stream: 'app', tag: 'v1', from: `${reg.host}/team/app:v1` }), (e: unknown) => {
    assert.ok(e instanceof ConfirmationRequiredError);
    assert.equal(e.message, 'no image stream named "app" exists');
    return true;
  });
  assert.deepEqual(
    double.requests.slice(sent).map((q) => q.method),
    ['GET'],
    'only the GET of the stream',
  );
  assert.equal(double.state.imageStream('myproject', 'app'), undefined);
  const before = double.requests.length;
  await assert.rejects(importImage(dev, { namespace: 'myproject', stream: 'app', from: `${reg.host}/Team/App:v1`, confirm: true }), (e: unknown) => {
    assert.ok(e instanceof InvalidReferenceError);
    assert.equal(e.message, 'invalid reference format: repository name (Team/App) must be lowercase');
    return true;
  });
  await assert.rejects(tagImage(dev, { namespace: 'myproject', source: 'quay.io/a/b:bad tag', destination: 'app:x' }), InvalidReferenceError);
  assert.equal(double.requests.length, before, 'an invalid reference sends nothing');
});

test('import with --confirm creates the stream and tag from the real registry digest', async (t) => {
  if (!requireTools(t, tools)) return;
  const r = await importImage(dev, {
    namespace: 'myproject',
    stream: 'app',
    tag: 'v1',
    from: `${reg.host}/team/app:v1`,
    confirm: true,
    referencePolicy: 'local',
  });
  assert.equal(r.ok, true);
  assert.equal(r.created, true);
  assert.deepEqual(r.images, [{ tag: 'v1', status: 'Success', image: v1.manifestDigest, dockerImageReference: `${reg.host}/team/app@${v1.manifestDigest}` }]);
  const stored = double.state.statusTag('myproject', 'app', 'v1');
  assert.equal(stored?.items?.[0]?.image, v1.manifestDigest);
  const is = await getImageStream(dev, 'myproject', 'app');
  const spec = is.spec.tags?.find((x) => x.name === 'v1');
  assert.deepEqual(spec?.from, { kind: 'DockerImage', name: `${reg.host}/team/app:v1` });
  assert.equal(spec?.referencePolicy?.type, 'Local');
  const text = describeImageStream(is);
  assert.match(
    text,
    new RegExp(
      `\\nv1\\n  tagged from ${reg.host}/team/app:v1\\n    prefer registry pullthrough when referencing this tag\\n\\n  \\* ${reg.host}/team/app@${v1.manifestDigest}\\n      Less than a second ago\\n$`,
    ),
  );
  assert.deepEqual(
    (await listImageStreams(dev, 'myproject')).map((s) => s.metadata.name),
    ['app', 'bar', 'os-test-image'],
  );
});

test('import of a tag the registry does not have: 201 with the OpenShift failure, condition on the stream', async (t) => {
  if (!requireTools(t, tools)) return;
  const from = `${reg.host}/team/app:nope`;
  const r = await importImage(dev, { namespace: 'myproject', stream: 'app', tag: 'nope', from });
  assert.equal(r.ok, false);
  assert.deepEqual(r.images, [
    {
      tag: 'nope',
      status: 'Failure',
      message: `dockerimage.image.openshift.io "${from}" not found`,
      reason: 'NotFound',
      image: undefined,
      dockerImageReference: undefined,
    },
  ]);
  const st = double.state.statusTag('myproject', 'app', 'nope');
  assert.equal(st?.items, null);
  assert.equal(st?.conditions?.[0]?.type, 'ImportSuccess');
  assert.equal(st?.conditions?.[0]?.status, 'False');
  const model = imageStreamModel(await getImageStream(dev, 'myproject', 'app'));
  const row = model.tags.find((x) => x.tag === 'nope');
  assert.equal(row?.failures[0]?.text, `! error: Import failed (NotFound): dockerimage.image.openshift.io "${from}" not found`);
  assert.ok(
    double.state.imageStream('myproject', 'app')?.spec.tags?.some((x) => x.name === 'nope'),
    'the spec tag is kept',
  );
});

test('re-import with another source needs --confirm; with it, the tag moves to the new image', async (t) => {
  if (!requireTools(t, tools)) return;
  await assert.rejects(
    importImage(dev, { namespace: 'myproject', stream: 'app', tag: 'v1', from: `${reg.host}/team/app:v2` }),
    (e: unknown) => e instanceof ConfirmationRequiredError && e.message === `the image stream has a different import spec "${reg.host}/team/app:v1"`,
  );
  assert.equal(double.state.statusTag('myproject', 'app', 'v1')?.items?.length, 1, 'nothing changed');
  const r = await importImage(dev, { namespace: 'myproject', stream: 'app', tag: 'v1', from: `${reg.host}/team/app:v2`, confirm: true, scheduled: true });
  assert.equal(r.images[0]?.image, v2.manifestDigest);
  const items = double.state.statusTag('myproject', 'app', 'v1')?.items ?? [];
  assert.deepEqual(
    items.map((i) => i.image),
    [v2.manifestDigest, v1.manifestDigest],
    'newest first, the old one is history',
  );
  const row = imageStreamModel(await getImageStream(dev, 'myproject', 'app')).tags.find((x) => x.tag === 'v1');
  assert.equal(row?.sourceLine, `updates automatically from registry ${reg.host}/team/app:v2`);
  assert.deepEqual(
    row?.history.map((h) => h.current),
    [true, false],
  );
});

test('only a scheduled tag follows the registry; a plain one stays on its image until imported again', async (t) => {
  if (!requireTools(t, tools)) return;
  const moving = await buildImage({ labels: { version: 'moving-1' } });
  await pushImage(reg, 'team/moving', 'latest', moving);
  await tagImage(dev, { namespace: 'myproject', source: `${reg.host}/team/moving:latest`, destination: 'moving:scheduled', scheduled: true });
  await tagImage(dev, { namespace: 'myproject', source: `${reg.host}/team/moving:latest`, destination: 'moving:pinned' });
  const next = await buildImage({ labels: { version: 'moving-2' } });
  await pushImage(reg, 'team/moving', 'latest', next);
  assert.deepEqual(await double.runScheduledImports(), ['myproject/moving:scheduled']);
  assert.equal(double.state.statusTag('myproject', 'moving', 'scheduled')?.items?.[0]?.image, next.manifestDigest);
  assert.equal(double.state.statusTag('myproject', 'moving', 'pinned')?.items?.[0]?.image, moving.manifestDigest);
  const row = imageStreamModel(await getImageStream(dev, 'myproject', 'moving')).tags.find((x) => x.tag === 'scheduled');
  assert.equal(row?.sourceLine, `updates automatically from registry ${reg.host}/team/moving:latest`);
  assert.deepEqual(
    row?.history.map((h) => h.image),
    [next.manifestDigest, moving.manifestDigest],
  );
  await assert.rejects(
    tagImage(dev, { namespace: 'myproject', source: 'moving:pinned', destination: 'moving:x', scheduled: true }),
    /only tags from an external image/,
  );
});

test('a stale resourceVersion answers 409 Conflict', async (t) => {
  if (!requireTools(t, tools)) return;
  const is = await getImageStream(dev, 'myproject', 'app');
  const isi: ImageStreamImport = {
    kind: 'ImageStreamImport',
    apiVersion: 'image.openshift.io/v1',
    metadata: { name: 'app', namespace: 'myproject', resourceVersion: String(Number(is.metadata.resourceVersion) - 1) },
    spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${reg.host}/team/app:v1` }, to: { name: 'v1' } }] },
  };
  await assert.rejects(dev.post('/apis/image.openshift.io/v1/namespaces/myproject/imagestreamimports', isi), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(e.status, 409);
    assert.equal(e.serverCode, 'Conflict');
    assert.match(e.message, /^Operation cannot be fulfilled on imagestreams\.image\.openshift\.io "app": /);
    return true;
  });
});

test('insecure import reaches a plain-HTTP registry only when asked', async (t) => {
  if (!requireTools(t, tools)) return;
  const plain = await startRegistry({});
  await pushImage(plain, 'x/y', 'latest', v1);
  const refused = await importImage(dev, { namespace: 'myproject', stream: 'plain', from: `${plain.host}/x/y`, confirm: true });
  assert.equal(refused.ok, false);
  assert.equal(refused.images[0]?.reason, 'InternalError');
  const ok = await importImage(dev, { namespace: 'myproject', stream: 'plain', from: `${plain.host}/x/y`, insecure: true, confirm: true });
  assert.equal(ok.ok, true);
  const row = imageStreamModel(await getImageStream(dev, 'myproject', 'plain')).tags[0];
  assert.deepEqual(row?.notes, ['will use insecure HTTPS or HTTP connections']);
});

test('--all imports every tag of the repository', async (t) => {
  if (!requireTools(t, tools)) return;
  const r = await importImage(dev, { namespace: 'myproject', stream: 'everything', all: true, from: `${reg.host}/team/app`, confirm: true });
  assert.equal(r.ok, true);
  assert.deepEqual(
    r.images.map((i) => [i.tag, i.image]),
    [
      ['v1', v1.manifestDigest],
      ['v2', v2.manifestDigest],
    ],
  );
  assert.equal(double.state.imageStream('myproject', 'everything')?.spec.dockerImageRepository, `${reg.host}/team/app`);
});

test('a private registry: import fails as Unauthorized until a pull secret with the login exists', async (t) => {
  if (!requireTools(t, [...tools, 'htpasswd'])) return;
  const priv = await startRegistry({ tls: true, htpasswd: { username: 'puller', password: 's3cret' } });
  await pushImage(priv, 'secret/app', 'v1', v1);
  const from = `${priv.host}/secret/app:v1`;
  const denied = await importImage(dev, { namespace: 'shared', stream: 'private', tag: 'v1', from, confirm: true });
  assert.deepEqual([denied.images[0]?.reason, denied.images[0]?.message], ['Unauthorized', `you may not have access to the container image "${from}"`]);
  await createPullSecret(dev, { namespace: 'shared', name: 'priv-pull', server: priv.host, username: 'puller', password: 's3cret' });
  const ok = await importImage(dev, { namespace: 'shared', stream: 'private', tag: 'v1', from, confirm: true });
  assert.equal(ok.images[0]?.image, v1.manifestDigest);
});

test("tag pins today's image; --alias follows the tag; delete removes it; a bad name is refused", async (t) => {
  if (!requireTools(t, tools)) return;
  const pinned = await tagImage(dev, { namespace: 'myproject', source: 'app:v1', destination: 'app:stable' });
  assert.equal(pinned.message, `Tag app:stable set to app@${v2.manifestDigest}.`);
  assert.equal(pinned.created, true);
  assert.deepEqual(double.state.imageStream('myproject', 'app')?.spec.tags?.find((x) => x.name === 'stable')?.from, {
    kind: 'ImageStreamImage',
    name: `app@${v2.manifestDigest}`,
    namespace: 'myproject',
  });
  assert.equal((await getImageStreamTag(dev, 'myproject', 'app:stable')).image?.metadata.name, v2.manifestDigest);

  const again = await tagImage(dev, { namespace: 'myproject', source: 'app:v1', destination: 'app:stable' });
  assert.equal(again.created, false, '200 on update');

  const alias = await tagImage(dev, { namespace: 'myproject', source: 'app:v1', destination: 'app:latest', alias: true });
  assert.deepEqual(alias.from, { kind: 'ImageStreamTag', name: 'app:v1', namespace: 'myproject' });
  const model = imageStreamModel(await getImageStream(dev, 'myproject', 'app'));
  assert.equal(model.tags.find((x) => x.tag === 'v1')?.heading, 'v1 (latest)', 'the alias is folded into its target');

  // Across projects, into a stream that does not exist yet (created, 201).
  const cross = await tagImage(dev, { namespace: 'shared', source: 'app:v1', sourceNamespace: 'myproject', destination: 'promoted:prod' });
  assert.equal(cross.created, true);
  assert.equal(cross.message, `Tag promoted:prod set to myproject/app@${v2.manifestDigest}.`);
  assert.equal(double.state.statusTag('shared', 'promoted', 'prod')?.items?.[0]?.image, v2.manifestDigest);

  // An external source is a DockerImage, resolved by the cluster.
  const ext = await tagImage(dev, { namespace: 'myproject', source: `${reg.host}/team/app:v1`, destination: 'app:external' });
  assert.deepEqual(ext.from, { kind: 'DockerImage', name: `${reg.host}/team/app:v1` });
  assert.equal(double.state.statusTag('myproject', 'app', 'external')?.items?.[0]?.image, v1.manifestDigest);

  assert.equal(await deleteTag(dev, 'myproject', 'app:stable'), 'Deleted tag myproject/app:stable.');
  assert.equal(
    double.state.imageStream('myproject', 'app')?.spec.tags?.some((x) => x.name === 'stable'),
    false,
  );
  assert.equal(double.state.statusTag('myproject', 'app', 'stable'), undefined);
  await assert.rejects(
    deleteTag(dev, 'myproject', 'app:stable'),
    (e: unknown) => e instanceof KubernetesError && e.status === 404 && e.message === 'imagestreamtags.image.openshift.io "app:stable" not found',
  );
  await assert.rejects(tagImage(dev, { namespace: 'myproject', source: 'app:v1', destination: 'app:-bad' }), /invalid tag name "-bad"/);
  await assert.rejects(
    dev.get('/apis/image.openshift.io/v1/namespaces/myproject/imagestreamtags/app'),
    (e: unknown) => e instanceof KubernetesError && e.status === 400,
  );
});

test("a view-only user reads, and gets the server's 403 verbatim on every write", async (t) => {
  if (!requireTools(t, tools)) return;
  assert.ok((await listImageStreams(viewer, 'myproject')).length > 0);
  await assert.rejects(importImage(viewer, { namespace: 'myproject', stream: 'app', tag: 'v9', from: `${reg.host}/team/app:v1` }), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(e.status, 403);
    assert.equal(
      e.message,
      'imagestreamimports.image.openshift.io is forbidden: User "viewer" cannot create resource "imagestreamimports" in API group "image.openshift.io" in the namespace "myproject"',
    );
    return true;
  });
  await assert.rejects(tagImage(viewer, { namespace: 'myproject', source: 'app:v1', destination: 'app:mine' }), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(
      e.message,
      'imagestreamtags.image.openshift.io "app:mine" is forbidden: User "viewer" cannot update resource "imagestreamtags" in API group "image.openshift.io" in the namespace "myproject"',
    );
    return true;
  });
  await assert.rejects(listImageStreams(viewer, 'shared'), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(
      e.message,
      'imagestreams.image.openshift.io is forbidden: User "viewer" cannot list resource "imagestreams" in API group "image.openshift.io" in the namespace "shared"',
    );
    return true;
  });
});

test('the seeded openshift/nodejs stream describes exactly as the captured fixture', async (t) => {
  if (!requireTools(t, tools)) return;
  const is = await getImageStream(viewer, 'openshift', 'nodejs');
  const m = imageStreamModel(is);
  assert.deepEqual(
    m.tags.map((x) => x.heading),
    ['10-SCL (latest)'],
  );
  assert.equal(m.tags[0]?.history[0]?.current, true);
});
