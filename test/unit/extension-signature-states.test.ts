// The trust policy the editor judges signatures by (registryExplorer.policyFile / registriesDirectory,
// read from real files), and what a signature row says before and without a verdict: checking, not
// verified without a policy, a broken setting named, signature formats the policy does not cover.
// The verdict-driven states (verified, unverified, invalid, the shield) are pinned against a real
// registry and real keys in test/integration/sign-stored.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SupplyItem } from '../../src/core/supply-chain/describe';
import type { ReferrerNode } from '../../src/core/supply-chain/discover';
import { itemText } from '../../src/extension/supply-chain/rows';
import { signatureCheck, tagTrust } from '../../src/extension/supply-chain/signature-states';
import { expandHome, loadTrust } from '../../src/extension/supply-chain/trust-settings';

const home = mkdtempSync(join(tmpdir(), 'regx-trust-'));
after(() => rmSync(home, { recursive: true, force: true }));
const env = { HOME: home };
const unset = { path: '', explicit: false };

function referrer(storage: ReferrerNode['storage']): ReferrerNode {
  return {
    descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 10 },
    storage,
    kind: 'signature',
    tag: storage === 'cosign-tag' ? `sha256-${'a'.repeat(64)}.sig` : undefined,
    referrers: [],
  } as unknown as ReferrerNode;
}
const cosign: SupplyItem = {
  referrer: referrer('cosign-tag'),
  layer: { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 1 },
  kind: 'signature',
  signature: { scheme: 'cosign', signer: undefined, keyId: undefined },
};
const notation: SupplyItem = {
  referrer: referrer('referrers-api'),
  kind: 'signature',
  signature: { scheme: 'notation', signer: undefined, keyId: 'sha256:0123456789abcdef' },
};

test('policyFile unset: the user policy under HOME is used when there is one, as skopeo reads it', async () => {
  mkdirSync(join(home, '.config/containers'), { recursive: true });
  writeFileSync(join(home, '.config/containers/policy.json'), JSON.stringify({ default: [{ type: 'reject' }] }));
  const trust = await loadTrust({ policyFile: unset, registriesDirectory: '' }, env);
  assert.equal(trust.kind, 'policy');
  assert.equal(trust.kind === 'policy' && trust.path, join(home, '.config/containers/policy.json'));
  rmSync(join(home, '.config/containers/policy.json'));
});

test('policyFile empty turns checking off; a path set with ~ is read under HOME', async () => {
  const off = await loadTrust({ policyFile: { path: '', explicit: true }, registriesDirectory: '' }, env);
  assert.deepEqual(off.kind === 'none' && off.why, 'registryExplorer.policyFile is empty');
  writeFileSync(join(home, 'mine.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  assert.equal(expandHome('~/mine.json', env), join(home, 'mine.json'));
  const mine = await loadTrust({ policyFile: { path: '~/mine.json', explicit: true }, registriesDirectory: '' }, env);
  assert.equal(mine.kind === 'policy' && mine.path, join(home, 'mine.json'));
});

test('a policy file set but missing or invalid, or a registries.d folder that does not exist, names the setting to fix', async () => {
  const missing = await loadTrust({ policyFile: { path: join(home, 'nope.json'), explicit: true }, registriesDirectory: '' }, env);
  assert.equal(missing.kind, 'broken');
  assert.equal(missing.kind === 'broken' && missing.setting, 'registryExplorer.policyFile');
  writeFileSync(join(home, 'bad.json'), '{"default": []}');
  const bad = await loadTrust({ policyFile: { path: join(home, 'bad.json'), explicit: true }, registriesDirectory: '' }, env);
  assert.match(bad.kind === 'broken' ? bad.message : '', /must not be empty/);
  const noDir = await loadTrust({ policyFile: { path: '', explicit: true }, registriesDirectory: join(home, 'no-such-dir') }, env);
  assert.equal(noDir.kind === 'broken' && noDir.setting, 'registryExplorer.registriesDirectory');
  const text = signatureCheck({ kind: 'broken', text: 'Signatures not checked: x. Fix the setting registryExplorer.policyFile.' }, cosign);
  assert.deepEqual([text.state, text.detail], ['not verified', 'Signatures not checked: x. Fix the setting registryExplorer.policyFile.']);
  assert.deepEqual(tagTrust({ kind: 'broken', text: 't' }), { shield: false, text: 't' });
});

test('a signature row says checking while the policy works, not verified without a policy, and unverified for formats the policy does not read', () => {
  assert.equal(signatureCheck({ kind: 'pending' }, cosign).state, 'checking');
  assert.equal(itemText(cosign, signatureCheck({ kind: 'pending' }, cosign)).description, 'unnamed key · checking · cosign tag .sig');
  assert.equal(
    itemText(cosign, signatureCheck({ kind: 'none', why: 'no trust policy at /x' }, cosign)).description,
    'unnamed key · not verified · cosign tag .sig',
  );
  assert.equal(tagTrust({ kind: 'pending' }), undefined);
  const judged = {
    kind: 'judged' as const,
    verdict: { accepted: true, scope: 'default', requirements: [{ type: 'insecureAcceptAnything' as const, accepted: true, signatures: [] }] },
    requirements: [{ type: 'insecureAcceptAnything' as const }],
    policyPath: '/p.json',
    attachments: true,
  };
  const check = signatureCheck(judged, notation);
  assert.equal(check.state, 'unverified');
  assert.match(check.detail, /does not cover notation signatures/);
  assert.equal(itemText(notation, check).description, 'key sha256:0123456789abcdef · unverified · referrers API');
});
