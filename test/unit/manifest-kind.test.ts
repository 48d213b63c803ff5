// What a manifest is, decided by its own body; what a digest names, whatever its algorithm; schema 1
// digests over the signed payload; the copy plan on hostile indexes.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DigestMismatchError, InvalidDigestError, ManifestInvalidError, RegxError } from '../../src/core/errors';
import { planCopy } from '../../src/core/image/copy';
import type { ImageSource, ManifestBytes } from '../../src/core/image/copy-source';
import { digestOf, headerDigest, manifestDigest, parseDigest, verifyManifestBytes } from '../../src/core/image/digest';
import { manifestRefs, parseImageIndex, parseImageManifest } from '../../src/core/image/manifest-walk';
import { manifestMediaType, MediaType } from '../../src/core/image/mediatypes';
import type { Descriptor } from '../../src/core/image/mediatypes';
import { schema1Image, schema1Payload, schema1PayloadDigest } from '../../src/core/image/schema1';
import { signSchema1Payload } from '../harness/schema1';

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const d = (n: string): string => digestOf(Buffer.from(n));
const desc = (n: string, mediaType: string = MediaType.ociManifest): Descriptor => ({ mediaType, digest: d(n), size: 10 });
const image = {
  schemaVersion: 2,
  config: { mediaType: MediaType.ociConfig, digest: d('c'), size: 2 },
  layers: [{ mediaType: MediaType.ociLayerGzip, digest: d('l'), size: 3 }],
};
const index = { schemaVersion: 2, manifests: [desc('m')] };

function rejectsWith(fn: () => unknown, reason: string, pattern?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RegxError, `a RegxError, not ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('the body decides the kind: mediaType field first, then its fields; a non-manifest Content-Type is ignored', () => {
  assert.equal(manifestMediaType(json({ ...image, mediaType: MediaType.dockerManifest }), undefined), MediaType.dockerManifest);
  assert.equal(manifestMediaType(json(image), 'application/json'), MediaType.ociManifest);
  assert.equal(manifestMediaType(json(image), 'text/plain; charset=utf-8'), MediaType.ociManifest);
  assert.equal(manifestMediaType(json({ ...image, config: { ...image.config, mediaType: MediaType.dockerConfig } }), undefined), MediaType.dockerManifest);
  assert.equal(manifestMediaType(json(index), 'application/octet-stream'), MediaType.ociIndex);
  // Without a mediaType field, the Content-Type picks between the formats the body allows.
  assert.equal(manifestMediaType(json(image), `${MediaType.dockerManifest}; charset=utf-8`), MediaType.dockerManifest);
  assert.equal(manifestMediaType(json(index), MediaType.dockerManifestList), MediaType.dockerManifestList);
  assert.equal(manifestMediaType(json({ ...index, mediaType: MediaType.ociIndex }), MediaType.ociIndex.toUpperCase()), MediaType.ociIndex);
});

test('a Content-Type that contradicts the body is refused as manifest-ambiguous', () => {
  // Served as an index, but the body is an image manifest.
  rejectsWith(
    () => manifestMediaType(json(image), MediaType.ociIndex),
    'manifest-ambiguous',
    /served as application\/vnd\.oci\.image\.index\.v1\+json but the body is an image manifest/,
  );
  // The mediaType field says one thing, the header another (same family or not).
  rejectsWith(
    () => manifestMediaType(json({ ...image, mediaType: MediaType.ociManifest }), MediaType.dockerManifest),
    'manifest-ambiguous',
    /its mediaType is/,
  );
  rejectsWith(() => manifestMediaType(json({ ...index, mediaType: MediaType.dockerManifestList }), MediaType.ociManifest), 'manifest-ambiguous');
  // Fields of two kinds in one body.
  rejectsWith(
    () => manifestMediaType(json({ ...image, mediaType: MediaType.ociManifest, manifests: [desc('x')] }), undefined),
    'manifest-ambiguous',
    /"manifests"/,
  );
  rejectsWith(() => manifestMediaType(json({ ...index, mediaType: MediaType.ociIndex, layers: [] }), undefined), 'manifest-ambiguous', /"layers"/);
  rejectsWith(() => manifestMediaType(json({ ...image, manifests: [desc('x')] }), undefined), 'manifest-ambiguous');
  rejectsWith(() => manifestMediaType(json({ schemaVersion: 1, fsLayers: [], history: [], layers: [] }), undefined), 'manifest-ambiguous');
  // A schema 1 body served as schema 2, and the other way round.
  rejectsWith(() => manifestMediaType(json({ schemaVersion: 1, fsLayers: [], history: [] }), MediaType.dockerManifest), 'manifest-ambiguous');
  rejectsWith(() => manifestMediaType(json(image), MediaType.dockerSchema1Signed), 'manifest-ambiguous');
  // An unknown mediaType field served under a manifest type we know.
  rejectsWith(() => manifestMediaType(json({ ...image, mediaType: 'application/vnd.example.thing+json' }), MediaType.ociManifest), 'manifest-ambiguous');
});

test('a body that is no manifest at all is manifest-invalid, not a guess', () => {
  rejectsWith(() => manifestMediaType(Buffer.from('not json'), MediaType.ociManifest), 'manifest-invalid', /not JSON/);
  rejectsWith(() => manifestMediaType(json([1, 2]), undefined), 'manifest-invalid');
  rejectsWith(() => manifestMediaType(json({ ...image, schemaVersion: 3 }), undefined), 'manifest-invalid', /schemaVersion is 3/);
  rejectsWith(() => manifestMediaType(json({ mediaType: MediaType.ociManifest }), undefined), 'manifest-invalid', /schemaVersion is null/);
  rejectsWith(() => manifestMediaType(json({ schemaVersion: 2 }), undefined), 'manifest-invalid', /neither/);
});

test('schema 1: signed or not by its body, whichever schema 1 type it was served as', () => {
  const payload = Buffer.from(
    JSON.stringify({ schemaVersion: 1, name: 'a', tag: 't', fsLayers: [{ blobSum: d('l') }], history: [{ v1Compatibility: '{"id":"x"}' }] }, null, 3),
  );
  const signed = signSchema1Payload(payload);
  assert.equal(manifestMediaType(signed, MediaType.dockerSchema1), MediaType.dockerSchema1Signed);
  assert.equal(manifestMediaType(signed, 'application/json'), MediaType.dockerSchema1Signed);
  assert.equal(manifestMediaType(payload, MediaType.dockerSchema1Signed), MediaType.dockerSchema1);
});

test('missing required fields are manifest-invalid errors naming the field, never a TypeError', () => {
  rejectsWith(() => parseImageManifest(json({ schemaVersion: 2, config: image.config })), 'manifest-invalid', /"layers" is missing/);
  rejectsWith(() => parseImageManifest(json({ schemaVersion: 2, layers: [] })), 'manifest-invalid', /"config" is not a descriptor/);
  rejectsWith(() => parseImageManifest(json({ ...image, config: { mediaType: MediaType.ociConfig, size: 2 } })), 'manifest-invalid', /"config" has no digest/);
  rejectsWith(
    () => parseImageManifest(json({ ...image, layers: [{ mediaType: MediaType.ociLayerGzip, digest: d('l') }] })),
    'manifest-invalid',
    /"layers"\[0\] has no size/,
  );
  rejectsWith(() => parseImageManifest(json({ ...image, layers: [{ digest: d('l'), size: -5 }] })), 'manifest-invalid', /impossible size/);
  rejectsWith(() => parseImageManifest(json({ ...image, layers: {} })), 'manifest-invalid', /"layers" is not a list/);
  rejectsWith(() => parseImageIndex(json({ schemaVersion: 2 })), 'manifest-invalid', /"manifests" is missing/);
  rejectsWith(() => parseImageIndex(json({ schemaVersion: 2, manifests: [null] })), 'manifest-invalid', /"manifests"\[0\] is not a descriptor/);
  rejectsWith(() => manifestRefs(json({ schemaVersion: 2 }), MediaType.ociIndex), 'manifest-invalid');
  rejectsWith(() => manifestRefs(json({ schemaVersion: 2, manifests: [{ digest: d('x') }] }), MediaType.dockerManifestList), 'manifest-invalid', /no size/);
  // A descriptor's digest that cannot be verified is refused before it names a request.
  assert.throws(() => parseImageManifest(json({ ...image, layers: [{ digest: 'sha256:../../../etc', size: 1 }] })), InvalidDigestError);
  assert.throws(() => parseImageManifest(json({ ...image, layers: [{ digest: `md5:${'a'.repeat(32)}`, size: 1 }] })), InvalidDigestError);
  rejectsWith(() => manifestRefs(json(image), 'application/vnd.example.thing+json'), 'unsupported');
});

test('digests of every supported algorithm are verified; others and malformed ones are refused', () => {
  const bytes = json(image);
  for (const algorithm of ['sha256', 'sha384', 'sha512'] as const) {
    const right = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    assert.equal(parseDigest(right).algorithm, algorithm);
    verifyManifestBytes(bytes, MediaType.ociManifest, right, 'm');
    // A manifest pinned by this digest is not accepted with other bytes.
    assert.throws(() => verifyManifestBytes(json({ ...image, annotations: { x: 'y' } }), MediaType.ociManifest, right, 'm'), DigestMismatchError);
  }
  assert.throws(() => verifyManifestBytes(bytes, MediaType.ociManifest, `md5:${'0'.repeat(32)}`, 'm'), InvalidDigestError);
  assert.throws(() => verifyManifestBytes(bytes, MediaType.ociManifest, `sha512:${'0'.repeat(64)}`, 'm'), InvalidDigestError);
  assert.throws(() => parseDigest('constructor:x'), InvalidDigestError);
});

test('a digest from a header is used only when well formed and of a supported algorithm', () => {
  const good = d('x');
  assert.equal(headerDigest(good), good);
  assert.equal(headerDigest(` ${good} `), good);
  assert.equal(headerDigest(`sha256:${'a'.repeat(64)}/../../other/manifests/${good}`), undefined);
  assert.equal(headerDigest(`sha256:../../victim/manifests/${good}`), undefined);
  assert.equal(headerDigest(`sha1:${'a'.repeat(40)}`), undefined);
  assert.equal(headerDigest(`SHA256:${'a'.repeat(64)}`), undefined);
  assert.equal(headerDigest([good, d('y')]), undefined, 'two digest headers: neither is trusted');
  assert.equal(headerDigest(undefined), undefined);
  assert.equal(headerDigest(''), undefined);
});

test("schema 1: the digest is the payload's (signatures out), whatever signs it; tampering with the payload changes it", () => {
  const payload = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 1,
        name: 'a',
        tag: 't',
        architecture: 'amd64',
        fsLayers: [{ blobSum: d('top') }, { blobSum: d('base') }],
        history: [{ v1Compatibility: '{"id":"2","parent":"1","architecture":"amd64","os":"linux"}' }, { v1Compatibility: '{"id":"1"}' }],
      },
      null,
      3,
    ),
  );
  const one = signSchema1Payload(payload);
  const two = signSchema1Payload(payload, 2);
  assert.ok(!one.equals(two));
  const want = digestOf(payload);
  assert.deepEqual(schema1Payload(one), payload);
  assert.equal(schema1PayloadDigest(one), want);
  assert.equal(schema1PayloadDigest(two), want, 'a re-signed manifest keeps its digest');
  assert.equal(manifestDigest(one, MediaType.dockerSchema1Signed), want);
  assert.notEqual(manifestDigest(one, MediaType.dockerSchema1Signed), digestOf(one));
  assert.equal(manifestDigest(one, MediaType.dockerSchema1Signed, 'sha512'), digestOf(payload, 'sha512'));
  verifyManifestBytes(two, MediaType.dockerSchema1Signed, want, 'm');
  const tampered = Buffer.from(one.toString('utf8').replace('"amd64"', '"arm64"'));
  assert.throws(() => verifyManifestBytes(tampered, MediaType.dockerSchema1Signed, want, 'm'), DigestMismatchError);
  // What the image is comes from the payload: layers from the base up.
  assert.deepEqual(schema1Image(schema1Payload(one)).layers, [d('base'), d('top')]);
  assert.deepEqual(
    manifestRefs(one, MediaType.dockerSchema1Signed).blobs.map((b) => b.digest),
    [d('base'), d('top')],
  );
});

test('schema 1: hostile JWS framing is manifest-invalid', () => {
  const payload = Buffer.from(JSON.stringify({ schemaVersion: 1, fsLayers: [{ blobSum: d('l') }], history: [{ v1Compatibility: '{}' }] }, null, 3));
  const signed = JSON.parse(signSchema1Payload(payload, 2).toString('utf8')) as { signatures: { protected: string }[] };
  const withProtected = (...headers: unknown[]): Buffer =>
    json({
      ...JSON.parse(payload.toString('utf8')),
      signatures: headers.map((h) => ({ ...signed.signatures[0], protected: Buffer.from(JSON.stringify(h)).toString('base64url') })),
    });
  const tail = Buffer.from('\n}').toString('base64url');
  rejectsWith(() => schema1Payload(json({ schemaVersion: 1 })), 'manifest-invalid', /no signatures/);
  rejectsWith(() => schema1Payload(withProtected({ formatLength: 10 ** 9, formatTail: tail })), 'manifest-invalid', /formatLength/);
  rejectsWith(() => schema1Payload(withProtected({ formatLength: -1, formatTail: tail })), 'manifest-invalid', /formatLength/);
  rejectsWith(
    () => schema1Payload(withProtected({ formatLength: 20, formatTail: tail }, { formatLength: 21, formatTail: tail })),
    'manifest-invalid',
    /disagree on formatLength/,
  );
  rejectsWith(
    () => schema1Payload(withProtected({ formatLength: 20, formatTail: tail }, { formatLength: 20, formatTail: 'fQ' })),
    'manifest-invalid',
    /disagree on formatTail/,
  );
  rejectsWith(() => schema1Payload(withProtected({ formatLength: 20, formatTail: '!!' })), 'manifest-invalid', /base64url/);
  rejectsWith(() => schema1Payload(withProtected({ formatLength: 5, formatTail: tail })), 'manifest-invalid', /signed payload is not JSON/);
  rejectsWith(() => schema1Payload(json({ schemaVersion: 1, signatures: [{ protected: 'e30' }] })), 'manifest-invalid', /formatLength/);
});

/** An ImageSource over an in-memory set of manifests, counting fetches. */
function memorySource(manifests: Map<string, Buffer>): ImageSource & { fetches: string[] } {
  const fetches: string[] = [];
  return {
    name: 'memory',
    tag: undefined,
    fetches,
    top: () => Promise.reject(new Error('unused')),
    manifest: (desc) => {
      fetches.push(desc.digest);
      const bytes = manifests.get(desc.digest);
      if (!bytes) return Promise.reject(new Error(`no ${desc.digest}`));
      return Promise.resolve({ bytes, digest: desc.digest, mediaType: manifestMediaType(bytes, undefined), descriptor: desc });
    },
    openBlob: () => Promise.reject(new Error('unused')),
    readBlob: () => Promise.reject(new Error('unused')),
  };
}

const asManifest = (bytes: Buffer): ManifestBytes => ({ bytes, digest: digestOf(bytes), mediaType: manifestMediaType(bytes, undefined) });

test('index planning fetches and keeps a child listed 100,000 times once', async () => {
  const child = json(image);
  const childDesc: Descriptor = { mediaType: MediaType.ociManifest, digest: digestOf(child), size: child.length };
  const root = json({ schemaVersion: 2, manifests: Array.from({ length: 100_000 }, () => childDesc) });
  const source = memorySource(new Map([[childDesc.digest, child]]));
  const plan = await planCopy(source, asManifest(root), 6, undefined);
  assert.deepEqual(source.fetches, [childDesc.digest]);
  assert.equal(plan.children.length, 1);
  assert.deepEqual(plan.blobs.map((b) => b.digest).sort(), [d('c'), d('l')].sort());
});

test('index planning refuses deep nesting and more distinct manifests than the cap, before fetching them all', async () => {
  // A chain of indexes 20 deep.
  const store = new Map<string, Buffer>();
  let bottom = json(image);
  store.set(digestOf(bottom), bottom);
  let top = bottom;
  for (let i = 0; i < 20; i++) {
    const prev = top;
    top = json({
      schemaVersion: 2,
      manifests: [{ mediaType: i === 0 ? MediaType.ociManifest : MediaType.ociIndex, digest: digestOf(prev), size: prev.length }],
    });
    store.set(digestOf(top), top);
  }
  const deep = memorySource(store);
  await assert.rejects(
    planCopy(deep, asManifest(top), 2, undefined),
    (err: unknown) => err instanceof ManifestInvalidError && err.reason === 'manifest-invalid' && /nested more than 8 deep/.test(err.message),
  );
  assert.ok(deep.fetches.length <= 8, `stopped at the cap (${deep.fetches.length} fetches)`);
  // Many distinct children: refused as too-large before any child is fetched.
  const many = Array.from({ length: 50 }, (_, i) => desc(`child-${i}`));
  const wide = memorySource(new Map());
  await assert.rejects(
    planCopy(wide, asManifest(json({ schemaVersion: 2, manifests: many })), 2, undefined, { maxManifests: 10, maxDepth: 8, maxBytes: 1 << 20 }),
    (err: unknown) => err instanceof RegxError && err.reason === 'too-large' && /more than 10 distinct manifests/.test(err.message),
  );
  assert.equal(wide.fetches.length, 0);
  // The bytes held are capped too.
  const big = json({ ...image, annotations: { pad: 'x'.repeat(5000) } });
  const bigStore = new Map([[digestOf(big), big]]);
  const bytesCapped = memorySource(bigStore);
  await assert.rejects(
    planCopy(
      bytesCapped,
      asManifest(json({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, digest: digestOf(big), size: big.length }] })),
      2,
      undefined,
      { maxManifests: 10, maxDepth: 8, maxBytes: 1000 },
    ),
    (err: unknown) => err instanceof RegxError && err.reason === 'too-large',
  );
  void bottom;
  bottom = Buffer.alloc(0);
});
