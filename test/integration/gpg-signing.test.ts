// GPG simple signing and containers-policy.json, checked both ways against the real thing: real gpg
// (a throwaway GNUPGHOME with a passphrase-less key), real skopeo 1.9.3 signing and judging
// (`skopeo --policy P --registries.d D`), real Distribution 2.8 registries, file:// lookaside stores from
// registries.d, and OpenShift's signature API (the double in front of a real Distribution).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  buildImage,
  makeGpgHome,
  makeTempDir,
  pushImage,
  removeAllTempDirs,
  requireTools,
  run,
  runRegx,
  startRegistry,
  stopAll,
  writePolicy,
  skopeoSignedCopy,
  writeSignatureStorage,
} from '../harness';
import type { GpgHome, RunResult, TestRegistry } from '../harness';
import { startSignatureApiFront } from '../openshift-double';
import { gpgSign } from '../../src/core/signing/gpg-sign';
import { RegxError } from '../../src/core/errors';
import type { SignatureApiFront } from '../openshift-double';

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo', 'gpg']);
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

let a: TestRegistry;
let b: TestRegistry;
let signer: GpgHome;
let stranger: GpgHome;
let lookasideA: string;
let lookasideB: string;
let registriesD: string;
let digest: string;
const fronts: SignatureApiFront[] = [];

async function regx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runRegx(args, { timeoutMs: 120_000, env: { ...signer.env, ...env } });
}

async function ok(r: RunResult, what: string): Promise<RunResult> {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}): ${r.stderr}${r.stdout}`);
  return r;
}

/** `skopeo --policy P --registries.d D copy docker://REF dir:...`: does skopeo accept the image? */
async function skopeoAccepts(policy: string, ref: string): Promise<RunResult> {
  const out = join(makeTempDir('skopeo-pull'), 'img');
  return run('skopeo', ['--policy', policy, '--registries.d', registriesD, 'copy', '--src-tls-verify=false', `docker://${ref}`, `dir:${out}`], {
    env: signer.env,
    timeoutMs: 120_000,
  });
}

function signedByPolicy(scope: string, keyPath: string, signedIdentity?: unknown): string {
  return writePolicy({
    default: [{ type: 'reject' }],
    transports: { docker: { [scope]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath, ...(signedIdentity ? { signedIdentity } : {}) }] } },
  });
}

function hex(d: string): string {
  return d.slice('sha256:'.length);
}

before(async () => {
  if (!haveTools) return;
  [a, b, signer, stranger] = await Promise.all([startRegistry(), startRegistry(), makeGpgHome(), makeGpgHome('Someone Else <other@example.test>')]);
  lookasideA = makeTempDir('lookaside-a');
  lookasideB = makeTempDir('lookaside-b');
  // One file, a namespace per registry: the most specific entry (the repository) wins over the host.
  registriesD = writeSignatureStorage({
    [a.host]: { lookaside: lookasideA },
    [b.host]: { lookaside: lookasideB },
    [`${b.host}/elsewhere`]: { lookaside: `${lookasideB}/elsewhere-store` },
  });
  const image = await buildImage({ layers: 2, layerSize: 4096 });
  digest = image.manifestDigest;
  await pushImage(a, 'team/app', 'v1', image);
});

after(async () => {
  await Promise.all(fronts.map((f) => f.stop()));
  await signer?.stop();
  await stranger?.stop();
  await stopAll();
  removeAllTempDirs();
});

/** skopeo copy --sign-by: a:team/app:v1 to a:team/by-skopeo:v1, its signature in a's lookaside (any test may run first). */
async function signedBySkopeo(): Promise<void> {
  const s = await skopeoSignedCopy(registriesD, signer, `${a.host}/team/app:v1`, `${a.host}/team/by-skopeo:v1`);
  assert.equal(s.code, 0, s.stderr);
}

describe('GPG simple signing with skopeo 1.9.3 and gpg', { skip: !haveTools }, () => {
  test('skopeo (signedBy in policy.json) accepts what regx copy --sign-by signed into a file lookaside; a policy with another key refuses it', async () => {
    const r = await ok(
      await regx([
        'copy',
        ...insecure,
        '--sign-by',
        signer.fingerprint,
        '--registries.d',
        registriesD,
        `docker://${a.host}/team/app:v1`,
        `docker://${a.host}/team/signed:v1`,
      ]),
      'regx copy --sign-by',
    );
    assert.match(r.stdout, new RegExp(`Signed ${digest} with key ${signer.fingerprint}`));
    const sigFile = join(lookasideA, `team/signed@sha256=${hex(digest)}`, 'signature-1');
    assert.ok(existsSync(sigFile), `containers/image's lookaside layout: ${sigFile}`);
    // The payload is what containers/image writes: the identity is the destination, the digest the manifest's.
    const listed = await run('gpg', ['--batch', '--decrypt', sigFile], { env: signer.env });
    const payload = JSON.parse(listed.stdout) as {
      critical: { type: string; image: Record<string, string>; identity: Record<string, string> };
      optional: Record<string, unknown>;
    };
    assert.equal(payload.critical.type, 'atomic container signature');
    assert.equal(payload.critical.image['docker-manifest-digest'], digest);
    assert.equal(payload.critical.identity['docker-reference'], `${a.host}/team/signed:v1`);
    assert.equal(typeof payload.optional.timestamp, 'number');

    const accepted = await skopeoAccepts(signedByPolicy(`${a.host}/team/signed`, signer.publicKeyFile), `${a.host}/team/signed:v1`);
    assert.equal(accepted.code, 0, `skopeo refused regx's signature: ${accepted.stderr}`);
    const refused = await skopeoAccepts(signedByPolicy(`${a.host}/team/signed`, stranger.publicKeyFile), `${a.host}/team/signed:v1`);
    assert.notEqual(refused.code, 0, 'skopeo must refuse a signature by a key the policy does not trust');
    assert.match(refused.stderr, /rejected|not accepted|signature/i);
    // The unsigned source is refused by the same kind of policy: the signature is what made the difference.
    const unsigned = await skopeoAccepts(signedByPolicy(`${a.host}/team/app`, signer.publicKeyFile), `${a.host}/team/app:v1`);
    assert.notEqual(unsigned.code, 0);
    assert.match(unsigned.stderr, /A signature was required, but no signature exists/);
  });

  test('regx verify accepts what skopeo copy --sign-by signed, shows each signature, and exits 1 for a wrong identity or key', async () => {
    await signedBySkopeo();
    assert.ok(existsSync(join(lookasideA, `team/by-skopeo@sha256=${hex(digest)}`, 'signature-1')));

    const policy = signedByPolicy(`${a.host}/team`, signer.publicKeyFile);
    const v = await ok(
      await regx(['verify', '--policy', policy, '--registries.d', registriesD, '--tls-verify=false', `docker://${a.host}/team/by-skopeo:v1`]),
      'regx verify',
    );
    assert.match(v.stdout, new RegExp(`transports\\.docker\\["${a.host}/team"\\]`));
    assert.match(v.stdout, new RegExp(`GPG signature 1: accepted \\(key ${signer.fingerprint}, identity ${a.host}/team/by-skopeo:v1\\)`));
    assert.match(v.stdout, /Accepted by the policy/);

    // skopeo's signature names team/by-skopeo:v1; the same image under another tag is not that identity.
    const exact = signedByPolicy(`${a.host}/team`, signer.publicKeyFile, { type: 'exactReference', dockerReference: `${a.host}/team/by-skopeo:v2` });
    const wrong = await regx(['verify', '--policy', exact, '--registries.d', registriesD, '--tls-verify=false', `docker://${a.host}/team/by-skopeo:v1`]);
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.match(wrong.stdout, /rejected: Signature for identity .*by-skopeo:v1 is not accepted/);
    assert.match(wrong.stderr, /rejected by the policy/);

    const otherKey = await regx([
      'verify',
      '--policy',
      signedByPolicy(`${a.host}/team`, stranger.publicKeyFile),
      '--registries.d',
      registriesD,
      '--tls-verify=false',
      `docker://${a.host}/team/by-skopeo:v1`,
    ]);
    assert.equal(otherKey.code, 1);
    assert.match(otherKey.stdout, /not among the trusted keys/);

    // The JSON form carries the same verdict for scripts.
    const json = await ok(
      await regx(['verify', '--json', '--policy', policy, '--registries.d', registriesD, '--tls-verify=false', `docker://${a.host}/team/by-skopeo:v1`]),
      'regx verify --json',
    );
    const verdict = JSON.parse(json.stdout) as { accepted: boolean; digest: string; requirements: { signatures: { key: string }[] }[] };
    assert.equal(verdict.accepted, true);
    assert.equal(verdict.digest, digest);
    assert.equal(verdict.requirements[0]?.signatures[0]?.key, signer.fingerprint);
  });

  test('a signature survives regx copy to another registry byte for byte and skopeo accepts the copy; --remove-signatures leaves it behind', async () => {
    const src = join(lookasideA, `team/by-skopeo@sha256=${hex(digest)}`, 'signature-1');
    if (!existsSync(src)) await signedBySkopeo();
    const r = await ok(
      await regx(['copy', ...insecure, '--registries.d', registriesD, `docker://${a.host}/team/by-skopeo:v1`, `docker://${b.host}/prod/app:v1`]),
      'regx copy',
    );
    assert.match(r.stdout, /GPG signatures: 1 stored/);
    const copied = join(lookasideB, `prod/app@sha256=${hex(digest)}`, 'signature-1');
    assert.deepEqual(readFileSync(copied), readFileSync(src), 'the signature is copied byte for byte');

    // The signature claims a:team/by-skopeo:v1, so the promoted copy is accepted for that repository's identity.
    const policy = signedByPolicy(`${b.host}/prod/app`, signer.publicKeyFile, { type: 'exactRepository', dockerRepository: `${a.host}/team/by-skopeo` });
    const accepted = await skopeoAccepts(policy, `${b.host}/prod/app:v1`);
    assert.equal(accepted.code, 0, `skopeo refused the carried signature: ${accepted.stderr}`);
    // Under the default signedIdentity the name must match: skopeo refuses it, and regx verify says the same.
    const strict = signedByPolicy(`${b.host}/prod/app`, signer.publicKeyFile);
    assert.notEqual((await skopeoAccepts(strict, `${b.host}/prod/app:v1`)).code, 0);
    const v = await regx(['verify', '--policy', strict, '--registries.d', registriesD, '--tls-verify=false', `docker://${b.host}/prod/app:v1`]);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /Signature for identity .*team\/by-skopeo:v1 is not accepted/);

    // A second run stores nothing again.
    const again = await ok(
      await regx(['copy', ...insecure, '--registries.d', registriesD, `docker://${a.host}/team/by-skopeo:v1`, `docker://${b.host}/prod/app:v1`]),
      'regx copy again',
    );
    assert.match(again.stdout, /GPG signatures: 0 stored, 1 already there/);
    assert.ok(!existsSync(join(lookasideB, `prod/app@sha256=${hex(digest)}`, 'signature-2')));

    const removed = await ok(
      await regx([
        'copy',
        ...insecure,
        '--remove-signatures',
        '--registries.d',
        registriesD,
        `docker://${a.host}/team/by-skopeo:v1`,
        `docker://${b.host}/prod/nosig:v1`,
      ]),
      'regx copy --remove-signatures',
    );
    assert.doesNotMatch(removed.stdout, /GPG signatures/);
    assert.ok(!existsSync(join(lookasideB, `prod/nosig@sha256=${hex(digest)}`)), 'no signature was stored');
    const refused = await skopeoAccepts(signedByPolicy(`${b.host}/prod/nosig`, signer.publicKeyFile, { type: 'matchRepository' }), `${b.host}/prod/nosig:v1`);
    assert.notEqual(refused.code, 0);
  });

  test("a dir: copy keeps GPG signatures as skopeo does (signature-N files): regx signs into it with an identity and carries the source's, and carries them on from it; skopeo accepts both; OCI destinations refuse signing before writing", async () => {
    await ok(
      await regx([
        'copy',
        ...insecure,
        '--sign-by',
        signer.fingerprint,
        '--registries.d',
        registriesD,
        `docker://${a.host}/team/app:v1`,
        `docker://${a.host}/team/dirsrc:v1`,
      ]),
      'regx copy --sign-by (source)',
    );
    const sourceSig = readFileSync(join(lookasideA, `team/dirsrc@sha256=${hex(digest)}`, 'signature-1'));
    const out = join(makeTempDir('dir-signed'), 'img');
    const identity = 'registry.example/team/app:v1';
    const r = await ok(
      await regx([
        'copy',
        '--src-tls-verify=false',
        '--registries.d',
        registriesD,
        '--sign-by',
        signer.fingerprint,
        '--sign-identity',
        identity,
        `docker://${a.host}/team/dirsrc:v1`,
        `dir:${out}`,
      ]),
      'regx copy --sign-by to dir:',
    );
    assert.match(r.stdout, new RegExp(`Signed ${digest} with key ${signer.fingerprint}, stored in ${out}`));
    assert.deepEqual(readFileSync(join(out, 'signature-1')), sourceSig, "the source's signature first, byte for byte");
    const made = await run('gpg', ['--batch', '--decrypt', join(out, 'signature-2')], { env: signer.env });
    const payload = JSON.parse(made.stdout) as { critical: { identity: Record<string, string>; image: Record<string, string> } };
    assert.deepEqual([payload.critical.identity['docker-reference'], payload.critical.image['docker-manifest-digest']], [identity, digest]);
    // skopeo reads the folder's signatures: a policy wanting this key and identity for dir: accepts it.
    const dirPolicy = (keyPath: string): string =>
      writePolicy({
        default: [{ type: 'reject' }],
        transports: { dir: { '': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath, signedIdentity: { type: 'exactReference', dockerReference: identity } }] } },
      });
    const accepted = await run('skopeo', ['--policy', dirPolicy(signer.publicKeyFile), 'copy', `dir:${out}`, `dir:${join(makeTempDir('dir-copy'), 'img')}`], {
      env: signer.env,
      timeoutMs: 120_000,
    });
    assert.equal(accepted.code, 0, `skopeo refused the dir: signature: ${accepted.stderr}`);
    const refused = await run('skopeo', ['--policy', dirPolicy(stranger.publicKeyFile), 'copy', `dir:${out}`, `dir:${join(makeTempDir('dir-copy'), 'img')}`], {
      env: signer.env,
      timeoutMs: 120_000,
    });
    assert.notEqual(refused.code, 0);

    // From the folder, its signatures travel on: to a registry's lookaside (skopeo accepts them there), to another folder.
    const back = await ok(
      await regx(['copy', '--dest-tls-verify=false', '--registries.d', registriesD, `dir:${out}`, `docker://${b.host}/fromdir/app:v1`]),
      'regx copy dir: -> registry',
    );
    assert.match(back.stdout, /GPG signatures: 2 stored/);
    for (const n of [1, 2])
      assert.deepEqual(readFileSync(join(lookasideB, `fromdir/app@sha256=${hex(digest)}`, `signature-${n}`)), readFileSync(join(out, `signature-${n}`)));
    const exact = signedByPolicy(`${b.host}/fromdir`, signer.publicKeyFile, { type: 'exactReference', dockerReference: identity });
    const fromDir = await skopeoAccepts(exact, `${b.host}/fromdir/app:v1`);
    assert.equal(fromDir.code, 0, `skopeo refused the signatures carried from the folder: ${fromDir.stderr}`);
    const again = join(makeTempDir('dir-again'), 'img');
    await ok(await regx(['copy', `dir:${out}`, `dir:${again}`]), 'regx copy dir: -> dir:');
    assert.deepEqual(
      [1, 2].map((n) => readFileSync(join(again, `signature-${n}`))),
      [1, 2].map((n) => readFileSync(join(out, `signature-${n}`))),
    );
    // An OCI layout keeps none: as skopeo, the copy says so rather than dropping them, unless they are left behind.
    const toOci = await regx(['copy', `dir:${out}`, `oci:${join(makeTempDir('dir-oci'), 'layout')}:v1`]);
    assert.equal(toOci.code, 1, toOci.stderr);
    assert.match(toOci.stderr, /2 GPG signatures of .* cannot be stored in the oci: destination, which keeps none/);
    await ok(
      await regx(['copy', '--remove-signatures', `dir:${out}`, `oci:${join(makeTempDir('dir-oci'), 'layout')}:v1`]),
      'regx copy --remove-signatures dir: -> oci:',
    );

    const noIdentity = await regx([
      'copy',
      '--src-tls-verify=false',
      '--sign-by',
      signer.fingerprint,
      `docker://${a.host}/team/app:v1`,
      `dir:${join(makeTempDir('dir-x'), 'img')}`,
    ]);
    assert.equal(noIdentity.code, 2, noIdentity.stderr);
    assert.match(noIdentity.stderr, /has no name: the identity to sign as must be given/);
    const parent = makeTempDir('oci-signed');
    const oci = await regx([
      'copy',
      '--src-tls-verify=false',
      '--sign-by',
      signer.fingerprint,
      `docker://${a.host}/team/app:v1`,
      `oci:${join(parent, 'layout')}:v1`,
    ]);
    assert.equal(oci.code, 1, oci.stderr);
    assert.match(oci.stderr, /pushing signatures for OCI images is not supported/);
    assert.ok(!existsSync(join(parent, 'layout')), 'nothing was written');
  });

  test('regx copy --policy refuses a source the policy rejects (nothing is written) and copies one it accepts; --insecure-policy before the verb skips it', async () => {
    const policy = signedByPolicy(`${a.host}/team`, signer.publicKeyFile);
    const refused = await regx([
      'copy',
      ...insecure,
      '--policy',
      policy,
      '--registries.d',
      registriesD,
      `docker://${a.host}/team/app:v1`,
      `docker://${b.host}/gate/app:v1`,
    ]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /Source image rejected: A signature was required, but no signature exists/);
    const head = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${b.host}/gate/app:v1`]);
    assert.notEqual(head.code, 0, 'nothing was copied');

    await ok(
      await regx([
        'copy',
        ...insecure,
        '--policy',
        policy,
        '--registries.d',
        registriesD,
        `docker://${a.host}/team/signed:v1`,
        `docker://${b.host}/gate/app:v1`,
      ]),
      'regx copy --policy (signed source)',
    );
    await ok(
      await regx(['--insecure-policy', 'copy', ...insecure, `docker://${a.host}/team/app:v1`, `docker://${b.host}/gate/unsigned:v1`]),
      'regx --insecure-policy copy',
    );
    const global = await regx([
      '--policy',
      writePolicy({ default: [{ type: 'reject' }] }),
      'copy',
      ...insecure,
      `docker://${a.host}/team/app:v1`,
      `docker://${b.host}/gate/x:v1`,
    ]);
    assert.equal(global.code, 1);
    assert.match(global.stderr, /rejected by policy/);
  });
});

describe('gpg with a passphrase-protected key', { skip: !haveTools }, () => {
  test("the passphrase reaches gpg on its own pipe; a wrong one fails with gpg's words (signing-failed)", async () => {
    const locked = await makeGpgHome('Locked <locked@example.test>', 'correct horse');
    try {
      // A fresh agent for each try, so a cached passphrase cannot hide a wrong one.
      await run('gpgconf', ['--kill', 'gpg-agent'], { env: locked.env });
      await assert.rejects(
        gpgSign(Buffer.from('{}'), { keyIdentity: locked.fingerprint, passphrase: 'wrong', env: { ...process.env, ...locked.env } }),
        (e: unknown) => e instanceof RegxError && e.reason === 'signing-failed' && /Bad passphrase/.test(e.message),
      );
      await run('gpgconf', ['--kill', 'gpg-agent'], { env: locked.env });
      const sig = await gpgSign(Buffer.from('{}'), { keyIdentity: locked.fingerprint, passphrase: 'correct horse', env: { ...process.env, ...locked.env } });
      // A binary OpenPGP packet (the high bit of its first byte set), as gpg --sign writes it.
      assert.ok(sig.length > 0 && ((sig[0] as number) & 0x80) !== 0);
    } finally {
      await locked.stop();
    }
  });
});

describe("OpenShift's signature API (X-Registry-Supports-Signatures)", { skip: !haveTools }, () => {
  test('regx signs into the API, reads it back for verify, skopeo accepts it; what skopeo stores through the API regx verifies and carries', async () => {
    const f = await startSignatureApiFront(a);
    fronts.push(f);
    // No registries.d entry names this host: the registry's API is where signatures go.
    const r = await ok(
      await regx([
        'copy',
        ...insecure,
        '--sign-by',
        signer.fingerprint,
        '--registries.d',
        registriesD,
        `docker://${a.host}/team/app:v1`,
        `docker://${f.host}/myproject/app:v1`,
      ]),
      'regx copy --sign-by to the API',
    );
    assert.match(r.stdout, /extensions\/v2\/myproject\/app\/signatures\//);
    const stored = f.signatures.get(digest) ?? [];
    assert.equal(stored.length, 1);
    assert.match(stored[0]?.name ?? '', new RegExp(`^${digest}@[0-9a-f]{32}$`));
    assert.equal(stored[0]?.type, 'atomic');
    assert.ok(f.log.some((e) => e.method === 'PUT' && e.status === 201));

    const policy = signedByPolicy(`${f.host}/myproject`, signer.publicKeyFile);
    const v = await ok(
      await regx(['verify', '--policy', policy, '--registries.d', registriesD, '--tls-verify=false', `docker://${f.host}/myproject/app:v1`]),
      'regx verify via the API',
    );
    assert.match(v.stdout, /GPG signature 1: accepted/);
    assert.match(v.stdout, /GPG signatures read from .*\/extensions\/v2\/myproject\/app\/signatures\//);
    const accepted = await skopeoAccepts(policy, `${f.host}/myproject/app:v1`);
    assert.equal(accepted.code, 0, `skopeo did not accept the signature from the API: ${accepted.stderr}`);

    // skopeo writes through the same API (schemaVersion 2, type atomic); regx verifies it and carries it to b.
    const s = await skopeoSignedCopy(registriesD, signer, `${a.host}/team/app:v1`, `${f.host}/myproject/other:v1`);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(f.signatures.get(digest)?.length, 2);
    await ok(
      await regx(['verify', '--policy', policy, '--registries.d', registriesD, '--tls-verify=false', `docker://${f.host}/myproject/other:v1`]),
      "regx verify of skopeo's API signature",
    );
    const carried = await ok(
      await regx(['copy', ...insecure, '--registries.d', registriesD, `docker://${f.host}/myproject/other:v1`, `docker://${b.host}/from-cluster/app:v1`]),
      'regx copy from the API',
    );
    assert.match(carried.stdout, /GPG signatures: 2 stored/);
    const files = [1, 2].map((n) => readFileSync(join(lookasideB, `from-cluster/app@sha256=${hex(digest)}`, `signature-${n}`)));
    assert.deepEqual(files.map((x) => x.toString('base64')).sort(), (f.signatures.get(digest) ?? []).map((x) => x.content.toString('base64')).sort());
  });

  test('the double answers as the registry does: 400 for schemaVersion 1, 404 for an unknown image, 409 for a name taken', async () => {
    const f = await startSignatureApiFront(a);
    fronts.push(f);
    const put = (body: unknown, d = digest): Promise<Response> =>
      fetch(`http://${f.host}/extensions/v2/team/app/signatures/${d}`, { method: 'PUT', body: JSON.stringify(body) });
    const name = `${digest}@${'a'.repeat(32)}`;
    const v1 = await put({ version: 2, name, type: 'atomic', content: 'AAAA' });
    assert.equal(v1.status, 400);
    assert.match(await v1.text(), /only schemaVersion=2 is currently supported/);
    const missing = `sha256:${'0'.repeat(64)}`;
    assert.equal((await put({ schemaVersion: 2, name: `${missing}@${'b'.repeat(32)}`, content: 'AAAA' }, missing)).status, 404);
    assert.equal((await put({ schemaVersion: 2, name, content: 'AAAA' })).status, 201);
    assert.equal((await put({ schemaVersion: 2, name, content: 'AAAA' })).status, 409);
    const list = (await (await fetch(`http://${f.host}/extensions/v2/team/app/signatures/${digest}`)).json()) as { signatures: { type: string }[] };
    assert.equal(list.signatures[0]?.type, 'AtomicImageV1', 'an empty type becomes AtomicImageV1');
    const ping = await fetch(`http://${f.host}/v2/`);
    assert.equal(ping.headers.get('x-registry-supports-signatures'), '1');
  });
});
