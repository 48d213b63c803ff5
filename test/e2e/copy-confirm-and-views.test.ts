// What a new user meets first, against two real plain-HTTP Distribution registries and the OpenShift
// API double: a copy that would move a tag asks first (and Cancel writes nothing), platform rows show
// image sizes, raw manifests open as read-only documents, and tree rows are listed once with unique ids.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { formatSize } from '../../src/extension/format';
import { buildImage, makeTempDir, pushImage, pushIndex, registryFetch, removeAllTempDirs, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const view = 'Registries';
const clusters = 'OpenShift Clusters';
const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

const skip = e2eSkipReasonWithTools(['docker-registry', 'openssl']);
let source: TestRegistry;
let target: TestRegistry;
let double: OpenShiftDouble;
let server: CodeServer;
let bench: Workbench;
let v1: BuiltImage;
let v2: BuiltImage;
let old: BuiltImage;
let amd: BuiltImage;
let arm: BuiltImage;

const short = (digest: string): string => digest.slice(0, 'sha256:'.length + 12);
const imageSize = (i: BuiltImage): number => i.configSize + i.layers.reduce((n, l) => n + l.size, 0);

async function digestAt(reg: TestRegistry, repository: string, tag: string): Promise<string | null> {
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

before(async () => {
  if (skip) return;
  source = await startRegistry();
  target = await startRegistry();
  v1 = await buildImage({ mediaType: 'oci', layers: 2, layerSize: 2048 });
  v2 = await buildImage({ mediaType: 'oci', layerSize: 512 });
  old = await buildImage({ mediaType: 'oci', layerSize: 300 });
  amd = await buildImage({ mediaType: 'oci', architecture: 'amd64', layers: 3, layerSize: 4000 });
  arm = await buildImage({ mediaType: 'oci', architecture: 'arm64', variant: 'v8', layerSize: 1500 });
  await pushImage(source, 'team/app', 'v1', v1);
  await pushImage(source, 'team/app', 'v2', v2);
  // Two tags naming one index: their platform rows must still have ids of their own.
  await pushIndex(source, 'team/app', ['multi', 'also-multi'], [amd, arm]);
  await pushImage(target, 'team/app', 'v1', old);
  await pushImage(target, 'team/app', 'same', v1);
  double = await startOpenShiftDouble();
  const dir = makeTempDir('e2e-ux');
  double.writeKubeconfig(join(dir, 'kubeconfig'), 'developer', 'myproject');
  server = await startCodeServer({
    settings: {
      'registryExplorer.registries': [
        { url: `http://${source.host}`, name: 'Source registry' },
        { url: `http://${target.host}`, name: 'Target registry' },
      ],
    },
    env: { KUBECONFIG: join(dir, 'kubeconfig'), REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
  });
  bench = await Workbench.open(server.url);
  await bench.openView(view);
  await bench.resizeSideBar(520);
});

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  await bench?.close();
  await server?.stop();
  await double?.stop();
  await stopAll();
  removeAllTempDirs();
});

/** Where each test starts, whatever ran before it (any one runs alone): the source's team/app open down to its tags. */
async function sourceAppOpen(): Promise<void> {
  await bench.openView(view);
  await bench.expand(view, 'Source registry');
  await bench.expand(view, 'team/app');
  await bench.treeRow(view, 'v2').waitFor();
}

async function copyTo(tag: string, from = 'v1'): Promise<void> {
  await bench.contextMenu(bench.treeRow(view, from), 'Copy Image To...');
  await bench.pick('Which registry?', 'Target registry');
  await bench.typeAndAccept('Destination repository', 'team/app');
  await bench.typeAndAccept('Destination tag', tag);
}

test('Copy Image To onto a tag naming another image asks to replace it, and Cancel writes nothing', { skip }, async () => {
  await sourceAppOpen();
  await copyTo('v1');
  const dialog = bench.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  const message = await dialog.locator('.dialog-message-container').innerText();
  assert.match(
    message,
    new RegExp(
      `^Replace tag v1 \\(${short(old.manifestDigest)}\\.\\.\\.\\) with ${source.host.replace(/\./g, '\\.')}/team/app:v1 \\(${short(v1.manifestDigest)}\\.\\.\\.\\)\\?`,
    ),
  );
  assert.match(message, new RegExp(`names ${old.manifestDigest} now`));
  await bench.screenshot('copy-replace-confirmation', 'copy-replace-confirmation.png');
  await bench.dialogButton('Keep v1');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await digestAt(target, 'team/app', 'v1'), old.manifestDigest, 'Keep left the tag naming the image it named');

  // Escape is Cancel too.
  await copyTo('v1');
  await dialog.waitFor();
  await bench.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await digestAt(target, 'team/app', 'v1'), old.manifestDigest, 'Escape left the tag as it was');

  await copyTo('v1');
  await bench.dialogButton('Replace Tag');
  await bench.waitForNotification(`Copied ${source.host}/team/app:v1 to ${target.host}/team/app:v1.`);
  assert.equal(await digestAt(target, 'team/app', 'v1'), v1.manifestDigest, 'Replace Tag moved the tag');
  await bench.clearNotifications();

  // Enter takes the focused button, which keeps the tag: replacing is never the default.
  await copyTo('v1', 'v2');
  await dialog.waitFor();
  await bench.page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await digestAt(target, 'team/app', 'v1'), v1.manifestDigest, 'Enter left the tag as it was');
});

test('Copy Image To onto a tag that already names the image says so and writes nothing', { skip }, async () => {
  await sourceAppOpen();
  await copyTo('same');
  await bench.waitForNotification(
    `${target.host}/team/app:same already names ${source.host}/team/app:v1 (${short(v1.manifestDigest)}...): nothing was written.`,
  );
  assert.equal(await bench.page.locator('.monaco-dialog-box').count(), 0, 'no question when there is nothing to write');
  await bench.clearNotifications();
});

test('a drop always asks first, naming the destination tag; Cancel copies nothing', { skip }, async () => {
  await sourceAppOpen();
  await bench.treeRow(view, 'v2').dragTo(bench.treeRow(view, 'Target registry'));
  const message = await bench.dialogButton('Cancel');
  assert.match(
    message,
    new RegExp(
      `^Copy ${source.host.replace(/\./g, '\\.')}/team/app:v2 \\(${short(v2.manifestDigest)}\\.\\.\\.\\) to ${target.host.replace(/\./g, '\\.')}/team/app:v2\\?`,
    ),
  );
  assert.match(message, /does not exist yet: the copy creates the tag v2/);
  assert.equal(await digestAt(target, 'team/app', 'v2'), null, 'Cancel copied nothing');
  await bench.treeRow(view, 'v2').dragTo(bench.treeRow(view, 'Target registry'));
  await bench.dialogButton('Copy');
  await bench.waitForNotification(`Copied ${source.host}/team/app:v2 to ${target.host}/team/app:v2.`);
  assert.equal(await digestAt(target, 'team/app', 'v2'), v2.manifestDigest);
  await bench.clearNotifications();
});

test("platform rows under an index show each image's size (config + layers), as does Inspect's Platforms table", { skip }, async () => {
  await sourceAppOpen();
  await bench.collapse(view, 'Target registry').catch(() => undefined);
  await bench.pane(view).locator('.monaco-list-row', { hasText: '2 platforms' }).first().waitFor();
  await bench.expand(view, 'multi');
  await bench.treeRow(view, 'linux/arm64/v8').waitFor();
  const expected = new Map([
    ['linux/amd64', `${short(amd.manifestDigest).slice(7)} · ${formatSize(imageSize(amd))}`],
    ['linux/arm64/v8', `${short(arm.manifestDigest).slice(7)} · ${formatSize(imageSize(arm))}`],
  ]);
  await bench.page.waitForFunction(() =>
    Array.from(document.querySelectorAll('.monaco-list-row .label-description')).some((d) => /kB$/.test(d.textContent ?? '')),
  );
  const rows = (await bench.readTreeRows(view)).filter((r) => expected.has(r.label));
  assert.deepEqual(new Map(rows.slice(0, 2).map((r) => [r.label, r.description])), expected);
  assert.notEqual(formatSize(imageSize(amd)), formatSize(amd.manifestSize), 'the test tells image size from manifest size');

  await bench.contextMenu(bench.treeRow(view, 'multi'), 'Inspect Image');
  const frame = await bench.webview('Inspect app:multi');
  const table = frame.locator('#platforms');
  await table.waitFor();
  const text = await table.innerText();
  // The index view: platform, image size, short digest.
  assert.match(text, new RegExp(`linux/amd64\\s+${formatSize(imageSize(amd)).replace('.', '\\.')}\\s+${short(amd.manifestDigest).slice(7)}`));
  assert.match(text, new RegExp(`linux/arm64/v8\\s+${formatSize(imageSize(arm)).replace('.', '\\.')}\\s+${short(arm.manifestDigest).slice(7)}`));
});

test('Open raw manifest and Open config show read-only JSON documents titled by the reference, one per reference', { skip }, async () => {
  await sourceAppOpen();
  await bench.collapse(view, 'multi').catch(() => undefined);
  await bench.page.mouse.move(5, 790);
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Inspect Image');
  const frame = await bench.webview('Inspect app:v1');
  await frame.locator('vscode-button', { hasText: 'Open raw manifest' }).click();
  const tab = bench.page.locator('.tabs-container .tab', { hasText: /^app:v1$/ });
  await tab.first().waitFor();
  await bench.page.locator('.monaco-editor .view-lines', { hasText: v1.configDigest }).first().waitFor();
  await bench.webview('Inspect app:v1');
  await bench.page.locator('.tabs-container .tab', { hasText: 'Inspect app:v1' }).first().click();
  await frame.locator('vscode-button', { hasText: 'Open raw manifest' }).click();
  await frame.locator('vscode-button', { hasText: 'Open config' }).click();
  await bench.page.locator('.tabs-container .tab', { hasText: 'app:v1 (config)' }).first().waitFor();
  assert.equal(await tab.count(), 1, 'opening the raw manifest again reuses its document');
  await tab.first().click();
  const editor = bench.page
    .locator('.editor-instance .monaco-editor')
    .filter({ has: bench.page.locator('.view-lines', { hasText: v1.configDigest }) })
    .first();
  await editor.click();
  await bench.page.keyboard.type('typed');
  await bench.page
    .locator('.monaco-editor-overlaymessage', { hasText: /read-only/i })
    .first()
    .waitFor();
  assert.equal(await bench.page.locator('.tabs-container .tab.dirty').count(), 0, 'no document is dirty');
  assert.equal(await bench.page.locator('.monaco-editor .view-lines', { hasText: 'typed' }).count(), 0, 'nothing typed reached the document');
  await bench.runCommand('View: Close All Editors');
  assert.equal(await bench.page.locator('.monaco-dialog-box').count(), 0, 'closing asks nothing (there is nothing to save)');
});

test('two tags naming one index show their platforms with unique ids, and the OpenShift tree lists projects once', { skip }, async () => {
  await sourceAppOpen();
  await bench.expand(view, 'multi');
  await bench.expand(view, 'also-multi');
  await bench.page.waitForFunction(
    () => Array.from(document.querySelectorAll('.monaco-list-row .label-name')).filter((l) => (l.textContent ?? '').trim() === 'linux/amd64').length === 2,
  );
  assert.equal(await bench.page.locator('.notifications-toasts .notification-toast', { hasText: /already registered/ }).count(), 0, 'no duplicate-id error');

  const projectLists = (): number => double.requests.filter((r) => r.method === 'GET' && /\/projects$/.test(r.path)).length;
  const before = projectLists();
  await bench.expand(clusters, `developer @ ${double.host}`);
  await bench.treeRow(clusters, 'myproject').waitFor();
  // A second listing would have been sent before the project's own children are asked for.
  await bench.expand(clusters, 'myproject');
  await bench.treeRow(clusters, 'Registry access').waitFor();
  assert.equal(projectLists() - before, 1, 'expanding a cluster lists its projects once');
  assert.equal((await bench.readTreeRows(clusters)).find((r) => r.label === 'myproject')?.level, 2);
});

test("Registry Explorer: Show Log opens the extension's log from the palette", { skip }, async () => {
  await bench.runCommand('Registry Explorer: Show Log');
  await bench.page.waitForFunction(() => {
    // The panel's first select is the output channel picker.
    const select = document.querySelector<HTMLSelectElement>('.part.panel select.monaco-select-box');
    return select?.options[select.selectedIndex]?.text === 'Registry Explorer';
  });
  await bench.page
    .locator('.part.panel .monaco-editor .view-lines', { hasText: /\[(info|debug)\]/ })
    .first()
    .waitFor();
});
