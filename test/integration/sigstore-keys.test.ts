// Sigstore keys and signatures checked against independent implementations (no cosign can run here,
// and Debian's skopeo 1.9.3 has sigstore switched off): `regx generate-sigstore-key` files decrypted by
// Python's hashlib.scrypt + PyNaCl and loaded by openssl; keys Python encrypts (both PEM types) read by
// regx; regx's signatures verified by `openssl dgst -sha256 -verify`; openssl's signatures (ECDSA
// P-256/P-384, RSA, ed25519) verified by regx's verify.ts; tampered payloads and wrong keys refused.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RegxError } from '../../src/core/errors';
import { SIGSTORE_SIGNATURE_ANNOTATION, SIGSTORE_SIGNATURE_MEDIA_TYPE } from '../../src/core/sigstore/attachment-layout';
import { decryptPrivateKey } from '../../src/core/sigstore/key-file';
import { buildPayload, SIGSTORE_SIGNATURE_TYPE } from '../../src/core/signing/payload';
import { SigstoreKeySigner, sigstoreSignatureLayer } from '../../src/core/sigstore/signer';
import { loadPublicKeys, verifySigstoreLayer } from '../../src/core/sigstore/verify';
import { makeTempDir, regxBundle, removeAllTempDirs, runRegx } from '../harness';
import { openssl, opensslVerifies, pythonDecryptKey, pythonEncryptKey, requireSigstoreTools, runOnTerminal } from '../harness/sigstore';

after(() => removeAllTempDirs());

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function passphraseFile(dir: string, text: string): string {
  const f = join(dir, `pass-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, text);
  return f;
}

async function generate(dir: string, prefix: string, passphrase: string): Promise<{ priv: string; pub: string; stdout: string }> {
  const r = await runRegx(['generate-sigstore-key', '--output-prefix', join(dir, prefix), '--passphrase-file', passphraseFile(dir, passphrase)], {
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return { priv: join(dir, `${prefix}.private`), pub: join(dir, `${prefix}.pub`), stdout: r.stdout };
}

/** Rejects with a RegxError of `reason` whose message matches `re`. */
async function rejectsWith(p: Promise<unknown> | (() => unknown), reason: string, re: RegExp): Promise<void> {
  await assert.rejects(
    async () => (typeof p === 'function' ? p() : p),
    (err: unknown) => {
      assert.ok(err instanceof RegxError, `not a RegxError: ${String(err)}`);
      assert.equal(err.reason, reason, err.message);
      assert.match(err.message, re);
      return true;
    },
  );
}

describe('regx generate-sigstore-key', () => {
  test('writes a cosign key that Python decrypts and openssl loads as the P-256 key of the .pub', async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const { priv, pub, stdout } = await generate(dir, 'signer', 'correct horse\n');
    assert.equal(stdout, `Key written to "${priv}" and "${pub}"\n`);
    assert.equal(statSync(priv).mode & 0o777, 0o600, 'the private key is readable by its owner only');
    const privText = readFileSync(priv, 'utf8');
    assert.match(
      privText,
      /^-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n$/,
    );
    assert.match(readFileSync(pub, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);

    // The passphrase is the file's first line without its newline, as skopeo reads it.
    const der = join(dir, 'signer.der');
    const info = await pythonDecryptKey(dir, priv, passphraseFile(dir, 'correct horse'), der);
    assert.deepEqual(info, {
      pemType: 'ENCRYPTED COSIGN PRIVATE KEY',
      keys: ['cipher', 'ciphertext', 'kdf'],
      kdf: 'scrypt',
      params: { N: 32768, r: 8, p: 1 },
      cipher: 'nacl/secretbox',
      saltBytes: 32,
      nonceBytes: 24,
    });
    const text = await openssl(['pkey', '-inform', 'DER', '-in', der, '-noout', '-text']);
    assert.match(text, /prime256v1|P-256/);
    const derivedPub = await openssl(['pkey', '-inform', 'DER', '-in', der, '-pubout']);
    assert.equal(derivedPub, readFileSync(pub, 'utf8'), 'the .pub is the public half of the encrypted key');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temp file left behind',
    );
  });

  test('an empty passphrase is allowed, as cosign allows it', async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const { priv } = await generate(dir, 'empty', '');
    await pythonDecryptKey(dir, priv, passphraseFile(dir, ''), join(dir, 'empty.der'));
  });

  test('never replaces an existing file, and writes neither key then', async () => {
    const dir = makeTempDir('sigkey');
    writeFileSync(join(dir, 'taken.pub'), 'mine');
    const r = await runRegx(['generate-sigstore-key', '--output-prefix', join(dir, 'taken'), '--passphrase-file', passphraseFile(dir, 'x')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing to overwrite existing ".*taken\.pub"/);
    assert.equal(readFileSync(join(dir, 'taken.pub'), 'utf8'), 'mine');
    assert.equal(existsSync(join(dir, 'taken.private')), false);

    writeFileSync(join(dir, 'other.private'), 'mine too');
    const r2 = await runRegx(['generate-sigstore-key', '--output-prefix', join(dir, 'other'), '--passphrase-file', passphraseFile(dir, 'x')]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /refusing to overwrite existing ".*other\.private"/);
    assert.equal(readFileSync(join(dir, 'other.private'), 'utf8'), 'mine too');
    assert.equal(existsSync(join(dir, 'other.pub')), false);
  });

  test('on a terminal it asks for the passphrase twice, without echo, and refuses two different ones', async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const ok = await runOnTerminal(
      process.execPath,
      [regxBundle, 'generate-sigstore-key', '--output-prefix', join(dir, 'typed')],
      ['typed secret', 'typed secret'],
    );
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /Enter a passphrase for the private key .*typed\.private: \r\nEnter the same passphrase again: \r\nKey written to/);
    assert.doesNotMatch(ok.output, /typed secret/, 'the passphrase is not echoed');
    await pythonDecryptKey(dir, join(dir, 'typed.private'), passphraseFile(dir, 'typed secret'), join(dir, 'typed.der'));

    const differ = await runOnTerminal(process.execPath, [regxBundle, 'generate-sigstore-key', '--output-prefix', join(dir, 'differ')], ['one', 'two']);
    assert.equal(differ.code, 2, differ.output);
    assert.match(differ.output, /the two passphrases differ; nothing was written/);
    assert.equal(existsSync(join(dir, 'differ.private')), false);
    assert.equal(existsSync(join(dir, 'differ.pub')), false);
  });

  test('without a terminal or --passphrase-file it says how to give one', async () => {
    const dir = makeTempDir('sigkey');
    const r = await runRegx(['generate-sigstore-key', '--output-prefix', join(dir, 'k')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /standard input is not a terminal; use --passphrase-file FILE/);
    assert.equal(existsSync(join(dir, 'k.private')), false);
    const bare = await runRegx(['generate-sigstore-key']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--output-prefix PREFIX/);
  });
});

describe('sigstore keys written elsewhere, and signatures', () => {
  test('keys Python encrypts (both PEM types) are read, and their signatures verify with openssl', async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const pw = passphraseFile(dir, 's3cret\n');
    for (const [curve, pemType] of [
      ['P-256', 'ENCRYPTED COSIGN PRIVATE KEY'],
      ['P-256', 'ENCRYPTED SIGSTORE PRIVATE KEY'],
      ['P-384', 'ENCRYPTED SIGSTORE PRIVATE KEY'],
    ] as const) {
      const pem = join(dir, `${curve}.pem`);
      await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', pem]);
      const der = join(dir, `${curve}.der`);
      await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER', '-out', der]);
      const pub = join(dir, `${curve}.pub`);
      await openssl(['pkey', '-in', pem, '-pubout', '-out', pub]);
      const keyFile = join(dir, `${curve}-${pemType.split(' ')[1]}.key`);
      await pythonEncryptKey(dir, der, pw, pemType, keyFile);

      const key = await decryptPrivateKey(readFileSync(keyFile, 'utf8'), 's3cret', keyFile);
      const layer = sigstoreSignatureLayer(key, DIGEST, 'registry.example/team/app:1.0', new Date(1_700_000_000_000));
      const payloadFile = join(dir, 'payload.json');
      const sigFile = join(dir, 'sig.der');
      writeFileSync(payloadFile, layer.payload);
      writeFileSync(sigFile, Buffer.from(layer.annotations[SIGSTORE_SIGNATURE_ANNOTATION] as string, 'base64'));
      assert.ok(await opensslVerifies(pub, sigFile, payloadFile), `openssl verifies the ${curve} signature made with the ${pemType}`);
      assert.equal(
        layer.payload.toString(),
        `{"critical":{"identity":{"docker-reference":"registry.example/team/app:1.0"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"creator":"regx","timestamp":1700000000}}`,
      );
      // And through the signer a copy uses, from the file.
      await SigstoreKeySigner.fromFile(keyFile, 's3cret');
    }
  });

  test('a wrong passphrase, a damaged file and an unknown PEM type are refused clearly', async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const { priv } = await generate(dir, 'k', 'right');
    const text = readFileSync(priv, 'utf8');
    await rejectsWith(decryptPrivateKey(text, 'wrong', 'k.private'), 'signing-key', /cannot decrypt k\.private: wrong passphrase/);
    await rejectsWith(SigstoreKeySigner.fromFile(priv, 'wrong'), 'signing-key', /wrong passphrase/);
    await rejectsWith(
      decryptPrivateKey(text.replace(/ENCRYPTED COSIGN PRIVATE KEY/g, 'EC PRIVATE KEY'), 'right', 'k.private'),
      'signing-key',
      /not an encrypted cosign or sigstore private key/,
    );
    // A file asking for a far higher scrypt cost is refused before any work (it could take all memory).
    const body = JSON.parse(Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64').toString()) as { kdf: { params: { N: number } } };
    body.kdf.params.N = 1 << 30;
    const costly = `-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n${Buffer.from(JSON.stringify(body)).toString('base64')}\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n`;
    await rejectsWith(decryptPrivateKey(costly, 'right', 'k.private'), 'signing-key', /unsupported scrypt parameters/);
  });

  test("openssl's signatures verify with regx (ECDSA P-256/P-384, RSA, ed25519); a tampered payload or another key does not", async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const payload = buildPayload(
      { manifestDigest: DIGEST, dockerReference: 'registry.example/team/app:1.0', creator: 'openssl', timestamp: 1 },
      SIGSTORE_SIGNATURE_TYPE,
    );
    const payloadFile = join(dir, 'payload.json');
    writeFileSync(payloadFile, payload);
    const kinds: [string, string[], string[]][] = [
      ['p256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['dgst', '-sha256', '-sign']],
      ['p384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['dgst', '-sha256', '-sign']],
      ['rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['dgst', '-sha256', '-sign']],
      ['ed25519', ['-algorithm', 'ed25519'], ['pkeyutl', '-sign', '-rawin', '-inkey']],
    ];
    const other = join(dir, 'other.pem');
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', other]);
    const otherPub = loadPublicKeys(await openssl(['pkey', '-in', other, '-pubout']), 'other.pub');
    for (const [name, gen, signArgs] of kinds) {
      const key = join(dir, `${name}.pem`);
      await openssl(['genpkey', ...gen, '-out', key]);
      const pubs = loadPublicKeys(await openssl(['pkey', '-in', key, '-pubout']), `${name}.pub`);
      const sigFile = join(dir, `${name}.sig`);
      await openssl([...signArgs, key, '-out', sigFile, ...(name === 'ed25519' ? ['-in', payloadFile] : [payloadFile])]);
      const layer = {
        mediaType: SIGSTORE_SIGNATURE_MEDIA_TYPE,
        payload,
        annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: readFileSync(sigFile).toString('base64') },
        digest: '',
      };
      const claims = verifySigstoreLayer(layer, pubs);
      assert.deepEqual(claims, { manifestDigest: DIGEST, dockerReference: 'registry.example/team/app:1.0', creator: 'openssl', timestamp: 1 }, name);
      // Any key in the list may be the one.
      verifySigstoreLayer(layer, [...otherPub, ...pubs]);

      const tampered = Buffer.from(payload.toString().replace('team/app:1.0', 'team/app:2.0'));
      await rejectsWith(() => verifySigstoreLayer({ ...layer, payload: tampered }, pubs), 'signature-invalid', /cryptographic signature verification failed/);
      await rejectsWith(() => verifySigstoreLayer(layer, otherPub), 'signature-invalid', /cryptographic signature verification failed/);
    }
    const anyLayer = { mediaType: SIGSTORE_SIGNATURE_MEDIA_TYPE, payload, annotations: {}, digest: '' };
    await rejectsWith(() => verifySigstoreLayer(anyLayer, otherPub), 'signature-invalid', /missing dev\.cosignproject\.cosign\/signature annotation/);
    await rejectsWith(
      () => verifySigstoreLayer({ ...anyLayer, mediaType: 'application/vnd.in-toto+json' }, otherPub),
      'signature-invalid',
      /not a sigstore signature/,
    );
  });

  test('a GPG simple-signing payload signed with a sigstore key is not a sigstore signature', async (t) => {
    if (!(await requireSigstoreTools(t))) return;
    const dir = makeTempDir('sigkey');
    const pem = join(dir, 'k.pem');
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pem]);
    const payload = Buffer.from(
      `{"critical":{"identity":{"docker-reference":"r.example/a:1"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":{}}`,
    );
    const payloadFile = join(dir, 'p.json');
    writeFileSync(payloadFile, payload);
    await openssl(['dgst', '-sha256', '-sign', pem, '-out', join(dir, 'p.sig'), payloadFile]);
    const layer = {
      mediaType: SIGSTORE_SIGNATURE_MEDIA_TYPE,
      payload,
      annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: readFileSync(join(dir, 'p.sig')).toString('base64') },
      digest: '',
    };
    const pubs = loadPublicKeys(await openssl(['pkey', '-in', pem, '-pubout']), 'k.pub');
    await rejectsWith(() => verifySigstoreLayer(layer, pubs), 'signature-invalid', /unrecognized signature type "atomic container signature"/);
  });
});
