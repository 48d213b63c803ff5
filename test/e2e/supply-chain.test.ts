// The Supply chain branch against real Distribution registries: an image with a cosign `.sig` tag, an SPDX
// SBOM and in-toto SLSA provenance listed in the referrers tag schema's index; a BuildKit index whose
// attestation manifests are referrers of its platforms, not platforms; and a notation signature found
// through the referrers API (test/harness/referrers-front.ts in front of another real Distribution).
// The scheme tags are hidden from the tag list unless the setting shows them; an SBOM opens read-only;
// Inspect has the same rows; Copy Image To says what travels and carries it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  attachedArtifact,
  buildImage,
  buildkitAttestationIndex,
  cosignSignature,
  cosignSignatureTag,
  orasReferrer,
  pushImage,
  pushShape,
  referrersIndex,
  referrersTag,
  registryDigest,
  removeAllTempDirs,
  startReferrersFront,
  startRegistry,
  stopAll,
} from '../harness';
import type { BuiltImage, ReferrersFront, Shape, ShapeManifest, TestRegistry } from '../harness';
import { e2eSkipReasonWithTools, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const view = 'Registries';

const skip = e2eSkipReasonWithTools(['docker-registry']);
let reg: TestRegistry;
let back: TestRegistry;
let target: TestRegistry;
let front: ReferrersFront;
let server: CodeServer;
let bench: Workbench;
let v1: BuiltImage;
let multi: Awaited<ReturnType<typeof buildkitAttestationIndex>>;
let sbom: Shape;
const builder = 'https://github.com/actions/runner/github-hosted';
const commit = '0123456789abcdef0123456789abcdef01234567';

const asShape = (i: BuiltImage): ShapeManifest => ({ bytes: i.manifest, digest: i.manifestDigest, mediaType: i.manifestMediaType });

function spdxSbom(subject: ShapeManifest): Shape {
  const doc = Buffer.from(
    JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'team/app',
      packages: [
        { name: 'zlib', versionInfo: '1.3.1' },
        { name: 'openssl', versionInfo: '3.1.4' },
      ],
    }),
  );
  return attachedArtifact(subject, 'application/spdx+json', 'application/spdx+json', doc);
}

/** SLSA v1 provenance as GitHub's attest-build-provenance writes it, in an in-toto statement. */
function provenance(subject: ShapeManifest): Shape {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'team/app', digest: { sha256: subject.digest.slice(7) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/example/app', path: '.github/workflows/release.yml' } },
        resolvedDependencies: [{ uri: 'git+https://github.com/example/app@refs/heads/main', digest: { gitCommit: commit } }],
      },
      runDetails: { builder: { id: builder } },
    },
  };
  return attachedArtifact(subject, 'application/vnd.in-toto+json', 'application/vnd.in-toto+json', Buffer.from(JSON.stringify(statement)), {
    layerAnnotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' },
  });
}

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  back = await startRegistry();
  target = await startRegistry();
  front = await startReferrersFront(back);
  v1 = await buildImage({ mediaType: 'oci', layers: 1, layerSize: 1024 });
  await pushImage(reg, 'team/app', 'v1', v1);
  await pushImage(reg, 'team/app', 'v2', await buildImage({ mediaType: 'oci', layerSize: 300 }));
  const image = asShape(v1);
  await pushShape(reg, 'team/app', cosignSignatureTag(image.digest), cosignSignature(reg.host, 'team/app', image.digest));
  sbom = spdxSbom(image);
  const prov = provenance(image);
  for (const s of [sbom, prov]) await pushShape(reg, 'team/app', s.top.digest, s);
  await pushShape(reg, 'team/app', referrersTag(image.digest), { ...referrersIndex([sbom, prov]), children: [] });
  multi = await buildkitAttestationIndex();
  await pushShape(reg, 'team/app', 'multi', multi);

  // Through the referrers API: a notation signature pushed by digest through the front, which indexes its subject.
  const signed = await buildImage({ mediaType: 'oci', layerSize: 200 });
  const viaFront = { ...back, url: front.url, host: front.host } as TestRegistry;
  await pushImage(viaFront, 'team/signed', 'v1', signed);
  const notary = orasReferrer(asShape(signed));
  await pushShape(viaFront, 'team/signed', notary.top.digest, notary);

  server = await startCodeServer({ settings: settings() });
  bench = await Workbench.open(server.url);
  await bench.openView(view);
  await bench.resizeSideBar(620);
  // The Supply chain branch is deep: the other two views fold so its rows are drawn (the list draws only what shows).
  await bench.collapsePane('Local Images');
  await bench.collapsePane('OpenShift Clusters');
});

function settings(): Record<string, unknown> {
  return {
    'registryExplorer.registries': [
      { url: `http://${reg.host}`, name: 'Team registry' },
      { url: `http://${front.host}`, name: 'OCI 1.1 registry' },
      { url: `http://${target.host}`, name: 'Target registry' },
    ],
    // No trust policy, whatever the machine has in /etc/containers: signatures show "not verified" (signing.test.ts judges them).
    'registryExplorer.policyFile': '',
  };
}

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  await bench?.close();
  await server?.stop();
  await front?.stop();
  await stopAll();
  removeAllTempDirs();
});

async function descriptionOf(label: string): Promise<string | undefined> {
  await bench.treeRow(view, label).waitFor();
  return (await bench.readTreeRows(view)).find((r) => r.label === label)?.description;
}

test('signature and referrers-index tags are not listed as tags; a signed tag opens onto its Supply chain, an unsigned one does not', { skip }, async () => {
  await bench.expand(view, 'Team registry');
  await bench.expand(view, 'team/app');
  await bench.treeRow(view, 'v2').waitFor();
  // Details (and whether anything refers) arrive after the list.
  await bench.page.waitForFunction(
    () => !Array.from(document.querySelectorAll('.monaco-list-row .label-description')).some((d) => (d.textContent ?? '').trim() === '...'),
  );
  const rows = await bench.readTreeRows(view);
  const tags = rows.filter((r) => r.level === 3).map((r) => r.label);
  assert.deepEqual(tags, ['multi', 'v1', 'v2'], 'cosign and sha256-<hex> tags are not listed');
  assert.equal(rows.find((r) => r.label === 'v1')?.expanded, false, 'v1 has a twistie (something refers to it)');
  assert.equal(rows.find((r) => r.label === 'v2')?.expanded, undefined, 'v2 has none');

  await bench.expand(view, 'v1');
  assert.equal(await descriptionOf('Supply chain'), '1 signature · 1 SBOM · 1 provenance');
  await bench.expand(view, 'Supply chain');
  for (const g of ['Signatures', 'SBOMs', 'Provenance']) await bench.expand(view, g);
  assert.equal(await descriptionOf('cosign'), 'unnamed key · not verified · cosign tag .sig');
  assert.equal(await descriptionOf('SPDX 2.3'), '2 packages · tag schema');
  assert.equal(await descriptionOf(builder), `https://github.com/example/app@${commit.slice(0, 12)} · tag schema`);
});

test('an SBOM row opens the SBOM as a read-only JSON document', { skip }, async () => {
  await bench.dismissHover();
  await bench.treeRow(view, 'SPDX 2.3').click();
  const layer = (JSON.parse(sbom.top.bytes.toString('utf8')) as { layers: { digest: string }[] }).layers[0]!.digest;
  await bench.page
    .locator('.tabs-container .tab', { hasText: `app@${layer} (SBOM)` })
    .first()
    .waitFor();
  await bench.page.locator('.monaco-editor .view-lines', { hasText: '"spdxVersion": "SPDX-2.3"' }).first().waitFor();
  await bench.page.locator('.monaco-editor .view-lines', { hasText: 'openssl' }).first().waitFor();
  await bench.runCommand('View: Close All Editors');
});

test('BuildKit attestation entries are not platforms: each platform row holds its own Supply chain', { skip }, async () => {
  await bench.collapse(view, 'v1');
  await bench.expand(view, 'multi');
  await bench.treeRow(view, 'linux/arm64/v8').waitFor();
  const rows = await bench.readTreeRows(view);
  assert.equal(rows.filter((r) => r.label.startsWith('unknown')).length, 0, 'no unknown/unknown platform');
  assert.match((await descriptionOf('multi')) ?? '', /2 platforms/);
  await bench.expand(view, 'linux/amd64');
  assert.equal(await descriptionOf('Supply chain'), '1 SBOM · 1 provenance');
  await bench.expand(view, 'Supply chain');
  await bench.expand(view, 'SBOMs');
  assert.equal(await descriptionOf('SPDX 2.3'), '1 package · BuildKit');
  await bench.collapse(view, 'multi');
});

test('a notation signature found through the referrers API says so', { skip }, async () => {
  await bench.collapse(view, 'Team registry');
  await bench.expand(view, 'OCI 1.1 registry');
  await bench.expand(view, 'team/signed');
  await bench.expand(view, 'v1');
  assert.equal(await descriptionOf('Supply chain'), '1 signature');
  await bench.expand(view, 'Supply chain');
  await bench.expand(view, 'Signatures');
  assert.match((await descriptionOf('notation')) ?? '', /^key sha256:[0-9a-f]{16} · not verified · referrers API$/);
  assert.ok(front.count('GET', /\/referrers\//) > 0, 'the front was asked');
  await bench.collapse(view, 'OCI 1.1 registry');
});

test('Inspect shows the same Supply chain rows', { skip }, async () => {
  await bench.expand(view, 'Team registry');
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Inspect Image');
  const frame = await bench.webview('Inspect app:v1');
  const table = frame.locator('#supply-chain-table');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /Signatures\s+cosign\s+unnamed key · not verified · cosign tag \.sig/);
  assert.match(text, /SBOMs\s+SPDX 2\.3\s+2 packages · tag schema/);
  assert.match(text, new RegExp(`Provenance\\s+${builder.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  await bench.runCommand('View: Close All Editors');
});

test('Copy Image To says what travels with the image and carries it', { skip }, async () => {
  await bench.contextMenu(bench.treeRow(view, 'v1'), 'Copy Image To...');
  await bench.pick('Which registry?', 'Target registry');
  await bench.typeAndAccept('Destination repository', 'team/app');
  await bench.typeAndAccept('Destination tag', 'v1');
  const title = bench.page.locator('.quick-input-widget .quick-input-title');
  await title.filter({ hasText: '1 signature and 2 attestations/SBOMs travel with the image' }).first().waitFor();
  await bench.page.keyboard.press('Enter');
  await bench.waitForNotification(/Copied .*team\/app:v1\. Signatures, attestations and SBOMs: 3 copied\./);
  assert.equal(await registryDigest(target, 'team/app', 'v1'), v1.manifestDigest);
  assert.ok(await registryDigest(target, 'team/app', cosignSignatureTag(v1.manifestDigest)), 'the cosign signature travelled');
  assert.ok(await registryDigest(target, 'team/app', referrersTag(v1.manifestDigest)), 'the SBOM and provenance travelled (tag schema index)');
  await bench.clearNotifications();
});

test('registryExplorer.showSupplyChainTags (ticked in the Settings editor) lists the signature and referrers-index tags as tags', { skip }, async () => {
  await bench.expand(view, 'Team registry');
  await bench.expand(view, 'team/app');
  await bench.runCommand('Preferences: Open User Settings');
  const editor = bench.page.locator('.settings-editor');
  await editor.waitFor();
  // The search box has the focus when the Settings editor opens.
  await bench.page.keyboard.type('registryExplorer.showSupplyChainTags');
  const item = editor.locator('.setting-item-bool', { hasText: 'Show Supply Chain Tags' }).first();
  await item.waitFor();
  await item.locator('.setting-value-checkbox').click();
  await bench.page.waitForFunction(() => document.querySelector('.settings-editor .setting-item-bool .setting-value-checkbox')?.classList.contains('checked'));
  await bench.treeRow(view, `${referrersTag(v1.manifestDigest)}.sig`).waitFor();
  await bench.treeRow(view, referrersTag(v1.manifestDigest)).waitFor();
  assert.match(readFileSync(join(server.userDataDir, 'User/settings.json'), 'utf8'), /"registryExplorer\.showSupplyChainTags": true/);
  await bench.runCommand('View: Close All Editors');
});
