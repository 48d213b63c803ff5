// Registry role grants, pull secrets and service-account links, and the internal registry's route,
// against the OpenShift double (real HTTPS, real RBAC answers).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubernetesError, UsageError } from '../../src/core/errors';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { loadKubeconfig, resolveContext } from '../../src/core/openshift/kubeconfig';
import { discoverRegistryHost, exposeInternalRegistry, internalRegistryCredentials } from '../../src/core/openshift/internal-registry';
import { grantRole, listRegistryGrants, parseSubject, revokeRole } from '../../src/core/openshift/rolebindings';
import { createPullSecret, createPullSecretFromAuthFile, decodePullSecret, linkSecret } from '../../src/core/openshift/secrets';
import { makeTempDir, removeAllTempDirs, requireTools } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';

let double: OpenShiftDouble;
let dev: OpenShiftClient;
let viewer: OpenShiftClient;
let admin: OpenShiftClient;

before(async () => {
  if (!requireTools(undefined, ['openssl'])) return;
  double = await startOpenShiftDouble();
  const c = (user: string): OpenShiftClient => new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor(user) });
  dev = c('developer');
  viewer = c('viewer');
  admin = c('kubeadmin');
});
after(async () => {
  await Promise.all([dev?.close(), viewer?.close(), admin?.close()]);
  await double?.stop();
  removeAllTempDirs();
});

test('grant: a taken name gets -0, a repeated grant changes nothing, the grant takes effect', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  // `shared` already holds the captured binding system:image-puller (alice).
  const again = await grantRole(dev, 'shared', 'system:image-puller', parseSubject('alice'));
  assert.deepEqual(again, { binding: 'system:image-puller', changed: false });
  const bob = await grantRole(dev, 'shared', 'system:image-puller', parseSubject('bob'));
  assert.deepEqual(bob, { binding: 'system:image-puller-0', changed: true });
  const carol = await grantRole(dev, 'shared', 'system:image-puller', parseSubject('carol'));
  assert.equal(carol.binding, 'system:image-puller-1');
  const rb = double.state.roleBinding('shared', 'system:image-puller-0');
  assert.deepEqual(rb?.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }]);
  assert.deepEqual(rb?.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' });
  const posts = double.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/rolebindings'));
  assert.equal(posts.length, 2, 'the idempotent grant sent no POST');

  const sa = await grantRole(dev, 'shared', 'system:image-pusher', parseSubject('system:serviceaccount:myproject:builder'));
  assert.deepEqual(double.state.roleBinding('shared', sa.binding)?.subjects, [{ kind: 'ServiceAccount', name: 'builder', namespace: 'myproject' }]);
  const group = await grantRole(dev, 'shared', 'registry-viewer', parseSubject('qa', 'Group'));
  assert.deepEqual(double.state.roleBinding('shared', group.binding)?.subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'qa' }]);

  const grants = await listRegistryGrants(dev, 'shared');
  assert.deepEqual(
    grants.map((g) => [g.binding, g.role, g.subjects.map((s) => s.name)]),
    [
      ['registry-viewer', 'registry-viewer', ['qa']],
      ['system:image-puller', 'system:image-puller', ['alice']],
      ['system:image-puller-0', 'system:image-puller', ['bob']],
      ['system:image-puller-1', 'system:image-puller', ['carol']],
      ['system:image-pusher', 'system:image-pusher', ['builder']],
    ],
  );
  assert.ok(!grants.some((g) => g.role === 'admin'), 'only the registry roles');

  // A member of group qa may now list the project's image streams.
  double.state.addUser('quinn', { groups: ['qa'] });
  const quinn = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('quinn') });
  const list = await quinn.get<{ items: unknown[] }>('/apis/image.openshift.io/v1/namespaces/shared/imagestreams');
  assert.ok(Array.isArray(list.items));
  await quinn.close();
});

test('revoke: PUT the binding without the subject, DELETE it when none remain', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  await grantRole(dev, 'myproject', 'system:image-puller', parseSubject('alice'));
  // Two subjects in one binding (as oc writes when told to add to an existing one).
  const rb = double.state.roleBinding('myproject', 'system:image-puller');
  rb?.subjects?.push({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'dave' });
  const first = await revokeRole(dev, 'myproject', 'system:image-puller', parseSubject('dave'));
  assert.deepEqual(first, { updated: ['system:image-puller'], deleted: [] });
  assert.deepEqual(
    double.state.roleBinding('myproject', 'system:image-puller')?.subjects?.map((s) => s.name),
    ['alice'],
  );
  const second = await revokeRole(dev, 'myproject', 'system:image-puller', parseSubject('alice'));
  assert.deepEqual(second, { updated: [], deleted: ['system:image-puller'] });
  assert.equal(double.state.roleBinding('myproject', 'system:image-puller'), undefined);
  await assert.rejects(revokeRole(dev, 'myproject', 'system:image-puller', parseSubject('alice')), UsageError);
});

test('a view-only user cannot grant: the 403 names the resource, verb and namespace', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  await assert.rejects(grantRole(viewer, 'myproject', 'system:image-puller', parseSubject('eve')), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(e.status, 403);
    assert.equal(e.serverCode, 'Forbidden');
    assert.equal(
      e.message,
      'rolebindings.rbac.authorization.k8s.io is forbidden: User "viewer" cannot list resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "myproject"',
    );
    return true;
  });
});

test('pull secret from a login decodes to the right auths entry; AlreadyExists on a second create', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  await createPullSecret(dev, { namespace: 'myproject', name: 'quay-pull', server: 'quay.io', username: 'robot+ci', password: 'p@ss:word' });
  const stored = double.state.secret('myproject', 'quay-pull');
  assert.equal(stored?.type, 'kubernetes.io/dockerconfigjson');
  assert.deepEqual(decodePullSecret(stored ?? { metadata: { name: '' } }), {
    'quay.io': { username: 'robot+ci', password: 'p@ss:word', auth: Buffer.from('robot+ci:p@ss:word').toString('base64') },
  });
  await assert.rejects(
    createPullSecret(dev, { namespace: 'myproject', name: 'quay-pull', server: 'quay.io', username: 'x', password: 'y' }),
    (e: unknown) => e instanceof KubernetesError && e.status === 409 && e.serverCode === 'AlreadyExists' && e.message === 'secrets "quay-pull" already exists',
  );
  await assert.rejects(
    createPullSecret(viewer, { namespace: 'myproject', name: 'nope', server: 'quay.io', username: 'x', password: 'y' }),
    (e: unknown) =>
      e instanceof KubernetesError &&
      e.message === 'secrets is forbidden: User "viewer" cannot create resource "secrets" in API group "" in the namespace "myproject"',
  );
});

test('pull secret from an auth.json keeps its bytes', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const authFile = Buffer.from(JSON.stringify({ auths: { 'registry.redhat.io': { auth: Buffer.from('me:tok').toString('base64') } } }, null, '\t'));
  await createPullSecretFromAuthFile(dev, { namespace: 'myproject', name: 'rh-pull', authFile });
  assert.equal(double.state.secret('myproject', 'rh-pull')?.data?.['.dockerconfigjson'], authFile.toString('base64'));
  await assert.rejects(createPullSecretFromAuthFile(dev, { namespace: 'myproject', name: 'bad', authFile: Buffer.from('{"x":1}') }), UsageError);
});

test('secrets link: pull adds to imagePullSecrets, mount (the default) to secrets, once', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const before = double.state.serviceAccount('myproject', 'default');
  const pulled = await linkSecret(dev, { namespace: 'myproject', serviceAccount: 'default', secret: 'quay-pull', for: ['pull'] });
  assert.equal(pulled.changed, true);
  const sa = double.state.serviceAccount('myproject', 'default');
  assert.deepEqual(
    sa?.imagePullSecrets?.map((s) => s.name),
    ['default-dockercfg-x7k2p', 'quay-pull'],
  );
  assert.deepEqual(
    sa?.secrets?.map((s) => s.name),
    ['default-dockercfg-x7k2p'],
    'not mounted',
  );
  assert.notEqual(sa?.metadata.resourceVersion, before?.metadata.resourceVersion);
  const twice = await linkSecret(dev, { namespace: 'myproject', serviceAccount: 'default', secret: 'quay-pull', for: ['pull'] });
  assert.equal(twice.changed, false);

  await linkSecret(dev, { namespace: 'myproject', serviceAccount: 'builder', secret: 'quay-pull' });
  const builder = double.state.serviceAccount('myproject', 'builder');
  assert.deepEqual(
    builder?.secrets?.map((s) => s.name),
    ['builder-dockercfg-x7k2p', 'quay-pull'],
  );
  assert.deepEqual(
    builder?.imagePullSecrets?.map((s) => s.name),
    ['builder-dockercfg-x7k2p'],
  );
  await assert.rejects(
    linkSecret(dev, { namespace: 'myproject', serviceAccount: 'builder', secret: 'missing' }),
    (e: unknown) => e instanceof KubernetesError && e.message === 'secrets "missing" not found',
  );
});

test('a stale service account PUT is a 409 Conflict', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const sa = await dev.get<{ metadata: { resourceVersion: string } }>('/api/v1/namespaces/myproject/serviceaccounts/deployer');
  await dev.put('/api/v1/namespaces/myproject/serviceaccounts/deployer', sa);
  await assert.rejects(dev.put('/api/v1/namespaces/myproject/serviceaccounts/deployer', sa), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(
      e.message,
      'Operation cannot be fulfilled on serviceaccounts "deployer": the object has been modified; please apply your changes to the latest version and try again',
    );
    return true;
  });
});

test('internal registry: a normal user is told a cluster administrator is needed; the admin exposes it', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  assert.equal(await discoverRegistryHost(dev, ['myproject']), undefined, 'not exposed yet');
  await assert.rejects(exposeInternalRegistry(dev), (e: unknown) => {
    assert.ok(e instanceof KubernetesError);
    assert.equal(e.status, 403);
    assert.match(e.message, /^Exposing the internal registry needs a cluster administrator/);
    assert.ok(
      e.message.endsWith(
        'The server said: configs.imageregistry.operator.openshift.io "cluster" is forbidden: User "developer" cannot patch resource "configs" in API group "imageregistry.operator.openshift.io" at the cluster scope',
      ),
    );
    return true;
  });
  assert.equal(double.state.registryConfig.spec.defaultRoute, false);
  await exposeInternalRegistry(admin);
  assert.equal(double.state.registryConfig.spec.defaultRoute, true);
  assert.deepEqual(await discoverRegistryHost(admin), { host: 'default-route-openshift-image-registry.apps-crc.testing', source: 'route' });
  // developer may read neither the route nor the cluster image config: the host comes from an image stream.
  assert.deepEqual(await discoverRegistryHost(dev, ['myproject']), { host: 'default-route-openshift-image-registry.apps-crc.testing', source: 'imagestream' });
  const creds = await internalRegistryCredentials(dev);
  assert.equal(creds.username, 'developer');
  assert.equal(creds.password, dev.bearerToken());
});

test('route discovery uses the cluster image config when the user may read it', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const open = await startOpenShiftDouble({ imageConfigReadable: true, appsDomain: 'apps.example.test' });
  try {
    const a = new OpenShiftClient({ server: open.url, caPem: open.caPem, token: open.tokenFor('kubeadmin') });
    const d = new OpenShiftClient({ server: open.url, caPem: open.caPem, token: open.tokenFor('developer') });
    await exposeInternalRegistry(a);
    assert.deepEqual(await discoverRegistryHost(d), { host: 'default-route-openshift-image-registry.apps.example.test', source: 'image-config' });
    assert.ok(
      open.requests.some((q) => q.user === 'developer' && q.path.endsWith('/routes/default-route') && q.status === 403),
      'the route was tried first',
    );
    await Promise.all([a.close(), d.close()]);
  } finally {
    await open.stop();
  }
});

test('the registry route can point at a real registry standing in for the internal one; writeKubeconfig drives a client', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const standIn = await startOpenShiftDouble({ registryRouteHost: '127.0.0.1:5999' });
  try {
    const file = join(makeTempDir('double-kc'), 'config');
    const context = standIn.writeKubeconfig(file, 'kubeadmin', 'default');
    const client = OpenShiftClient.fromKubeconfig(loadKubeconfig({ paths: [file] }));
    assert.equal(resolveContext(loadKubeconfig({ paths: [file] })).contextName, context);
    await exposeInternalRegistry(client);
    assert.deepEqual(await discoverRegistryHost(client), { host: '127.0.0.1:5999', source: 'route' });
    await client.close();
  } finally {
    await standIn.stop();
  }
});

test('an unknown token is 401 Unauthorized; no token is system:anonymous, forbidden', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const bad = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: 'sha256~forged' });
  await assert.rejects(
    bad.get('/apis/image.openshift.io/v1/namespaces/myproject/imagestreams'),
    (e: unknown) => e instanceof KubernetesError && e.status === 401 && e.message === 'Unauthorized' && e.reason === 'auth-refused',
  );
  await bad.close();
  const anon = new OpenShiftClient({ server: double.url, caPem: double.caPem });
  await assert.rejects(
    anon.get('/apis/image.openshift.io/v1/namespaces/myproject/imagestreams'),
    (e: unknown) => e instanceof KubernetesError && e.status === 403 && /User "system:anonymous" cannot list/.test(e.message),
  );
  await anon.close();
});

test('no error, message or cause chain carries the token', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const token = double.tokenFor('viewer');
  const c = new OpenShiftClient({ server: double.url, caPem: double.caPem, token });
  const errors: unknown[] = [];
  for (const call of [
    () => c.get('/apis/image.openshift.io/v1/namespaces/shared/imagestreams'),
    () => c.post('/api/v1/namespaces/myproject/secrets', { metadata: { name: 'x' } }),
    () => c.get('/no/such/path'),
    () => new OpenShiftClient({ server: double.url, token }).get('/apis/user.openshift.io/v1/users/~'),
    () => new OpenShiftClient({ server: 'https://127.0.0.1:1', token }).get('/apis/user.openshift.io/v1/users/~'),
  ]) {
    await call().then(
      () => assert.fail('expected a failure'),
      (e: unknown) => errors.push(e),
    );
  }
  assert.equal(errors.length, 5);
  for (const e of errors) {
    const seen = new Set<unknown>();
    for (let x: unknown = e; x && !seen.has(x); x = (x as { cause?: unknown }).cause) {
      seen.add(x);
      assert.ok(!`${String(x)} ${JSON.stringify(x)} ${(x as Error).stack ?? ''}`.includes(token), `token leaked in ${String(x)}`);
    }
  }
  assert.equal((errors[2] as KubernetesError).message, 'the server could not find the requested resource');
  await c.close();
});
