// The Inspect view as a user reads it, against a real plain-HTTP Distribution registry and the
// OpenShift API double: how the image runs, the layer chart, history with empty layers, label
// links, Retry after a failure, the index view whose rows open each platform, the Describe panel's
// JSON/YAML as read-only documents, and a repository with 3,000 tags paged in the tree.
// Each test stands alone: it opens what it needs from the tree or the palette.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { formatSize } from '../../src/extension/format';
import { buildImage, makeTempDir, pushImage, pushIndex, registryFetch, removeAllTempDirs, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import type { FaultProxy } from '../harness/fault-proxy';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const view = 'Registries';
const clusters = 'OpenShift Clusters';
const registryName = 'Inspect registry';
const tagCount = 3000;
const sourceUrl = 'https://git.example/team/app';

const skip = e2eSkipReasonWithTools(['docker-registry', 'openssl']);
let registry: TestRegistry;
/** What the editor talks to: the registry behind a proxy that counts the requests (no faults). */
let counter: FaultProxy;
let double: OpenShiftDouble;
let server: CodeServer;
let bench: Workbench;
let app: BuiltImage;
let amd: BuiltImage;
let arm: BuiltImage;
let later: BuiltImage;

const short = (digest: string): string => digest.slice('sha256:'.length, 'sha256:'.length + 12);
const imageSize = (i: BuiltImage): number => i.configSize + i.layers.reduce((n, l) => n + l.size, 0);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One small image under `count` tags: the image once, then its manifest PUT under each tag name, 16 at a time. */
async function pushManyTags(reg: TestRegistry, repository: string, count: number): Promise<void> {
  const image = await buildImage({ mediaType: 'oci', layerSize: 64 });
  await pushImage(reg, repository, 'v1', image);
  const names = Array.from({ length: count - 1 }, (_, i) => `v${i + 2}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < names.length) {
        const tag = names[next++]!;
        const res = await registryFetch(reg, `/v2/${repository}/manifests/${tag}`, {
          method: 'PUT',
          body: image.manifest,
          headers: { 'content-type': image.manifestMediaType },
        });
        await res.arrayBuffer();
        assert.equal(res.status, 201, `PUT ${repository}:${tag} answered ${res.status}`);
      }
    }),
  );
}

/** GETs of manifests in `repository` the editor has sent. */
/** Focuses a tree row without running its command (a click on a tag inspects it). */
async function focusRow(label: string): Promise<void> {
  await bench.treeRow(view, label).click({ button: 'right' });
  await bench.page.locator('.context-view .monaco-menu').first().waitFor();
  await bench.page.keyboard.press('Escape');
}

function manifestReads(repository: string): number {
  return counter.count('GET', new RegExp(`^/v2/${escape(repository)}/manifests/`));
}

before(async () => {
  if (skip) return;
  registry = await startRegistry({ memoryStorage: true });
  counter = await startFaultProxy({ target: registry.host });
  app = await buildImage({
    mediaType: 'oci',
    layerSizes: [24_000, 6_000, 1_500],
    labels: { 'org.opencontainers.image.source': sourceUrl, 'org.opencontainers.image.title': 'app', 'com.example.evil': 'javascript:alert(1)' },
    env: ['PATH=/usr/bin:/bin', 'APP_MODE=production'],
    runConfig: {
      Entrypoint: ['/usr/bin/app'],
      Cmd: ['serve', '--port', '8080'],
      User: '1001:0',
      WorkingDir: '/srv/app',
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/data': {} },
      StopSignal: 'SIGQUIT',
    },
    history: [
      { created_by: 'ADD rootfs.tar.gz /' },
      { created_by: 'ENV APP_MODE=production', empty_layer: true },
      { created_by: 'RUN install app' },
      { created_by: 'EXPOSE 8080/tcp', empty_layer: true },
      { created_by: 'COPY config /srv/app' },
    ],
  });
  amd = await buildImage({ mediaType: 'oci', architecture: 'amd64', layers: 3, layerSize: 4000 });
  arm = await buildImage({ mediaType: 'oci', architecture: 'arm64', variant: 'v8', layerSize: 1500 });
  later = await buildImage({ mediaType: 'oci', layerSize: 200 });
  await pushImage(registry, 'team/app', 'v1', app);
  await pushIndex(registry, 'team/app', 'multi', [amd, arm]);
  const started = Date.now();
  await pushManyTags(registry, 'big/tags', tagCount);
  console.log(`# pushed ${tagCount} tags through the registry API in ${Date.now() - started} ms`);
  double = await startOpenShiftDouble();
  const dir = makeTempDir('e2e-inspect');
  double.writeKubeconfig(join(dir, 'kubeconfig'), 'developer', 'myproject');
  server = await startCodeServer({
    settings: { 'registryExplorer.registries': [{ url: `http://${counter.host}`, name: registryName }] },
    env: { KUBECONFIG: join(dir, 'kubeconfig'), REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
  });
  bench = await Workbench.open(server.url);
  await bench.openView(view);
  await bench.resizeSideBar(420);
});

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  await bench?.close();
  await server?.stop();
  await double?.stop();
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

/** Expands `label` in the clusters view until `child` shows (a redraw right after an expansion can fold it again). */
async function expandTo(label: string, child: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await bench.expand(clusters, label);
    try {
      await bench.treeRow(clusters, child).waitFor({ timeout: attempt < 4 ? 5_000 : 60_000 });
      return;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

async function closeEditors(): Promise<void> {
  await bench.runCommand('View: Close All Editors');
}

/** Opens Inspect on a tag of team/app from the tree. */
async function inspectTag(tag: string): Promise<Awaited<ReturnType<Workbench['webview']>>> {
  await bench.openView(view);
  await bench.expand(view, registryName);
  await bench.expand(view, 'team/app');
  await bench.contextMenu(bench.treeRow(view, tag), 'Inspect Image');
  return bench.webview(`Inspect app:${tag}`);
}

test('Inspect shows how the image runs, a labelled chart of layer sizes, and history with its empty layers marked', { skip }, async () => {
  const frame = await inspectTag('v1');
  const run = frame.locator('#section-run');
  await run.waitFor();
  const runText = await run.innerText();
  const expected: [string, string][] = [
    ['Entrypoint', '["/usr/bin/app"]'],
    ['Cmd', '["serve","--port","8080"]'],
    ['User', '1001:0'],
    ['Working dir', '/srv/app'],
    ['Exposed ports', '8080/tcp'],
    ['Volumes', '/data'],
    ['Stop signal', 'SIGQUIT'],
  ];
  for (const [name, value] of expected) assert.match(runText, new RegExp(`${name}\\s+${escape(value)}`), `${name} shows ${value}`);

  // One bar per layer, base first, each labelled with its size; the largest fills its row.
  const bars = frame.locator('#layer-chart li.bar-row');
  assert.equal(await bars.count(), 3);
  const total = app.layers.reduce((n, l) => n + l.size, 0);
  for (const [i, layer] of app.layers.entries()) {
    const text = await bars.nth(i).innerText();
    assert.match(text, new RegExp(`#${i + 1}\\s+${escape(formatSize(layer.size))} \\(${Math.round((layer.size / total) * 100)}%\\)`));
  }
  const widths = await bars.locator('.bar-fill').evaluateAll((els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().width));
  const tracks = await bars.locator('.bar-track').evaluateAll((els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().width));
  assert.ok(Math.abs(widths[0]! - tracks[0]!) < 1, 'the largest layer fills its row');
  assert.ok(widths[0]! > widths[1]! && widths[1]! > widths[2]! && widths[2]! > 0, `bars follow the sizes (${widths.join(', ')})`);
  // The text alternative says the same in a sentence, and names the chart.
  const summary = await frame.locator('#layer-chart figcaption').innerText();
  assert.equal(
    summary,
    `3 layers, ${formatSize(total)} in all; the largest is layer 1, ${formatSize(app.layers[0]!.size)} (${Math.round((app.layers[0]!.size / total) * 100)}% of the image's layers).`,
  );
  assert.equal(await frame.locator('#layer-chart').getAttribute('aria-labelledby'), 'layer-chart-summary');
  assert.equal(await bars.nth(1).getAttribute('title'), 'RUN install app', 'a bar names the step that made it');

  // History: the empty steps are marked, the others name their layer.
  const history = frame.locator('#history tbody tr');
  assert.equal(await history.count(), 5);
  assert.deepEqual(await history.locator('td:first-child').allInnerTexts(), ['#1', 'empty layer', '#2', 'empty layer', '#3']);
  assert.equal(await frame.locator('#history tr.empty-layer').count(), 2);

  // Columns fit their content: the digest column is as wide as a digest, not a share of the page.
  const digestCell = frame.locator('#layers tbody tr').first().locator('td').nth(1);
  const cellWidth = await digestCell.evaluate((e) => e.getBoundingClientRect().width);
  const textWidth = await digestCell.evaluate((e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return range.getBoundingClientRect().width;
  });
  assert.ok(cellWidth - textWidth < 30, `the digest column is sized to its digest (${cellWidth} px for ${textWidth} px of text)`);

  // For the README: the page without the side bar, from the run settings down to the layers and labels.
  await bench.runCommand('View: Toggle Primary Side Bar Visibility');
  await frame.locator('#section-run').evaluate((e) => e.scrollIntoView());
  await bench.page.mouse.move(5, 790);
  await bench.screenshot('inspect-layer-chart', 'inspect-layer-chart.png');
  await bench.runCommand('View: Toggle Primary Side Bar Visibility');
  await closeEditors();
});

test('an http(s) label value is a link the editor offers to open; a javascript: value is plain text', { skip }, async () => {
  const frame = await inspectTag('v1');
  const labels = frame.locator('#labels tbody tr');
  await labels.first().waitFor();
  const evil = labels.filter({ hasText: 'com.example.evil' });
  assert.equal(await evil.locator('a').count(), 0, 'javascript: is not a link');
  assert.equal(await labels.filter({ hasText: 'org.opencontainers.image.title' }).locator('a').count(), 0);
  const link = labels.filter({ hasText: 'org.opencontainers.image.source' }).locator('a');
  assert.equal(await link.innerText(), sourceUrl);
  // The page cannot navigate (its CSP and the webview forbid it): the extension asks the editor to open
  // the address, and the editor's own link protection names it before anything opens.
  const popup = bench.page
    .context()
    .waitForEvent('page', { timeout: 60_000 })
    .catch(() => undefined);
  await link.click();
  const dialog = bench.page.locator('.monaco-dialog-box');
  const opened = await Promise.race([dialog.waitFor().then(() => 'dialog' as const), popup.then((p) => (p ? ('page' as const) : undefined))]);
  console.log(`# the label link was opened by the editor, which showed ${opened === 'dialog' ? 'its link-protection dialog' : 'a new browser page'}`);
  if (opened === 'dialog') {
    assert.match(await dialog.innerText(), new RegExp(escape(sourceUrl)));
    await bench.dialogButton('Cancel');
  } else {
    assert.equal((await popup)?.url(), sourceUrl);
  }
  await closeEditors();
});

test('a failed Inspect shows Retry and Open Log; Retry shows the image once it exists', { skip }, async () => {
  await bench.runCommand('Registry Explorer: Inspect Image');
  await bench.typeAndAccept('Image reference', `${counter.host}/team/app:later`);
  const frame = await bench.webview('Inspect app:later');
  const failure = frame.locator('.failure');
  await failure.waitFor();
  assert.match(await failure.locator('.error').innerText(), /^Could not inspect .*team\/app:later: .*manifest unknown/);
  await failure.locator('vscode-button', { hasText: 'Open Log' }).click();
  await bench.page.waitForFunction(() => {
    const select = document.querySelector<HTMLSelectElement>('.part.panel select.monaco-select-box');
    return select?.options[select.selectedIndex]?.text === 'Registry Explorer';
  });
  await pushImage(registry, 'team/app', 'later', later);
  await bench.page.locator('.tabs-container .tab', { hasText: 'Inspect app:later' }).first().click();
  await failure.locator('vscode-button', { hasText: 'Retry' }).click();
  await frame.locator('dl.summary', { hasText: later.manifestDigest }).waitFor();
  assert.equal(await frame.locator('.failure').count(), 0);
  await closeEditors();
});

test("an index opens an index view: platform rows with each image's size and short digest, a click opens that platform's Inspect", { skip }, async () => {
  const frame = await inspectTag('multi');
  const rows = frame.locator('#platforms tbody tr');
  await rows.first().waitFor();
  const texts = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())));
  assert.deepEqual(texts, [
    ['linux/amd64', formatSize(imageSize(amd)), short(amd.manifestDigest)],
    ['linux/arm64/v8', formatSize(imageSize(arm)), short(arm.manifestDigest)],
  ]);
  assert.equal(await frame.locator('vscode-button', { hasText: 'Open config' }).count(), 0, 'an index has no config');
  await frame.locator('#platforms a', { hasText: 'linux/arm64/v8' }).click();
  const platform = await bench.webview(`Inspect app@${short(arm.manifestDigest)}`);
  const summary = platform.locator('dl.summary').first();
  await summary.waitFor();
  const text = await summary.innerText();
  assert.match(text, new RegExp(`Digest\\s+${arm.manifestDigest}`));
  assert.match(text, /OS\/Arch\s+linux\/arm64\/v8/);
  assert.match(text, new RegExp(`Total size\\s+${escape(formatSize(imageSize(arm)))}`));
  await closeEditors();
});

test('Describe Image Stream opens its text, JSON and YAML as read-only documents, one per stream', { skip }, async () => {
  await bench.openView(view);
  const cluster = `developer @ ${double.host}`;
  await expandTo(cluster, 'myproject');
  await expandTo('myproject', 'bar');
  await bench.contextMenu(bench.treeRow(clusters, 'bar'), 'Describe Image Stream');
  const frame = await bench.webview('Image Stream bar');
  await frame.locator('h1', { hasText: 'myproject/bar' }).waitFor();
  await frame.locator('vscode-button', { hasText: 'Open JSON' }).click();
  const jsonTab = bench.page.locator('.tabs-container .tab', { hasText: /^bar\.json$/ });
  await jsonTab.first().waitFor();
  await bench.page.locator('.monaco-editor .view-lines', { hasText: '"kind": "ImageStream"' }).first().waitFor();
  await bench.page.locator('.tabs-container .tab', { hasText: 'Image Stream bar' }).first().click();
  await frame.locator('vscode-button', { hasText: 'Open YAML' }).click();
  await bench.page
    .locator('.tabs-container .tab', { hasText: /^bar\.yaml$/ })
    .first()
    .waitFor();
  await bench.page.locator('.monaco-editor .view-lines', { hasText: 'kind: ImageStream' }).first().waitFor();
  await bench.page.locator('.tabs-container .tab', { hasText: 'Image Stream bar' }).first().click();
  await frame.locator('vscode-button', { hasText: 'Open JSON' }).click();
  await bench.page
    .locator('.tabs-container .tab.active', { hasText: /^bar\.json$/ })
    .first()
    .waitFor();
  assert.equal(await jsonTab.count(), 1, 'opening the JSON again reuses its document');
  assert.equal(await bench.page.locator('.tabs-container .tab', { hasText: /^Untitled/ }).count(), 0, 'no Untitled editor');
  const editor = bench.page
    .locator('.editor-instance .monaco-editor')
    .filter({ has: bench.page.locator('.view-lines', { hasText: '"kind": "ImageStream"' }) })
    .first();
  await editor.click();
  await bench.page.keyboard.type('typed');
  await bench.page
    .locator('.monaco-editor-overlaymessage', { hasText: /read-only/i })
    .first()
    .waitFor();
  assert.equal(await bench.page.locator('.tabs-container .tab.dirty').count(), 0, 'nothing is dirty');
  await closeEditors();
  assert.equal(await bench.page.locator('.monaco-dialog-box').count(), 0, 'closing asks nothing');
});

test(
  `a repository with ${tagCount.toLocaleString('en')} tags in one answer shows its first page, reads details only for it, and Load more shows the next`,
  { skip },
  async () => {
    await bench.openView(view);
    await bench.collapse(view, 'team/app').catch(() => undefined);
    await bench.expand(view, registryName);
    const before = manifestReads('big/tags');
    const row = bench.treeRow(view, 'big/tags');
    await row.waitFor();
    const started = Date.now();
    await row.locator('.monaco-tl-twistie').click();
    await bench.treeRow(view, 'v1').waitFor();
    console.log(`# time to first page of ${tagCount} tags (click to first tag row, automation included): ${Date.now() - started} ms`);
    const more = bench
      .pane(view)
      .locator('.monaco-list-row')
      .filter({ has: bench.page.locator('.label-name', { hasText: /^Load more \(/ }) });
    // The tree draws only the rows in view: go to the last one with the keyboard. A left click on a tag
    // would inspect it (more manifest reads): a right click focuses it, Escape closes its menu.
    await focusRow('v1');
    await bench.page.keyboard.press('End');
    await more.first().waitFor();
    assert.equal((await more.first().innerText()).trim(), 'Load more (2,900 left)');
    assert.equal(await more.first().getAttribute('aria-posinset'), '101', '100 tags, then Load more');
    assert.equal(await bench.treeRow(view, 'v100').count(), 1, 'natural order: v1 ... v100 first');
    // Details (digest, size) are read for the 100 rows shown, never for the 2,900 not shown.
    await bench.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.monaco-list-row .label-description')).some((d) => /^[0-9a-f]{12} · /.test(d.textContent ?? '')),
    );
    const deadline = Date.now() + 60_000;
    while (manifestReads('big/tags') - before < 100 && Date.now() < deadline) await bench.page.waitForTimeout(250);
    await bench.page.waitForTimeout(1000);
    assert.equal(manifestReads('big/tags') - before, 100, 'one manifest read per tag shown');

    await more.first().click();
    await bench.treeRow(view, 'v101').waitFor();
    // The row clicked is gone (replaced by the next page): focus a tag row again before going to the end.
    await focusRow('v101');
    const next = bench
      .pane(view)
      .locator('.monaco-list-row')
      .filter({ has: bench.page.locator('.label-name', { hasText: /^Load more \(2,800 left\)$/ }) });
    await bench.page.keyboard.press('End');
    await next.first().waitFor();
    assert.equal(await next.first().getAttribute('aria-posinset'), '201');
    await bench.treeRow(view, 'v200').waitFor();
    const deadline2 = Date.now() + 60_000;
    while (manifestReads('big/tags') - before < 200 && Date.now() < deadline2) await bench.page.waitForTimeout(250);
    await bench.page.waitForTimeout(1000);
    assert.equal(manifestReads('big/tags') - before, 200, 'the next 100 rows have their manifests read, and no more');
  },
);
