// Logging in to the OpenShift API double over real HTTPS (harness test CA): token and OAuth password
// logins write the kubeconfig as oc does; an unknown CA is refused with the CA offered for trust.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { AuthenticationError, KubernetesError, UntrustedCertificateError } from '../../src/core/errors';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { isOpenShift, listClusterContexts } from '../../src/core/openshift/clusters';
import { loadKubeconfig, mergeCaBundles, resolveContext } from '../../src/core/openshift/kubeconfig';
import { invalidTokenMessage, login } from '../../src/core/openshift/login';
import { logout, oauthTokenObjectName } from '../../src/core/openshift/logout';
import { requestTokenWithPassword } from '../../src/core/openshift/oauth';
import { listProjects } from '../../src/core/openshift/projects';
import { whoami } from '../../src/core/openshift/whoami';
import { makeTempDir, removeAllTempDirs, requireTools } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';

let double: OpenShiftDouble;
before(async () => {
  if (!requireTools(undefined, ['openssl'])) return;
  double = await startOpenShiftDouble();
});
after(async () => {
  await double?.stop();
  removeAllTempDirs();
});

function kubeconfigIn(dir: string): { file: string; env: Record<string, string> } {
  const file = join(dir, 'kubeconfig');
  return { file, env: { KUBECONFIG: file } };
}

test('token login: whoami, project choice and kubeconfig entries named as oc names them', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const kc = kubeconfigIn(makeTempDir('oc-home'));
  const token = double.tokenFor('developer');
  const r = await login({ server: double.url, token, caPem: double.caPem, kubeconfig: kc });
  const nick = `127-0-0-1:${double.url.split(':')[2]}`;
  assert.equal(r.username, 'developer');
  assert.deepEqual(r.projects, ['myproject', 'shared'], 'only the projects developer may see');
  assert.equal(r.namespace, 'myproject', 'no previous or default project: the first one, as oc');
  assert.equal(r.contextName, `myproject/${nick}/developer`);
  const raw = parse(readFileSync(kc.file, 'utf8'));
  assert.equal(raw['current-context'], `myproject/${nick}/developer`);
  assert.deepEqual(raw.users, [{ name: `developer/${nick}`, user: { token } }]);
  assert.deepEqual(raw.clusters, [
    { name: nick, cluster: { 'certificate-authority-data': Buffer.from(double.caPem as string).toString('base64'), server: double.url } },
  ]);
  assert.deepEqual(raw.contexts, [{ name: `myproject/${nick}/developer`, context: { cluster: nick, namespace: 'myproject', user: `developer/${nick}` } }]);

  // The kubeconfig now drives a client on its own: CA verified, token sent, whoami answers.
  const config = loadKubeconfig({ env: kc.env });
  assert.deepEqual(listClusterContexts(config), [
    {
      contextName: `myproject/${nick}/developer`,
      clusterName: nick,
      server: double.url,
      user: 'developer',
      namespace: 'myproject',
      current: true,
      label: `developer @ ${double.host}`,
    },
  ]);
  const client = OpenShiftClient.fromKubeconfig(config);
  assert.equal(await isOpenShift(client), true);
  assert.equal(await whoami(client), 'developer');
  assert.equal(client.bearerToken(), token, 'oc whoami -t: the kubeconfig token, no request');
  await client.close();
  assert.ok(double.requests.some((q) => q.path === '/apis/authentication.k8s.io/v1/selfsubjectreviews' && q.user === 'developer'));
});

test('an invalid token is refused with oc message, and nothing is written', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const dir = makeTempDir('oc-bad');
  const kc = kubeconfigIn(dir);
  await assert.rejects(login({ server: double.url, token: 'sha256~not-a-token', caPem: double.caPem, kubeconfig: kc }), (e: unknown) => {
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.message, invalidTokenMessage);
    assert.equal(e.message, 'The token provided is invalid or expired.');
    assert.ok(!e.message.includes('sha256~'), 'never the token');
    return true;
  });
  assert.throws(() => readFileSync(kc.file), /ENOENT/);
});

test('an untrusted CA is a typed TLS error offering the CA; trusting it saves certificate-authority-data', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const dir = makeTempDir('oc-ca');
  const kc = kubeconfigIn(dir);
  const token = double.tokenFor('developer');
  let offered: UntrustedCertificateError | undefined;
  await assert.rejects(login({ server: double.url, token, kubeconfig: kc }), (e: unknown) => {
    assert.ok(e instanceof UntrustedCertificateError, `got ${String(e)}`);
    offered = e;
    return true;
  });
  assert.equal(offered?.caPem?.replace(/\s+/g, ''), (double.caPem as string).replace(/\s+/g, ''), 'the CA the server presented, as PEM');
  assert.match(offered?.fingerprint256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.match(
    offered?.message ?? '',
    /unknown authority \(SELF_SIGNED_CERT_IN_CHAIN\); it presented .* with SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/,
  );
  assert.equal(offered?.reason, 'tls-untrusted');
  // The user chose "trust this CA".
  const r = await login({ server: double.url, token, caPem: offered?.caPem, kubeconfig: kc });
  assert.equal(r.username, 'developer');
  const ctx = resolveContext(loadKubeconfig({ paths: [kc.file] }));
  assert.equal(ctx.caPem, offered?.caPem);
  assert.equal(ctx.insecure, undefined);
  // A later login to the same server reuses the saved CA without being told.
  const again = await login({ server: double.url, token, kubeconfig: kc });
  assert.equal(again.username, 'developer');
});

test('an explicit skip of TLS verification is saved as insecure-skip-tls-verify, never chosen silently', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const dir = makeTempDir('oc-insecure');
  const kc = kubeconfigIn(dir);
  await login({ server: double.url, token: double.tokenFor('viewer'), insecure: true, kubeconfig: kc });
  const raw = parse(readFileSync(kc.file, 'utf8'));
  assert.equal(raw.clusters[0].cluster['insecure-skip-tls-verify'], true);
  assert.equal(raw.clusters[0].cluster['certificate-authority-data'], undefined);
});

test('username/password login goes through the OAuth challenging client with PKCE', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const dir = makeTempDir('oc-pw');
  const kc = kubeconfigIn(dir);
  const before = double.state.tokens.size;
  const r = await login({ server: double.url, username: 'developer', password: 'developer', caPem: double.caPem, kubeconfig: kc });
  assert.equal(r.username, 'developer');
  assert.equal(double.state.tokens.size, before + 1, 'the token endpoint issued one token');
  const saved = resolveContext(loadKubeconfig({ paths: [kc.file] }));
  assert.match(saved.token ?? '', /^sha256~/);
  assert.equal(double.state.tokens.get(saved.token as string), 'developer');
  const paths = double.requests.map((q) => `${q.method} ${q.path} ${q.status}`);
  assert.ok(paths.includes('GET /.well-known/oauth-authorization-server 200'));
  assert.ok(paths.includes('GET /oauth/authorize 401'), 'first the Basic challenge');
  assert.ok(paths.includes('GET /oauth/authorize 302'), 'then the code');
  assert.ok(paths.includes('POST /oauth/token 200'));
  assert.ok([...double.state.oauthCodes.values()].every((c) => c.method === 'S256' && c.used));
});

test('a wrong password says so, without the password', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const client = new OpenShiftClient({ server: double.url, caPem: double.caPem });
  await assert.rejects(requestTokenWithPassword(client, 'developer', 'hunter2-wrong'), (e: unknown) => {
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.message, 'Login failed (401 Unauthorized)\nVerify you have provided correct credentials.');
    assert.ok(!e.message.includes('hunter2'));
    return true;
  });
  await client.close();
});

test('whoami falls back to users/~ where selfsubjectreviews does not exist', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const old = await startOpenShiftDouble({ selfSubjectReview: false });
  try {
    const client = new OpenShiftClient({ server: old.url, caPem: old.caPem, token: old.tokenFor('viewer') });
    assert.equal(await whoami(client), 'viewer');
    assert.deepEqual(
      old.requests.map((q) => `${q.method} ${q.path} ${q.status}`),
      ['POST /apis/authentication.k8s.io/v1/selfsubjectreviews 404', 'GET /apis/user.openshift.io/v1/users/~ 200'],
    );
    await client.close();
  } finally {
    await old.stop();
  }
});

test('projects: filtered by the project API; namespaces when the project API is missing', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const viewer = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('viewer') });
  const mine = await listProjects(viewer);
  assert.deepEqual(
    mine.map((p) => [p.name, p.displayName, p.phase, p.source]),
    [['myproject', 'My Project', 'Active', 'projects']],
  );
  await viewer.close();

  const kube = await startOpenShiftDouble({ projectApi: false });
  try {
    const admin = new OpenShiftClient({ server: kube.url, caPem: kube.caPem, token: kube.tokenFor('kubeadmin') });
    const all = await listProjects(admin);
    assert.ok(all.every((p) => p.source === 'namespaces'));
    assert.deepEqual(
      all.map((p) => p.name),
      ['default', 'myproject', 'openshift', 'openshift-image-registry', 'shared'],
    );
    await admin.close();
    const dev = new OpenShiftClient({ server: kube.url, caPem: kube.caPem, token: kube.tokenFor('developer') });
    await assert.rejects(listProjects(dev), (e: unknown) => {
      assert.ok(e instanceof KubernetesError);
      assert.equal(e.status, 403);
      assert.equal(e.message, 'namespaces is forbidden: User "developer" cannot list resource "namespaces" in API group "" at the cluster scope');
      return true;
    });
    await dev.close();
  } finally {
    await kube.stop();
  }
});

test('a plain Kubernetes server is told apart from OpenShift', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const kube = await startOpenShiftDouble({ openshiftApis: false });
  try {
    const client = new OpenShiftClient({ server: kube.url, caPem: kube.caPem, token: kube.tokenFor('developer') });
    assert.equal(await isOpenShift(client), false);
    await client.close();
  } finally {
    await kube.stop();
  }
});

test('an OAuth server with its own CA: offered for trust, then trusted alongside the API CA', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const split = await startOpenShiftDouble({ separateOAuthServer: true });
  try {
    assert.notEqual(split.oauthUrl, split.url);
    const kc = kubeconfigIn(makeTempDir('oc-split'));
    let offered: UntrustedCertificateError | undefined;
    await assert.rejects(login({ server: split.url, username: 'developer', password: 'developer', caPem: split.caPem, kubeconfig: kc }), (e: unknown) => {
      assert.ok(e instanceof UntrustedCertificateError, String(e));
      offered = e;
      return true;
    });
    assert.equal(offered?.host, new URL(split.oauthUrl).host, 'the error names the OAuth server');
    assert.equal(offered?.caPem?.replace(/\s+/g, ''), split.oauthCaPem?.replace(/\s+/g, ''));
    const r = await login({
      server: split.url,
      username: 'developer',
      password: 'developer',
      caPem: mergeCaBundles(split.caPem, offered?.caPem),
      kubeconfig: kc,
    });
    assert.equal(r.username, 'developer');
    const saved = resolveContext(loadKubeconfig({ paths: [kc.file] })).caPem ?? '';
    assert.equal(saved.match(/BEGIN CERTIFICATE/g)?.length, 2, 'both CAs saved in one bundle');
    assert.ok(split.requests.some((q) => q.path === '/oauth/token' && q.status === 200));
  } finally {
    await split.stop();
  }
});

test('logout revokes the token on the server and drops it from the kubeconfig, keeping the entries', async (t) => {
  if (!requireTools(t, ['openssl'])) return;
  const kc = kubeconfigIn(makeTempDir('oc-logout'));
  const r = await login({ server: double.url, username: 'viewer', password: 'viewer', caPem: double.caPem, kubeconfig: kc });
  const token = resolveContext(loadKubeconfig({ paths: [kc.file] })).token as string;
  assert.equal(double.state.tokens.get(token), 'viewer');
  const out = await logout({ config: loadKubeconfig({ paths: [kc.file] }) });
  assert.deepEqual(out, { message: `Logged "viewer" out on "${double.url}"`, revoked: true, file: kc.file });
  assert.equal(double.state.tokens.has(token), false, 'revoked on the server');
  assert.ok(
    double.requests.some(
      (q) => q.method === 'DELETE' && q.path === `/apis/oauth.openshift.io/v1/oauthaccesstokens/${oauthTokenObjectName(token)}` && q.status === 200,
    ),
  );
  const after = loadKubeconfig({ paths: [kc.file] });
  assert.equal(resolveContext(after).token, undefined);
  assert.equal(after.currentContext, r.contextName, 'the context stays, as with oc logout');
  const old = new OpenShiftClient({ server: double.url, caPem: double.caPem, token });
  await assert.rejects(whoami(old), (e: unknown) => e instanceof KubernetesError && e.status === 401);
  await old.close();
  await assert.rejects(logout({ config: after }), /not logged in with a token/);
});
