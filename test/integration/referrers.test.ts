// What refers to an image, seen and carried: `regx referrers` and `regx copy` against real Distribution 2.8
// (no referrers API: the tag schema) and the referrers API front before another real Distribution
// (test/harness/referrers-front.ts), with cosign `.sig` tags, oras-style artifacts with a subject, the
// referrers tag schema's index and BuildKit attestation indexes built as their tools write them.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import {
  attachedArtifact,
  buildImage,
  buildkitAttestationIndex,
  cosignSignature,
  cosignSignatureTag,
  orasReferrer,
  pushBlob,
  pushImage,
  pushShape,
  referrersIndex,
  referrersTag,
  registryDigest,
  registryFetch,
  registryManifest,
  removeAllTempDirs,
  requireTools,
  run,
  runRegx,
  startReferrersFront,
  startRegistry,
  stopAll,
} from '../harness';
import type { ReferrersFront, RunResult, Shape, ShapeManifest, TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo']);
const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const fronts: ReferrersFront[] = [];

after(async () => {
  await Promise.all(fronts.map((f) => f.stop()));
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

async function front(reg: TestRegistry, opts: Parameters<typeof startReferrersFront>[1] = {}): Promise<ReferrersFront> {
  const f = await startReferrersFront(reg, opts);
  fronts.push(f);
  return f;
}

async function regx(args: string[]): Promise<RunResult> {
  const r = await runRegx(args, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `regx ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
  return r;
}

function asShape(image: Awaited<ReturnType<typeof buildImage>>): ShapeManifest {
  return { bytes: image.manifest, digest: image.manifestDigest, mediaType: image.manifestMediaType };
}

/** An OCI 1.1 SBOM artifact about `subject` (artifactType application/spdx+json, empty config), as `oras attach` writes one. */
function sbomReferrer(subject: ShapeManifest): Shape {
  const doc = Buffer.from(
    JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'app', packages: [{ name: 'zlib', versionInfo: '1.3.1' }] }),
  );
  return attachedArtifact(subject, 'application/spdx+json', 'application/spdx+json', doc, {
    annotations: { 'org.opencontainers.image.created': '2024-03-12T09:50:00Z' },
  });
}

async function getJson(reg: { url: string }, path: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(new URL(path, reg.url));
  const text = await res.text();
  return { status: res.status, headers: res.headers as unknown as Headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** A signed, attested image on `reg`: an OCI image with a cosign .sig tag, a notary signature and an SBOM in the referrers tag index, and a signature of the SBOM (a referrer of a referrer). */
async function signedImage(
  reg: TestRegistry,
  repository: string,
  tag: string,
): Promise<{ image: ShapeManifest; sig: Shape; notary: Shape; sbom: Shape; sbomSig: Shape; index: Shape }> {
  const built = await buildImage({ layers: 2, mediaType: 'oci' });
  await pushImage(reg, repository, tag, built);
  const image = asShape(built);
  const sig = cosignSignature(reg.host, repository, image.digest);
  await pushShape(reg, repository, cosignSignatureTag(image.digest), sig);
  const notary = orasReferrer(image);
  const sbom = sbomReferrer(image);
  const sbomSig = orasReferrer(sbom.top);
  for (const s of [notary, sbom, sbomSig]) await pushShape(reg, repository, s.top.digest, s);
  const index = referrersIndex([notary, sbom]);
  await pushShape(reg, repository, referrersTag(image.digest), { ...index, children: [] });
  await pushShape(reg, repository, referrersTag(sbom.top.digest), { ...referrersIndex([sbomSig]), children: [] });
  return { image, sig, notary, sbom, sbomSig, index };
}

interface JsonReferrer {
  digest: string;
  kind: string;
  storage: string;
  tag?: string;
  artifactType?: string;
  referrers: JsonReferrer[];
}
interface JsonSubject {
  digest: string;
  referrers: JsonReferrer[];
  manifests: (JsonSubject & { platform?: { architecture: string } })[];
  referrersApi?: boolean | null;
}

describe('the referrers API front follows the distribution spec', { skip: !haveTools }, () => {
  test('OCI-Subject on a push with subject, the index from what is stored, filters, paging, empty list, 400 for a bad digest', async () => {
    const reg = await startRegistry();
    const f = await front(reg, { pageSize: 1 });
    const built = await buildImage({ mediaType: 'oci' });
    const image = asShape(built);
    const viaFront = { ...reg, url: f.url, host: f.host } as TestRegistry;
    await pushImage(viaFront, 'team/app', 'v1', built);
    const notary = orasReferrer(image);
    const sbom = sbomReferrer(image);
    for (const [d, b] of [...notary.blobs, ...sbom.blobs]) await pushBlob(reg, 'team/app', d, b);
    for (const s of [notary, sbom]) {
      const res = await registryFetch(viaFront, `/v2/team/app/manifests/${s.top.digest}`, {
        method: 'PUT',
        body: s.top.bytes,
        headers: { 'content-type': s.top.mediaType },
      });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('oci-subject'), image.digest, 'the front indexed the subject');
    }
    // A push without subject gets no OCI-Subject.
    const plain = await registryFetch(viaFront, '/v2/team/app/manifests/v2', {
      method: 'PUT',
      body: image.bytes,
      headers: { 'content-type': image.mediaType },
    });
    assert.equal(plain.status, 201);
    assert.equal(plain.headers.get('oci-subject'), null);

    const first = await getJson(f, `/v2/team/app/referrers/${image.digest}`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), OCI_INDEX);
    const page1 = first.body as { schemaVersion: number; mediaType: string; manifests: JsonReferrer[] };
    assert.equal(page1.schemaVersion, 2);
    assert.equal(page1.mediaType, OCI_INDEX);
    assert.equal(page1.manifests.length, 1, 'one entry per page');
    const link = first.headers.get('link') ?? '';
    const next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
    assert.ok(next, `a Link to the next page: ${link}`);
    const page2 = (await getJson(f, next)).body as { manifests: JsonReferrer[] };
    const all = [...page1.manifests, ...page2.manifests];
    assert.deepEqual(all.map((d) => d.digest).sort(), [notary.top.digest, sbom.top.digest].sort());
    const notaryEntry = all.find((d) => d.digest === notary.top.digest) as unknown as Record<string, unknown>;
    assert.equal(notaryEntry.artifactType, 'application/vnd.cncf.notary.signature');
    assert.equal(notaryEntry.size, notary.top.bytes.length);
    assert.deepEqual(notaryEntry.annotations, (JSON.parse(notary.top.bytes.toString()) as { annotations: unknown }).annotations);

    const filtered = await getJson(f, `/v2/team/app/referrers/${image.digest}?artifactType=${encodeURIComponent('application/spdx+json')}`);
    assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
    assert.deepEqual(
      (filtered.body as { manifests: JsonReferrer[] }).manifests.map((d) => d.digest),
      [sbom.top.digest],
    );

    const none = await getJson(f, `/v2/team/app/referrers/${sbom.top.digest}`);
    assert.equal(none.status, 200, 'nothing refers: 200 with an empty index, never 404');
    assert.deepEqual(none.body, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    assert.equal((await getJson(f, '/v2/team/app/referrers/not-a-digest')).status, 400);
    // Distribution itself has no such API: 404, which clients read as "use the tag schema".
    assert.equal((await fetch(`${reg.url}/v2/team/app/referrers/${image.digest}`)).status, 404);
    // A delete the registry performs is forgotten.
    assert.equal((await fetch(`${f.url}/v2/team/app/manifests/${sbom.top.digest}`, { method: 'DELETE' })).status, 202);
    const after = await getJson(f, `/v2/team/app/referrers/${image.digest}?artifactType=${encodeURIComponent('application/spdx+json')}`);
    assert.deepEqual((after.body as { manifests: unknown[] }).manifests, []);
  });
});

describe('regx referrers', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
  });

  test('finds cosign tags, the referrers tag index (and referrers of referrers) on a registry without the API, and says where each came from', async () => {
    const s = await signedImage(reg, 'team/app', 'v1');
    const r = await regx(['referrers', '--tls-verify=false', '--json', `docker://${reg.host}/team/app:v1`]);
    const tree = JSON.parse(r.stdout) as JsonSubject;
    assert.equal(tree.digest, s.image.digest);
    assert.equal(tree.referrersApi, false, 'Distribution answered 404: no API');
    const byDigest = new Map(tree.referrers.map((x) => [x.digest, x]));
    assert.deepEqual(
      byDigest.get(s.sig.top.digest) && {
        kind: byDigest.get(s.sig.top.digest)?.kind,
        storage: byDigest.get(s.sig.top.digest)?.storage,
        tag: byDigest.get(s.sig.top.digest)?.tag,
      },
      { kind: 'signature', storage: 'cosign-tag', tag: cosignSignatureTag(s.image.digest) },
    );
    assert.equal(byDigest.get(s.notary.top.digest)?.storage, 'referrers-tag');
    assert.equal(byDigest.get(s.notary.top.digest)?.kind, 'signature');
    const sbom = byDigest.get(s.sbom.top.digest);
    assert.equal(sbom?.kind, 'sbom');
    assert.deepEqual(
      sbom?.referrers.map((x) => [x.digest, x.kind]),
      [[s.sbomSig.top.digest, 'signature']],
      "the SBOM's own signature, under it",
    );
    assert.equal(tree.referrers.length, 3);

    const text = (await regx(['referrers', '--tls-verify=false', `docker://${reg.host}/team/app:v1`])).stdout;
    assert.match(text, new RegExp(`^${reg.host}/team/app@${s.image.digest}\\n`));
    assert.match(text, new RegExp(`── \\[signature\\] ${s.sig.top.digest} cosign sig \\(cosign tag ${cosignSignatureTag(s.image.digest)}\\)`));
    assert.match(
      text,
      new RegExp(
        `── \\[sbom\\] ${s.sbom.top.digest} application/spdx\\+json \\(referrers tag schema ${referrersTag(s.image.digest)}\\)\\n│   └── \\[signature\\] ${s.sbomSig.top.digest}`,
      ),
    );

    const only = JSON.parse(
      (await regx(['referrers', '--tls-verify=false', '--json', '--artifact-type', 'application/spdx+json', `docker://${reg.host}/team/app:v1`])).stdout,
    ) as JsonSubject;
    assert.deepEqual(
      only.referrers.map((x) => x.digest),
      [s.sbom.top.digest],
    );
  });

  test('inspect --referrers adds them to the summary, which is otherwise the same; plain inspect is unchanged', async () => {
    const s = await signedImage(reg, 'team/insp', 'v1');
    const plain = (await regx(['inspect', '--tls-verify=false', `docker://${reg.host}/team/insp:v1`])).stdout;
    assert.ok(!('Referrers' in (JSON.parse(plain) as object)), 'no Referrers without the flag');
    const withRefs = JSON.parse((await regx(['inspect', '--tls-verify=false', '--referrers', `docker://${reg.host}/team/insp:v1`])).stdout) as Record<
      string,
      unknown
    >;
    const refs = withRefs.Referrers as { Subject: string; Digest: string; Kind: string; Storage: string; Tag?: string }[];
    delete withRefs.Referrers;
    assert.deepEqual(withRefs, JSON.parse(plain));
    assert.deepEqual(
      refs.map((r) => [r.Subject, r.Digest, r.Kind, r.Storage]).sort(),
      [
        [s.image.digest, s.sig.top.digest, 'signature', 'cosign-tag'],
        [s.image.digest, s.notary.top.digest, 'signature', 'referrers-tag'],
        [s.image.digest, s.sbom.top.digest, 'sbom', 'referrers-tag'],
        [s.sbom.top.digest, s.sbomSig.top.digest, 'signature', 'referrers-tag'],
      ].sort(),
    );
    const refused = await runRegx(['inspect', '--tls-verify=false', '--referrers', '--raw', `docker://${reg.host}/team/insp:v1`]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--referrers adds to the JSON summary/);
  });

  test('an index: BuildKit attestations under the platform they describe, each platform with its own referrers', async () => {
    const shape = await buildkitAttestationIndex();
    await pushShape(reg, 'team/bk', 'v1', shape);
    const amd64 = shape.images[0] as ShapeManifest;
    const sig = cosignSignature(reg.host, 'team/bk', amd64.digest);
    await pushShape(reg, 'team/bk', cosignSignatureTag(amd64.digest), sig);
    const tree = JSON.parse((await regx(['referrers', '--tls-verify=false', '--json', `docker://${reg.host}/team/bk:v1`])).stdout) as JsonSubject;
    assert.deepEqual(tree.referrers, [], 'nothing refers to the index itself');
    assert.deepEqual(
      tree.manifests.map((m) => m.digest),
      shape.images.map((m) => m.digest),
      'attestations are not platforms',
    );
    const first = tree.manifests[0] as JsonSubject;
    assert.deepEqual(
      first.referrers.map((x) => [x.digest, x.kind, x.storage]).sort(),
      [
        [shape.attestations[0]?.digest, 'attestation', 'attestation-manifest'],
        [sig.top.digest, 'signature', 'cosign-tag'],
      ].sort(),
    );
    assert.deepEqual(
      tree.manifests[1]?.referrers.map((x) => [x.digest, x.storage]),
      [[shape.attestations[1]?.digest, 'attestation-manifest']],
    );
  });

  test('through the referrers API: storage named, no tag schema read, filtered by the registry', async () => {
    const back = await startRegistry();
    const f = await front(back);
    const viaFront = { ...back, url: f.url, host: f.host } as TestRegistry;
    const built = await buildImage({ mediaType: 'oci' });
    await pushImage(viaFront, 'team/api', 'v1', built);
    const notary = orasReferrer(asShape(built));
    const sbom = sbomReferrer(asShape(built));
    for (const s of [notary, sbom]) await pushShape(viaFront, 'team/api', s.top.digest, s);
    const tree = JSON.parse((await regx(['referrers', '--tls-verify=false', '--json', `docker://${f.host}/team/api:v1`])).stdout) as JsonSubject;
    assert.equal(tree.referrersApi, true);
    assert.deepEqual(
      tree.referrers.map((x) => [x.digest, x.storage]).sort(),
      [
        [notary.top.digest, 'referrers-api'],
        [sbom.top.digest, 'referrers-api'],
      ].sort(),
    );
    assert.equal(f.count('GET', /\/manifests\/sha256-/), 0, 'the tag schema is not read when the API answers');
    const before = f.log.length;
    const only = JSON.parse(
      (await regx(['referrers', '--tls-verify=false', '--json', '--artifact-type', 'application/vnd.cncf.notary.signature', `docker://${f.host}/team/api:v1`]))
        .stdout,
    ) as JsonSubject;
    assert.deepEqual(
      only.referrers.map((x) => x.digest),
      [notary.top.digest],
    );
    assert.ok(
      f.log.slice(before).some((e) => e.path.includes('artifactType=application%2Fvnd.cncf.notary.signature')),
      'the filter went to the registry',
    );
  });
});

describe('regx copy carries what refers to the image', { skip: !haveTools }, () => {
  let src: TestRegistry;
  before(async () => {
    src = await startRegistry();
  });

  test('registry without the API to one without: cosign tag and tag index byte for byte, referrers of referrers, and a re-run pushes nothing', async () => {
    const s = await signedImage(src, 'team/app', 'v1');
    const dst = await startRegistry();
    const pd = await startFaultProxy({ target: dst.host });
    const r = await regx(['copy', ...insecure, `docker://${src.host}/team/app:v1`, `docker://${pd.host}/mirror/app:v1`]);
    assert.match(r.stdout, /4 referrers carried \(3 in the referrers tag index, 1 as cosign tags\)/);
    assert.equal(await registryDigest(dst, 'mirror/app', 'v1'), s.image.digest);
    assert.equal(await registryDigest(dst, 'mirror/app', cosignSignatureTag(s.image.digest)), s.sig.top.digest, 'the .sig tag, same digest');
    assert.deepEqual(await registryManifest(dst, 'mirror/app', referrersTag(s.image.digest)), s.index.top.bytes, "the tag index, the source's bytes");
    for (const x of [s.notary, s.sbom, s.sbomSig]) assert.deepEqual(await registryManifest(dst, 'mirror/app', x.top.digest), x.top.bytes);
    assert.equal(
      await registryDigest(dst, 'mirror/app', referrersTag(s.sbom.top.digest)),
      (await registryDigest(src, 'team/app', referrersTag(s.sbom.top.digest))) ?? 'missing',
    );
    // The tag is written last: after every referrer.
    const puts = pd.log.filter((e) => e.method === 'PUT' && e.path.includes('/manifests/')).map((e) => e.path.split('/manifests/')[1]);
    assert.equal(puts.at(-1), 'v1');
    assert.ok(puts.indexOf(s.image.digest) >= 0 && puts.indexOf(s.image.digest) < puts.indexOf(s.notary.top.digest), 'the subject went before its referrers');

    const before = pd.log.length;
    const again = await regx(['copy', ...insecure, `docker://${src.host}/team/app:v1`, `docker://${pd.host}/mirror/app:v1`]);
    assert.match(again.stdout, /nothing to copy; 4 already there/);
    const writes = pd.log.slice(before).filter((e) => e.method !== 'GET' && e.method !== 'HEAD');
    assert.deepEqual(writes, [], 'a re-run writes nothing');
  });

  test('registry without the API to one with it: referrers indexed by the registry (OCI-Subject), no tag index written; a re-run pushes nothing', async () => {
    const s = await signedImage(src, 'team/toapi', 'v1');
    const back = await startRegistry();
    const f = await front(back);
    const r = await regx(['copy', ...insecure, `docker://${src.host}/team/toapi:v1`, `docker://${f.host}/mirror/app:v1`]);
    assert.match(r.stdout, /4 referrers carried \(3 via the referrers API, 1 as cosign tags\)/);
    assert.equal(await registryDigest(back, 'mirror/app', referrersTag(s.image.digest)), undefined, 'no tag schema index where the API is');
    const listed = (await getJson(f, `/v2/mirror/app/referrers/${s.image.digest}`)).body as { manifests: JsonReferrer[] };
    assert.deepEqual(listed.manifests.map((d) => d.digest).sort(), [s.notary.top.digest, s.sbom.top.digest].sort());
    const ofSbom = (await getJson(f, `/v2/mirror/app/referrers/${s.sbom.top.digest}`)).body as { manifests: JsonReferrer[] };
    assert.deepEqual(
      ofSbom.manifests.map((d) => d.digest),
      [s.sbomSig.top.digest],
    );
    assert.equal(await registryDigest(back, 'mirror/app', cosignSignatureTag(s.image.digest)), s.sig.top.digest);
    const before = f.log.length;
    await regx(['copy', ...insecure, `docker://${src.host}/team/toapi:v1`, `docker://${f.host}/mirror/app:v1`]);
    assert.deepEqual(
      f.log.slice(before).filter((e) => e.method === 'PUT' || e.method === 'POST' || e.method === 'PATCH'),
      [],
      'a re-run pushes nothing',
    );

    // And back from the API to a registry without it: the tag schema at the far end.
    const far = await startRegistry();
    await regx(['copy', ...insecure, `docker://${f.host}/mirror/app:v1`, `docker://${far.host}/far/app:v1`]);
    const farIndex = JSON.parse((await registryManifest(far, 'far/app', referrersTag(s.image.digest))).toString()) as { manifests: JsonReferrer[] };
    assert.deepEqual(farIndex.manifests.map((d) => d.digest).sort(), [s.notary.top.digest, s.sbom.top.digest].sort());
    assert.equal(farIndex.manifests.find((d) => d.digest === s.sbom.top.digest)?.artifactType, 'application/spdx+json');
  });

  test('the tag index is read again right before it is written: a referrer another client listed meanwhile is kept', async () => {
    const s = await signedImage(src, 'team/race', 'v1');
    const dst = await startRegistry();
    // Another client's artifact about the same image, already at the destination.
    const theirs = orasReferrer(s.image);
    await pushShape(dst, 'm/app', theirs.top.digest, theirs);
    const tagPath = new RegExp(`/v2/m/app/manifests/${referrersTag(s.image.digest)}$`);
    let reads = 0;
    const pd = await startFaultProxy({
      target: dst.host,
      rules: [
        {
          method: 'GET',
          path: tagPath,
          times: Infinity,
          action: {
            kind: 'hook',
            // The first read is made while the blobs move, the second is regx's re-read before its write: the
            // other client writes its index just then.
            run: async () => {
              if (++reads === 2) await pushShape(dst, 'm/app', referrersTag(s.image.digest), { ...referrersIndex([theirs]), children: [], blobs: new Map() });
            },
          },
        },
      ],
    });
    await regx(['copy', ...insecure, `docker://${src.host}/team/race:v1`, `docker://${pd.host}/m/app:v1`]);
    const index = JSON.parse((await registryManifest(dst, 'm/app', referrersTag(s.image.digest))).toString()) as { manifests: JsonReferrer[] };
    assert.deepEqual(
      index.manifests.map((d) => d.digest).sort(),
      [theirs.top.digest, s.notary.top.digest, s.sbom.top.digest].sort(),
      'theirs and ours, none lost',
    );
    assert.ok(reads >= 4, `read, re-read (changed), read, re-read, then written (${reads} reads)`);
  });

  test('--remove-signatures leaves signatures behind, --no-referrers the other artifacts', async () => {
    const s = await signedImage(src, 'team/flags', 'v1');
    const a = await startRegistry();
    const r = await regx(['copy', ...insecure, '--remove-signatures', `docker://${src.host}/team/flags:v1`, `docker://${a.host}/m/app:v1`]);
    assert.match(r.stdout, /1 referrer carried \(1 in the referrers tag index\), 3 left behind/);
    assert.equal(await registryDigest(a, 'm/app', cosignSignatureTag(s.image.digest)), undefined);
    const idx = JSON.parse((await registryManifest(a, 'm/app', referrersTag(s.image.digest))).toString()) as { manifests: JsonReferrer[] };
    assert.deepEqual(
      idx.manifests.map((d) => d.digest),
      [s.sbom.top.digest],
      'the SBOM only, without its signature',
    );
    assert.equal(await registryDigest(a, 'm/app', s.notary.top.digest), undefined);
    assert.equal(await registryDigest(a, 'm/app', referrersTag(s.sbom.top.digest)), undefined);

    const b = await startRegistry();
    await regx(['copy', ...insecure, '--no-referrers', `docker://${src.host}/team/flags:v1`, `docker://${b.host}/m/app:v1`]);
    assert.equal(await registryDigest(b, 'm/app', cosignSignatureTag(s.image.digest)), s.sig.top.digest);
    const idxB = JSON.parse((await registryManifest(b, 'm/app', referrersTag(s.image.digest))).toString()) as { manifests: JsonReferrer[] };
    assert.deepEqual(
      idxB.manifests.map((d) => d.digest),
      [s.notary.top.digest],
    );
    assert.equal(await registryDigest(b, 'm/app', s.sbom.top.digest), undefined, 'the SBOM (and so its signature) stayed behind');
  });

  test('an index: per-platform referrers travel, BuildKit attestations inside the index', async () => {
    const shape = await buildkitAttestationIndex();
    await pushShape(src, 'team/bk', 'v1', shape);
    const arm64 = shape.images[1] as ShapeManifest;
    const sig = cosignSignature(src.host, 'team/bk', arm64.digest);
    await pushShape(src, 'team/bk', cosignSignatureTag(arm64.digest), sig);
    const notary = orasReferrer(shape.images[0] as ShapeManifest);
    await pushShape(src, 'team/bk', notary.top.digest, notary);
    await pushShape(src, 'team/bk', referrersTag(shape.images[0]?.digest as string), { ...referrersIndex([notary]), children: [] });
    const dst = await startRegistry();
    await regx(['copy', ...insecure, `docker://${src.host}/team/bk:v1`, `docker://${dst.host}/m/bk:v1`]);
    assert.equal(await registryDigest(dst, 'm/bk', 'v1'), shape.top.digest);
    for (const att of shape.attestations) assert.equal(await registryDigest(dst, 'm/bk', att.digest), att.digest);
    assert.equal(await registryDigest(dst, 'm/bk', cosignSignatureTag(arm64.digest)), sig.top.digest);
    assert.equal(await registryDigest(dst, 'm/bk', notary.top.digest), notary.top.digest);
    assert.ok(await registryDigest(dst, 'm/bk', referrersTag(shape.images[0]?.digest as string)));
  });

  test('a referrer that cannot be carried fails the copy, says what was copied, and leaves no tag', async () => {
    const s = await signedImage(src, 'team/fail', 'v1');
    const dst = await startRegistry();
    const pd = await startFaultProxy({
      target: dst.host,
      rules: [
        {
          method: 'PUT',
          path: new RegExp(`/manifests/${s.notary.top.digest}$`),
          action: { kind: 'status', status: 403, body: '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}' },
          times: Infinity,
        },
      ],
    });
    const r = await runRegx(['copy', ...insecure, `docker://${src.host}/team/fail:v1`, `docker://${pd.host}/m/app:v1`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`carrying signature ${s.notary.top.digest} \\(referrer of ${s.image.digest}\\) to .* failed: .*denied`));
    assert.match(r.stderr, /referrers carried before it\); the image's blobs and manifests are at .* but it was not tagged/);
    assert.equal(await registryDigest(dst, 'm/app', 'v1'), undefined, 'no tag');
    // Without the signatures the same copy goes through.
    await regx(['copy', ...insecure, '--remove-signatures', `docker://${src.host}/team/fail:v1`, `docker://${pd.host}/m/app:v1`]);
    assert.equal(await registryDigest(dst, 'm/app', 'v1'), s.image.digest);
  });

  test('a copy that rewrites the image refuses to leave its referrers pointing nowhere', async () => {
    await signedImage(src, 'team/conv', 'v1');
    const dst = await startRegistry();
    const r = await runRegx(['copy', ...insecure, '--format=v2s2', `docker://${src.host}/team/conv:v1`, `docker://${dst.host}/m/app:v1`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /4 referrers .* name the image's digests, which this copy changes/);
    assert.match(r.stderr, /leave them behind with --remove-signatures and --no-referrers/, 'the hint names the flags');
    assert.equal(await registryDigest(dst, 'm/app', 'v1'), undefined);
    await regx([
      'copy',
      ...insecure,
      '--format=v2s2',
      '--remove-signatures',
      '--no-referrers',
      `docker://${src.host}/team/conv:v1`,
      `docker://${dst.host}/m/app:v1`,
    ]);
    assert.ok(await registryDigest(dst, 'm/app', 'v1'));
  });

  test('skopeo 1.9.3 copies a cosign .sig tag as a plain image, with the digest regx carries it with; its image copy leaves it behind', async (t) => {
    if (!requireTools(t, ['skopeo'])) return;
    const s = await signedImage(src, 'team/sk', 'v1');
    const sigTag = cosignSignatureTag(s.image.digest);
    const viaSkopeo = await startRegistry();
    const image = await run('skopeo', ['copy', ...insecure, `docker://${src.host}/team/sk:v1`, `docker://${viaSkopeo.host}/m/app:v1`]);
    assert.equal(image.code, 0, image.stderr);
    assert.equal(await registryDigest(viaSkopeo, 'm/app', sigTag), undefined, 'skopeo copied the image alone');
    const sigCopy = await run('skopeo', ['copy', ...insecure, `docker://${src.host}/team/sk:${sigTag}`, `docker://${viaSkopeo.host}/m/app:${sigTag}`]);
    assert.equal(sigCopy.code, 0, sigCopy.stderr);
    const viaRegx = await startRegistry();
    await regx(['copy', ...insecure, `docker://${src.host}/team/sk:v1`, `docker://${viaRegx.host}/m/app:v1`]);
    assert.equal(await registryDigest(viaSkopeo, 'm/app', sigTag), s.sig.top.digest);
    assert.equal(await registryDigest(viaRegx, 'm/app', sigTag), s.sig.top.digest);
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${viaRegx.host}/m/app:${sigTag}`]);
    assert.equal(raw.stdout, s.sig.top.bytes.toString(), 'skopeo reads the carried .sig byte for byte');
  });
});
