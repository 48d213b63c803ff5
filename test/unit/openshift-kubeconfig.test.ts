import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import {
  clusterNickname,
  contextNickname,
  kubeconfigPaths,
  kubeconfigWritePath,
  loadKubeconfig,
  mergeCaBundles,
  normalizeServerUrl,
  resolveContext,
  saveLogin,
  trustClusterCa,
  userNickname,
} from '../../src/core/openshift/kubeconfig';

const dir = mkdtempSync(join(tmpdir(), 'regx-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const caPem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

test('names are the ones oc login writes', () => {
  assert.equal(clusterNickname('https://api.crc.testing:6443'), 'api-crc-testing:6443');
  assert.equal(clusterNickname('api.example.com'), 'api-example-com:443', 'a missing port is the scheme default, as Go CanonicalAddr');
  assert.equal(userNickname('developer', 'api-crc-testing:6443'), 'developer/api-crc-testing:6443');
  assert.equal(contextNickname('myproject', 'api-crc-testing:6443', 'developer/api-crc-testing:6443'), 'myproject/api-crc-testing:6443/developer');
  assert.equal(normalizeServerUrl('api.crc.testing:6443/'), 'https://api.crc.testing:6443');
});

test('KUBECONFIG lists several files: first file wins per name, current-context from the first that sets it', () => {
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  mkdirSync(join(dir, 'certs'), { recursive: true });
  writeFileSync(join(dir, 'certs', 'ca.pem'), caPem);
  writeFileSync(
    a,
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c1\n  cluster:\n    server: https://one:6443\n    certificate-authority: certs/ca.pem\ncontexts:\n- name: ctx\n  context: {cluster: c1, user: u1, namespace: ns-a}\nusers:\n- name: u1\n  user: {token: sha256~first}\n',
  );
  writeFileSync(
    b,
    'current-context: ctx\nclusters:\n- name: c1\n  cluster: {server: https://shadowed:1}\n- name: c2\n  cluster:\n    server: https://two:6443\n    insecure-skip-tls-verify: true\ncontexts:\n- name: ctx\n  context: {cluster: c2, user: u1}\nusers:\n- name: u1\n  user: {token: sha256~second}\n',
  );
  const env = { KUBECONFIG: [a, join(dir, 'missing.yaml'), b, a].join(':') };
  assert.deepEqual(kubeconfigPaths(env), [a, join(dir, 'missing.yaml'), b]);
  const config = loadKubeconfig({ env });
  assert.deepEqual(config.files, [a, b], 'a missing file is skipped');
  assert.equal(config.currentContext, 'ctx', 'from b, the first file that sets one');
  assert.deepEqual(
    config.clusters.map((c) => [c.name, c.server]),
    [
      ['c1', 'https://one:6443'],
      ['c2', 'https://two:6443'],
    ],
  );
  const resolved = resolveContext(config);
  assert.equal(resolved.server, 'https://one:6443', 'context ctx from a wins');
  assert.equal(resolved.caPem, caPem, 'relative certificate-authority resolved against the file holding it');
  assert.equal(resolved.token, 'sha256~first');
  assert.equal(resolved.namespace, 'ns-a');
  assert.equal(config.clusters[1]?.insecureSkipTlsVerify, true);
  assert.equal(kubeconfigWritePath(env), a);
  assert.equal(kubeconfigWritePath({}, '/home/x'), '/home/x/.kube/config');
});

test('saveLogin writes oc entries atomically with 0600, keeps other entries and fields, trusts a CA as data', () => {
  const file = join(dir, 'write', 'config');
  mkdirSync(join(dir, 'write'));
  writeFileSync(
    file,
    'apiVersion: v1\nkind: Config\npreferences: {}\ncurrent-context: other\nclusters:\n- name: other-cluster\n  cluster:\n    server: https://other:6443\n    extensions:\n    - name: keep\n      extension: {a: 1}\ncontexts:\n- name: other\n  context: {cluster: other-cluster, user: other-user}\nusers:\n- name: other-user\n  user:\n    exec: {command: get-token, apiVersion: client.authentication.k8s.io/v1}\n',
  );
  const saved = saveLogin({ server: 'https://api.crc.testing:6443', username: 'developer', token: 'sha256~tok', namespace: 'myproject', caPem }, { file });
  assert.equal(saved.contextName, 'myproject/api-crc-testing:6443/developer');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(dir, 'write')), ['config'], 'no temp or lock file left');
  const raw = parse(readFileSync(file, 'utf8'));
  assert.equal(raw['current-context'], 'myproject/api-crc-testing:6443/developer');
  const cluster = raw.clusters.find((c: { name: string }) => c.name === 'api-crc-testing:6443');
  assert.deepEqual(cluster.cluster, { 'certificate-authority-data': Buffer.from(caPem).toString('base64'), server: 'https://api.crc.testing:6443' });
  assert.deepEqual(raw.users.find((u: { name: string }) => u.name === 'developer/api-crc-testing:6443').user, { token: 'sha256~tok' });
  assert.deepEqual(raw.contexts.find((c: { name: string }) => c.name === saved.contextName).context, {
    cluster: 'api-crc-testing:6443',
    namespace: 'myproject',
    user: 'developer/api-crc-testing:6443',
  });
  assert.deepEqual(raw.clusters.find((c: { name: string }) => c.name === 'other-cluster').cluster.extensions, [{ name: 'keep', extension: { a: 1 } }]);
  assert.equal(raw.users.find((u: { name: string }) => u.name === 'other-user').user.exec.command, 'get-token');
  assert.ok(!readFileSync(file, 'utf8').includes('\n    LS0t\n'), 'base64 CA data is not folded');

  // A second login keeps the trusted CA (it was not asked to change it) and replaces the token.
  saveLogin({ server: 'https://api.crc.testing:6443', username: 'developer', token: 'sha256~new', namespace: 'myproject' }, { file });
  const config = loadKubeconfig({ paths: [file] });
  const r = resolveContext(config);
  assert.equal(r.token, 'sha256~new');
  assert.equal(r.caPem, caPem);

  // Trust-this-CA on an existing entry replaces an insecure flag.
  saveLogin({ server: 'https://api.crc.testing:6443', username: 'developer', token: 'sha256~new', namespace: 'myproject', insecure: true }, { file });
  assert.equal(resolveContext(loadKubeconfig({ paths: [file] })).insecure, true);
  trustClusterCa('api-crc-testing:6443', caPem, { file });
  const after2 = resolveContext(loadKubeconfig({ paths: [file] }));
  assert.equal(after2.insecure, undefined);
  assert.equal(after2.caPem, caPem);
});

test('a user without projects gets the context name oc gives it', () => {
  const file = join(dir, 'noproj.yaml');
  const saved = saveLogin({ server: 'https://api.crc.testing:6443', username: 'kubeadmin', token: 't', namespace: '' }, { file });
  assert.equal(saved.contextName, '/api-crc-testing:6443/kubeadmin');
  assert.equal(resolveContext(loadKubeconfig({ paths: [file] })).namespace, undefined);
});

test('CA bundles merge without duplicates, in order', () => {
  const other = '-----BEGIN CERTIFICATE-----\nMIIBother\n-----END CERTIFICATE-----';
  assert.equal(mergeCaBundles(caPem, `${other}\r\n${caPem}`), `${caPem.trim()}\n${other}\n`);
  assert.equal(mergeCaBundles(undefined, ''), undefined);
});
