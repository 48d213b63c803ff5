// Names and kinds of referrers: the tag schema's tag as the distribution spec defines it (its own
// examples), cosign's tags, what kind a referrer is, and the descriptor a referrers list holds for one.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cosignTagFor, referrerDescriptor, referrerKind, referrersTagFor, subjectOf } from '../../src/core/supply-chain/kinds';

const a64 = 'a'.repeat(64);

test("the referrers tag: algorithm, dash, encoded part cut to 64 characters (the spec's sha256 and sha512 rows)", () => {
  assert.equal(referrersTagFor(`sha256:${a64}`), `sha256-${a64}`);
  assert.equal(referrersTagFor(`sha512:${'a'.repeat(128)}`), `sha512-${a64}`);
  assert.throws(() => referrersTagFor('sha256:../../etc'), /digest/i);
});

test('cosign tags name the digest with a suffix', () => {
  assert.equal(cosignTagFor(`sha256:${a64}`, 'sig'), `sha256-${a64}.sig`);
  assert.equal(cosignTagFor(`sha256:${a64}`, 'att'), `sha256-${a64}.att`);
  assert.equal(cosignTagFor(`sha256:${a64}`, 'sbom'), `sha256-${a64}.sbom`);
});

test('kinds: cosign suffixes, notary and cosign signatures, sigstore bundles by predicate, SBOM and attestation types', () => {
  const m = 'application/vnd.oci.image.manifest.v1+json';
  assert.equal(referrerKind({ mediaType: m }, 'cosign-tag', 'sig'), 'signature');
  assert.equal(referrerKind({ mediaType: m }, 'cosign-tag', 'att'), 'attestation');
  assert.equal(referrerKind({ mediaType: m }, 'cosign-tag', 'sbom'), 'sbom');
  assert.equal(referrerKind({ mediaType: m, artifactType: 'application/vnd.cncf.notary.signature' }, 'referrers-api'), 'signature');
  assert.equal(referrerKind({ mediaType: m, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }, 'referrers-tag'), 'signature');
  const bundle = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  assert.equal(
    referrerKind(
      { mediaType: m, artifactType: bundle, annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' } },
      'referrers-api',
    ),
    'signature',
  );
  assert.equal(
    referrerKind(
      { mediaType: m, artifactType: bundle, annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' } },
      'referrers-api',
    ),
    'attestation',
  );
  assert.equal(
    referrerKind({ mediaType: m, artifactType: bundle, annotations: { 'dev.sigstore.bundle.predicateType': 'https://spdx.dev/Document' } }, 'referrers-api'),
    'sbom',
  );
  assert.equal(referrerKind({ mediaType: m, artifactType: 'application/spdx+json' }, 'referrers-api'), 'sbom');
  assert.equal(referrerKind({ mediaType: m, artifactType: 'application/vnd.cyclonedx+json' }, 'referrers-api'), 'sbom');
  assert.equal(referrerKind({ mediaType: m, artifactType: 'application/vnd.in-toto+json' }, 'referrers-api'), 'attestation');
  assert.equal(referrerKind({ mediaType: m }, 'attestation-manifest'), 'attestation');
  assert.equal(referrerKind({ mediaType: m, artifactType: 'application/vnd.example.thing' }, 'referrers-api'), 'artifact');
});

test('a referrers list entry: artifactType, else the config media type for an image manifest, none for an index; annotations kept', () => {
  const withType = Buffer.from(
    JSON.stringify({ schemaVersion: 2, artifactType: 'application/x.t', config: { mediaType: 'application/vnd.oci.empty.v1+json' }, annotations: { a: 'b' } }),
  );
  assert.deepEqual(referrerDescriptor(withType, 'application/vnd.oci.image.manifest.v1+json', `sha256:${a64}`), {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${a64}`,
    size: withType.length,
    artifactType: 'application/x.t',
    annotations: { a: 'b' },
  });
  const noType = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/x.config' } }));
  assert.equal(referrerDescriptor(noType, 'application/vnd.oci.image.manifest.v1+json', `sha256:${a64}`).artifactType, 'application/x.config');
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }));
  assert.equal(referrerDescriptor(index, 'application/vnd.oci.image.index.v1+json', `sha256:${a64}`).artifactType, undefined);
});

test('subject: only a well-formed digest counts', () => {
  assert.equal(subjectOf(Buffer.from(JSON.stringify({ subject: { digest: `sha256:${a64}` } }))), `sha256:${a64}`);
  assert.equal(subjectOf(Buffer.from(JSON.stringify({ subject: { digest: 'sha256:../x' } }))), undefined);
  assert.equal(subjectOf(Buffer.from('not json')), undefined);
});
