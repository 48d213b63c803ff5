// The OpenShift Clusters view against the OpenShift API double (the only stand-in: no cluster runs
// here) and real registries: a team registry (in the Registries view), and a second one standing in for the internal registry
// (its route points at it, and it takes the user's name and cluster token as a login, as the internal
// registry does). Everything is driven through the UI; what the commands did is checked on the double.
import assert from 'node:assert/strict';
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { exposeInternalRegistry } from '../../src/core/openshift/internal-registry';
import { decodePullSecret, dockerConfigJsonType } from '../../src/core/openshift/secrets';
import { buildImage, closeRegistryAgents, makeTempDir, pushImage, registryFetch, removeAllTempDirs, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench, screenshotDir } from './workbench';

const container = 'Registries';
const clusters = 'OpenShift Clusters';
const registries = 'Registries';

const skip = e2eSkipReasonWithTools(['docker-registry', 'openssl']);
let team: TestRegistry;
let internal: TestRegistry;
let double: OpenShiftDouble;
let server: CodeServer;
let bench: Workbench;
let image: BuiltImage;
let token: string;
let clusterLabel: string;
let kubeconfig: string;
/** Other API servers a test adds to the kubeconfig (stopped after all tests). */
const extraDoubles: OpenShiftDouble[] = [];
const extraTokens: string[] = [];

const short = (digest: string): string => digest.slice(0, 'sha256:'.length + 12);

/**
 * Expands a row of a tree (the clusters tree by default). A command that changed something redraws the tree, and a click
 * that lands while a row is being replaced is lost: click again until the row says it is expanded.
 */
async function expand(label: string, pane = clusters): Promise<void> {
  const row = bench.treeRow(pane, label);
  for (let attempt = 0; ; attempt++) {
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) === 'true') return;
    await row.locator('.monaco-tl-twistie').click();
    const expanded = bench
      .pane(pane)
      .locator('.monaco-list-row[aria-expanded="true"]')
      .filter({ has: bench.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
    try {
      await expanded.first().waitFor({ timeout: attempt < 4 ? 5_000 : 60_000 });
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/** Expands `label` until its child `child` shows (a redraw right after the expansion can fold it again). */
async function expandTo(label: string, child: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await expand(label);
    try {
      await bench.treeRow(clusters, child).waitFor({ timeout: attempt < 4 ? 5_000 : 60_000 });
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

before(async () => {
  if (skip) return;
  team = await startRegistry({ tls: true });
  image = await buildImage({ layers: 2, labels: { app: 'promoted' } });
  await pushImage(team, 'team/app', 'v1', image);
  // The stand-in internal registry accepts exactly the developer's cluster token as the password.
  token = `sha256~${randomBytes(24).toString('base64url')}`;
  internal = await startRegistry({ tls: true, tokenIssuer: { username: 'developer', password: token, anonymous: 'deny', tls: true } });
  double = await startOpenShiftDouble({ registryRouteHost: internal.host, tokens: { [token]: 'developer' } });
  const dir = makeTempDir('e2e-kube');
  kubeconfig = join(dir, 'config');
  double.writeKubeconfig(kubeconfig, 'developer', 'myproject');
  // The kubeconfig holds the token the stand-in registry knows, as `oc login` would have saved it.
  const config = JSON.parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
  config.users[0]!.user.token = token;
  writeFileSync(kubeconfig, JSON.stringify(config, null, 2), { mode: 0o600 });
  clusterLabel = `developer @ ${double.host}`;
  server = await startCodeServer({
    settings: { 'registryExplorer.registries': [{ url: team.host, name: 'Team registry', caFile: team.caFile }] },
    env: { KUBECONFIG: kubeconfig, REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
  });
  bench = await Workbench.open(server.url);
});

afterEach(async (t) => {
  if (!skip && bench && (t as { passed?: boolean }).passed === false)
    await bench.screenshot(`failed-openshift-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => undefined);
});

after(async () => {
  await bench?.close();
  await server?.stop();
  await double?.stop();
  for (const d of extraDoubles) await d.stop();
  await closeRegistryAgents();
  await stopAll();
  removeAllTempDirs();
});

test('the tree shows cluster -> project -> image stream -> tag -> history, the current image marked *, a failed import as a warning', { skip }, async () => {
  await bench.openView(container);
  // The Local Images view shares the container: folded, it leaves the room to the clusters' tree.
  await bench.collapsePane('Local Images');
  await expand(clusterLabel);
  assert.equal((await bench.readTreeRows(clusters)).find((r) => r.label === clusterLabel)?.description, 'myproject · current');
  await expand('myproject');
  await expand('bar');
  await expand('default');
  await bench.treeRow(clusters, '* sha256:4bd26aef1ce7').waitFor();
  const rows = await bench.readTreeRows(clusters);
  const level = (label: string): number | undefined => rows.find((r) => r.label === label)?.level;
  assert.deepEqual(
    [level(clusterLabel), level('myproject'), level('bar'), level('default'), level('* sha256:4bd26aef1ce7'), level('sha256:062b80555a5d')],
    [1, 2, 3, 4, 5, 5],
  );
  assert.match(rows.find((r) => r.label === '* sha256:4bd26aef1ce7')?.description ?? '', /^\d+ years ago · current$/);
  assert.match(rows.find((r) => r.label === 'sha256:062b80555a5d')?.description ?? '', /^\d+ years ago$/);
  // Registry access comes first, then the streams by name.
  assert.deepEqual(
    rows
      .filter((r) => r.level === 3)
      .map((r) => r.label)
      .slice(0, 3),
    ['Registry access', 'bar', 'os-test-image'],
  );
  await expand('os-test-image');
  const failed = bench.treeRow(clusters, 'latest');
  await failed.waitFor();
  assert.equal(await failed.locator('.codicon-warning').count(), 1, 'a failed import shows a warning icon');
  assert.equal((await bench.readTreeRows(clusters)).find((r) => r.label === 'latest')?.description, 'tagged from os-test-image:latest');
  await bench.screenshot('openshift-tree-seeded');
});

test('Expose Internal Registry as a developer explains that it needs a cluster administrator', { skip }, async () => {
  await bench.runCommand('Registry Explorer: Expose Internal Registry...');
  await bench.dialogButton('Expose');
  await bench.waitForNotification(
    /Expose Internal Registry: Exposing the internal registry needs a cluster administrator.*is forbidden: User "developer" cannot patch/,
  );
  await bench.clearNotifications();
  assert.equal(double.state.registryConfig.spec.defaultRoute, false);
});

test('Import Image through the palette asks to create the stream, then creates the tag (checked on the double)', { skip }, async () => {
  await bench.runCommand('Registry Explorer: Import Image...');
  await bench.pick('Which project?', 'myproject');
  await bench.typeAndAccept('Image to import', `${team.host}/team/app:v1`);
  await bench.typeAndAccept('Image stream in myproject', 'web');
  await bench.pickMany(/Options/, []);
  await bench.typeAndAccept('Tag of web', 'v1');
  assert.match(
    await bench.dialogButton('Create and Import'),
    /^No image stream named "web" exists\.\s+The image stream web does not exist in myproject: create it and import /,
  );
  await bench.waitForNotification(`Imported ${team.host}/team/app:v1 into myproject/web:v1 (${image.manifestDigest}).`);
  assert.equal(double.state.statusTag('myproject', 'web', 'v1')?.items?.[0]?.image, image.manifestDigest);
  await bench.treeRow(clusters, 'web').waitFor();
  await bench.clearNotifications();
});

test("a failed import shows the server's message, and the tag gets a warning", { skip }, async () => {
  await bench.runCommand('Registry Explorer: Import Image...');
  await bench.pick('Which project?', 'myproject');
  await bench.typeAndAccept('Image to import', `${team.host}/team/missing:v9`);
  await bench.typeAndAccept('Image stream in myproject', 'web');
  await bench.pickMany(/Options/, []);
  await bench.typeAndAccept('Tag of web', 'v9');
  await bench.waitForNotification(new RegExp(`Import Image: web:v9: .*${team.host.replace(/\./g, '\\.')}/team/missing:v9`));
  const condition = double.state.statusTag('myproject', 'web', 'v9')?.conditions?.find((c) => c.type === 'ImportSuccess');
  assert.equal(condition?.status, 'False');
  // The import refreshes the tree, which can fold 'web' again right after it was opened.
  await expandTo('web', 'v9');
  const row = bench.treeRow(clusters, 'v9');
  await row.locator('.codicon-warning').waitFor();
  await bench.clearNotifications();
});

test('Grant Registry Role creates the RoleBinding oc would create, and Registry access lists it', { skip }, async () => {
  await bench.runCommand('Registry Explorer: Grant Registry Role...');
  await bench.pick('Which project?', 'myproject');
  await bench.pick('Who?', 'User');
  await bench.typeAndAccept('User name', 'alice');
  await bench.pick('Which role?', 'system:image-puller');
  await bench.waitForNotification('Granted system:image-puller to alice in myproject (RoleBinding system:image-puller).');
  const binding = double.state.roleBinding('myproject', 'system:image-puller');
  assert.deepEqual(binding?.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' });
  assert.deepEqual(binding?.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }]);
  await expandTo('Registry access', 'alice');
  await bench
    .treeRow(clusters, 'alice')
    .locator('.label-description', { hasText: /^system:image-puller$/ })
    .waitFor();
  await bench.clearNotifications();
});

test(
  'promotion: log in to the internal registry with the cluster token, Copy Image To it from the team registry, pull secret, import; same digest on both sides',
  { skip },
  async () => {
    const admin = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('kubeadmin') });
    try {
      await exposeInternalRegistry(admin);
    } finally {
      await admin.close();
    }
    // Log In to Internal Registry: the route is found, its certificate is signed by the cluster's CA.
    await bench.runCommand('Registry Explorer: Log In to Internal Registry');
    await bench.dialogButton("Trust the Cluster's CA");
    await bench.waitForNotification(`Logged in to ${internal.host} as developer.`);
    await bench.clearNotifications();
    const registryLabel = `Internal registry (${clusterLabel})`;

    // The copy engine (Copy Image To on the team registry's tag) pushes into the internal registry.
    await expand('Team registry', registries);
    await expand('team/app', registries);
    await bench.contextMenu(bench.treeRow(registries, 'v1'), 'Copy Image To...');
    await bench.pick('Which registry?', registryLabel);
    await bench.typeAndAccept('Destination repository', 'myproject/app');
    await bench.typeAndAccept('Destination tag', 'v1');
    await bench.waitForNotification(`Copied ${team.host}/team/app:v1 to ${internal.host}/myproject/app:v1.`);
    const head = await registryFetch(internal, '/v2/myproject/app/manifests/v1', { method: 'HEAD', headers: { accept: image.manifestMediaType } });
    assert.equal(head.headers.get('docker-content-digest'), image.manifestDigest, 'the copy kept the digest');
    await bench.clearNotifications();
    await bench.collapse(registries, 'Team registry');
    await expand(registryLabel, registries);
    await expand('myproject/app', registries);
    await bench
      .pane(registries)
      .locator('.monaco-list-row', { hasText: image.manifestDigest.slice(7, 19) })
      .waitFor();

    // The importer pulls from the internal registry with the project's pull secret, made from that login.
    await bench.runCommand('Registry Explorer: Create Pull Secret...');
    await bench.pick('Which project?', 'myproject');
    await bench.pick('Which registry login', internal.host);
    await bench.typeAndAccept('Secret name in myproject', 'internal-pull');
    await bench.pickMany(/Link to service accounts/, ['default']);
    await bench.waitForNotification(`Created pull secret internal-pull in myproject for ${internal.host}, linked to default (pull).`);
    const secret = double.state.secret('myproject', 'internal-pull');
    assert.equal(secret?.type, dockerConfigJsonType);
    assert.deepEqual(decodePullSecret(secret!), {
      [internal.host]: { username: 'developer', password: token, auth: Buffer.from(`developer:${token}`).toString('base64') },
    });
    assert.ok(double.state.serviceAccount('myproject', 'default')?.imagePullSecrets?.some((s) => s.name === 'internal-pull'));
    await bench.clearNotifications();

    await bench.runCommand('Registry Explorer: Import Image...');
    await bench.pick('Which project?', 'myproject');
    await bench.typeAndAccept('Image to import', `${internal.host}/myproject/app:v1`);
    await bench.typeAndAccept('Image stream in myproject', 'app');
    await bench.pickMany(/Options/, []);
    await bench.typeAndAccept('Tag of app', 'v1');
    await bench.dialogButton('Create and Import');
    await bench.waitForNotification(`Imported ${internal.host}/myproject/app:v1 into myproject/app:v1 (${image.manifestDigest}).`);
    assert.equal(double.state.statusTag('myproject', 'app', 'v1')?.items?.[0]?.image, image.manifestDigest);
    await bench.clearNotifications();

    await expand('app');
    await expand('v1');
    await bench.treeRow(clusters, `* ${short(image.manifestDigest)}`).waitFor();
    await bench.resizeSideBar(560);
    await bench.screenshot('openshift-tree', 'openshift-tree.png');
  },
);

test('Describe Image Stream shows what oc describe is prints, with Copy pull spec for both repositories', { skip }, async () => {
  await bench.contextMenu(bench.treeRow(clusters, 'app'), 'Describe Image Stream');
  const frame = await bench.webview('Image Stream app');
  await frame.locator('h1', { hasText: 'myproject/app' }).waitFor();
  const summary = await frame.locator('dl.summary').innerText();
  assert.match(summary, new RegExp(`Public repository\\s+${internal.host}/myproject/app`));
  assert.match(summary, /Internal repository\s+image-registry\.openshift-image-registry\.svc:5000\/myproject\/app/);
  assert.equal(await frame.locator('vscode-button', { hasText: 'Copy pull spec' }).count(), 2);
  const tag = frame.locator('section.tag[data-tag="v1"]');
  assert.match(
    await tag.innerText(),
    new RegExp(`tagged from ${internal.host}/myproject/app:v1[\\s\\S]*\\*\\s+${internal.host}/myproject/app@${image.manifestDigest}`),
  );
  await bench.screenshot('openshift-describe', 'openshift-describe.png');
  // The editor part alone, for the README: the webview without the tree (and its hovers) beside it.
  mkdirSync(screenshotDir, { recursive: true });
  await bench.page.locator('#workbench\\.parts\\.editor').screenshot({ path: join(screenshotDir, 'openshift-describe-webview.png') });
});

test('Tag Image Stream Tag pins the image the source points at now; Delete Image Stream Tag removes it after a modal confirmation', { skip }, async () => {
  await bench.contextMenu(bench.treeRow(clusters, 'v1'), 'Tag Image Stream Tag...');
  await bench.typeAndAccept(/Source: an image stream tag/, 'app:v1');
  await bench.typeAndAccept(/Destination image stream tag/, 'app:prod');
  await bench.pickMany(/Options/, []);
  await bench.waitForNotification(`Tag app:prod set to app@${image.manifestDigest}.`);
  const prod = double.state.imageStream('myproject', 'app')?.spec.tags?.find((t) => t.name === 'prod');
  assert.deepEqual(prod?.from, { kind: 'ImageStreamImage', name: `app@${image.manifestDigest}`, namespace: 'myproject' });
  await bench.clearNotifications();

  await bench.contextMenu(bench.treeRow(clusters, 'prod'), 'Delete Image Stream Tag...');
  assert.match(await bench.dialogButton('Delete Tag'), /^Delete app:prod from project myproject\?/);
  await bench.waitForNotification('Deleted tag myproject/app:prod.');
  assert.equal(
    double.state.imageStream('myproject', 'app')?.spec.tags?.some((t) => t.name === 'prod'),
    false,
  );
  await bench.treeRow(clusters, 'prod').waitFor({ state: 'detached' });
  await bench.clearNotifications();
});

test('Revoke Registry Role on a Registry access row deletes the binding that only held that subject', { skip }, async () => {
  await bench.contextMenu(bench.treeRow(clusters, 'alice'), 'Revoke Registry Role...');
  await bench.dialogButton('Revoke');
  await bench.waitForNotification('Revoked system:image-puller from alice in myproject (deleted RoleBinding system:image-puller).');
  assert.equal(double.state.roleBinding('myproject', 'system:image-puller'), undefined);
  await bench.treeRow(clusters, 'No registry roles granted').waitFor();
  await bench.clearNotifications();
});

test('Log In to Cluster with a token shows the unknown CA by fingerprint, saves it as oc does, and the new cluster appears', { skip }, async () => {
  const second = await startOpenShiftDouble();
  extraDoubles.push(second);
  const secondToken = second.tokenFor('developer');
  extraTokens.push(secondToken);
  await bench.runCommand('Registry Explorer: Log In to Cluster...');
  await bench.typeAndAccept('API server URL', second.url);
  await bench.pick('How do you log in?', 'Token');
  const { password: masked } = await bench.typeAndAccept(/Token for/, secondToken);
  assert.equal(masked, true, 'the token box masks what is typed');
  const fingerprint = new X509Certificate(second.caPem!).fingerprint256;
  const dialog = await bench.dialogButton('Trust this CA');
  assert.match(dialog, new RegExp(`The certificate of ${second.host.replace(/\./g, '\\.')} is not trusted`));
  assert.ok(dialog.includes(fingerprint), `the dialog shows the CA's fingerprint ${fingerprint}: ${dialog}`);
  await bench.waitForNotification(`Logged in to ${second.url} as developer. Using project "myproject".`);
  const written = parse(readFileSync(kubeconfig, 'utf8')) as {
    'current-context': string;
    clusters: { name: string; cluster: Record<string, string> }[];
    contexts: { name: string }[];
  };
  const nick = second.host.replace(/\./g, '-');
  assert.equal(written['current-context'], `myproject/${nick}/developer`);
  assert.equal(
    Buffer.from(written.clusters.find((c) => c.name === nick)?.cluster['certificate-authority-data'] ?? '', 'base64')
      .toString('utf8')
      .trim(),
    second.caPem!.trim(),
  );
  assert.ok(
    written.contexts.some((c) => c.name === `myproject/${double.host.replace(/\./g, '-')}/developer`),
    'the other context is kept',
  );
  await bench.treeRow(clusters, `developer @ ${second.host}`).waitFor();
  await bench.clearNotifications();
});

test("Log In to Cluster takes the web console's whole `oc login --token=... --server=...` line", { skip }, async () => {
  const third = await startOpenShiftDouble();
  extraDoubles.push(third);
  const token = third.tokenFor('developer');
  extraTokens.push(token);
  await bench.runCommand('Registry Explorer: Log In to Cluster...');
  await bench.typeAndAccept('API server URL', `oc login --token=${token} --server=${third.url}`);
  // No method and no token to ask for: the line had both.
  await bench.dialogButton('Trust this CA');
  await bench.waitForNotification(`Logged in to ${third.url} as developer. Using project "myproject".`);
  await bench.treeRow(clusters, `developer @ ${third.host}`).waitFor();
  await bench.clearNotifications();
});

test(
  'Log In to Cluster with a username and password goes through OAuth; skipping TLS verification is explicit and saved for that cluster only',
  { skip },
  async () => {
    const third = await startOpenShiftDouble();
    extraDoubles.push(third);
    await bench.runCommand('Registry Explorer: Log In to Cluster...');
    await bench.typeAndAccept('API server URL', third.url);
    await bench.pick('How do you log in?', 'Username and password');
    await bench.typeAndAccept('Username', 'alice');
    const { password: masked } = await bench.typeAndAccept(/Password for alice/, 'alice');
    assert.equal(masked, true);
    await bench.dialogButton('Skip TLS Verification for This Cluster');
    await bench.waitForNotification(`Logged in to ${third.url} as alice.`);
    const written = parse(readFileSync(kubeconfig, 'utf8')) as {
      'current-context': string;
      clusters: { name: string; cluster: Record<string, unknown> }[];
      users: { name: string; user: Record<string, string> }[];
    };
    const nick = third.host.replace(/\./g, '-');
    assert.deepEqual(written.clusters.find((c) => c.name === nick)?.cluster, { 'insecure-skip-tls-verify': true, server: third.url });
    assert.equal(
      written.clusters.find((c) => c.name === double.host.replace(/\./g, '-'))?.cluster['insecure-skip-tls-verify'],
      undefined,
      'the other cluster stays verified',
    );
    const oauthToken = written.users.find((u) => u.name === `alice/${nick}`)?.user.token ?? '';
    assert.match(oauthToken, /^sha256~/, 'the OAuth token is saved for the user, as oc saves it');
    extraTokens.push(oauthToken);
    await bench.treeRow(clusters, `alice @ ${third.host}`).waitFor();
    await bench.clearNotifications();
  },
);

test('a context added to the kubeconfig on disk shows up; a plain Kubernetes server is shown as such', { skip }, async () => {
  const k8s = await startOpenShiftDouble({ openshiftApis: false });
  extraDoubles.push(k8s);
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
  config.clusters.push({ name: 'plain-k8s', cluster: { server: k8s.url, 'certificate-authority-data': Buffer.from(k8s.caPem!).toString('base64') } });
  config.users.push({ name: 'admin/plain-k8s', user: { token: k8s.tokenFor('kubeadmin') } });
  config.contexts.push({ name: 'default/plain-k8s/admin', context: { cluster: 'plain-k8s', user: 'admin/plain-k8s', namespace: 'default' } });
  writeFileSync(kubeconfig, stringify(config), { mode: 0o600 });
  const label = `admin @ ${k8s.host}`;
  await expand(label);
  await bench.treeRow(clusters, 'Not an OpenShift cluster: the server has no image.openshift.io API').waitFor();
  await bench.pane(clusters).locator('.monaco-list-row', { hasText: 'Kubernetes, not OpenShift' }).waitFor();
});

test('a cluster whose CA the kubeconfig lacks is an error row; its Trust Cluster Certificate action saves the CA and the projects load', { skip }, async () => {
  const fourth = await startOpenShiftDouble();
  extraDoubles.push(fourth);
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
  config.clusters.push({ name: 'no-ca', cluster: { server: fourth.url } });
  config.users.push({ name: 'kubeadmin/no-ca', user: { token: fourth.tokenFor('kubeadmin') } });
  config.contexts.push({ name: 'default/no-ca/kubeadmin', context: { cluster: 'no-ca', user: 'kubeadmin/no-ca', namespace: 'default' } });
  writeFileSync(kubeconfig, stringify(config), { mode: 0o600 });
  const label = `kubeadmin @ ${fourth.host}`;
  await expand(label);
  const row = bench.treeRow(clusters, `The certificate of ${label} is not trusted`);
  await row.waitFor();
  await bench.rowAction(row, 'Trust Cluster Certificate');
  const dialog = await bench.dialogButton('Trust this CA');
  assert.ok(dialog.includes(new X509Certificate(fourth.caPem!).fingerprint256), dialog);
  await bench.treeRow(clusters, 'openshift-image-registry').waitFor();
  const saved = (parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { name: string; cluster: Record<string, string> }[] }).clusters.find(
    (c) => c.name === 'no-ca',
  );
  assert.equal(
    Buffer.from(saved?.cluster['certificate-authority-data'] ?? '', 'base64')
      .toString('utf8')
      .trim(),
    fourth.caPem!.trim(),
  );
});

test('the cluster token reaches neither the settings nor the logs', { skip }, async () => {
  const logs = server.readLogs();
  assert.match(logs, /logged in to the internal registry/, 'the extension log was read');
  assert.equal(logs.includes(token), false, 'the token is in a log file');
  for (const t of extraTokens) assert.equal(logs.includes(t), false, 'a token typed at Log In to Cluster is in a log file');
  assert.equal(readFileSync(join(server.userDataDir, 'User/settings.json'), 'utf8').includes(token), false);
});
