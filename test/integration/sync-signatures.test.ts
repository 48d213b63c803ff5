// `regx sync` carries signatures as `regx copy` does and signs as `skopeo sync --sign-by` does, checked
// against the real thing: real Distribution 2.8 registries, real gpg (a throwaway GNUPGHOME), file://
// lookaside stores from registries.d, and real skopeo 1.9.3 judging the destination with a signedBy
// policy. Sigstore signatures travel as their `.sig` attachment; --remove-signatures and a config
// source's `signatures: false` leave both kinds behind.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  buildImage,
  cosignSignatureTag,
  makeGpgHome,
  makeTempDir,
  pushImage,
  registryDigest,
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

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo', 'gpg']);
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

let a: TestRegistry;
let b: TestRegistry;
let signer: GpgHome;
let lookasideA: string;
let lookasideB: string;
let registriesD: string;
let dir: string;
/** team/app:v1 at a, signed by skopeo into a's lookaside. */
let signedDigest: string;
/** team/two:v1 and :v2 at a, unsigned. */
let unsigned: Record<'v1' | 'v2', string>;

type Event = Record<string, unknown>;

async function regx(args: string[]): Promise<RunResult> {
  const r = await runRegx(args, { timeoutMs: 180_000, env: signer.env });
  assert.equal(r.code, 0, `regx ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}${r.stdout}`);
  return r;
}

/** `regx sync --json` of `from` into `to` with these flags: the image events (copied, skipped), in order. */
async function sync(from: string, to: string, extra: string[] = []): Promise<Event[]> {
  const r = await regx(['sync', '--json', '--src', 'docker', '--dest', 'docker', ...insecure, '--registries.d', registriesD, ...extra, from, to]);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event)
    .filter((e) => e.event === 'copied' || e.event === 'skipped')
    .sort((x, y) => String(x.destination).localeCompare(String(y.destination)));
}

/** `regx sync --dry-run` of `from` into `to` with these flags; the exit status is the caller's to judge. */
function drySync(flags: string[], from: string, to: string): Promise<RunResult> {
  const args = ['sync', '--dry-run', '--src', 'docker', '--dest', 'docker', ...insecure, '--registries.d', registriesD, ...flags, from, to];
  return runRegx(args, { timeoutMs: 180_000, env: signer.env });
}

/** Does skopeo (policy.json at `policy`, this registries.d) accept the image? */
async function skopeoAccepts(policy: string, ref: string): Promise<RunResult> {
  const out = join(makeTempDir('skopeo-pull'), 'img');
  return run('skopeo', ['--policy', policy, '--registries.d', registriesD, 'copy', '--src-tls-verify=false', `docker://${ref}`, `dir:${out}`], {
    env: signer.env,
    timeoutMs: 120_000,
  });
}

function signedByPolicy(scope: string, signedIdentity?: unknown): string {
  return writePolicy({
    default: [{ type: 'reject' }],
    transports: {
      docker: { [scope]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: signer.publicKeyFile, ...(signedIdentity ? { signedIdentity } : {}) }] },
    },
  });
}

/** The lookaside folder of `repository@digest` in `base`, as containers/image lays it out. */
function lookasideDir(base: string, repository: string, digest: string): string {
  return join(base, `${repository}@${digest.replace(':', '=')}`);
}

/** A mirror's policy: its images carry the source's signatures, which name the source repositories. */
function mirrorPolicy(mirror: string): string {
  return signedByPolicy(`${b.host}/${mirror}`, { type: 'remapIdentity', prefix: `${b.host}/${mirror}`, signedPrefix: `${a.host}/team` });
}

before(async () => {
  if (!haveTools) return;
  [a, b, signer] = await Promise.all([startRegistry(), startRegistry(), makeGpgHome()]);
  dir = makeTempDir('sync-signatures');
  lookasideA = join(dir, 'lookaside-a');
  lookasideB = join(dir, 'lookaside-b');
  registriesD = writeSignatureStorage({
    [a.host]: { lookaside: lookasideA, sigstoreAttachments: true },
    [b.host]: { lookaside: lookasideB, sigstoreAttachments: true },
  });
  const [image, one, two] = await Promise.all([buildImage({ layers: 2, layerSize: 4096 }), buildImage({ layers: 1 }), buildImage({ layers: 1 })]);
  signedDigest = image.manifestDigest;
  unsigned = { v1: one.manifestDigest, v2: two.manifestDigest };
  await Promise.all([pushImage(a, 'staging/app', 'v1', image), pushImage(a, 'team/two', 'v1', one), pushImage(a, 'team/two', 'v2', two)]);
  const s = await skopeoSignedCopy(registriesD, signer, `${a.host}/staging/app:v1`, `${a.host}/team/app:v1`);
  assert.equal(s.code, 0, s.stderr);
});

after(async () => {
  await signer?.stop();
  await stopAll();
  removeAllTempDirs();
});

describe('regx sync carries GPG signatures and signs with skopeo sync flags', { skip: !haveTools }, () => {
  test('a GPG signature in a file lookaside travels with the synced image byte for byte and skopeo accepts the mirror; a re-run stores nothing twice', async () => {
    const source = join(lookasideDir(lookasideA, 'team/app', signedDigest), 'signature-1');
    assert.ok(existsSync(source), 'skopeo signed the source');
    const first = await sync(`${a.host}/team/app`, `${b.host}/mirror`);
    assert.deepEqual(
      first.map((e) => [e.event, e.destination, e.signaturesCarried]),
      [['copied', `docker://${b.host}/mirror/app:v1`, 1]],
    );
    const carried = join(lookasideDir(lookasideB, 'mirror/app', signedDigest), 'signature-1');
    assert.deepEqual(readFileSync(carried), readFileSync(source), 'the signature is copied byte for byte');

    const accepted = await skopeoAccepts(mirrorPolicy('mirror'), `${b.host}/mirror/app:v1`);
    assert.equal(accepted.code, 0, `skopeo refused the synced signature: ${accepted.stderr}`);

    const again = await sync(`${a.host}/team/app`, `${b.host}/mirror`);
    assert.deepEqual(
      again.map((e) => [e.event, e.signaturesCarried]),
      [['skipped', undefined]],
    );
    assert.deepEqual(readdirSync(lookasideDir(lookasideB, 'mirror/app', signedDigest)), ['signature-1']);
  });

  test('--remove-signatures leaves them behind (skopeo refuses the mirror); a later sync without it gives the unchanged image its signature', async () => {
    const bare = await sync(`${a.host}/team/app`, `${b.host}/bare`, ['--remove-signatures']);
    assert.deepEqual(
      bare.map((e) => [e.event, e.signaturesCarried]),
      [['copied', undefined]],
    );
    assert.ok(!existsSync(lookasideDir(lookasideB, 'bare/app', signedDigest)), 'no signature was stored');
    const refused = await skopeoAccepts(mirrorPolicy('bare'), `${b.host}/bare/app:v1`);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /A signature was required, but no signature exists/);

    const later = await sync(`${a.host}/team/app`, `${b.host}/bare`);
    assert.deepEqual(
      later.map((e) => [e.event, e.signaturesCarried]),
      [['skipped', 1]],
    );
    const accepted = await skopeoAccepts(mirrorPolicy('bare'), `${b.host}/bare/app:v1`);
    assert.equal(accepted.code, 0, `skopeo refused the signature carried to the unchanged image: ${accepted.stderr}`);
  });

  test("a config source's signatures: false keeps GPG signatures at the source", async () => {
    const file = join(dir, 'off.regx-sync.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'registries:',
        `  "${a.host}": {tlsVerify: false}`,
        `  "${b.host}": {tlsVerify: false}`,
        `destinations: [{registry: "${b.host}/cfg"}]`,
        `sources: [{repository: ${a.host}/team/app, signatures: false}]`,
        '',
      ].join('\n'),
    );
    const r = await regx(['sync', '--json', '--registries.d', registriesD, '--config', file]);
    assert.match(r.stdout, /"event":"copied"/);
    assert.doesNotMatch(r.stdout, /signaturesCarried/);
    assert.ok(!existsSync(lookasideDir(lookasideB, 'cfg/app', signedDigest)));
  });

  test('sync --sign-by signs every synced image as its destination, and skopeo verifies each; unchanged images are signed again on a re-run, as skopeo sync does', async () => {
    const events = await sync(`${a.host}/team/two`, `${b.host}/signed`, ['--sign-by', signer.fingerprint]);
    assert.deepEqual(
      events.map((e) => [e.event, e.destination, e.signed]),
      [
        ['copied', `docker://${b.host}/signed/two:v1`, 1],
        ['copied', `docker://${b.host}/signed/two:v2`, 1],
      ],
    );
    // The default signedIdentity: each signature must name exactly the reference skopeo pulls.
    const policy = signedByPolicy(`${b.host}/signed`);
    for (const tag of ['v1', 'v2'] as const) {
      assert.ok(existsSync(join(lookasideDir(lookasideB, 'signed/two', unsigned[tag]), 'signature-1')));
      const accepted = await skopeoAccepts(policy, `${b.host}/signed/two:${tag}`);
      assert.equal(accepted.code, 0, `skopeo refused regx sync's signature of ${tag}: ${accepted.stderr}`);
    }
    const unsignedSource = await skopeoAccepts(signedByPolicy(`${a.host}/team/two`), `${a.host}/team/two:v1`);
    assert.notEqual(unsignedSource.code, 0, 'the source was not signed: the sync made the signatures');

    // A payload's timestamp is in seconds and the test key's signatures are deterministic: a re-run within the
    // same second makes a byte-identical signature, which the lookaside keeps once. The re-run waits for the next second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await sync(`${a.host}/team/two`, `${b.host}/signed`, ['--sign-by', signer.fingerprint]);
    assert.deepEqual(
      again.map((e) => [e.event, e.signed]),
      [
        ['skipped', 1],
        ['skipped', 1],
      ],
    );
    assert.deepEqual(readdirSync(lookasideDir(lookasideB, 'signed/two', unsigned.v1)).sort(), ['signature-1', 'signature-2']);
  });

  test('sync --dry-run --sign-by proves the key can sign and writes nothing; a key gpg does not have fails the dry run, as it would fail the real one', async () => {
    const dry = (key: string): Promise<RunResult> => drySync(['--sign-by', key], `${a.host}/team/two`, `${b.host}/dry`);
    const planned = await dry(signer.fingerprint);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, new RegExp(`copy .*team/two:v1 -> .*${b.host}/dry/two:v1`));
    assert.equal(await registryDigest(b, 'dry/two', 'v1'), undefined, 'a dry run copies nothing');
    assert.equal(existsSync(lookasideDir(lookasideB, 'dry/two', unsigned.v1)), false, 'and signs nothing');

    const stranger = '0123456789ABCDEF0123456789ABCDEF01234567';
    const refused = await dry(stranger);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`gpg could not sign with key ${stranger}`));
    assert.doesNotMatch(refused.stdout, /copy /, 'no plan is printed for a run that could not sign');
  });
});

describe('regx sync and sigstore signatures', { skip: !haveTools }, () => {
  let key: { priv: string; pass: string };
  before(async () => {
    if (!haveTools) return;
    const pass = join(dir, 'key.pass');
    writeFileSync(pass, 'sync passphrase\n');
    await regx(['generate-sigstore-key', '--output-prefix', join(dir, 'key'), '--passphrase-file', pass]);
    key = { priv: join(dir, 'key.private'), pass };
  });

  test('sync --dry-run opens the sigstore key: a wrong passphrase fails it; the right one plans and attaches nothing', async () => {
    const wrong = join(dir, 'wrong.pass');
    writeFileSync(wrong, 'not the passphrase\n');
    const dry = (pass: string): Promise<RunResult> =>
      drySync(['--sign-by-sigstore-private-key', key.priv, '--sign-passphrase-file', pass], `${a.host}/team/two`, `${b.host}/sigdry`);
    const refused = await dry(wrong);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /passphrase/i);
    const planned = await dry(key.pass);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, new RegExp(`copy .*team/two:v1 -> .*${b.host}/sigdry/two:v1`));
    assert.equal(await registryDigest(b, 'sigdry/two', cosignSignatureTag(unsigned.v1)), undefined, 'no .sig attachment');
  });

  test('a sigstore-signed image keeps its .sig attachment through a sync; --remove-signatures drops it; sync --sign-by-sigstore-private-key attaches one per image', async () => {
    const sigFlags = ['--sign-by-sigstore-private-key', key.priv, '--sign-passphrase-file', key.pass, '--registries.d', registriesD];
    await regx(['copy', ...insecure, ...sigFlags, `docker://${a.host}/team/two:v1`, `docker://${a.host}/sig/app:v1`]);
    const sigTag = cosignSignatureTag(unsigned.v1);
    const sourceSig = await registryDigest(a, 'sig/app', sigTag);
    assert.ok(sourceSig, 'regx copy attached the signature at the source');

    // A repository's listing holds the .sig tag too: skopeo sync copies it as an image, and so does regx
    // (besides carrying it with v1); either way it arrives unchanged.
    const kept = await sync(`${a.host}/sig/app`, `${b.host}/sigmirror`);
    assert.deepEqual(
      kept.map((e) => e.destination),
      [`docker://${b.host}/sigmirror/app:${sigTag}`, `docker://${b.host}/sigmirror/app:v1`],
    );
    assert.equal(await registryDigest(b, 'sigmirror/app', sigTag), sourceSig, 'the attachment is carried byte for byte');

    // Left behind, it is neither carried nor listed as an image.
    const bare = await sync(`${a.host}/sig/app`, `${b.host}/sigbare`, ['--remove-signatures']);
    assert.deepEqual(
      bare.map((e) => [e.event, e.destination]),
      [['copied', `docker://${b.host}/sigbare/app:v1`]],
    );
    assert.ok(await registryDigest(b, 'sigbare/app', 'v1'));
    assert.equal(await registryDigest(b, 'sigbare/app', sigTag), undefined);

    const signed = await sync(`${a.host}/team/two`, `${b.host}/sigsigned`, sigFlags);
    assert.deepEqual(
      signed.map((e) => [e.event, e.signed]),
      [
        ['copied', 1],
        ['copied', 1],
      ],
    );
    for (const d of Object.values(unsigned)) assert.ok(await registryDigest(b, 'sigsigned/two', cosignSignatureTag(d)), `a .sig attachment for ${d}`);
  });
});
