// The Registries view against real registries: a Distribution registry with Basic auth over TLS
// (its CA file in the registry's settings) and a plain-HTTP one, driven through the UI.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { buildImage, makeTempDir, pushImage, pushIndex, registryFetch, removeAllTempDirs, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const view = 'Registries';
const password = 'e2e-Pa55word-not-in-any-log';

const skip = e2eSkipReasonWithTools(['docker-registry', 'htpasswd', 'openssl']);
let secure: TestRegistry;
let plain: TestRegistry;
let server: CodeServer;
let bench: Workbench;
let v1: BuiltImage;
let indexDigest: string;

before(async () => {
  if (skip) return;
  secure = await startRegistry({ tls: true, htpasswd: { username: 'alice', password } });
  plain = await startRegistry();
  v1 = await buildImage({ mediaType: 'oci', layers: 2, layerSize: 2048, created: '2024-03-01T10:00:00Z' });
  await pushImage(secure, 'team/app', 'v1', v1);
  await pushImage(secure, 'team/app', 'v2', await buildImage({ mediaType: 'oci', layerSize: 512 }));
  indexDigest = await pushIndex(secure, 'team/app', 'multi', [
    await buildImage({ mediaType: 'oci', architecture: 'amd64' }),
    await buildImage({ mediaType: 'oci', architecture: 'arm64', variant: 'v8' }),
  ]);
  await pushImage(secure, 'library/base', '1.0', await buildImage());
  await pushImage(plain, 'mirror/tool', 'latest', await buildImage());
  // The only auth file the extension may read is this empty one: no login of the machine leaks in.
  const home = makeTempDir('e2e-auth');
  server = await startCodeServer({
    settings: {
      'registryExplorer.registries': [
        { url: secure.host, name: 'Secure registry', caFile: secure.caFile },
        { url: `http://${plain.host}`, name: 'Plain registry' },
      ],
    },
    env: { REGISTRY_AUTH_FILE: join(home, 'auth.json') },
  });
  bench = await Workbench.open(server.url);
});

afterEach((t) => bench?.screenshotIfFailed(t));

const signInLabel = (): string => `Sign in to ${secure.host} to see its repositories`;

async function logIn(): Promise<void> {
  await bench.runCommand('Registry Explorer: Log In');
  await bench.pick('Which registry?', 'Secure registry');
  await bench.typeAndAccept('Username', 'alice');
  await bench.typeAndAccept(/Password or token/, password);
  await bench.waitForNotification(`Logged in to ${secure.host} as alice.`);
  await bench.clearNotifications();
}

/**
 * Where the later tests start, whatever ran before them (each stands alone under --test-name-pattern):
 * the view open, logged in to the secure registry, its team/app expanded down to its tags.
 */
async function secureAppOpen(): Promise<void> {
  await bench.openView(view);
  await bench.expand(view, 'Secure registry');
  const signIn = bench.treeRow(view, signInLabel());
  await signIn.or(bench.treeRow(view, 'library/base')).first().waitFor();
  if (await signIn.count()) await logIn();
  await bench.expand(view, 'team/app');
  await bench.treeRow(view, 'v2').waitFor();
}

after(async () => {
  await bench?.close();
  await server?.stop();
  await stopAll();
  removeAllTempDirs();
});

test('a registry that needs a login shows a Sign in row instead of a broken tree', { skip }, async () => {
  await bench.openView(view);
  await bench.expand(view, 'Secure registry');
  const signIn = bench.treeRow(view, signInLabel());
  await signIn.waitFor();
  await signIn.hover();
  await signIn.locator('.actions .action-label[aria-label="Log In"]').waitFor();
  await bench.screenshot('registries-sign-in');
});

test('a wrong password is refused by the registry before anything is saved, with its message and Open Log', { skip }, async () => {
  await bench.openView(view);
  await bench.expand(view, 'Secure registry');
  await bench.treeRow(view, signInLabel()).waitFor();
  await bench.runCommand('Registry Explorer: Log In');
  await bench.pick('Which registry?', 'Secure registry');
  await bench.typeAndAccept('Username', 'alice');
  const { password: masked } = await bench.typeAndAccept(/Password or token/, 'wrong-password');
  assert.equal(masked, true, 'the password box masks what is typed');
  const toast = await bench.waitForNotification(/Log In: .*refused the credentials for alice/);
  await toast.locator('.monaco-button', { hasText: 'Open Log' }).waitFor();
  assert.equal(await bench.treeRow(view, signInLabel()).count(), 1);
  await bench.clearNotifications();
});

test('logging in through the palette validates, saves, and the tree lists repositories, tags with digests, and platforms', { skip }, async () => {
  await bench.openView(view);
  await bench.expand(view, 'Secure registry');
  await bench.treeRow(view, signInLabel()).waitFor();
  await bench.runCommand('Registry Explorer: Log In');
  await bench.pick('Which registry?', 'Secure registry');
  await bench.typeAndAccept('Username', 'alice');
  await bench.typeAndAccept(/Password or token/, password);
  await bench.waitForNotification(`Logged in to ${secure.host} as alice.`);

  await bench.treeRow(view, 'team/app').waitFor();
  const registryRow = (await bench.readTreeRows(view)).find((r) => r.label === 'Secure registry');
  assert.equal(registryRow?.description, `${secure.host} · alice (VS Code secret storage)`);
  assert.deepEqual(
    (await bench.readTreeRows(view)).filter((r) => r.level === 2).map((r) => r.label),
    ['library/base', 'team/app'],
  );

  await bench.expand(view, 'team/app');
  const shortV1 = v1.manifestDigest.slice('sha256:'.length, 'sha256:'.length + 12);
  await bench.pane(view).locator('.monaco-list-row', { hasText: shortV1 }).waitFor();
  const tags = (await bench.readTreeRows(view)).filter((r) => r.level === 3);
  assert.deepEqual(
    tags.map((r) => r.label),
    ['multi', 'v1', 'v2'],
  );
  assert.match(tags[1]?.description ?? '', new RegExp(`^${shortV1} · \\d+(\\.\\d)? kB · \\d+ (year|month)s? ago$`));

  await bench.pane(view).locator('.monaco-list-row', { hasText: '2 platforms' }).waitFor();
  await bench.expand(view, 'multi');
  await bench.treeRow(view, 'linux/arm64/v8').waitFor();
  assert.deepEqual(
    (await bench.readTreeRows(view)).filter((r) => r.level === 4).map((r) => r.label),
    ['linux/amd64', 'linux/arm64/v8'],
  );
  assert.match((await bench.readTreeRows(view)).find((r) => r.label === 'multi')?.description ?? '', new RegExp(`^${indexDigest.slice(7, 19)} · 2 platforms`));
  await bench.resizeSideBar(520);
  await bench.treeRow(view, 'v1').hover();
  await bench.screenshot('registries-tree', 'screenshot-registries.png');
});

test('Inspect on a tag opens a webview with the layers, and the raw manifest opens as JSON in an editor', { skip }, async () => {
  await secureAppOpen();
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Inspect Image');
  const frame = await bench.webview('Inspect app:v1');
  const layers = frame.locator('#layers');
  await layers.getByText(v1.layers[1]!.digest).waitFor();
  assert.equal(await frame.locator('h1').innerText(), `${secure.host}/team/app:v1`);
  assert.match(await frame.locator('.summary').innerText(), new RegExp(v1.manifestDigest));
  await bench.screenshot('inspect-webview');
  await frame.locator('vscode-button', { hasText: 'Open raw manifest' }).click();
  await bench.page.locator('.monaco-editor .view-lines', { hasText: v1.configDigest }).first().waitFor();
});

test('the plain-HTTP registry lists its repositories without a login', { skip }, async () => {
  await bench.openView(view);
  await bench.expand(view, 'Plain registry');
  await bench.treeRow(view, 'mirror/tool').waitFor();
});

test('Copy Image To, Tag and Delete from the context menu change the plain registry, and its rows follow', { skip }, async () => {
  await secureAppOpen();
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Copy Image To...');
  await bench.pick('Which registry?', 'Plain registry');
  await bench.typeAndAccept('Destination repository', 'team/app');
  await bench.typeAndAccept('Destination tag', 'v1');
  await bench.waitForNotification(`Copied ${secure.host}/team/app:v1 to ${plain.host}/team/app:v1.`);
  const head = await registryFetch(plain, '/v2/team/app/manifests/v1', { method: 'HEAD', headers: { accept: v1.manifestMediaType } });
  assert.equal(head.headers.get('docker-content-digest'), v1.manifestDigest, 'the copy kept the digest');

  await bench.collapse(view, 'Secure registry');
  await bench.expand(view, 'Plain registry');
  await bench.treeRow(view, 'team/app').waitFor();
  await bench.expand(view, 'team/app');
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Tag Image...');
  await bench.typeAndAccept('New tags', 'stable');
  await bench.treeRow(view, 'stable').waitFor();
  await bench.screenshot('registries-copied');

  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Delete Image...');
  const confirmation = await bench.dialogButton('Delete Image and 2 Tags');
  assert.match(confirmation, new RegExp(`Delete ${plain.host.replace(/\./g, '\\.')}/team/app@${v1.manifestDigest}`));
  assert.match(confirmation, /every tag naming this image goes with it: stable, v1\./);
  await bench.treeRow(view, 'No tags').waitFor();
  const gone = await registryFetch(plain, '/v2/team/app/manifests/v1', { method: 'HEAD' });
  assert.equal(gone.status, 404);
});

test('dragging a tag onto another registry asks, then copies it there', { skip }, async () => {
  await secureAppOpen();
  await bench.treeRow(view, 'v2').dragTo(bench.treeRow(view, 'Plain registry'));
  // A drop asks first, naming the tag it will write.
  assert.match(await bench.dialogButton('Copy'), new RegExp(`to ${plain.host.replace(/\./g, '\\.')}/team/app:v2\\?`));
  await bench.waitForNotification(`Copied ${secure.host}/team/app:v2 to ${plain.host}/team/app:v2.`);
  const head = await registryFetch(plain, '/v2/team/app/manifests/v2', { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(head.status, 200);
});

test('the password reaches neither the settings nor the logs; code-server keeps it encrypted in the browser', { skip }, async () => {
  await secureAppOpen();
  assert.doesNotMatch(readFileSync(join(server.userDataDir, 'User/settings.json'), 'utf8'), new RegExp(password));
  const logs = server.readLogs();
  assert.match(logs, /logged in to .* as alice/, 'the extension log was read');
  assert.equal(logs.includes(password), false, 'the password is in a log file');
  // code-server 4.100 backs SecretStorage with the browser's localStorage, AES-GCM encrypted with
  // a key half the server keeps in the user-data-dir (serve-web-key-half).
  const stored = await bench.page.evaluate(() => localStorage.getItem('secrets.provider'));
  assert.ok(stored, 'SecretStorage wrote to localStorage["secrets.provider"]');
  assert.equal(stored.includes(password), false);
  assert.ok(existsSync(join(server.userDataDir, 'serve-web-key-half')));
});

test('the login survives a reload of the editor and Log Out forgets it', { skip }, async () => {
  await secureAppOpen();
  await bench.reload();
  await bench.openView(view);
  await bench.expand(view, 'Secure registry');
  await bench.treeRow(view, 'team/app').waitFor();
  await bench.runCommand('Registry Explorer: Log Out');
  await bench.pick('Which registry?', 'Secure registry');
  await bench.waitForNotification(`Logged out of ${secure.host}.`);
  await bench.treeRow(view, signInLabel()).waitFor();
});
