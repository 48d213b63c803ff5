// Summarising what refers to an image: SBOM formats and package counts, SLSA provenance's builder,
// source and commit in the shapes BuildKit and GitHub write, in-toto statements bare, in DSSE envelopes
// and in sigstore bundles, signature key ids; and the rows the tree builds from them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cosignSignature,
  inTotoStatement,
  notationSignature,
  sbomDocument,
  summariseProvenance,
  summariseSbom,
  summariseSbomText,
} from '../../src/core/supply-chain/content';
import type { SupplyItem } from '../../src/core/supply-chain/describe';
import type { ReferrerNode } from '../../src/core/supply-chain/discover';
import { isSupplyChainTag } from '../../src/core/supply-chain/presence';
import type { ConfiguredRegistry } from '../../src/extension/registry-settings';
import { countsText, flattenRows, itemText, supplyChainRow } from '../../src/extension/supply-chain/rows';
import { hasTool } from '../harness/tools';

const hexA = 'a'.repeat(64);
const spdx = { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'team/app', packages: [{ name: 'busybox' }, { name: 'musl' }, { name: 'zlib' }] };
const cyclonedx = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  metadata: { component: { name: 'app' } },
  components: [{ name: 'a', components: [{ name: 'a1' }, { name: 'a2' }] }, { name: 'b' }],
};

test('SPDX and CycloneDX documents: format, version, name and package count (nested CycloneDX components counted)', () => {
  assert.deepEqual(summariseSbom(spdx), { format: 'SPDX', version: '2.3', name: 'team/app', packages: 3 });
  assert.deepEqual(summariseSbom(cyclonedx), { format: 'CycloneDX', version: '1.5', name: 'app', packages: 4 });
  assert.equal(summariseSbom({ hello: 'world' }), undefined);
  assert.equal(summariseSbom([spdx]), undefined);
  const text = 'SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nDocumentName: app\nPackageName: a\nPackageName: b\n';
  assert.deepEqual(summariseSbomText(text), { format: 'SPDX', version: '2.2', name: 'app', packages: 2 });
});

test('in-toto statements bare (BuildKit), in a DSSE envelope (cosign attest) and in a sigstore bundle; SBOMs unwrap from them', () => {
  const statement = { _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', subject: [], predicate: spdx };
  assert.deepEqual(inTotoStatement(statement), { predicateType: 'https://spdx.dev/Document', predicate: spdx });
  const envelope = {
    payloadType: 'application/vnd.in-toto+json',
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    signatures: [{ sig: 'x' }],
  };
  assert.deepEqual(inTotoStatement(envelope)?.predicate, spdx);
  assert.deepEqual(
    inTotoStatement({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: envelope })?.predicateType,
    'https://spdx.dev/Document',
  );
  // Another payload type in an envelope is not a statement.
  assert.equal(inTotoStatement({ payloadType: 'text/plain', payload: Buffer.from('{}').toString('base64') }), undefined);
  assert.deepEqual(JSON.parse(sbomDocument(Buffer.from(JSON.stringify(envelope))).toString('utf8')), spdx);
  const bare = Buffer.from(JSON.stringify(cyclonedx));
  assert.equal(sbomDocument(bare), bare, 'a bare SBOM opens as its own bytes');
});

test('SLSA provenance: builder, source repository and commit as BuildKit (v0.2 and v1) and GitHub (v1) write them', () => {
  const buildkit02 = {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    predicate: {
      builder: { id: 'https://github.com/example/app/actions/runs/42' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      invocation: { configSource: { entryPoint: 'Dockerfile' } },
      metadata: {
        'https://mobyproject.org/buildkit@v1#metadata': {
          vcs: { source: 'https://github.com/example/app.git', revision: 'F00DFEED00112233445566778899aabbccddeeff' },
        },
      },
    },
  };
  assert.deepEqual(summariseProvenance(buildkit02), {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    builderId: 'https://github.com/example/app/actions/runs/42',
    sourceRepository: 'https://github.com/example/app',
    commit: 'f00dfeed00112233445566778899aabbccddeeff',
  });
  const github1 = {
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/example/app', path: '.github/workflows/release.yml' } },
        resolvedDependencies: [
          { uri: 'git+https://github.com/example/app@refs/heads/main', digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' } },
        ],
      },
      runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
    },
  };
  assert.deepEqual(summariseProvenance(github1), {
    predicateType: 'https://slsa.dev/provenance/v1',
    builderId: 'https://github.com/actions/runner/github-hosted',
    sourceRepository: 'https://github.com/example/app',
    commit: '0123456789abcdef0123456789abcdef01234567',
  });
  const configSource = {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    predicate: {
      builder: { id: '' },
      invocation: { configSource: { uri: 'git+https://gitlab.example.com/team/app.git@refs/tags/v1', digest: { sha1: 'abcdef0123456' } } },
    },
  };
  assert.deepEqual(summariseProvenance(configSource), {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    builderId: undefined,
    sourceRepository: 'https://gitlab.example.com/team/app',
    commit: 'abcdef0123456',
  });
  // Hostile text is cut and stripped of control characters.
  const hostile = summariseProvenance({
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { runDetails: { builder: { id: `evil\u001b[31m${'x'.repeat(5000)}` } } },
  });
  assert.ok(hostile.builderId && hostile.builderId.length <= 303 && !hostile.builderId.includes('\u001b'));
});

test('signatures: a notation signature is named by its certificate thumbprint; a key-signed cosign signature names no signer', () => {
  assert.deepEqual(notationSignature({ 'io.cncf.notary.x509chain.thumbprint#S256': `["${hexA}"]` }, undefined), {
    scheme: 'notation',
    signer: undefined,
    keyId: `sha256:${'a'.repeat(16)}`,
  });
  assert.deepEqual(cosignSignature({ 'dev.cosignproject.cosign/signature': 'MEUCIQ==' }), { scheme: 'cosign', signer: undefined, keyId: undefined });
});

test('a keyless cosign signature names the e-mail of its certificate', { skip: hasTool('openssl') ? undefined : 'needs openssl' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'supply-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/O=sigstore.dev',
        '-addext',
        'subjectAltName=email:dev@example.com',
      ],
      { stdio: 'ignore' },
    );
    const pem = readFileSync(join(dir, 'c.pem'), 'utf8');
    const s = cosignSignature({ 'dev.sigstore.cosign/certificate': pem });
    assert.equal(s.signer, 'dev@example.com');
    assert.match(s.keyId ?? '', /^sha256:[0-9a-f]{16}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tags that hold referrers are told from ordinary tags', () => {
  for (const t of [`sha256-${hexA}`, `sha256-${hexA}.sig`, `sha256-${hexA}.att`, `sha256-${hexA}.sbom`]) assert.ok(isSupplyChainTag(t), t);
  for (const t of ['latest', 'v1.sig', `sha256-${hexA}.txt`, `sha256-${hexA.slice(1)}`, `sha256-${hexA}x`]) assert.ok(!isSupplyChainTag(t), t);
});

const registry = { host: 'r.test', label: 'r.test' } as ConfiguredRegistry;
const ref = (digest: string, storage: ReferrerNode['storage'], kind: ReferrerNode['kind'], extra: Partial<ReferrerNode> = {}): ReferrerNode => ({
  descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 },
  storage,
  kind,
  subject: 'sha256:img',
  referrers: [],
  ...extra,
});

test('rows: grouped (signatures, SBOMs, provenance, other artifacts by type), counted, each saying where it was found', () => {
  const sig = ref('sha256:sig', 'cosign-tag', 'signature', { tag: `sha256-${hexA}.sig` });
  const sbomSig = ref('sha256:sbomsig', 'referrers-tag', 'signature');
  const sbom = ref('sha256:sbom', 'referrers-tag', 'sbom', { referrers: [sbomSig] });
  const att = ref('sha256:att', 'attestation-manifest', 'attestation');
  const other = ref('sha256:other', 'referrers-api', 'artifact');
  const items = new Map<string, SupplyItem[]>([
    ['sha256:sig', [{ referrer: sig, kind: 'signature', signature: { scheme: 'cosign', signer: undefined, keyId: undefined } }]],
    ['sha256:sbomsig', [{ referrer: sbomSig, kind: 'signature', signature: { scheme: 'notation', signer: 'CN=release', keyId: 'sha256:aaaa' } }]],
    [
      'sha256:sbom',
      [
        {
          referrer: sbom,
          kind: 'sbom',
          layer: { mediaType: 'application/spdx+json', digest: 'sha256:doc', size: 9 },
          sbom: { format: 'SPDX', version: '2.3', name: 'app', packages: 1 },
          format: 'SPDX',
        },
      ],
    ],
    [
      'sha256:att',
      [
        {
          referrer: att,
          kind: 'sbom',
          layer: { mediaType: 'application/vnd.in-toto+json', digest: 'sha256:l1', size: 9 },
          sbom: { format: 'SPDX', version: '2.3', name: undefined, packages: 12 },
          format: 'SPDX',
        },
        {
          referrer: att,
          kind: 'provenance',
          provenance: {
            predicateType: 'https://slsa.dev/provenance/v0.2',
            builderId: 'https://builder.example',
            sourceRepository: 'https://github.com/example/app',
            commit: 'f00dfeed0011223344',
          },
        },
      ],
    ],
    ['sha256:other', [{ referrer: other, kind: 'artifact', artifactType: 'application/vnd.example.thing' }]],
  ]);
  const row = supplyChainRow({ id: 'tag:r.test/app:v1', registry, repository: 'app' }, 'sha256:img', [sig, sbom, att, other], items);
  assert.ok(row);
  assert.equal(row.description, '1 signature · 2 SBOMs · 1 provenance · 1 other');
  assert.deepEqual(
    row.groups.map((g) => [g.label, g.items.length]),
    [
      ['Signatures', 1],
      ['SBOMs', 2],
      ['Provenance', 1],
      ['application/vnd.example.thing', 1],
    ],
  );
  const [sigRow] = row.groups[0]!.items;
  assert.equal(sigRow!.label, 'cosign');
  assert.equal(sigRow!.description, 'unnamed key · not verified · cosign tag .sig');
  const sboms = row.groups[1]!.items;
  assert.deepEqual(
    sboms.map((s) => [s.label, s.description, s.sbomBlob]),
    [
      ['SPDX 2.3', '1 package · tag schema', 'sha256:doc'],
      ['SPDX 2.3', '12 packages · BuildKit', 'sha256:l1'],
    ],
  );
  // The SBOM's own signature hangs under it.
  assert.deepEqual(
    sboms[0]!.children.map((c) => [c.label, c.description]),
    [['notation', 'CN=release · not verified · tag schema']],
  );
  assert.equal(row.groups[2]!.items[0]!.label, 'https://builder.example');
  assert.equal(row.groups[2]!.items[0]!.description, 'https://github.com/example/app@f00dfeed0011 · BuildKit');
  assert.equal(row.groups[3]!.items[0]!.description, 'referrers API');
  assert.equal(flattenRows(row).length, 6);
  // Ids are per owner: the same image under two tags has rows of its own.
  const again = supplyChainRow({ id: 'tag:r.test/app:v2', registry, repository: 'app' }, 'sha256:img', [sig], items);
  assert.notEqual(again?.groups[0]?.items[0]?.id, sigRow!.id);
  assert.equal(supplyChainRow({ id: 'x', registry, repository: 'app' }, 'sha256:img', [], items), undefined, 'no row when nothing refers');
  assert.equal(countsText({ signatures: 2, sboms: 0, provenance: 0, attestations: 1, artifacts: 0 }), '2 signatures · 1 attestation');
  assert.match(itemText(items.get('sha256:att')![1]!).tooltip, /Commit: f00dfeed0011223344/);
});
