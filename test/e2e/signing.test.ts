// Sign Image... and the trust policy in the Registries tree, against a real Distribution registry and
// real keys: a policy (registryExplorer.policyFile) trusts one sigstore key made for the test and
// registries.d (registryExplorer.registriesDirectory) turns on sigstore attachments for the registry.
// A tag signed from its context menu with that key (the key file chosen in the Open dialog, its
// passphrase typed masked) shows its signature verified and a shield on the tag; a tag signed from
// the palette with another key shows its signature unverified and no shield. The user's GPG keys
// (GNUPGHOME) are offered in the key picker with their user ids and fingerprints; one signs into the
// lookaside registries.d names, and its signature is a row beside the sigstore one, in the tree and in Inspect.
// Changing the policy setting in the Settings editor judges everything again: emptied, nothing is
// verified and the shield goes; a file that does not exist is one row naming the setting to fix.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { generateKeyPair } from '../../src/core/sigstore/key-file';
import { keyPairPaths, writeKeyPairFiles } from '../../src/core/sigstore/key-pair-files';
import {
  attachedArtifact,
  buildImage,
  cosignSignatureTag,
  makeGpgHome,
  makeTempDir,
  pushImage,
  pushShape,
  referrersIndex,
  referrersTag,
  registryDigest,
  removeAllTempDirs,
  startRegistry,
  stopAll,
  writePolicy,
  writeSignatureStorage,
} from '../harness';
import type { BuiltImage, GpgHome, TestRegistry } from '../harness';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const view = 'Registries';

const skip = e2eSkipReasonWithTools(['docker-registry', 'gpg']);
let reg: TestRegistry;
let mirror: TestRegistry;
let lookaside: string;
let mirrorLookaside: string;
let server: CodeServer;
let bench: Workbench;
let gpgHome: GpgHome;
let v1: BuiltImage;
let trusted: { priv: string; pub: string };
let other: { priv: string; pub: string };
const passphrase = 'correct horse battery';

async function newKey(dir: string, name: string, pass: string): Promise<{ priv: string; pub: string }> {
  const paths = keyPairPaths(join(dir, name));
  const pair = await generateKeyPair(pass);
  await writeKeyPairFiles(paths, pair.privatePem, pair.publicPem);
  return { priv: paths.privateKey, pub: paths.publicKey };
}

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  mirror = await startRegistry();
  gpgHome = await makeGpgHome('Release Team <release@example.test>');
  v1 = await buildImage({ mediaType: 'oci', layers: 1, layerSize: 1024 });
  await pushImage(reg, 'team/app', 'v1', v1);
  await pushImage(reg, 'team/app', 'v2', await buildImage({ mediaType: 'oci', layerSize: 300 }));
  // An SBOM beside v1 (referrers tag schema), so the branch shows more than the signature made here.
  const subject = { bytes: v1.manifest, digest: v1.manifestDigest, mediaType: v1.manifestMediaType };
  const doc = Buffer.from(
    JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'team/app', packages: [{ name: 'zlib' }, { name: 'openssl' }] }),
  );
  const sbom = attachedArtifact(subject, 'application/spdx+json', 'application/spdx+json', doc);
  await pushShape(reg, 'team/app', sbom.top.digest, sbom);
  await pushShape(reg, 'team/app', referrersTag(v1.manifestDigest), { ...referrersIndex([sbom]), children: [] });

  const keys = makeTempDir('e2e-keys');
  trusted = await newKey(keys, 'release', passphrase);
  other = await newKey(keys, 'someone-else', '');
  const policy = writePolicy({ default: [{ type: 'reject' }], transports: { docker: { [reg.host]: [{ type: 'sigstoreSigned', keyPath: trusted.pub }] } } });
  // GPG signatures go to a lookaside of the test's own (not the user's ~/.local/share/containers/sigstore).
  lookaside = makeTempDir('e2e-lookaside');
  mirrorLookaside = makeTempDir('e2e-mirror-lookaside');
  const registriesD = writeSignatureStorage({
    [reg.host]: { lookaside, sigstoreAttachments: true },
    [mirror.host]: { lookaside: mirrorLookaside, sigstoreAttachments: true },
  });

  const settings = {
    'registryExplorer.registries': [
      { url: `http://${reg.host}`, name: 'Signing registry' },
      { url: `http://${mirror.host}`, name: 'Mirror registry' },
    ],
    'registryExplorer.policyFile': policy,
    'registryExplorer.registriesDirectory': registriesD,
  };
  server = await startCodeServer({
    settings,
    env: { GNUPGHOME: gpgHome.home },
  });
  bench = await Workbench.open(server.url);
  await bench.openView(view);
  await bench.resizeSideBar(620);
  // The Supply chain branch is deep: the other two views fold so its rows are drawn.
  await bench.collapsePane('Local Images');
  await bench.collapsePane('OpenShift Clusters');
});

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  await bench?.close();
  await server?.stop();
  await gpgHome?.stop();
  await stopAll();
  removeAllTempDirs();
});

async function descriptionOf(label: string, wanted?: RegExp): Promise<string | undefined> {
  await bench.treeRow(view, label).waitFor();
  if (wanted) {
    await bench.page.waitForFunction(
      ([l, re]) =>
        Array.from(document.querySelectorAll('.monaco-list-row')).some(
          (r) =>
            (r.querySelector('.label-name')?.textContent ?? '').trim() === l &&
            new RegExp(re).test((r.querySelector('.label-description')?.textContent ?? '').trim()),
        ),
      [label, wanted.source] as const,
    );
  }
  return (await bench.readTreeRows(view)).find((r) => r.label === label)?.description;
}

/** Expands a tag once its row can open: after a refresh its details (whether anything refers to it) arrive after the row. */
async function expandTag(tag: string): Promise<void> {
  await bench.page.waitForFunction(
    (l) =>
      Array.from(document.querySelectorAll('.monaco-list-row[aria-expanded]')).some((r) => (r.querySelector('.label-name')?.textContent ?? '').trim() === l),
    tag,
  );
  await bench.expand(view, tag);
}

test('Sign Image... from a tag: the sigstore key the policy trusts signs it, the signature shows verified and the tag a shield', { skip }, async () => {
  await bench.expand(view, 'Signing registry');
  await bench.expand(view, 'team/app');
  await bench.treeRow(view, 'v2').waitFor();
  assert.doesNotMatch((await descriptionOf('v1')) ?? '', /signed/, 'not signed yet: no shield');

  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Sign Image...');
  await bench.waitForQuickInput(/Sign .*team\/app:v1/);
  // The user's GPG keys are offered too, with their user id and fingerprint.
  const gpgRow = bench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Release Team <release@example.test>' });
  await gpgRow.first().waitFor();
  assert.match(await gpgRow.first().innerText(), new RegExp(gpgHome.fingerprint));
  await bench.pick(/Sign .*team\/app:v1/, 'Sigstore Key File...');
  await bench.chooseFile('Sigstore private key', trusted.priv);
  const prompt = await bench.typeAndAccept(/Passphrase of release\.private/, passphrase);
  assert.equal(prompt.password, true, 'the passphrase is typed masked');
  await bench.waitForNotification(/Signed .*team\/app:v1 with sigstore key release\.private\. Stored in .*\.sig/);
  assert.ok(await registryDigest(reg, 'team/app', cosignSignatureTag(v1.manifestDigest)), 'the .sig attachment is in the registry');

  assert.match((await descriptionOf('v1', /^✓ signed · /)) ?? '', /^✓ signed · [0-9a-f]{12} · /);
  await bench.page.locator('.monaco-list-row', { hasText: 'v1' }).locator('.codicon-verified-filled').first().waitFor();
  await expandTag('v1');
  assert.equal(await descriptionOf('Supply chain'), '1 signature · 1 SBOM');
  await bench.expand(view, 'Supply chain');
  await bench.expand(view, 'Signatures');
  await bench.expand(view, 'SBOMs');
  assert.equal(await descriptionOf('cosign', / · verified · /), 'key release.pub · verified · cosign tag .sig');
  await bench.clearNotifications();
  await bench.collapse(view, 'v1');
});

test('Sign Image from the palette with a key the policy does not trust: the signature shows unverified and the tag no shield', { skip }, async () => {
  await bench.runCommand('Registry Explorer: Sign Image...');
  await bench.typeAndAccept('Image reference', `${reg.host}/team/app:v2`);
  await bench.pick(/Sign .*team\/app:v2/, 'Sigstore Key File...');
  await bench.chooseFile('Sigstore private key', other.priv);
  await bench.typeAndAccept(/Passphrase of someone-else\.private/, '');
  await bench.waitForNotification(/Signed .*team\/app:v2 with sigstore key someone-else\.private/);

  await expandTag('v2');
  await bench.expand(view, 'Supply chain');
  await bench.expand(view, 'Signatures');
  assert.equal(await descriptionOf('cosign', / · unverified · /), 'unnamed key · unverified · cosign tag .sig');
  assert.doesNotMatch((await descriptionOf('v2')) ?? '', /signed/, 'the policy rejects v2: no shield');
  assert.match((await descriptionOf('v1', /^✓ signed · /)) ?? '', /^✓ signed · /, 'v1 keeps its shield');
});

test(
  "Sign Image with the user's GPG key: the signature goes to the lookaside and shows beside the sigstore one, unverified by a sigstore-only policy",
  { skip },
  async () => {
    await bench.collapse(view, 'v2');
    await bench.contextMenu(bench.treeRow(view, 'v2'), 'Sign Image...');
    await bench.pick(/Sign .*team\/app:v2/, 'Release Team <release@example.test>');
    await bench.waitForNotification(new RegExp(`Signed .*team/app:v2 with GPG key ${gpgHome.fingerprint}\\. Stored in file://`));
    await expandTag('v2');
    assert.equal(await descriptionOf('Supply chain', /2 signatures/), '2 signatures');
    await bench.expand(view, 'Supply chain');
    await bench.expand(view, 'Signatures');
    assert.equal(await descriptionOf('simple-signing', / · unverified · /), `key ${gpgHome.fingerprint.slice(-16)} · unverified · lookaside`);

    // Both tags open, for the README's picture: v1 verified with its shield, v2's two unverified signatures.
    await bench.clearNotifications();
    // v2 folds while v1's rows open, so each label names one row; v2 keeps what was open under it.
    await bench.collapse(view, 'v2');
    await expandTag('v1');
    await bench.expand(view, 'Supply chain');
    await bench.expand(view, 'SBOMs');
    await bench.expand(view, 'Signatures');
    await bench.treeRow(view, 'SPDX 2.3').waitFor();
    await descriptionOf('cosign', /^key release\.pub · verified/);
    await expandTag('v2');
    await bench.treeRow(view, 'simple-signing').waitFor();
    await bench.dismissHover();
    await bench.screenshot('supply-chain-signed', 'supply-chain.png');

    // Inspect's Supply chain section has the same rows, states included.
    await bench.contextMenu(bench.treeRow(view, 'v2'), 'Inspect Image');
    const table = (await bench.webview('Inspect app:v2')).locator('#supply-chain-table');
    await table.locator('text=simple-signing').first().waitFor();
    const text = await table.innerText();
    assert.match(text, /Signatures\s+cosign\s+unnamed key · unverified · cosign tag \.sig/);
    assert.match(text, new RegExp(`Signatures\\s+simple-signing\\s+key ${gpgHome.fingerprint.slice(-16)} · unverified · lookaside`));
    await bench.runCommand('View: Close All Editors');
  },
);

test("Copy Image To carries both signatures: the cosign .sig tag and the GPG signature into the destination's lookaside, byte for byte", { skip }, async () => {
  await bench.collapse(view, 'v2');
  await bench.contextMenu(bench.treeRow(view, 'v2'), 'Copy Image To...');
  await bench.pick('Which registry?', 'Mirror registry');
  await bench.typeAndAccept('Destination repository', 'team/app');
  await bench.typeAndAccept('Destination tag', 'v2');
  // The GPG signature lives outside the registry's manifests; it is counted with the cosign one all the same.
  await bench.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: '2 signatures travel with the image' }).first().waitFor();
  await bench.page.keyboard.press('Enter');
  await bench.waitForNotification(/Copied .*team\/app:v2\. Signatures, attestations and SBOMs: 2 copied\./);
  const digest = await registryDigest(reg, 'team/app', 'v2');
  assert.ok(digest);
  assert.equal(await registryDigest(mirror, 'team/app', 'v2'), digest);
  assert.ok(await registryDigest(mirror, 'team/app', cosignSignatureTag(digest)), 'the cosign signature travelled');
  const stored = (dir: string): Buffer => readFileSync(join(dir, 'team', `app@${digest.replace(':', '=')}`, 'signature-1'));
  assert.deepEqual(stored(mirrorLookaside), stored(lookaside), "the GPG signature is in the mirror's lookaside, unchanged");
  await bench.clearNotifications();
});

/** Sets registryExplorer.policyFile in the Settings editor, as a user does, and closes it. */
async function setPolicyFile(value: string): Promise<void> {
  await bench.runCommand('Preferences: Open User Settings');
  const editor = bench.page.locator('.settings-editor');
  await editor.waitFor();
  // The search box has the focus when the Settings editor opens.
  await bench.page.keyboard.type('registryExplorer.policyFile');
  const input = editor.locator('.setting-item', { hasText: 'Policy File' }).first().locator('.setting-item-control input').first();
  await input.waitFor();
  await input.fill(value);
  await input.press('Enter');
  await bench.runCommand('View: Close All Editors');
}

test(
  'the policy setting changed: emptied, signatures are not verified and the shield goes; a missing file is one row naming the setting',
  { skip },
  async () => {
    await bench.collapse(view, 'v2');
    await bench.collapse(view, 'v1');
    await setPolicyFile('');
    assert.match((await descriptionOf('v1', /^[0-9a-f]{12} · /)) ?? '', /^[0-9a-f]{12} · /, 'no shield without a policy');
    await expandTag('v1');
    await bench.expand(view, 'Supply chain');
    await bench.expand(view, 'Signatures');
    assert.equal(await descriptionOf('cosign', / · not verified · /), 'unnamed key · not verified · cosign tag .sig');

    const missing = join(server.home, 'no-such-policy.json');
    await setPolicyFile(missing);
    const row = bench.pane(view).locator('.monaco-list-row', { hasText: 'Signatures not checked' }).first();
    await expandTag('v1');
    await row.waitFor();
    assert.match(
      await row.innerText(),
      new RegExp(`cannot read the policy ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*Fix the setting registryExplorer\\.policyFile\\.`),
    );
  },
);
