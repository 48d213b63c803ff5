// Promote... and sync files in a real code-server, against real plain-HTTP Distribution registries, a fault
// proxy in front of one (it refuses pushes to one repository, and can hold pushes to stall a run), and the
// OpenShift API double with a TLS Distribution registry as its internal registry. A promotion is planned
// into the Sync Plan view (copy / unchanged / remove per tag, with sizes), asked about (deleting only on a
// named button that is never the default), run with each row showing what happened, and cancellable.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { exposeInternalRegistry } from '../../src/core/openshift/internal-registry';
import { abbreviatedDigest, formatSize } from '../../src/extension/format';
import { buildImage, closeRegistryAgents, makeTempDir, pushImage, registryDigest, removeAllTempDirs, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import type { FaultProxy } from '../harness/fault-proxy';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const view = 'Registries';
const plan = 'Sync Plan';

const skip = e2eSkipReasonWithTools(['docker-registry', 'openssl']);
let source: TestRegistry;
let target: TestRegistry;
let guarded: FaultProxy;
let internal: TestRegistry;
let double: OpenShiftDouble;
let server: CodeServer;
let bench: Workbench;
let v1: BuiltImage;
let v2: BuiltImage;
let db: BuiltImage;
let old: BuiltImage;
let clusterLabel: string;
let releaseStall: () => void = () => undefined;
const syncFile = 'promote.regx-sync.yaml';

const imageSize = (i: BuiltImage): number => i.configSize + i.layers.reduce((n, l) => n + l.size, 0);

before(async () => {
  if (skip) return;
  source = await startRegistry();
  target = await startRegistry();
  v1 = await buildImage({ mediaType: 'oci', layers: 2, layerSize: 2048, labels: { v: '1' } });
  v2 = await buildImage({ mediaType: 'oci', layerSize: 3000, labels: { v: '2' } });
  db = await buildImage({ mediaType: 'oci', layerSize: 1500, labels: { app: 'db' } });
  old = await buildImage({ mediaType: 'oci', layerSize: 700, labels: { v: '0' } });
  await pushImage(source, 'team/app', 'v1', v1);
  await pushImage(source, 'team/app', 'v2', v2);
  await pushImage(source, 'team/db', 'v1', db);
  // The destination has v1 already and a tag the source no longer has.
  await pushImage(target, 'prod/app', 'v1', v1);
  await pushImage(target, 'prod/app', 'old', old);
  // The guarded registry is the target behind a proxy that refuses pushes to any `db` repository, as a
  // registry whose robot account may not write there would, and holds pushes under `stall/` until released.
  const stall = new Promise<void>((resolve) => (releaseStall = resolve));
  const denied = JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] });
  guarded = await startFaultProxy({
    target: target.host,
    rules: [
      { method: 'POST', path: /^\/v2\/.*\/db\/blobs\/uploads\//, action: { kind: 'status', status: 403, body: denied }, times: Infinity },
      { method: 'PUT', path: /^\/v2\/.*\/db\/manifests\//, action: { kind: 'status', status: 403, body: denied }, times: Infinity },
      { method: 'POST', path: /^\/v2\/stall\//, action: { kind: 'hook', run: () => stall }, times: Infinity },
    ],
  });
  // The cluster's internal registry takes the developer's cluster token as the password.
  const token = `sha256~${randomBytes(24).toString('base64url')}`;
  internal = await startRegistry({ tls: true, tokenIssuer: { username: 'developer', password: token, anonymous: 'deny', tls: true } });
  double = await startOpenShiftDouble({ registryRouteHost: internal.host, tokens: { [token]: 'developer' } });
  const admin = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('kubeadmin') });
  try {
    await exposeInternalRegistry(admin);
  } finally {
    await admin.close();
  }
  const dir = makeTempDir('e2e-promote');
  const kubeconfig = join(dir, 'config');
  double.writeKubeconfig(kubeconfig, 'developer', 'myproject', token);
  clusterLabel = `developer @ ${double.host}`;
  server = await startCodeServer({
    settings: {
      'registryExplorer.registries': [
        { url: `http://${source.host}`, name: 'Source registry' },
        { url: `http://${target.host}`, name: 'Target registry' },
        { url: `http://${guarded.host}`, name: 'Guarded registry' },
      ],
    },
    env: { KUBECONFIG: kubeconfig, REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
  });
  // In the folder before the window opens: the folder, not a view, is what activates the extension.
  writeFileSync(join(server.workspace, syncFile), syncConfig(['      list: [v1]', '      newest: 0']));
  bench = await Workbench.open(server.url);
  // Wide enough that a modal question in the middle leaves the side bar's rows readable (the screenshot).
  await bench.page.setViewportSize({ width: 1600, height: 860 });
});

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  releaseStall();
  await bench?.close();
  await server?.stop();
  await double?.stop();
  await stopAllFaultProxies();
  await closeRegistryAgents();
  await stopAll();
  removeAllTempDirs();
});

function syncConfig(tags: string[]): string {
  return [
    'version: 1',
    'destinations:',
    '  - name: qa',
    `    registry: ${target.host}/qa`,
    'sources:',
    `  - repository: ${source.host}/team/app`,
    '    tags:',
    ...tags,
    '',
  ].join('\n');
}

/** The Sync Plan row `label` under the group `group`, or the only one so named. */
async function planRow(label: string): Promise<{ description: string; level: number }> {
  const row = bench.treeRow(plan, label);
  await row.waitFor();
  return { description: ((await row.locator('.label-description').textContent()) ?? '').trim(), level: Number(await row.getAttribute('aria-level')) };
}

/** Waits until a Sync Plan row `label` says `state` first in its description, and returns that description. */
async function planState(label: string, state: string): Promise<string> {
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = bench
    .pane(plan)
    .locator('.monaco-list-row')
    .filter({ has: bench.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escape(label)}\\s*$`) }) })
    .filter({ has: bench.page.locator('.label-description', { hasText: new RegExp(`^\\s*${escape(state)}`) }) })
    .first();
  await row.waitFor();
  return ((await row.locator('.label-description').textContent()) ?? '').trim();
}

interface PromoteAnswers {
  to: string;
  /** A cluster's registry route not in the Registries view yet: its certificate is settled first. */
  trustClusterCa?: true;
  path?: string;
  tag?: string;
  tags?: string;
  prune?: boolean;
}

/** Promote... on a Registries row, answering its questions as a user would. */
async function promote(row: string, a: PromoteAnswers): Promise<void> {
  await bench.contextMenu(bench.treeRow(view, row), 'Promote...');
  await bench.pick('Which registry, or which OpenShift project', a.to);
  if (a.trustClusterCa) await bench.dialogButton("Trust the Cluster's CA");
  if (a.path !== undefined) await bench.typeAndAccept('Path under which the repositories go', a.path);
  if (a.tag !== undefined) await bench.typeAndAccept('Destination tag', a.tag);
  if (a.tags !== undefined) await bench.pick('which tags?', a.tags);
  if (a.prune !== undefined)
    await bench.pick('tags the source no longer has?', a.prune ? 'Also delete destination tags the source no longer has' : 'Copy only');
}

const dialog = (): ReturnType<Workbench['page']['locator']> => bench.page.locator('.monaco-dialog-box');

async function dialogText(): Promise<string> {
  await dialog().waitFor();
  return dialog().locator('.dialog-message-container').innerText();
}

test(
  'a *.regx-sync.yaml in the folder activates the extension: a schema error is a problem on its line, and the CodeLens Dry Run fills the Sync Plan',
  { skip },
  async () => {
    await bench.openView('Explorer');
    await bench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: syncFile }).first().click();
    await bench.page.locator('.tabs-container .tab', { hasText: syncFile }).first().waitFor();
    const lens = bench.page.locator('.monaco-editor .codelens-decoration').filter({ hasText: 'Dry Run' }).first();
    await lens.waitFor();
    assert.deepEqual(
      (await lens.locator('a').allInnerTexts()).map((t) => t.trim()),
      ['Dry Run', 'Sync'],
    );
    // The schema's rule (newest is at least 1), as a problem on the value, from the extension (not a YAML extension).
    await bench.page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await bench.page.keyboard.press('Control+Shift+M');
    const problem = bench.page.locator('.markers-panel .monaco-list-row', { hasText: 'sources[0].tags.newest' }).first();
    await problem.waitFor();
    assert.match(await problem.innerText(), /sources\[0\]\.tags\.newest: .*1/);
    assert.match(await problem.innerText(), /regx sync/);

    // Fixed on disk, the problem goes; Dry Run plans it into the Sync Plan view and writes nothing.
    writeFileSync(join(server.workspace, syncFile), syncConfig(['      list: [v1]']));
    // The editor takes the file from disk when its file watcher says so; on a loaded machine that has taken
    // over a minute, so the editor is told to read it again, as a user would with File: Revert File.
    await bench.runCommand('File: Revert File');
    await bench.page.locator('.markers-panel .monaco-list-row', { hasText: 'sources[0].tags.newest' }).first().waitFor({ state: 'detached' });
    await bench.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Dry Run' }).first().click();
    await bench.waitForNotification(`${syncFile}: 1 to copy, 0 unchanged, 0 to remove.`);
    assert.equal((await planRow(`${target.host}/qa/app`)).level, 1);
    assert.equal(await planState('v1', 'copy'), `copy · ${formatSize(imageSize(v1))} · ${abbreviatedDigest(v1.manifestDigest)}`);
    assert.equal(await registryDigest(target, 'qa/app', 'v1'), undefined, 'a dry run writes nothing');
    await bench.clearNotifications();
    await bench.runCommand('View: Close All Editors');
    await bench.page.locator('.part.panel .codicon-panel-close, .part.panel .codicon-close').first().click();
  },
);

test(
  'Promote... on a repository: the plan shows copy / unchanged / remove per tag with sizes; the question names the count and its default deletes nothing',
  { skip },
  async () => {
    await bench.openView(view);
    // Folded, the other panes leave the side bar's height to the Registries tree and the plan.
    await bench.collapsePane('Local Images');
    await bench.collapsePane('OpenShift Clusters');
    await bench.resizeSideBar(520);
    await bench.expand(view, 'Source registry');
    await bench.expand(view, 'team/app');
    await promote('team/app', { to: 'Target registry', path: 'prod', tags: 'All tags', prune: true });
    const message = await dialogText();
    assert.match(message, new RegExp(`^Copy 1 image to ${target.host}/prod and delete 1 tag the source no longer has\\?`));
    assert.match(message, /To delete: prod\/app:old\. .*1 is there already/s);
    assert.equal((await planRow(`${target.host}/prod/app`)).description, '1 to copy, 1 unchanged, 1 to remove');
    assert.equal(await planState('v2', 'copy'), `copy · ${formatSize(imageSize(v2))} · ${abbreviatedDigest(v2.manifestDigest)}`);
    assert.equal(await planState('v1', 'unchanged'), `unchanged · ${formatSize(imageSize(v1))} · ${abbreviatedDigest(v1.manifestDigest)}`);
    assert.equal(await planState('old', 'remove'), `remove (no source selects it) · ${abbreviatedDigest(old.manifestDigest)}`);
    await bench.dismissHover();
    // The planning notification fades out by itself; the picture is clearer without it.
    await bench.page
      .locator('.notifications-toasts .notification-toast', { hasText: 'checked' })
      .first()
      .waitFor({ state: 'detached', timeout: 5000 })
      .catch(() => undefined);
    await bench.screenshot('promote-plan', 'promote.png');
    // Enter takes the first button, Copy Only: deleting is never the default.
    await bench.page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached' });
    await bench.waitForNotification(`team/app to ${target.host}/prod: 1 copied, 1 unchanged.`);
    assert.match(await planState('v2', 'copied'), /^copied · /);
    assert.equal(await planState('old', 'kept'), `kept (deleting was not chosen) · ${abbreviatedDigest(old.manifestDigest)}`);
    assert.equal(await registryDigest(target, 'prod/app', 'v2'), v2.manifestDigest);
    assert.equal(await registryDigest(target, 'prod/app', 'old'), old.manifestDigest, 'Enter deleted nothing');
    await bench.clearNotifications();

    // Without the choice, nothing is planned for removal.
    await promote('team/app', { to: 'Target registry', path: 'prod', tags: 'All tags', prune: false });
    await bench.waitForNotification(`team/app: every image is at ${target.host}/prod already.`);
    await bench.treeRow(plan, 'old').waitFor({ state: 'detached' });
    assert.match(await planState('v2', 'unchanged'), /^unchanged/, 'no removal row without the choice, the rest unchanged');
    await bench.clearNotifications();
  },
);

test(
  'deleting tags the source no longer has: the question with nothing to copy keeps them on Enter, deletes on its named button; a re-run is all unchanged',
  { skip },
  async () => {
    await promote('team/app', { to: 'Target registry', path: 'prod', tags: 'All tags', prune: true });
    const message = await dialogText();
    assert.match(message, new RegExp(`^Delete 1 tag from ${target.host}/prod that the source no longer has\\?`));
    // The view held the last plan's rows until this one is drawn: wait for the new row first.
    await planState('old', 'remove');
    assert.equal((await planRow(`${target.host}/prod/app`)).description, '2 unchanged, 1 to remove');
    await bench.page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached' });
    assert.equal(await registryDigest(target, 'prod/app', 'old'), old.manifestDigest, 'Enter (Keep Tags) deleted nothing');

    await promote('team/app', { to: 'Target registry', path: 'prod', tags: 'All tags', prune: true });
    await dialogText();
    await bench.dialogButton('Delete 1 Tag');
    await bench.waitForNotification(`team/app to ${target.host}/prod: 0 copied, 2 unchanged, 1 removed.`);
    assert.match(await planState('old', 'removed'), /^removed/);
    assert.equal(await registryDigest(target, 'prod/app', 'old'), undefined, 'the tag is gone');
    assert.equal(await registryDigest(target, 'prod/app', 'v1'), v1.manifestDigest, 'the kept tags stay');
    await bench.clearNotifications();

    // Nothing left to do: said at once, every row unchanged, no question asked.
    await promote('team/app', { to: 'Target registry', path: 'prod', tags: 'All tags', prune: true });
    await bench.waitForNotification(`team/app: every image is at ${target.host}/prod already.`);
    assert.equal(await dialog().count(), 0);
    await bench.treeRow(plan, 'old').waitFor({ state: 'detached' });
    assert.match(await planState('v1', 'unchanged'), /^unchanged/);
    assert.match(await planState('v2', 'unchanged'), /^unchanged/);
    await bench.clearNotifications();
  },
);

test('an image refused mid-run fails with its reason on its row while the others land', { skip }, async () => {
  await promote('Source registry', { to: 'Guarded registry', path: 'mirror', tags: 'All tags', prune: false });
  assert.match(await dialogText(), new RegExp(`^Copy 3 images to ${guarded.host}/mirror\\?`));
  await bench.dialogButton('Promote');
  await bench.waitForNotification(`${source.host} to ${guarded.host}/mirror: 2 copied, 0 unchanged, 1 failed (see the Sync Plan view).`);
  const failed = await planState('v1', 'failed');
  // Two rows are labelled v1 (app and db); the failed one is db's.
  assert.equal(failed, `failed · ${formatSize(imageSize(db))} · ${abbreviatedDigest(db.manifestDigest)} · denied`);
  const row = bench.pane(plan).locator('.monaco-list-row', { hasText: 'failed' }).first();
  await bench.hoverFor(row, 'requested access to the resource is denied');
  await bench.dismissHover();
  assert.equal(await registryDigest(target, 'mirror/app', 'v1'), v1.manifestDigest);
  assert.equal(await registryDigest(target, 'mirror/app', 'v2'), v2.manifestDigest);
  assert.equal(await registryDigest(target, 'mirror/db', 'v1'), undefined);
  await bench.clearNotifications();
});

test('a running promotion is cancelled from its progress notification: rows not finished say so, nothing half-written', { skip }, async () => {
  await promote('team/app', { to: 'Guarded registry', path: 'stall', tags: 'All tags', prune: false });
  await dialogText();
  await bench.dialogButton('Promote');
  // The pushes are held at the proxy: both rows are copying.
  await planState('v1', 'copying...');
  const progress = bench.page.locator('.notifications-toasts .notification-toast', { hasText: `Promoting team/app to ${guarded.host}/stall` }).first();
  await progress.waitFor();
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
  assert.equal(await planState('v1', 'not run (cancelled)'), `not run (cancelled) · ${formatSize(imageSize(v1))} · ${abbreviatedDigest(v1.manifestDigest)}`);
  await planState('v2', 'not run (cancelled)');
  await progress.waitFor({ state: 'detached' });
  assert.equal(await bench.page.locator('.notifications-toasts .notification-toast', { hasText: /Promote\.\.\.:/ }).count(), 0, 'a cancel is not an error');
  releaseStall();
  assert.equal(await registryDigest(target, 'stall/app', 'v1'), undefined);
  assert.equal(await registryDigest(target, 'stall/app', 'v2'), undefined);
});

test(
  'Promote... on a tag into "cluster / project": a new tag name, the internal registry logged in with the cluster token, the image lands there',
  { skip },
  async () => {
    // The route is not in the Registries view yet: Log In to Internal Registry settles its certificate first.
    await promote('v1', { to: `${clusterLabel} / myproject`, trustClusterCa: true, tag: 'stable' });
    const message = await dialogText();
    assert.match(message, new RegExp(`^Copy 1 image to ${clusterLabel.replace(/[.]/g, '\\.')} / myproject \\(${internal.host}/myproject\\)\\?`));
    assert.match(await planState('stable', 'copy'), new RegExp(`^copy · ${formatSize(imageSize(v1)).replace('.', '\\.')} · `));
    assert.equal((await planRow(`${internal.host}/myproject/app`)).level, 1);
    await bench.dialogButton('Promote');
    await bench.waitForNotification(`team/app:v1 to ${clusterLabel} / myproject (${internal.host}/myproject): 1 copied, 0 unchanged.`);
    assert.equal(await registryDigest(internal, 'myproject/app', 'stable'), v1.manifestDigest);
    assert.equal(await registryDigest(internal, 'myproject/app', 'v1'), undefined, 'the tag went under its new name only');
  },
);
