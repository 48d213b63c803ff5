// The pieces of GPG simple signing and containers-policy.json that are pure logic: the payload as
// containers/image writes and strictly reads it, registries.d merging and namespace precedence, policy
// scopes (most specific first, `*.` wildcards), every signedIdentity rule, the policy file's strict
// reading, and signedBy judged with OpenPGP keys made here (real OpenPGP messages, no gpg needed).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'require' };
import { RegxError } from '../../src/core/errors';
import { digestOf } from '../../src/core/image/digest';
import { parseNormalizedReference } from '../../src/core/reference/reference';
import { identityMatches, parseSignedIdentity } from '../../src/core/policy/identity';
import type { SignedIdentity } from '../../src/core/policy/identity';
import { evaluatePolicy, requirementsFor } from '../../src/core/policy/evaluate';
import type { PolicyImage } from '../../src/core/policy/evaluate';
import { parsePolicy } from '../../src/core/policy/policy-file';
import { sigstoreVerifier } from '../../src/core/policy/sigstore-requirement';
import { buildPayload, parsePayload, SIGSTORE_SIGNATURE_TYPE } from '../../src/core/signing/payload';
import { loadRegistriesConfig, lookasideBase, lookasideSignatureUrl, useSigstoreAttachments } from '../../src/core/signing/registries-d';
import { dockerLookupNames } from '../../src/core/signing/scopes';

const D = `sha256:${'ab'.repeat(32)}`;
const ref = (s: string) => parseNormalizedReference(s);

describe('simple-signing payload', () => {
  test('is built as containers/image marshals it: sorted keys, compact, optional creator and timestamp', () => {
    const bytes = buildPayload({ dockerReference: 'quay.io/a/b:v1', manifestDigest: D, creator: 'regx', timestamp: 1700000000 });
    assert.equal(
      bytes.toString(),
      `{"critical":{"identity":{"docker-reference":"quay.io/a/b:v1"},"image":{"docker-manifest-digest":"${D}"},"type":"atomic container signature"},"optional":{"creator":"regx","timestamp":1700000000}}`,
    );
    assert.deepEqual(parsePayload(bytes), { dockerReference: 'quay.io/a/b:v1', manifestDigest: D, creator: 'regx', timestamp: 1700000000 });
  });

  test('is read strictly: unknown or missing critical fields, a repeated key, a wrong type or a fractional timestamp are invalid', () => {
    const good = {
      critical: { type: 'atomic container signature', image: { 'docker-manifest-digest': D }, identity: { 'docker-reference': 'x/y:1' } },
      optional: {},
    };
    const bad = (doc: string, why: RegExp): void =>
      assert.throws(
        () => parsePayload(Buffer.from(doc)),
        (e: unknown) => e instanceof RegxError && e.reason === 'signature-invalid' && why.test(e.message),
      );
    assert.doesNotThrow(() => parsePayload(Buffer.from(JSON.stringify(good))));
    bad(JSON.stringify({ ...good, extra: 1 }), /unknown field "extra"/);
    bad(JSON.stringify({ critical: good.critical }), /lacks the field "optional"/);
    bad(JSON.stringify({ ...good, critical: { ...good.critical, type: 'cosign container image signature' } }), /unrecognized signature type/);
    bad(JSON.stringify({ ...good, critical: { ...good.critical, image: { 'docker-manifest-digest': D, more: 1 } } }), /unknown field "more"/);
    bad(JSON.stringify({ ...good, optional: { timestamp: 1.5 } }), /not an integer/);
    bad(JSON.stringify({ ...good, optional: { creator: 7 } }), /creator is not a string/);
    // Two readers resolving a repeated key differently would see two claims in one signature.
    bad(
      JSON.stringify(good).replace('"identity":{"docker-reference":"x/y:1"}', '"identity":{"docker-reference":"x/y:1","docker-reference":"evil/y:1"}'),
      /duplicate key/,
    );
    // Optional fields other than creator and timestamp are allowed, as containers/image allows them.
    assert.doesNotThrow(() => parsePayload(Buffer.from(JSON.stringify({ ...good, optional: { other: [1] } }))));
  });

  test("one payload for both kinds: a sigstore payload says cosign's type (and may have optional: null, as cosign writes it); neither kind accepts the other's", () => {
    const sigstore = buildPayload({ dockerReference: 'quay.io/a/b:v1', manifestDigest: D }, SIGSTORE_SIGNATURE_TYPE);
    assert.equal(
      sigstore.toString(),
      `{"critical":{"identity":{"docker-reference":"quay.io/a/b:v1"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":{}}`,
    );
    assert.deepEqual(parsePayload(sigstore, SIGSTORE_SIGNATURE_TYPE), { dockerReference: 'quay.io/a/b:v1', manifestDigest: D });
    const invalid = (bytes: Buffer, type?: typeof SIGSTORE_SIGNATURE_TYPE): void =>
      assert.throws(
        () => parsePayload(bytes, type),
        (e: unknown) => e instanceof RegxError && e.reason === 'signature-invalid',
      );
    invalid(sigstore);
    invalid(buildPayload({ dockerReference: 'quay.io/a/b:v1', manifestDigest: D }), SIGSTORE_SIGNATURE_TYPE);
    const nullOptional = (type: string): Buffer =>
      Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'x/y:1' }, image: { 'docker-manifest-digest': D }, type }, optional: null }));
    assert.deepEqual(parsePayload(nullOptional(SIGSTORE_SIGNATURE_TYPE), SIGSTORE_SIGNATURE_TYPE), { dockerReference: 'x/y:1', manifestDigest: D });
    invalid(nullOptional('atomic container signature'));
  });
});

describe('registries.d', () => {
  test('files are merged, the most specific namespace with a setting wins, old names and staging are honoured, a repeat is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regx-rd-'));
    try {
      writeFileSync(
        join(dir, 'a.yaml'),
        'default-docker:\n  lookaside: https://sigs.example.com/default\ndocker:\n  reg.example.com:\n    sigstore: https://sigs.example.com/host\n    sigstore-staging: file:///staging/host\n',
      );
      writeFileSync(
        join(dir, 'b.yaml'),
        'docker:\n  reg.example.com/team:\n    lookaside: https://sigs.example.com/team\n    use-sigstore-attachments: true\n  reg.example.com/team/app:v1:\n    use-sigstore-attachments: false\n',
      );
      writeFileSync(join(dir, 'ignored.yml'), 'this is: [not read');
      const cfg = await loadRegistriesConfig(dir);
      assert.equal(lookasideBase(cfg, ref('reg.example.com/team/app:v1'), false).url.href, 'https://sigs.example.com/team/team/app');
      // For writing, the team namespace has no staging store of its own: its lookaside is used (the most specific entry with a setting).
      assert.equal(lookasideBase(cfg, ref('reg.example.com/team/app:v1'), true).url.href, 'https://sigs.example.com/team/team/app');
      assert.equal(lookasideBase(cfg, ref('reg.example.com/other/app:v1'), true).url.href, 'file:///staging/host/other/app');
      assert.equal(lookasideBase(cfg, ref('reg.example.com/other/app:v1'), false).url.href, 'https://sigs.example.com/host/other/app');
      assert.equal(lookasideBase(cfg, ref('quay.io/x/y:1'), false).url.href, 'https://sigs.example.com/default/x/y');
      assert.equal(useSigstoreAttachments(cfg, ref('reg.example.com/team/app:v1')), false, 'the identity entry is the most specific');
      assert.equal(useSigstoreAttachments(cfg, ref('reg.example.com/team/app:v2')), true);
      assert.equal(useSigstoreAttachments(cfg, ref('quay.io/x/y:1')), false);
      assert.equal(lookasideSignatureUrl(new URL('file:///s/team/app'), D, 3).pathname, `/s/team/app@sha256=${'ab'.repeat(32)}/signature-3`);
      assert.throws(() => lookasideSignatureUrl(new URL('file:///s/a'), 'sha256:../../x', 1));

      writeFileSync(join(dir, 'c.yaml'), 'docker:\n  reg.example.com/team:\n    lookaside: file:///again\n');
      await assert.rejects(loadRegistriesConfig(dir), /"docker" namespace "reg.example.com\/team" is defined both in/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with nothing configured, signatures live where containers/image keeps them', async () => {
    const cfg = await loadRegistriesConfig(join(tmpdir(), 'regx-no-such-registries-d'));
    assert.equal(
      lookasideBase(cfg, ref('quay.io/a/b:1'), false, { HOME: '/home/u' }).url.href,
      process.geteuid?.() === 0 ? 'file:///var/lib/containers/sigstore/a/b' : 'file:///home/u/.local/share/containers/sigstore/a/b',
    );
  });
});

describe('policy scopes', () => {
  const policy = parsePolicy(
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: {
        docker: {
          '': [{ type: 'insecureAcceptAnything' }],
          '*.example.com': [{ type: 'reject' }],
          'reg.example.com': [{ type: 'insecureAcceptAnything' }],
          'reg.example.com/team': [{ type: 'reject' }],
          'reg.example.com/team/app:v1': [{ type: 'insecureAcceptAnything' }],
          'localhost:5000/ns': [{ type: 'reject' }],
        },
      },
    }),
  );
  const scopeOf = (s: string): string => requirementsFor(policy, { transport: 'docker', scopeNames: dockerLookupNames(ref(s)) }).scope;

  test('the most specific scope applies: identity, repository, namespaces, host, then *. wildcards, then the transport default', () => {
    assert.equal(scopeOf('reg.example.com/team/app:v1'), 'transports.docker["reg.example.com/team/app:v1"]');
    assert.equal(scopeOf('reg.example.com/team/app:v2'), 'transports.docker["reg.example.com/team"]');
    assert.equal(scopeOf('reg.example.com/other/app@' + D), 'transports.docker["reg.example.com"]');
    assert.equal(scopeOf('mirror.example.com/x/y'), 'transports.docker["*.example.com"]');
    assert.equal(scopeOf('a.b.example.com:8443/x'), 'transports.docker["*.example.com"]', 'the port is dropped before wildcards');
    assert.equal(scopeOf('localhost:5000/ns/app'), 'transports.docker["localhost:5000/ns"]');
    assert.equal(scopeOf('quay.io/x/y'), 'transports.docker[""]');
    assert.equal(requirementsFor(policy, { transport: 'oci', scopeNames: [] }).scope, 'default');
    assert.deepEqual(dockerLookupNames(ref('busybox')), [
      'docker.io/library/busybox:latest',
      'docker.io/library/busybox',
      'docker.io/library',
      'docker.io',
      '*.io',
    ]);
  });

  test('the policy file is read strictly, as containers/image reads it', () => {
    const bad = (doc: unknown, why: RegExp): void => assert.throws(() => parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc)), why);
    bad({ transports: {} }, /default policy is missing/);
    bad({ default: [] }, /must not be empty/);
    bad({ default: [{ type: 'rejectt' }] }, /unknown policy requirement type "rejectt"/);
    bad({ default: [{ type: 'reject', keyPath: '/k' }] }, /unknown field "keyPath"/);
    bad({ default: [{ type: 'signedBy', keyType: 'GPGKeys' }] }, /none of them present/);
    bad({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/a', keyData: 'AAAA' }] }, /more than one present/);
    bad({ default: [{ type: 'signedBy', keyType: 'PGP', keyPath: '/a' }] }, /invalid keyType/);
    bad(
      { default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/a', signedIdentity: { type: 'exactReference', dockerReference: 'quay.io/a/b' } }] },
      /neither a tag nor a digest/,
    );
    bad(
      {
        default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/a', signedIdentity: { type: 'remapIdentity', prefix: 'quay.io/', signedPrefix: 'x.io' } }],
      },
      /prefix "quay.io\/" is not valid/,
    );
    bad({ default: [{ type: 'sigstoreSigned', keyPath: '/a', keyData: 'AAAA' }] }, /more than one present/);
    bad('{"default":[{"type":"reject"}],"default":[{"type":"insecureAcceptAnything"}]}', /duplicate key "default"/);
    bad({ default: [{ type: 'reject' }], other: 1 }, /unknown key "other"/);
    const p = parsePolicy(JSON.stringify({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPaths: ['/a', '/b'] }] }));
    assert.deepEqual(p.default[0], { type: 'signedBy', keyType: 'GPGKeys', keyPaths: ['/a', '/b'], signedIdentity: { type: 'matchRepoDigestOrExact' } });
  });
});

describe('signedIdentity', () => {
  const m = (rule: unknown, image: string, signed: string): boolean => identityMatches(parseSignedIdentity(rule), ref(image), signed);

  test('matchRepoDigestOrExact (the default): a tag must match exactly, a digest-named image accepts its repository', () => {
    const r = { type: 'matchRepoDigestOrExact' };
    assert.equal(m(r, 'quay.io/a/b:v1', 'quay.io/a/b:v1'), true);
    assert.equal(m(r, 'quay.io/a/b:v1', 'quay.io/a/b:v2'), false);
    assert.equal(m(r, `quay.io/a/b@${D}`, 'quay.io/a/b:anything'), true);
    assert.equal(m(r, `quay.io/a/b@${D}`, 'quay.io/a/c:v1'), false);
    assert.equal(m(r, 'quay.io/a/b:v1', 'quay.io/a/b'), false, 'a name alone is never exact');
    assert.equal(m(r, 'docker.io/library/busybox:1', 'busybox:1'), true, 'the signed name is normalized');
  });

  test('matchExact, matchRepository, exactReference, exactRepository', () => {
    assert.equal(m({ type: 'matchExact' }, `quay.io/a/b@${D}`, `quay.io/a/b@${D}`), true);
    assert.equal(m({ type: 'matchExact' }, `quay.io/a/b@${D}`, 'quay.io/a/b:v1'), false);
    assert.equal(m({ type: 'matchRepository' }, 'quay.io/a/b:v1', 'quay.io/a/b:v9'), true);
    assert.equal(m({ type: 'matchRepository' }, 'quay.io/a/b:v1', 'quay.io/a/c:v1'), false);
    assert.equal(m({ type: 'exactReference', dockerReference: 'reg.io/p/q:1' }, 'quay.io/a/b:v1', 'reg.io/p/q:1'), true);
    assert.equal(m({ type: 'exactReference', dockerReference: 'reg.io/p/q:1' }, 'quay.io/a/b:v1', 'reg.io/p/q:2'), false);
    assert.equal(m({ type: 'exactRepository', dockerRepository: 'reg.io/p/q' }, 'quay.io/a/b:v1', 'reg.io/p/q:7'), true);
    assert.equal(m({ type: 'exactRepository', dockerRepository: 'reg.io/p/q' }, 'quay.io/a/b:v1', 'reg.io/p/r:7'), false);
  });

  test('remapIdentity: a mirror accepts signatures made for the original name, only on a / boundary', () => {
    const rule = { type: 'remapIdentity', prefix: 'mirror.example.com/rh', signedPrefix: 'registry.redhat.io' };
    assert.equal(m(rule, 'mirror.example.com/rh/ubi9/ubi:9.4', 'registry.redhat.io/ubi9/ubi:9.4'), true);
    assert.equal(m(rule, 'mirror.example.com/rh/ubi9/ubi:9.4', 'registry.redhat.io/ubi9/ubi:9.5'), false);
    assert.equal(m(rule, `mirror.example.com/rh/ubi9/ubi@${D}`, 'registry.redhat.io/ubi9/ubi:latest'), true);
    assert.equal(m(rule, 'mirror.example.com/rhx/ubi:1', 'registry.redhat.iox/ubi:1'), false);
    // Outside the prefix the image's own name is what must be signed.
    assert.equal(m(rule, 'quay.io/a/b:1', 'quay.io/a/b:1'), true);
    const none: SignedIdentity = { type: 'matchRepository' };
    assert.equal(identityMatches(none, undefined, 'quay.io/a/b:1'), false, 'an image without a Docker reference matches no image-relative rule');
  });
});

describe('signedBy judged with OpenPGP keys', () => {
  test('a signature by a trusted key for this digest and identity is accepted; others are rejected each with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regx-pgp-'));
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const openpgp = require('openpgp') as typeof OpenPgp;
      const make = async (name: string) => openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name }], format: 'object' });
      const [trusted, other] = await Promise.all([make('trusted'), make('other')]);
      const keyFile = join(dir, 'trusted.asc');
      writeFileSync(keyFile, trusted.publicKey.armor());
      const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
      const digest = digestOf(manifest);
      const sign = async (key: OpenPgp.PrivateKey, identity: string, d = digest): Promise<Buffer> => {
        const message = await openpgp.createMessage({ binary: buildPayload({ dockerReference: identity, manifestDigest: d }) });
        return Buffer.from((await openpgp.sign({ message, signingKeys: key, format: 'binary' })) as Uint8Array);
      };
      const sigs = [
        await sign(other.privateKey, 'quay.io/a/b:v1'),
        await sign(trusted.privateKey, 'quay.io/a/b:v2'),
        await sign(trusted.privateKey, 'quay.io/a/b:v1', D),
        Buffer.from('not a signature'),
        await sign(trusted.privateKey, 'quay.io/a/b:v1'),
      ];
      const image = (signatures: Buffer[]): PolicyImage => ({
        name: 'docker://quay.io/a/b:v1',
        transport: 'docker',
        scopeNames: dockerLookupNames(ref('quay.io/a/b:v1')),
        dockerReference: ref('quay.io/a/b:v1'),
        manifest: async () => ({ bytes: manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json' }),
        simpleSignatures: async () => signatures,
        sigstoreSignatures: async () => [],
      });
      const policy = parsePolicy(JSON.stringify({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: keyFile }] }));
      const all = await evaluatePolicy(policy, image(sigs), sigstoreVerifier);
      assert.equal(all.accepted, true);
      const v = all.requirements[0]?.signatures ?? [];
      assert.deepEqual(
        v.map((s) => s.accepted),
        [false, false, false, false, true],
      );
      assert.match(v[0]?.reason ?? '', /not among the trusted keys/);
      assert.match(v[1]?.reason ?? '', /Signature for identity quay.io\/a\/b:v2 is not accepted/);
      assert.match(v[2]?.reason ?? '', new RegExp(`Signature for digest ${D} does not match`));
      assert.match(v[3]?.reason ?? '', /not an OpenPGP message|could not be read/);
      assert.equal(v[4]?.key, trusted.publicKey.getFingerprint().toUpperCase());

      const rejected = await evaluatePolicy(policy, image(sigs.slice(0, 2)), sigstoreVerifier);
      assert.equal(rejected.accepted, false);
      assert.match(rejected.reason ?? '', /^None of the signatures were accepted, reasons: /);
      const none = await evaluatePolicy(policy, image([]), sigstoreVerifier);
      assert.equal(none.reason, 'A signature was required, but no signature exists');
      // Every requirement must accept: a reject next to an accepting signedBy still rejects.
      const both = parsePolicy(JSON.stringify({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: keyFile }, { type: 'reject' }] }));
      const verdict = await evaluatePolicy(both, image(sigs), sigstoreVerifier);
      assert.equal(verdict.accepted, false);
      assert.match(verdict.reason ?? '', /Running image docker:\/\/quay.io\/a\/b:v1 is rejected by policy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
