// The editor's own fixes for what a new user meets, against real Distribution 2.8 registries: a refused
// password keeps the username and offers Try Again; a registry's certificate is trusted like a
// cluster's (fingerprint, subject, issuer, validity; one click; for that registry only), also from a copy;
// pull commands for three tools; Remove Tag Only (and Distribution 2's refusal); Enter and the Delete
// key; repository rows; failure rows run their fix on click. Each test sets up what it needs.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { buildImage, makeTempDir, pushImage, registryFetch, removeAllTempDirs, sharedCerts, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench, screenshotDir } from './workbench';

const view = 'Registries';
const password = 'ux-Pa55word-not-in-any-log';
const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

const skip = e2eSkipReasonWithTools(['docker-registry', 'htpasswd', 'openssl']);
let auth: TestRegistry;
let untrusted: TestRegistry;
let other: TestRegistry;
let plain: TestRegistry;
let server: CodeServer;
let bench: Workbench;
let v1: BuiltImage;
let v2: BuiltImage;
let kept: BuiltImage;
let doomedA: BuiltImage;
let doomedB: BuiltImage;
let authFile: string;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function digestAt(reg: TestRegistry, repository: string, reference: string): Promise<string | null> {
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${reference}`, { method: 'HEAD', headers: { accept } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

function userSettings(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(server.userDataDir, 'User/settings.json'), 'utf8')) as Record<string, unknown>;
}

function registrySetting(host: string): Record<string, unknown> | undefined {
  const list = userSettings()['registryExplorer.registries'] as Record<string, unknown>[];
  return list.find((r) => String(r.url).replace(/^https?:\/\//, '') === host);
}

before(async () => {
  if (skip) return;
  // A registry that sends its CA with its certificate, as many private registries do: the CA can be trusted by fingerprint.
  const certs = await sharedCerts();
  const dir = makeTempDir('ux-certs');
  const fullchain = join(dir, 'fullchain.pem');
  writeFileSync(fullchain, readFileSync(certs.certFile, 'utf8') + readFileSync(certs.caFile, 'utf8'));
  const chainCerts = { ...certs, certFile: fullchain };
  auth = await startRegistry({ tls: true, htpasswd: { username: 'alice', password } });
  untrusted = await startRegistry({ tls: true, certs: chainCerts });
  other = await startRegistry({ tls: true, certs: chainCerts });
  // The access log shows which DELETE requests the extension sent.
  plain = await startRegistry({ extraConfig: { log: { level: 'info', accesslog: { disabled: false } } } });
  v1 = await buildImage({ mediaType: 'oci', layers: 2, layerSize: 2048 });
  v2 = await buildImage({ mediaType: 'oci', layerSize: 512 });
  kept = await buildImage({ mediaType: 'oci', layerSize: 700 });
  doomedA = await buildImage({ mediaType: 'oci', layerSize: 300 });
  doomedB = await buildImage({ mediaType: 'oci', layerSize: 310 });
  await pushImage(auth, 'team/app', 'v1', v1);
  await pushImage(untrusted, 'trusted/app', 'v1', v1);
  await pushImage(other, 'elsewhere/app', 'v1', v2);
  await pushImage(plain, 'team/app', 'v1', v1);
  await pushImage(plain, 'team/app', 'v2', v2);
  await pushImage(plain, 'team/app', 'keep', kept);
  await pushImage(plain, 'team/del', 'keep', kept);
  await pushImage(plain, 'team/del', 'gone', kept);
  await pushImage(plain, 'team/doomed', 'a', doomedA);
  await pushImage(plain, 'team/doomed', 'b', doomedA);
  await pushImage(plain, 'team/doomed', 'c', doomedB);
  const home = makeTempDir('ux-auth');
  authFile = join(home, 'auth.json');
  server = await startCodeServer({
    settings: {
      'registryExplorer.registries': [
        { url: auth.host, name: 'Auth registry', caFile: auth.caFile },
        // No CA file: the editor does not trust these two until the user says so.
        { url: untrusted.host, name: 'Untrusted registry' },
        { url: other.host, name: 'Other untrusted registry' },
        { url: `http://${plain.host}`, name: 'Plain registry' },
      ],
    },
    env: { REGISTRY_AUTH_FILE: authFile },
  });
  bench = await Workbench.open(server.url);
  await bench.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  await bench.openView(view);
  await bench.resizeSideBar(560);
});

afterEach(async (t) => {
  await bench?.screenshotIfFailed(t);
  if ((t as { passed?: boolean }).passed === false && server) {
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(join(screenshotDir, `failed-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.log`), server.readLogs().slice(-60_000));
  }
  // A test that failed half-way must not leave a dialog or a quick input in the next one's way.
  for (const open of ['.monaco-dialog-box', '.quick-input-widget .quick-input-box input']) {
    if (await bench?.page.locator(open).filter({ visible: true }).count()) await bench.page.keyboard.press('Escape');
  }
});

after(async () => {
  await bench?.close();
  await server?.stop();
  await stopAll();
  removeAllTempDirs();
});

async function showPlain(repository: string): Promise<void> {
  await bench.openView(view);
  await bench.expand(view, 'Plain registry');
  await bench.expand(view, repository);
}

async function statusBarSays(text: string): Promise<void> {
  await bench.page.locator('#workbench\\.parts\\.statusbar', { hasText: text }).waitFor();
}

/** The tag rows drawn under a repository row, once `ready` says they are what the test waits for (bounded). */
async function tagsShownUnder(repository: string, ready: (tags: string[]) => boolean): Promise<string[]> {
  let tags: string[] = [];
  for (let i = 0; i < 100; i++) {
    const rows = await bench.readTreeRows(view);
    const at = rows.findIndex((r) => r.label === repository);
    const level = (rows[at]?.level ?? 0) + 1;
    const end = rows.findIndex((r, j) => j > at && r.level < level);
    tags = rows
      .slice(at + 1, end < 0 ? undefined : end)
      .filter((r) => r.level === level)
      .map((r) => r.label);
    if (at >= 0 && ready(tags)) return tags;
    await bench.page.waitForTimeout(200);
  }
  return tags;
}

/** Waits (bounded) until the extension's log says `pattern`: what a dialog was answered, for instance. */
async function logSays(pattern: RegExp): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (pattern.test(server.readLogs())) return;
    await bench.page.waitForTimeout(200);
  }
  assert.match(server.readLogs(), pattern);
}

/** Closes an editor tab by its close button (the palette's F1 would go to a focused webview instead). */
async function closeTab(title: string): Promise<void> {
  const tab = bench.page.locator('.tabs-container .tab', { hasText: title }).first();
  await tab.hover();
  await tab.locator('.action-label.codicon-close, .codicon-close').first().click();
  await tab.waitFor({ state: 'detached' });
}

async function clipboard(): Promise<string> {
  return bench.page.evaluate(() => navigator.clipboard.readText());
}

test('"Needs login" shows an account icon; clicking the Sign in row opens the login for that registry', { skip }, async () => {
  await bench.openView(view);
  await bench.expand(view, 'Auth registry');
  const signIn = bench.treeRow(view, `Sign in to ${auth.host} to see its repositories`);
  await signIn.waitFor();
  assert.equal(await signIn.locator('.codicon-account').count(), 1, 'the row shows the account icon');
  assert.equal(await signIn.locator('.codicon-error').count(), 0, 'not a red error');
  await bench.dismissHover();
  await signIn.click();
  // No "Which registry?": the row's registry is the one logged in to.
  await bench.waitForQuickInput('Username');
  assert.match(await bench.page.locator('.quick-input-widget .quick-input-title').innerText(), new RegExp(`Log In to ${escape(auth.host)}`));
  await bench.page.keyboard.press('Escape');
  await bench.waitForQuickInputClosed();
});

test('a wrong password keeps the username, offers Try Again, and stores nothing', { skip }, async () => {
  await bench.openView(view);
  await bench.expand(view, 'Auth registry');
  await bench.treeRow(view, `Sign in to ${auth.host} to see its repositories`).click();
  await bench.typeAndAccept('Username', 'alice');
  await bench.typeAndAccept(/Password or token/, 'wrong-password');
  const toast = await bench.waitForNotification(/Log In: .*refused the credentials for alice/);
  assert.equal(existsSync(authFile), false, 'nothing was written to the auth file');
  assert.equal(JSON.stringify(userSettings()).includes('wrong-password'), false);
  assert.equal(await bench.treeRow(view, `Sign in to ${auth.host} to see its repositories`).count(), 1, 'still not logged in');
  await bench.notificationAction(toast, 'Try Again');
  await bench.waitForQuickInput('Username');
  assert.equal(await bench.page.locator('.quick-input-widget .quick-input-box input').inputValue(), 'alice', 'the username typed is kept');
  await bench.page.locator('.quick-input-widget .quick-input-box input').press('Enter');
  await bench.typeAndAccept(/Password or token/, password);
  await bench.waitForNotification(`Logged in to ${auth.host} as alice.`);
  await bench.treeRow(view, 'team/app').waitFor();
  assert.equal(server.readLogs().includes('wrong-password'), false, 'the refused password is in no log');
  await bench.clearNotifications();
  await bench.collapse(view, 'Auth registry');
});

test(
  "trusting a registry's certificate shows the presented CA's fingerprint, subject, issuer and validity, and trusts it for that registry only",
  { skip },
  async () => {
    const ca = new X509Certificate(readFileSync((await sharedCerts()).caFile));
    await bench.openView(view);
    await bench.expand(view, 'Untrusted registry');
    const row = bench.treeRow(view, `The certificate of ${untrusted.host} is not trusted`);
    await row.waitFor();
    await bench.dismissHover();
    await row.click();
    const dialog = bench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const text = await dialog.locator('.dialog-message-container').innerText();
    assert.match(text, new RegExp(escape(ca.fingerprint256)), 'the SHA-256 fingerprint of the CA');
    assert.match(text, /Subject: CN=Registry Explorer Test CA/);
    assert.match(text, /Issuer: CN=Registry Explorer Test CA/);
    const iso = (d: string): string => new Date(d).toISOString().replace('.000Z', 'Z');
    assert.match(text, new RegExp(`Valid from ${escape(iso(ca.validFrom))} to ${escape(iso(ca.validTo))}`));
    // VS Code orders a dialog's buttons by platform; what counts is which ones there are.
    const buttons = (await dialog.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).sort();
    assert.deepEqual(buttons, ['Cancel', 'Skip Verification for This Registry Only', 'Trust this CA', 'Use a CA File...']);
    await bench.screenshot('registry-trust-certificate');
    await bench.dialogButton('Trust this CA');
    await bench.treeRow(view, 'trusted/app').waitFor();

    const saved = registrySetting(untrusted.host);
    assert.ok(
      typeof saved?.caFile === 'string' && saved.caFile.startsWith(join(server.userDataDir, 'User', 'globalStorage')),
      `the CA is kept in the extension's storage (${String(saved?.caFile)})`,
    );
    assert.notEqual(saved?.tlsVerify, false);
    assert.equal(new X509Certificate(readFileSync(String(saved?.caFile))).fingerprint256, ca.fingerprint256);
    // The same CA signs the other registry, which the user has not trusted: it stays untrusted.
    assert.equal(registrySetting(other.host)?.caFile, undefined);
    await bench.expand(view, 'Other untrusted registry');
    await bench.treeRow(view, `The certificate of ${other.host} is not trusted`).waitFor();
    const untrustedRow = (await bench.readTreeRows(view)).find((r) => r.label === 'Untrusted registry');
    assert.equal(untrustedRow?.description.includes('TLS not verified'), false, 'a trusted CA keeps TLS verified');
    await bench.collapse(view, 'Other untrusted registry');
    await bench.collapse(view, 'Untrusted registry');
  },
);

test('a copy to a registry with an untrusted certificate offers the same trust choice, and skipping it is said in the row', { skip }, async () => {
  await showPlain('team/app');
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Copy Image To...');
  await bench.pick('Which registry?', 'Other untrusted registry');
  await bench.typeAndAccept('Destination repository', 'copied/app');
  await bench.typeAndAccept('Destination tag', 'v1');
  const toast = await bench.waitForNotification(/Copy Image To: .*signed by an unknown authority/);
  await bench.notificationAction(toast, 'Trust Certificate...');
  const message = await bench.dialogButton('Skip Verification for This Registry Only');
  assert.match(message, /SHA-256 fingerprint/);
  await bench.waitForNotification(`Copied ${plain.host}/team/app:v1 to ${other.host}/copied/app:v1.`);
  assert.equal(await digestAt(other, 'copied/app', 'v1'), v1.manifestDigest);
  assert.equal(registrySetting(other.host)?.tlsVerify, false);
  await bench.page.waitForFunction(() =>
    Array.from(document.querySelectorAll('.monaco-list-row')).some(
      (r) => (r.textContent ?? '').includes('Other untrusted registry') && (r.textContent ?? '').includes('TLS not verified'),
    ),
  );
  const row = (await bench.readTreeRows(view)).find((r) => r.label === 'Other untrusted registry');
  assert.match(row?.description ?? '', new RegExp(`^${escape(other.host)} · TLS not verified`));
  assert.match((await bench.readTreeRows(view)).find((r) => r.label === 'Plain registry')?.description ?? '', /plain HTTP/);
  await bench.clearNotifications();
});

test('Copy Pull Command offers podman, docker and skopeo, by tag and by digest, with what a plain-HTTP registry needs', { skip }, async () => {
  await showPlain('team/app');
  await bench
    .pane(view)
    .locator('.monaco-list-row', { hasText: v1.manifestDigest.slice(7, 19) })
    .first()
    .waitFor();
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Copy Pull Command');
  await bench.waitForQuickInput('Which tool and reference?');
  const rows = bench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.nth(5).waitFor();
  // The first label of each row is the command; the second line (the detail) says what the tool needs.
  const labels = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent ?? ''));
  const byTag = `${plain.host}/team/app:v1`;
  const byDigest = `${plain.host}/team/app@${v1.manifestDigest}`;
  assert.deepEqual(
    labels.map((l) => l.trim()),
    [
      `podman pull --tls-verify=false ${byTag}`,
      `docker pull ${byTag}`,
      `skopeo copy --src-tls-verify=false docker://${byTag} containers-storage:${byTag}`,
      `podman pull --tls-verify=false ${byDigest}`,
      `docker pull ${byDigest}`,
      `skopeo copy --src-tls-verify=false docker://${byDigest} containers-storage:${byTag}`,
    ],
  );
  const docker = rows.filter({ hasText: `docker pull ${byTag}` }).first();
  assert.match(await docker.innerText(), new RegExp(`insecure-registries.*daemon\\.json`));
  await bench.screenshot('copy-pull-command');
  await rows
    .filter({ hasText: `podman pull --tls-verify=false ${byDigest}` })
    .first()
    .click();
  await statusBarSays(`Copied podman pull --tls-verify=false ${byDigest}`);
  assert.equal(await clipboard(), `podman pull --tls-verify=false ${byDigest}`);
});

test(
  'Delete on a tag offers Remove Tag Only; Enter deletes nothing; Distribution 2 refuses a tag delete and the image delete names every tag',
  { skip },
  async () => {
    await showPlain('team/del');
    await bench.treeRow(view, 'gone').waitFor();
    await bench.contextMenu(bench.treeRow(view, 'gone'), 'Delete Image...');
    const dialog = bench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.deepEqual((await dialog.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).sort(), [
      'Cancel',
      'Delete Image and 2 Tags',
      'Keep gone',
      'Remove Tag gone Only',
    ]);
    assert.equal((await dialog.locator('.monaco-button:focus').innerText()).trim(), 'Keep gone', 'the destructive buttons are not the default');
    await bench.screenshot('delete-tag-confirmation');
    // The focused button keeps the image: Enter deletes nothing.
    await bench.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await logSays(/or remove only its tag gone\? answered Keep gone/);
    assert.equal(await digestAt(plain, 'team/del', 'gone'), kept.manifestDigest, 'Enter deleted nothing');

    await bench.contextMenu(bench.treeRow(view, 'gone'), 'Delete Image...');
    await bench.dialogButton('Remove Tag gone Only');
    // Distribution 2.8 answers a tag DELETE with 400 DIGEST_INVALID: the extension asks again, naming both tags.
    const again = await bench.dialogButton('Delete Image and 2 Tags');
    assert.match(again, new RegExp(`${escape(plain.host)} cannot remove the tag gone on its own`));
    assert.match(again, /every tag naming this image goes with it: gone, keep\./);
    assert.match(plain.log(), /"DELETE \/v2\/team\/del\/manifests\/gone HTTP/, 'the tag delete was tried first');
    await bench.treeRow(view, 'No tags').waitFor();
    assert.equal(await digestAt(plain, 'team/del', kept.manifestDigest), null, 'the image is deleted');
  },
);

test('a click or Enter on a tag inspects it; the Delete key starts Delete with its confirmation; rows read without full digests', { skip }, async () => {
  await showPlain('team/app');
  await bench
    .pane(view)
    .locator('.monaco-list-row', { hasText: v2.manifestDigest.slice(7, 19) })
    .first()
    .waitFor();
  const v2Row = bench.treeRow(view, 'v2');
  const label = (await v2Row.getAttribute('aria-label')) ?? '';
  assert.match(label, new RegExp(`^tag v2, ${v2.manifestDigest.slice(7, 19)}, `), label);
  assert.doesNotMatch(label, /[0-9a-f]{64}/, 'no full digest for a screen reader');
  const platformless = (await bench.treeRow(view, 'Plain registry').getAttribute('aria-label')) ?? '';
  assert.match(platformless, /^registry Plain registry, .*plain HTTP/);

  await bench.dismissHover();
  await v2Row.dblclick();
  await bench.webview('Inspect app:v2');
  await closeTab('Inspect app:v2');
  // Keyboard only: focus the view, walk to the row, press Enter.
  await bench.runCommand('Registries: Focus on Registries View');
  await bench.page.waitForFunction(() => document.activeElement?.closest('.monaco-list') !== null);
  // v2 (clicked last) has the focus; v1 is the row above it.
  const focused = bench.pane(view).locator('.monaco-list-row.focused .label-name');
  for (let i = 0; i < 10 && (await focused.innerText()).trim() !== 'v1'; i++) await bench.page.keyboard.press('ArrowUp');
  assert.equal((await focused.innerText()).trim(), 'v1');
  await bench.page.keyboard.press('Enter');
  await bench.webview('Inspect app:v1');
  await closeTab('Inspect app:v1');

  // The Delete key acts on the selected tag: the confirmation comes, and Escape keeps the image.
  await bench.runCommand('Registries: Focus on Registries View');
  await bench.page.keyboard.press('Delete');
  const message = await bench.page.locator('.monaco-dialog-box .dialog-message-container').innerText();
  assert.match(message, new RegExp(`Delete ${escape(plain.host)}/team/app@${v1.manifestDigest}, or remove only its tag v1\\?`));
  await bench.page.keyboard.press('Escape');
  await bench.page.locator('.monaco-dialog-box').waitFor({ state: 'detached' });
  assert.equal(await digestAt(plain, 'team/app', 'v1'), v1.manifestDigest, 'nothing deleted');
});

test('repository rows copy their name, filter their tags (and clear it), and delete every image after the name is typed', { skip }, async () => {
  await showPlain('team/app');
  await bench.treeRow(view, 'v1').waitFor();
  await bench.contextMenu(bench.treeRow(view, 'team/app'), 'Copy Repository Name');
  await statusBarSays(`Copied ${plain.host}/team/app`);
  assert.equal(await clipboard(), `${plain.host}/team/app`);

  await bench.contextMenu(bench.treeRow(view, 'team/app'), 'Filter Tags...');
  await bench.typeAndAccept('Show tags that contain this text', 'v');
  await bench.page.waitForFunction(() => Array.from(document.querySelectorAll('.monaco-list-row')).some((r) => (r.textContent ?? '').includes('filter: v')));
  assert.deepEqual(await tagsShownUnder('team/app', (tags) => !tags.includes('keep')), ['v1', 'v2']);
  await bench.contextMenu(bench.treeRow(view, 'team/app'), 'Clear Tag Filter');
  assert.deepEqual(await tagsShownUnder('team/app', (tags) => tags.includes('keep')), ['keep', 'v1', 'v2']);
  assert.equal((await bench.readTreeRows(view)).find((r) => r.label === 'team/app')?.description, '');

  await bench.collapse(view, 'team/app');
  await bench.contextMenu(bench.treeRow(view, 'team/doomed'), 'Delete Repository...');
  const message = await bench.dialogButton('Delete Repository...');
  assert.match(message, /no call that deletes a repository/);
  assert.match(message, /2 images is deleted by digest, with all 3 tags \(a, b, c\)|each of its 2 images is deleted by digest, with all 3 tags \(a, b, c\)/);
  await bench.waitForQuickInput('Type team/doomed');
  const input = bench.page.locator('.quick-input-widget .quick-input-box input');
  await input.fill('team/doome');
  await input.press('Enter');
  await bench.page.locator('.quick-input-widget .quick-input-message', { hasText: 'Type team/doomed exactly' }).waitFor();
  assert.equal(await digestAt(plain, 'team/doomed', 'a'), doomedA.manifestDigest, 'a wrong name deletes nothing');
  await input.fill('team/doomed');
  await input.press('Enter');
  await bench.waitForNotification(`Deleted ${plain.host}/team/doomed: 2 images and 3 tags.`);
  for (const tag of ['a', 'b', 'c']) assert.equal(await digestAt(plain, 'team/doomed', tag), null, `tag ${tag} is gone`);
  await bench.clearNotifications();
});

test('the Enter that accepts the destination tag, or one on the Replace Tag modal, keeps the tag; the next Copy Image To asks again', { skip }, async () => {
  // Seen before the fix: the modal came up while the Enter that accepted the tag was still being delivered,
  // and that Enter answered its focused button, then "Replace Tag", within 0.1 s; the next copy found the tag
  // already replaced and so asked nothing. The extension logs each answer, which is what is waited on here.
  await bench.runCommand('View: Close All Editors');
  await showPlain('team/app');
  await bench.treeRow(view, 'v2').waitFor();
  const dialog = bench.page.locator('.monaco-dialog-box');
  const question = `replace ${plain.host}/team/app:v1? answered`;
  for (let round = 1; round <= 2; round++) {
    await bench.contextMenu(bench.treeRow(view, 'v2'), 'Copy Image To...');
    await bench.pick('Which registry?', 'Plain registry');
    await bench.typeAndAccept('Destination repository', 'team/app');
    await bench.typeAndAccept('Destination tag', 'v1');
    // Either the stray Enter answered the modal already (with Keep), or it is up: press Enter on it.
    const answered = (): number => server.readLogs().split(question).length - 1;
    for (let i = 0; i < 300 && answered() < round && !(await dialog.isVisible()); i++) await bench.page.waitForTimeout(100);
    if (answered() < round) {
      assert.match(await dialog.locator('.dialog-message-container').innerText(), /^Replace tag v1 /);
      assert.equal((await dialog.locator('.monaco-button:focus').innerText()).trim(), 'Keep v1');
      await bench.page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
    }
    await logSays(new RegExp(`(${escape(question)} Keep v1[^]*){${round}}`));
    assert.doesNotMatch(server.readLogs(), new RegExp(`${escape(question)} Replace Tag`), `round ${round}: nothing replaced the tag`);
    assert.equal(await digestAt(plain, 'team/app', 'v1'), v1.manifestDigest, `round ${round}: the tag names what it named`);
    assert.equal(
      await bench.page.locator('.tabs-container .tab', { hasText: /^Inspect / }).count(),
      0,
      `round ${round}: the Enter did not reach the tree (where it would inspect)`,
    );
  }
});
