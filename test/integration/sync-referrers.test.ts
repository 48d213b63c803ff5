// An image a sync skips (the destination has it by digest) still gets what refers to it and is
// missing there: signatures and other referrers added at the source after the image was mirrored
// are carried on the next run, unless the config turns them off. Real Distribution on both sides,
// each behind the referrers API front (test/harness/referrers-front.ts).
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  buildImage,
  cosignSignature,
  cosignSignatureTag,
  makeTempDir,
  orasReferrer,
  pushImage,
  pushShape,
  referrersIndex,
  referrersTag,
  registryDigest,
  removeAllTempDirs,
  requireTools,
  runRegx,
  startReferrersFront,
  startRegistry,
  stopAll,
} from '../harness';
import type { ReferrersFront } from '../harness';

const fronts: ReferrersFront[] = [];
after(async () => {
  await Promise.all(fronts.map((f) => f.stop()));
  await stopAll();
  removeAllTempDirs();
});

type Event = Record<string, unknown>;

async function sync(args: string[]): Promise<Event[]> {
  const r = await runRegx(['sync', '--json', ...args], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `regx sync ${args.join(' ')}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
}

const outcome = (events: Event[]): Event[] => events.filter((e) => e.event === 'skipped' || e.event === 'copied');

test('a skipped image gets the referrers it lacks at the destination, as far as the config allows', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const fa = await startReferrersFront(a);
  const fb = await startReferrersFront(b);
  fronts.push(fa, fb);
  const built = await buildImage({ layers: 1, mediaType: 'oci' });
  await pushImage(a, 'team/app', 'v1', built);
  const first = outcome(
    await sync(['--src', 'docker', '--dest', 'docker', '--src-tls-verify=false', '--dest-tls-verify=false', `${fa.host}/team/app`, `${fb.host}/m`]),
  );
  assert.deepEqual(
    first.map((e) => e.event),
    ['copied'],
  );

  // Later, at the source: a cosign signature, a cosign attestation, and a notary signature listed by subject.
  const image = { bytes: built.manifest, digest: built.manifestDigest, mediaType: built.manifestMediaType };
  const sig = cosignSignature(a.host, 'team/app', image.digest);
  await pushShape(a, 'team/app', cosignSignatureTag(image.digest), sig);
  const attTag = cosignSignatureTag(image.digest).replace(/\.sig$/, '.att');
  const att = cosignSignature(a.host, 'team/app', image.digest);
  await pushShape(a, 'team/app', attTag, att);
  const notary = orasReferrer(image);
  await pushShape(a, 'team/app', notary.top.digest, notary);
  await pushShape(a, 'team/app', referrersTag(image.digest), { ...referrersIndex([notary]), children: [] });

  const config = (signatures: boolean, referrers: boolean): Promise<string> => {
    const file = join(makeTempDir('sync-referrers'), 'r.regx-sync.yaml');
    return writeFile(
      file,
      [
        'version: 1',
        'registries:',
        `  "${fa.host}": {tlsVerify: false}`,
        `  "${fb.host}": {tlsVerify: false}`,
        `destinations: [{registry: "${fb.host}/m"}]`,
        `sources: [{repository: ${fa.host}/team/app, signatures: ${signatures}, referrers: ${referrers}}]`,
        '',
      ].join('\n'),
    ).then(() => file);
  };
  const there = (ref: string): Promise<string | undefined> => registryDigest(b, 'm/app', ref);

  const off = outcome(await sync(['--config', await config(false, false)]));
  assert.deepEqual(
    off,
    [{ event: 'skipped', source: `docker://${fa.host}/team/app:v1`, destination: `docker://${fb.host}/m/app:v1`, digest: image.digest }],
    'referrers off: nothing carried',
  );
  assert.equal(await there(cosignSignatureTag(image.digest)), undefined);
  assert.equal(await there(notary.top.digest), undefined);

  const signaturesOnly = outcome(await sync(['--config', await config(true, false)]));
  assert.equal(signaturesOnly[0]?.event, 'skipped');
  assert.equal(signaturesOnly[0]?.referrersCarried, 2, 'the cosign and notary signatures');
  assert.equal(await there(cosignSignatureTag(image.digest)), sig.top.digest);
  assert.equal(await there(notary.top.digest), notary.top.digest);
  assert.equal(await there(attTag), undefined, 'the attestation stayed behind');

  // A config's listing leaves the referrer tags out: they are not images to sync but travel with theirs.
  const allFile = await config(true, true);
  const all = outcome(await sync(['--config', allFile]));
  assert.equal(all[0]?.event, 'skipped');
  assert.equal(all[0]?.referrersCarried, 1, 'now the attestation, and only it');
  assert.equal(await there(attTag), att.top.digest);
  const listed = (await (await fetch(`${fb.url}/v2/m/app/referrers/${image.digest}`)).json()) as { manifests: Array<{ digest: string }> };
  assert.deepEqual(
    listed.manifests.map((m) => m.digest),
    [notary.top.digest],
    "the destination's referrers API lists the carried notary signature",
  );

  const again = outcome(await sync(['--config', allFile]));
  assert.deepEqual(
    again.map((e) => [e.event, e.referrersCarried]),
    [['skipped', undefined]],
    'nothing left to carry',
  );
});
