// `regx copy --sign-by-sigstore-private-key` against a real Distribution: the signature lands in the
// image's `sha256-<hex>.sig` attachment laid out as cosign's spec and skopeo's use-sigstore-attachments
// write it (checked field by field), verifies with `openssl dgst -sha256 -verify` and the .pub, is
// added next to signatures already there (none lost on re-runs, nor when a copy carries the source's
// `.sig` to a destination that has its own), survives a real skopeo 1.9.3 copy of the `.sig` tag as a
// plain image byte for byte, and is refused cleanly (no tag written) on a wrong passphrase or when
// registries.d does not turn attachments on. A tampered payload read back from the registry fails.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RegxError } from '../../src/core/errors';
import { dockerPolicyImage } from '../../src/core/policy/docker-image';
import { evaluatePolicy } from '../../src/core/policy/evaluate';
import { parsePolicy } from '../../src/core/policy/policy-file';
import { sigstoreVerifier } from '../../src/core/policy/sigstore-requirement';
import { RegistryClient } from '../../src/core/registry/client';
import { loadRegistriesConfig } from '../../src/core/signing/registries-d';
import { attachSigstoreSignatures, readSigstoreLayers } from '../../src/core/sigstore/attachments';
import { decryptPrivateKey } from '../../src/core/sigstore/key-file';
import { sigstoreSignatureLayer } from '../../src/core/sigstore/signer';
import { loadPublicKeys, verifySigstoreLayer } from '../../src/core/sigstore/verify';
import {
  buildImage,
  cosignSignatureTag,
  makeTempDir,
  pushBlob,
  pushImage,
  registryDigest,
  registryFetch,
  registryManifest,
  removeAllTempDirs,
  requireTools,
  run,
  runRegx,
  sha256,
  startRegistry,
  stopAll,
} from '../harness';
import type { BuiltImage, RunResult, TestRegistry } from '../harness';
import { opensslVerifies, requireSigstoreTools } from '../harness/sigstore';

const SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIG_ANNOTATION = 'dev.cosignproject.cosign/signature';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
interface SigManifest {
  schemaVersion: number;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

let reg: TestRegistry;
let image: BuiltImage;
let dir: string;
let keyA: { priv: string; pub: string; pass: string };
let keyB: { priv: string; pub: string; pass: string };
/** registries.d turning sigstore attachments on for the test registry, as skopeo users configure it. */
let registriesD: string;
let ready = false;

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

async function newKey(name: string, passphrase: string): Promise<{ priv: string; pub: string; pass: string }> {
  const pass = join(dir, `${name}.pass`);
  writeFileSync(pass, `${passphrase}\n`);
  const r = await runRegx(['generate-sigstore-key', '--output-prefix', join(dir, name), '--passphrase-file', pass]);
  assert.equal(r.code, 0, r.stderr);
  return { priv: join(dir, `${name}.private`), pub: join(dir, `${name}.pub`), pass };
}

before(async () => {
  if (!requireTools(undefined, ['docker-registry', 'skopeo']) || !(await requireSigstoreTools(undefined))) return;
  reg = await startRegistry();
  image = await buildImage({ mediaType: 'oci', layers: 1 });
  await pushImage(reg, 'team/app', '1.0', image);
  dir = makeTempDir('sigstore-sign');
  keyA = await newKey('alice', 'alice passphrase');
  keyB = await newKey('bob', '');
  registriesD = join(dir, 'registries.d');
  await run('mkdir', ['-p', registriesD]);
  writeFileSync(join(registriesD, 'test.yaml'), `docker:\n  ${reg.host}:\n    use-sigstore-attachments: true\n`);
  ready = true;
});

function signFlags(key: { priv: string; pass: string }, regD = registriesD): string[] {
  return ['--sign-by-sigstore-private-key', key.priv, '--sign-passphrase-file', key.pass, '--registries.d', regD];
}

async function regx(args: string[]): Promise<RunResult> {
  const r = await runRegx(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `regx ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
  return r;
}

async function blob(repository: string, digest: string): Promise<Buffer> {
  const res = await registryFetch(reg, `/v2/${repository}/blobs/${digest}`);
  assert.equal(res.status, 200, `blob ${repository}@${digest}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(sha256(bytes), digest);
  return bytes;
}

async function sigManifest(repository: string): Promise<{ bytes: Buffer; m: SigManifest }> {
  const bytes = await registryManifest(reg, repository, cosignSignatureTag(image.manifestDigest));
  return { bytes, m: JSON.parse(bytes.toString()) as SigManifest };
}

/** openssl checks the layer's signature over its payload with `pub`. */
async function opensslAccepts(repository: string, layer: Descriptor, pub: string): Promise<boolean> {
  const payload = join(dir, `payload-${layer.digest.slice(7, 19)}`);
  const sig = join(dir, `sig-${layer.digest.slice(7, 19)}.der`);
  writeFileSync(payload, await blob(repository, layer.digest));
  writeFileSync(sig, Buffer.from(layer.annotations?.[SIG_ANNOTATION] ?? '', 'base64'));
  return opensslVerifies(pub, sig, payload);
}

function skip(t: { skip(m: string): void }): boolean {
  if (ready) return false;
  t.skip('docker-registry, skopeo, openssl or python3-nacl missing');
  return true;
}

describe('signing a copy with a sigstore key', { concurrency: false }, () => {
  test("stores the signature as cosign's spec and skopeo lay it out, and openssl verifies it with the .pub", async (t) => {
    if (skip(t)) return;
    const started = Math.floor(Date.now() / 1000);
    const r = await regx(['copy', ...insecure, ...signFlags(keyA), `docker://${reg.host}/team/app:1.0`, `docker://${reg.host}/prod/app:1.0`]);
    const tag = cosignSignatureTag(image.manifestDigest);
    assert.match(
      r.stdout,
      new RegExp(
        `^Signed ${image.manifestDigest} with sigstore key alice\\.private, stored in ${reg.host.replace(/\./g, '\\.')}/prod/app:${tag.replace(/\./g, '\\.')}$`,
        'm',
      ),
    );
    assert.equal(await registryDigest(reg, 'prod/app', '1.0'), image.manifestDigest);

    const { m } = await sigManifest('prod/app');
    assert.deepEqual(Object.keys(m), ['schemaVersion', 'mediaType', 'config', 'layers']);
    assert.equal(m.schemaVersion, 2);
    assert.equal(m.mediaType, OCI_MANIFEST);
    assert.equal(m.config.mediaType, 'application/vnd.oci.image.config.v1+json');
    assert.equal(m.layers.length, 1);
    const layer = m.layers[0] as Descriptor;
    assert.deepEqual(Object.keys(layer), ['mediaType', 'digest', 'size', 'annotations']);
    assert.equal(layer.mediaType, SIMPLESIGNING);
    assert.deepEqual(Object.keys(layer.annotations ?? {}), [SIG_ANNOTATION]);
    // The config containers/image writes for a new attachment: Go's empty image config with the layers as diff_ids.
    const config = await blob('prod/app', m.config.digest);
    assert.equal(config.toString(), `{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["${layer.digest}"]}}`);
    assert.equal(m.config.size, config.length);

    const payload = await blob('prod/app', layer.digest);
    assert.equal(layer.size, payload.length);
    const doc = JSON.parse(payload.toString()) as {
      critical: Record<string, Record<string, string> | string>;
      optional: { creator: string; timestamp: number };
    };
    assert.deepEqual(doc.critical, {
      identity: { 'docker-reference': `${reg.host}/prod/app:1.0` },
      image: { 'docker-manifest-digest': image.manifestDigest },
      type: 'cosign container image signature',
    });
    assert.equal(doc.optional.creator, 'regx');
    assert.ok(doc.optional.timestamp >= started && doc.optional.timestamp <= started + 300, 'timestamp is now');

    assert.ok(await opensslAccepts('prod/app', layer, keyA.pub), 'openssl dgst -sha256 -verify accepts the signature with the .pub');
    assert.equal(await opensslAccepts('prod/app', layer, keyB.pub), false, 'and refuses it with another key');
  });

  test('signing again adds a signature next to the first, which stays byte for byte; --sign-identity names another identity', async (t) => {
    if (skip(t)) return;
    const first = (await sigManifest('prod/app')).m;
    const r = await regx([
      'copy',
      ...insecure,
      ...signFlags(keyB),
      '--sign-identity',
      'registry.example/team/app:stable',
      `docker://${reg.host}/team/app:1.0`,
      `docker://${reg.host}/prod/app:1.0`,
    ]);
    assert.match(r.stdout, /Signed .* with sigstore key bob\.private/);
    const { m } = await sigManifest('prod/app');
    assert.equal(m.layers.length, 2);
    assert.deepEqual(m.layers[0], first.layers[0], 'the first signature is kept as it was');
    const config = JSON.parse((await blob('prod/app', m.config.digest)).toString()) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(
      config.rootfs.diff_ids,
      m.layers.map((l) => l.digest),
    );
    const second = m.layers[1] as Descriptor;
    assert.ok(await opensslAccepts('prod/app', second, keyB.pub));
    const doc = JSON.parse((await blob('prod/app', second.digest)).toString()) as { critical: { identity: { 'docker-reference': string } } };
    assert.equal(doc.critical.identity['docker-reference'], 'registry.example/team/app:stable');
  });

  test("regx's own verify.ts reads the attachment back and checks each signature; a tampered payload fails", async (t) => {
    if (skip(t)) return;
    const client = new RegistryClient(reg.host, { tlsVerify: false });
    try {
      const layers = await readSigstoreLayers(client, 'prod/app', image.manifestDigest);
      assert.equal(layers.length, 2);
      const alice = loadPublicKeys(readFileSync(keyA.pub, 'utf8'), 'alice.pub');
      const bob = loadPublicKeys(readFileSync(keyB.pub, 'utf8'), 'bob.pub');
      assert.equal(verifySigstoreLayer(layers[0]!, alice).dockerReference, `${reg.host}/prod/app:1.0`);
      assert.equal(verifySigstoreLayer(layers[1]!, [...alice, ...bob]).manifestDigest, image.manifestDigest);
      assert.throws(
        () => verifySigstoreLayer(layers[1]!, alice),
        (e: unknown) => e instanceof RegxError && e.reason === 'signature-invalid',
      );

      // Someone swaps the payload blob for one naming another image, keeping the signature annotation.
      const { m } = await sigManifest('prod/app');
      const original = await blob('prod/app', m.layers[0]!.digest);
      const forged = Buffer.from(original.toString().replace(image.manifestDigest, `sha256:${'0'.repeat(64)}`));
      await pushBlob(reg, 'forged/app', sha256(forged), forged);
      await pushImage(reg, 'forged/app', '1.0', image);
      const forgedConfig = Buffer.from(`{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["${sha256(forged)}"]}}`);
      await pushBlob(reg, 'forged/app', sha256(forgedConfig), forgedConfig);
      const forgedManifest = Buffer.from(
        JSON.stringify({
          ...m,
          config: { ...m.config, digest: sha256(forgedConfig), size: forgedConfig.length },
          layers: [{ ...m.layers[0], digest: sha256(forged), size: forged.length }],
        }),
      );
      const put = await registryFetch(reg, `/v2/forged/app/manifests/${cosignSignatureTag(image.manifestDigest)}`, {
        method: 'PUT',
        body: forgedManifest,
        headers: { 'content-type': OCI_MANIFEST },
      });
      assert.equal(put.status, 201);
      const [tampered] = await readSigstoreLayers(client, 'forged/app', image.manifestDigest);
      assert.throws(
        () => verifySigstoreLayer(tampered!, alice),
        (e: unknown) => e instanceof RegxError && e.reason === 'signature-invalid' && /verification failed/.test(e.message),
      );
    } finally {
      await client.close();
    }
  });

  test('a policy sigstoreSigned requirement (keyPath, keyData) accepts what regx signed and refuses other keys, identities and forgeries', async (t) => {
    if (skip(t)) return;
    const client = new RegistryClient(reg.host, { tlsVerify: false });
    const registries = await loadRegistriesConfig(registriesD);
    const judge = async (requirement: Record<string, unknown>, repoAndTag: string) => {
      const policy = parsePolicy(JSON.stringify({ default: [{ type: 'reject' }], transports: { docker: { [reg.host]: [requirement] } } }));
      const [repository, tag] = repoAndTag.split(':') as [string, string];
      return evaluatePolicy(policy, dockerPolicyImage(client, { registry: reg.host, repository, tag }, registries), sigstoreVerifier);
    };
    try {
      const byAlice = await judge({ type: 'sigstoreSigned', keyPath: keyA.pub }, 'prod/app:1.0');
      assert.equal(byAlice.accepted, true, byAlice.reason);
      const byBobData = await judge(
        { type: 'sigstoreSigned', keyData: readFileSync(keyB.pub).toString('base64'), signedIdentity: { type: 'matchRepository' } },
        'prod/app:1.0',
      );
      // Bob signed as registry.example/team/app:stable: another repository than prod/app.
      assert.equal(byBobData.accepted, false);
      assert.match(byBobData.reason ?? '', /registry\.example\/team\/app:stable/);
      const other = join(dir, 'other.pub');
      await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'other.pem')]);
      await run('openssl', ['pkey', '-in', join(dir, 'other.pem'), '-pubout', '-out', other]);
      const byOther = await judge({ type: 'sigstoreSigned', keyPath: other }, 'prod/app:1.0');
      assert.equal(byOther.accepted, false);
      assert.match(byOther.reason ?? '', /verification failed/);
      const forged = await judge({ type: 'sigstoreSigned', keyPath: keyA.pub }, 'forged/app:1.0');
      assert.equal(forged.accepted, false);
    } finally {
      await client.close();
    }
  });

  test('regx verify accepts by a sigstoreSigned policy what regx signed, and rejects it for another key (exit 1)', async (t) => {
    if (skip(t)) return;
    const policy = (key: string) => {
      const f = join(dir, `policy-${key.replace(/\W/g, '_')}.json`);
      writeFileSync(
        f,
        JSON.stringify({
          default: [{ type: 'reject' }],
          transports: { docker: { [`${reg.host}/prod`]: [{ type: 'sigstoreSigned', keyPath: key, signedIdentity: { type: 'matchRepoDigestOrExact' } }] } },
        }),
      );
      return f;
    };
    const ok = await runRegx([
      'verify',
      '--tls-verify=false',
      '--policy',
      policy(keyA.pub),
      '--registries.d',
      registriesD,
      `docker://${reg.host}/prod/app:1.0`,
    ]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const other = await runRegx([
      'verify',
      '--tls-verify=false',
      '--policy',
      policy(join(dir, 'other.pub')),
      '--registries.d',
      registriesD,
      `docker://${reg.host}/prod/app:1.0`,
    ]);
    assert.equal(other.code, 1, other.stdout + other.stderr);
    assert.match(other.stdout + other.stderr, /verification failed/);
  });

  test("a copy carries the source's .sig and adds its own to the destination's; re-runs lose no signature", async (t) => {
    if (skip(t)) return;
    const source = await sigManifest('prod/app');
    // Without signing, the .sig travels byte for byte.
    await regx(['copy', ...insecure, `docker://${reg.host}/prod/app:1.0`, `docker://${reg.host}/plain/app:1.0`]);
    assert.ok((await sigManifest('plain/app')).bytes.equals(source.bytes));

    // With signing: the carried signatures, then the new one.
    await regx(['copy', ...insecure, ...signFlags(keyA), `docker://${reg.host}/prod/app:1.0`, `docker://${reg.host}/mirror/app:1.0`]);
    let { m } = await sigManifest('mirror/app');
    assert.equal(m.layers.length, 3);
    assert.deepEqual(m.layers.slice(0, 2), source.m.layers, 'the carried signatures are kept as they were');
    assert.ok(await opensslAccepts('mirror/app', m.layers[2]!, keyA.pub));

    // Again with signing: the destination's .sig has more than the source's; nothing is overwritten.
    const before3 = m.layers;
    await regx(['copy', ...insecure, ...signFlags(keyB), `docker://${reg.host}/prod/app:1.0`, `docker://${reg.host}/mirror/app:1.0`]);
    ({ m } = await sigManifest('mirror/app'));
    assert.equal(m.layers.length, 4);
    assert.deepEqual(m.layers.slice(0, 3), before3);

    // Again without signing: up to date, nothing written.
    const digestBefore = await registryDigest(reg, 'mirror/app', cosignSignatureTag(image.manifestDigest));
    const r = await regx(['copy', ...insecure, `docker://${reg.host}/prod/app:1.0`, `docker://${reg.host}/mirror/app:1.0`]);
    assert.match(r.stdout, /1 already there/);
    assert.equal(await registryDigest(reg, 'mirror/app', cosignSignatureTag(image.manifestDigest)), digestBefore);

    // The source gains a signature: the next carry adds just that one to the destination's four.
    await regx(['copy', ...insecure, ...signFlags(keyB), `docker://${reg.host}/team/app:1.0`, `docker://${reg.host}/prod/app:1.0`]);
    const src3 = (await sigManifest('prod/app')).m.layers;
    assert.equal(src3.length, 3);
    await regx(['copy', ...insecure, `docker://${reg.host}/prod/app:1.0`, `docker://${reg.host}/mirror/app:1.0`]);
    ({ m } = await sigManifest('mirror/app'));
    assert.equal(m.layers.length, 5);
    assert.deepEqual(m.layers.slice(0, 4), [...before3, m.layers[3]]);
    assert.deepEqual(m.layers[4], src3[2]);
  });

  test('signers writing the same attachment at once all end up in it', async (t) => {
    if (skip(t)) return;
    await pushImage(reg, 'race/app', '1.0', image);
    const key = await decryptPrivateKey(readFileSync(keyA.priv, 'utf8'), 'alice passphrase', 'alice.private');
    const clients = Array.from({ length: 4 }, () => new RegistryClient(reg.host, { tlsVerify: false }));
    try {
      const layers = clients.map((_, i) => sigstoreSignatureLayer(key, image.manifestDigest, `${reg.host}/race/app:${i}`));
      await Promise.all(clients.map((c, i) => attachSigstoreSignatures(c, 'race/app', image.manifestDigest, [layers[i]!])));
      const { m } = await sigManifest('race/app');
      assert.equal(m.layers.length, 4, 'no signature lost to another writer');
      const refs = await Promise.all(
        m.layers.map(
          async (l) =>
            (JSON.parse((await blob('race/app', l.digest)).toString()) as { critical: { identity: { 'docker-reference': string } } }).critical.identity[
              'docker-reference'
            ],
        ),
      );
      assert.deepEqual(
        refs.sort(),
        [0, 1, 2, 3].map((i) => `${reg.host}/race/app:${i}`),
      );
      const config = JSON.parse((await blob('race/app', m.config.digest)).toString()) as { rootfs: { diff_ids: string[] } };
      assert.deepEqual(
        config.rootfs.diff_ids,
        m.layers.map((l) => l.digest),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  test('real skopeo 1.9.3 copies the .sig tag as a plain image, byte for byte, and the copy still verifies', async (t) => {
    if (skip(t)) return;
    const tag = cosignSignatureTag(image.manifestDigest);
    const source = await sigManifest('prod/app');
    const r = await run(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${reg.host}/prod/app:${tag}`,
        `docker://${reg.host}/by-skopeo/app:${tag}`,
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const copied = await registryManifest(reg, 'by-skopeo/app', tag);
    assert.ok(copied.equals(source.bytes), 'skopeo kept the manifest bytes');
    for (const layer of source.m.layers) assert.ok((await blob('by-skopeo/app', layer.digest)).equals(await blob('prod/app', layer.digest)));
    assert.ok(await opensslAccepts('by-skopeo/app', source.m.layers[0]!, keyA.pub));
  });

  test('a wrong passphrase, or registries.d without use-sigstore-attachments, fails before any tag is written', async (t) => {
    if (skip(t)) return;
    const wrong = join(dir, 'wrong.pass');
    writeFileSync(wrong, 'not it\n');
    const r = await runRegx([
      'copy',
      ...insecure,
      '--sign-by-sigstore-private-key',
      keyA.priv,
      '--sign-passphrase-file',
      wrong,
      '--registries.d',
      registriesD,
      `docker://${reg.host}/team/app:1.0`,
      `docker://${reg.host}/refused/app:1.0`,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot decrypt sigstore private key ".*alice\.private": wrong passphrase/);
    assert.match(r.stderr, /hint: .*--sign-passphrase-file/);
    assert.equal(await registryDigest(reg, 'refused/app', '1.0'), undefined);

    const emptyD = join(dir, 'registries-empty.d');
    await run('mkdir', ['-p', emptyD]);
    const r2 = await runRegx(['copy', ...insecure, ...signFlags(keyA, emptyD), `docker://${reg.host}/team/app:1.0`, `docker://${reg.host}/refused/app:1.0`]);
    assert.equal(r2.code, 2, r2.stderr);
    assert.match(r2.stderr, /writing sigstore signatures to .*refused\/app is not enabled: set use-sigstore-attachments: true for it in registries\.d/);
    assert.match(r2.stderr, /was not tagged/);
    assert.equal(await registryDigest(reg, 'refused/app', '1.0'), undefined);
    assert.equal(await registryDigest(reg, 'refused/app', cosignSignatureTag(image.manifestDigest)), undefined);

    const r3 = await runRegx([
      'copy',
      ...insecure,
      '--sign-identity',
      'registry.example/a:1',
      `docker://${reg.host}/team/app:1.0`,
      `docker://${reg.host}/refused/app:1.0`,
    ]);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /--sign-identity needs a signing flag/);
  });
});
