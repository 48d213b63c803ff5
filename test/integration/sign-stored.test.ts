// Signing an image already in a real Distribution registry (what Sign Image... does), then judging it
// as the Registries tree does: the signature read back from the registry (sigstore `.sig` attachment)
// or the file lookaside (GPG, through the user's real gpg), the policy evaluated, and each signature
// row's state and the tag's shield derived from that verdict. The user's secret keys come from gpg itself.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerPolicyImage } from '../../src/core/policy/docker-image';
import { evaluatePolicy, requirementsFor } from '../../src/core/policy/evaluate';
import { parsePolicy } from '../../src/core/policy/policy-file';
import { sigstoreVerifier } from '../../src/core/policy/sigstore-requirement';
import type { ImageReference } from '../../src/core/reference/reference';
import { RegistryClient } from '../../src/core/registry/client';
import { listSecretKeys } from '../../src/core/signing/gpg-keys';
import { GpgSigner } from '../../src/core/signing/gpg-sign';
import { loadRegistriesConfig, useSigstoreAttachments } from '../../src/core/signing/registries-d';
import type { RegistriesConfig } from '../../src/core/signing/registries-d';
import { signStoredImage } from '../../src/core/signing/sign-stored';
import { generateKeyPair } from '../../src/core/sigstore/key-file';
import { keyPairPaths, writeKeyPairFiles } from '../../src/core/sigstore/key-pair-files';
import { SigstoreKeySigner } from '../../src/core/sigstore/signer';
import { describeReferrers } from '../../src/core/supply-chain/describe';
import type { SupplyItem } from '../../src/core/supply-chain/describe';
import { discoverReferrers, flattenReferrers } from '../../src/core/supply-chain/discover';
import { signatureCheck, simpleSignatureCheck, tagTrust } from '../../src/extension/supply-chain/signature-states';
import { readSimpleSignatureRows } from '../../src/extension/supply-chain/simple-signatures';
import type { Judgement } from '../../src/extension/supply-chain/signature-states';
import { buildImage, hasTool, makeGpgHome, makeTempDir, pushImage, removeAllTempDirs, startRegistry, stopAll, writeSignatureStorage } from '../harness';
import type { GpgHome, TestRegistry } from '../harness';

const haveTools = hasTool('docker-registry') && hasTool('gpg');
let reg: TestRegistry;
let client: RegistryClient;
let registries: RegistriesConfig;
let dir: string;
let lookaside: string;
let gpgHome: GpgHome;
let digest: string;

async function newSigstoreKey(name: string, passphrase: string): Promise<{ priv: string; pub: string }> {
  const paths = keyPairPaths(join(dir, name));
  const pair = await generateKeyPair(passphrase);
  await writeKeyPairFiles(paths, pair.privatePem, pair.publicPem);
  return { priv: paths.privateKey, pub: paths.publicKey };
}

/** What the tree does for a tag: the policy's verdict, and the signature items its Supply chain shows. */
async function judge(policyJson: unknown, tag: string): Promise<{ judgement: Judgement; items: SupplyItem[] }> {
  const policy = parsePolicy(JSON.stringify(policyJson));
  const ref: ImageReference = { registry: reg.host, repository: 'team/app', tag };
  const image = dockerPolicyImage(client, ref, registries);
  const verdict = await evaluatePolicy(policy, image, sigstoreVerifier);
  const judgement: Judgement = {
    kind: 'judged',
    verdict,
    requirements: requirementsFor(policy, image).requirements,
    policyPath: 'policy.json',
    attachments: useSigstoreAttachments(registries, ref),
  };
  const top = await client.getManifest('team/app', tag);
  const discovery = await discoverReferrers(client, 'team/app', top);
  const referrers = flattenReferrers(discovery.root);
  const items = (await describeReferrers(client, 'team/app', referrers)).flat().filter((i) => i.kind === 'signature');
  return { judgement, items };
}

before(async () => {
  if (!haveTools) return;
  reg = await startRegistry();
  client = new RegistryClient(reg.host, { tlsVerify: false });
  dir = makeTempDir('sign-stored');
  lookaside = makeTempDir('lookaside');
  gpgHome = await makeGpgHome('Release Signer <release@example.test>');
  const image = await buildImage({ mediaType: 'oci', layers: 1 });
  digest = image.manifestDigest;
  await pushImage(reg, 'team/app', 'v1', image);
  await pushImage(reg, 'team/app', 'v1-again', image);
  registries = await loadRegistriesConfig(writeSignatureStorage({ [reg.host]: { lookaside, sigstoreAttachments: true } }));
});

after(async () => {
  await client?.close();
  await gpgHome?.stop();
  await stopAll();
  removeAllTempDirs();
});

describe('signing a stored image and judging it as the tree does', { skip: !haveTools && 'needs docker-registry and gpg' }, () => {
  test('a sigstore signature by the trusted key is verified and the tag gets its shield; one by another key is unverified; the same image under another tag is invalid (identity)', async () => {
    const trusted = await newSigstoreKey('trusted', 'secret words');
    const other = await newSigstoreKey('other', '');
    const byTrusted = await signStoredImage(
      client,
      { registry: reg.host, repository: 'team/app', tag: 'v1' },
      [await SigstoreKeySigner.fromFile(trusted.priv, 'secret words')],
      registries,
    );
    assert.equal(byTrusted.digest, digest);
    assert.equal(byTrusted.identity, `${reg.host}/team/app:v1`);
    assert.equal(byTrusted.signed[0]?.storedAt, `${reg.host}/team/app:sha256-${digest.slice(7)}.sig`);
    await signStoredImage(client, { registry: reg.host, repository: 'team/app', tag: 'v1' }, [await SigstoreKeySigner.fromFile(other.priv, '')], registries);

    const policy = { default: [{ type: 'reject' }], transports: { docker: { [reg.host]: [{ type: 'sigstoreSigned', keyPath: trusted.pub }] } } };
    const v1 = await judge(policy, 'v1');
    assert.equal(v1.items.length, 2, 'both signatures are rows of the Supply chain');
    assert.deepEqual(
      v1.items.map((i) => signatureCheck(v1.judgement, i)).map((c) => [c.state, c.signer]),
      [
        ['verified', 'key trusted.pub'],
        ['unverified', undefined],
      ],
    );
    assert.equal(tagTrust(v1.judgement)?.shield, true);

    // Same digest, other tag: both signatures claim v1, which matchRepoDigestOrExact does not accept for v1-again.
    const again = await judge(policy, 'v1-again');
    const states = again.items.map((i) => signatureCheck(again.judgement, i));
    assert.equal(states[0]?.state, 'invalid');
    assert.match(states[0]?.detail ?? '', /identity .*team\/app:v1 is not accepted/);
    assert.equal(tagTrust(again.judgement)?.shield, false);

    // A policy that checks no signatures judges none: unverified, saying why; no shield though it accepts.
    const open = await judge({ default: [{ type: 'insecureAcceptAnything' }] }, 'v1');
    assert.deepEqual(
      open.items.map((i) => signatureCheck(open.judgement, i).state),
      ['unverified', 'unverified'],
    );
    assert.match(signatureCheck(open.judgement, open.items[0] as SupplyItem).detail, /does not check sigstore signatures/);
    assert.equal(tagTrust(open.judgement)?.shield, false);
  });

  test("gpg lists the user's secret key; a GPG signature made with it lands in the lookaside and a signedBy policy with its public key accepts the tag", async () => {
    const keys = await listSecretKeys({ env: { ...process.env, ...gpgHome.env } });
    assert.deepEqual(
      keys.map((k) => ({ fingerprint: k.fingerprint, uids: k.uids, canSign: k.canSign, unusable: k.unusable })),
      [{ fingerprint: gpgHome.fingerprint, uids: ['Release Signer <release@example.test>'], canSign: true, unusable: false }],
    );
    const signed = await signStoredImage(
      client,
      { registry: reg.host, repository: 'team/app', tag: 'v1' },
      [new GpgSigner({ keyIdentity: gpgHome.fingerprint, passphrase: '', env: { ...process.env, ...gpgHome.env } })],
      registries,
    );
    assert.equal(signed.signed[0]?.storedAt, `file://${lookaside}/team/app`);
    assert.ok(existsSync(join(lookaside, `team/app@sha256=${digest.slice(7)}`, 'signature-1')), "stored in containers/image's lookaside layout");
    const policy = {
      default: [{ type: 'reject' }],
      transports: { docker: { [reg.host]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: gpgHome.publicKeyFile }] } },
    };
    const { judgement } = await judge(policy, 'v1');
    assert.equal(judgement.kind, 'judged');
    if (judgement.kind !== 'judged') return;
    assert.equal(judgement.verdict.accepted, true);
    assert.equal(judgement.verdict.requirements[0]?.signatures[0]?.key, gpgHome.fingerprint);
    assert.equal(tagTrust(judgement)?.shield, true);
    // The row the tree shows for it: the key id the signature names, and verified by the policy's key.
    const rows = await readSimpleSignatureRows(client, 'team/app', digest, registries);
    assert.deepEqual(rows, [{ index: 1, keyId: gpgHome.fingerprint.slice(-16), storage: 'lookaside', where: `file://${lookaside}/team/app` }]);
    assert.deepEqual(simpleSignatureCheck(judgement, 1), {
      state: 'verified',
      detail: `accepted by the policy as ${reg.host}/team/app:v1`,
      signer: gpgHome.fingerprint,
    });
    // A sigstore-only policy does not look at it.
    const other = await judge({ default: [{ type: 'insecureAcceptAnything' }] }, 'v1');
    assert.match(simpleSignatureCheck(other.judgement, 1).detail, /does not check GPG signatures/);
  });

  test('a wrong sigstore passphrase is refused when the key is opened, before anything is signed', async () => {
    const key = await newSigstoreKey('locked', 'right');
    await assert.rejects(SigstoreKeySigner.fromFile(key.priv, 'wrong'), /wrong passphrase/);
  });
});
