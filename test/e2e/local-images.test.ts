// The Local Images view against real podman 4.3 (rootful, vfs, a private store served on a private
// socket that the extension is told about in its Local Engine: Socket setting) and a real plain-HTTP
// Distribution registry: the list, Push to Registry, Pull into Local Images, drag and drop both ways
// (each asking first), Inspect, Remove (Keep focused), and the row shown when no engine answers.
// Stand-alone: it seeds its own store and registry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { formatSize } from '../../src/extension/format';
import { buildImage, makeTempDir, pushImage, registryFetch, removeAllTempDirs, run, startRegistry, stopAll } from '../harness';
import type { BuiltImage, RunResult, TestRegistry } from '../harness';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const local = 'Local Images';
const registries = 'Registries';
const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

const skip = e2eSkipReasonWithTools(['docker-registry', 'podman']);
let registry: TestRegistry;
let server: CodeServer;
let bench: Workbench;
let store: { root: string; runroot: string; socket: string };
let service: ChildProcess | undefined;
let app: BuiltImage;
let web: BuiltImage;
let api: BuiltImage;

function podman(args: string[]): Promise<RunResult> {
  return run('podman', ['--root', store.root, '--runroot', store.runroot, '--storage-driver', 'vfs', ...args], { timeoutMs: 180_000 });
}

async function podmanOk(args: string[]): Promise<string> {
  const r = await podman(args);
  assert.equal(r.code, 0, `podman ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The image ID podman gives a name (its config digest), or undefined when the store has no such name. */
async function localId(name: string): Promise<string | undefined> {
  const r = await podman(['image', 'inspect', '--format', '{{.Id}}', name]);
  return r.code === 0 ? `sha256:${r.stdout.trim()}` : undefined;
}

/** The config digest and diff_ids of what a registry tag names, or undefined when the tag is not there. */
async function registryImage(repository: string, tag: string): Promise<{ config: string; diffIds: string[] } | undefined> {
  const res = await registryFetch(registry, `/v2/${repository}/manifests/${tag}`, { headers: { accept } });
  if (res.status === 404) return undefined;
  const manifest = (await res.json()) as { config: { digest: string } };
  const config = (await (await registryFetch(registry, `/v2/${repository}/blobs/${manifest.config.digest}`)).json()) as { rootfs: { diff_ids: string[] } };
  return { config: manifest.config.digest, diffIds: config.rootfs.diff_ids };
}

/** `podman system service` on a socket in the test's own folder, serving the private store. */
async function startService(socket: string): Promise<ChildProcess> {
  const child = spawn(
    'podman',
    ['--root', store.root, '--runroot', store.runroot, '--storage-driver', 'vfs', 'system', 'service', '--time=0', `unix://${socket}`],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 400; i++) {
    const ping = await run('curl', ['-s', '--unix-socket', socket, 'http://d/_ping'], { timeoutMs: 2000 }).catch(() => undefined);
    if (ping?.stdout === 'OK') return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('podman system service did not answer on its socket');
}

async function stopService(): Promise<void> {
  if (service && service.exitCode === null && service.signalCode === null) {
    const exited = new Promise((r) => service?.once('exit', r));
    service.kill('SIGTERM');
    await exited;
  }
  service = undefined;
}

const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  const dir = makeTempDir('e2e-local');
  store = { root: join(dir, 'root'), runroot: join(dir, 'run'), socket: join(dir, 'podman.sock') };
  app = await buildImage({ mediaType: 'oci', layers: 2, layerSize: 300_000, created: daysAgo(3) });
  web = await buildImage({ mediaType: 'docker', layerSize: 120_000, created: daysAgo(12) });
  api = await buildImage({ mediaType: 'oci', layerSize: 80_000, created: daysAgo(1) });
  // Seeded through the registry, as a developer's store is: podman pulls, then names the images.
  await pushImage(registry, 'seed/app', 'v1', app);
  await pushImage(registry, 'seed/web', 'v1', web);
  await pushImage(registry, 'team/api', 'v3', api);
  await pushImage(registry, 'team/api', 'v4', web);
  for (const [seed, names] of [
    ['seed/app:v1', ['localhost/demo/app:1.0', 'localhost/demo/app:latest']],
    ['seed/web:v1', ['localhost/demo/web:2.1']],
  ] as const) {
    await podmanOk(['pull', '-q', '--tls-verify=false', `${registry.host}/${seed}`]);
    for (const name of names) await podmanOk(['tag', `${registry.host}/${seed}`, name]);
    await podmanOk(['untag', `${registry.host}/${seed}`, `${registry.host}/${seed}`]);
  }
  service = await startService(store.socket);
  server = await startCodeServer({
    settings: {
      'registryExplorer.registries': [{ url: `http://${registry.host}`, name: 'Test registry' }],
      'registryExplorer.localEngine.socket': store.socket,
    },
    env: { REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
  });
  bench = await Workbench.open(server.url);
  await bench.openView(registries);
  await bench.resizeSideBar(560);
});

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  await bench?.close();
  await server?.stop();
  await stopService();
  await stopAll();
  removeAllTempDirs();
});

test("Local Images lists podman's store by repository: tag, short image ID, size and age", { skip }, async () => {
  await bench.treeRow(local, 'localhost/demo/app').waitFor();
  await bench.treeRow(local, '2.1').waitFor();
  const rows = await bench.readTreeRows(local);
  const appId = (await localId('localhost/demo/app:1.0'))!;
  const size = (await podmanOk(['image', 'inspect', '--format', '{{.Size}}', 'localhost/demo/app:1.0'])).trim();
  assert.equal(appId, app.configDigest, "podman's image ID is the config digest");
  const expected = `${appId.slice(7, 19)} · ${formatSize(Number(size))} · 3 days ago`;
  assert.deepEqual(
    rows.map((r) => [r.label, r.description]),
    [
      ['localhost/demo/app', '2 images'],
      ['1.0', expected],
      ['latest', expected],
      ['localhost/demo/web', '1 image'],
      [
        '2.1',
        `${web.configDigest.slice(7, 19)} · ${formatSize(Number((await podmanOk(['image', 'inspect', '--format', '{{.Size}}', 'localhost/demo/web:2.1'])).trim()))} · 1 week ago`,
      ],
    ],
  );
  await bench.expand(registries, 'Test registry');
  await bench.treeRow(registries, 'team/api').waitFor();
  await bench.screenshot('local-images', 'local-images.png');
});

test('Push to Registry pushes a local image to the chosen registry, repository and tag (same config and diff_ids)', { skip }, async () => {
  await bench.contextMenu(bench.treeRow(local, '1.0'), 'Push to Registry...');
  await bench.pick('Which registry?', 'Test registry');
  await bench.typeAndAccept('Destination repository', 'demo/app');
  await bench.typeAndAccept('Destination tag', '1.0');
  await bench.waitForNotification(new RegExp(`Pushed localhost/demo/app:1\\.0 to ${registry.host.replace(/\./g, '\\.')}/demo/app:1\\.0`));
  assert.deepEqual(await registryImage('demo/app', '1.0'), { config: app.configDigest, diffIds: app.layers.map((l) => l.diffId) });
  await bench.clearNotifications();
  // Again: the tag already names that image (its config), so nothing is written.
  await bench.contextMenu(bench.treeRow(local, 'latest'), 'Push to Registry...');
  await bench.pick('Which registry?', 'Test registry');
  await bench.typeAndAccept('Destination repository', 'demo/app');
  await bench.typeAndAccept('Destination tag', '1.0');
  await bench.waitForNotification(/already names localhost\/demo\/app:latest .*nothing was written/);
  await bench.clearNotifications();
});

test('Pull into Local Images on a registry tag stores it under its registry name; the Local Images view shows it', { skip }, async () => {
  await bench.expand(registries, 'team/api');
  await bench.contextMenu(bench.treeRow(registries, 'v3'), 'Pull into Local Images');
  await bench.waitForNotification(`Pulled ${registry.host}/team/api:v3 into Local Images`);
  assert.equal(await localId(`${registry.host}/team/api:v3`), api.configDigest, 'podman lists it, with the config of the registry image');
  const diffIds = (await podmanOk(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', `${registry.host}/team/api:v3`])).trim();
  assert.deepEqual(
    JSON.parse(diffIds),
    api.layers.map((l) => l.diffId),
  );
  await bench.treeRow(local, `${registry.host}/team/api`).waitFor();
  await bench.clearNotifications();
});

test('a local image dropped on a registry row asks first, then pushes it under its own repository and tag', { skip }, async () => {
  await bench.treeRow(local, '2.1').dragTo(bench.treeRow(registries, 'Test registry'));
  const message = await bench.dialogButton('Cancel');
  assert.match(
    message,
    new RegExp(`^Copy localhost/demo/web:2\\.1 \\(${web.configDigest.slice(0, 19)}\\.\\.\\.\\) to ${registry.host.replace(/\./g, '\\.')}/demo/web:2\\.1\\?`),
  );
  assert.equal(await registryImage('demo/web', '2.1'), undefined, 'Cancel pushed nothing');
  await bench.treeRow(local, '2.1').dragTo(bench.treeRow(registries, 'Test registry'));
  await bench.dialogButton('Copy');
  await bench.waitForNotification(/Pushed localhost\/demo\/web:2\.1/);
  assert.equal((await registryImage('demo/web', '2.1'))?.config, web.configDigest);
  await bench.clearNotifications();
});

test('a registry tag dropped on Local Images asks first, then pulls it', { skip }, async () => {
  await bench.treeRow(registries, 'v4').dragTo(bench.treeRow(local, 'localhost/demo/app'));
  await bench.dialogButton('Cancel');
  assert.equal(await localId(`${registry.host}/team/api:v4`), undefined, 'Cancel pulled nothing');
  await bench.treeRow(registries, 'v4').dragTo(bench.treeRow(local, 'localhost/demo/app'));
  await bench.dialogButton('Copy');
  await bench.waitForNotification(`Pulled ${registry.host}/team/api:v4 into Local Images`);
  assert.equal(await localId(`${registry.host}/team/api:v4`), web.configDigest);
  await bench.treeRow(local, 'v4').waitFor();
  await bench.clearNotifications();
});

test("Inspect Local Image opens the engine's view of the image as read-only JSON", { skip }, async () => {
  await bench.contextMenu(bench.treeRow(local, '1.0'), 'Inspect Local Image');
  await bench.page
    .locator('.tabs-container .tab', { hasText: /^app:1\.0$/ })
    .first()
    .waitFor();
  await bench.page
    .locator('.monaco-editor .view-lines', { hasText: app.layers[0]!.diffId.slice(7, 40) })
    .first()
    .waitFor();
});

test('Remove Local Image asks with Keep Image focused (Enter removes nothing), then removes the image', { skip }, async () => {
  await bench.openView(registries);
  await bench.contextMenu(bench.treeRow(local, 'v3'), 'Remove Local Image...');
  const dialog = bench.page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  assert.match(
    await dialog.locator('.dialog-message-container').innerText(),
    new RegExp(`Remove ${registry.host.replace(/\./g, '\\.')}/team/api:v3 \\(image ${api.configDigest.slice(7, 19)}\\) from podman's store\\?`),
  );
  assert.equal((await dialog.locator('.monaco-button:focus').innerText()).trim(), 'Keep Image', 'the focused button keeps the image');
  await bench.page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await bench.treeRow(local, 'v3').waitFor();
  assert.equal(await localId(`${registry.host}/team/api:v3`), api.configDigest, 'Enter removed nothing');
  await bench.contextMenu(bench.treeRow(local, 'v3'), 'Remove Local Image...');
  await bench.dialogButton('Remove Image');
  await bench.treeRow(local, 'v3').waitFor({ state: 'detached' });
  assert.equal(await localId(`${registry.host}/team/api:v3`), undefined, 'podman no longer has it');
});

test('when the engine stops answering, Refresh says so and how to fix it; Retry lists again once it answers', { skip }, async () => {
  await stopService();
  await bench.rowAction(bench.pane(local).locator('.pane-header'), 'Refresh Local Images');
  await bench.treeRow(local, `No engine answers at ${store.socket}`).waitFor();
  await bench.treeRow(local, 'Start the engine that serves it, or change the Local Engine: Socket setting').waitFor();
  await bench.screenshot('local-images-no-engine');
  service = await startService(store.socket);
  await bench.treeRow(local, `No engine answers at ${store.socket}`).click();
  await bench.treeRow(local, 'localhost/demo/app').waitFor();
});
