// regx tag (manifest only), regx delete (by digest, every sharing tag goes), the no-op copy's request
// count and SIGINT cancellation, on real Distribution registries with the fault proxy as a request log.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { buildImage, pushImage, registryFetch, regxBundle, removeAllTempDirs, requireTools, runRegx, startRegistry, stopAll } from '../harness';
import type { TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import type { FaultProxy } from '../harness/fault-proxy';

after(async () => {
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

const proxied = (reg: TestRegistry): Promise<FaultProxy> => startFaultProxy({ target: reg.host });

const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
async function digestAt(reg: TestRegistry, repo: string, ref: string): Promise<string | null> {
  const res = await registryFetch(reg, `/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

test('regx tag PUTs the manifest under each new tag and moves no blob', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const image = await buildImage({ layers: 2, layerSize: 8192 });
  await pushImage(a, 'team/app', 'v1', image);
  const pa = await proxied(a);
  const r = await runRegx(['tag', '--tls-verify=false', `docker://${pa.host}/team/app:v1`, 'v2', `docker://${pa.host}/team/app:stable`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await digestAt(a, 'team/app', 'v2'), image.manifestDigest);
  assert.equal(await digestAt(a, 'team/app', 'stable'), image.manifestDigest);
  assert.equal(pa.count(undefined, /\/blobs\//), 0, 'no blob request at all');
  assert.equal(pa.count('PUT', /\/manifests\//), 2);
  const other = await runRegx(['tag', '--tls-verify=false', `docker://${pa.host}/team/app:v1`, `docker://${pa.host}/other/app:v1`]);
  assert.equal(other.code, 2, 'a tag in another repository is a copy, not a tag');
});

test('regx delete removes the image and every tag sharing its digest, and says which', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const one = await buildImage({ layers: 1 });
  const two = await buildImage({ layers: 1 });
  await pushImage(a, 'team/app', 'v1', one);
  await pushImage(a, 'team/app', 'latest', one);
  await pushImage(a, 'team/app', 'v2', two);
  const r = await runRegx(['delete', '--tls-verify=false', `docker://${a.host}/team/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Deleted .*${one.manifestDigest}`));
  assert.match(r.stdout, /gone too: latest/);
  assert.equal(await digestAt(a, 'team/app', 'v1'), null);
  assert.equal(await digestAt(a, 'team/app', 'latest'), null);
  assert.equal(await digestAt(a, 'team/app', 'v2'), two.manifestDigest, 'an image with another digest stays');
  const again = await runRegx(['delete', '--tls-verify=false', `docker://${a.host}/team/app:v1`]);
  assert.equal(again.code, 2, 'not found is exit 2');
  assert.match(again.stderr, /no such image/);
});

test('deletion disabled on the registry: the message says so and names the setting', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry({ deleteEnabled: false });
  const image = await buildImage({ layers: 1 });
  await pushImage(a, 'team/app', 'v1', image);
  const r = await runRegx(['delete', '--tls-verify=false', `docker://${a.host}/team/app:v1`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /deletion is disabled on this registry/);
  assert.match(r.stderr, /storage\.delete\.enabled: true/);
  assert.match(r.stderr, /REGISTRY_STORAGE_DELETE_ENABLED=true/);
  assert.equal(await digestAt(a, 'team/app', 'v1'), image.manifestDigest);
});

test('a no-op copy costs its manifest and a look for referrers at the source, one HEAD at the destination, and writes nothing', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const image = await buildImage({ layers: 4, layerSize: 4096 });
  await pushImage(a, 'team/app', 'v1', image);
  const args = ['copy', '--src-tls-verify=false', '--dest-tls-verify=false'];
  const pa = await proxied(a);
  const pb = await proxied(b);
  assert.equal((await runRegx([...args, `docker://${pa.host}/team/app:v1`, `docker://${pb.host}/prod/app:v1`])).code, 0);
  const beforeA = pa.log.length;
  const beforeB = pb.log.length;
  const r = await runRegx([...args, `docker://${pa.host}/team/app:v1`, `docker://${pb.host}/prod/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /nothing to copy/);
  const src = pa.log.slice(beforeA).map((e) => `${e.method} ${e.path}`);
  const dst = pb.log.slice(beforeB).map((e) => `${e.method} ${e.path}`);
  // Plain-HTTP registries (they answer the TLS probe in plain HTTP, which the proxy does not log):
  // no /v2/ ping either, the first real request is enough.
  // What refers to the image is looked for at the source (the referrers API, which Distribution lacks,
  // then its tags for the tag schema and cosign tags); with nothing there, the destination is not asked.
  assert.equal(src[0], 'GET /v2/team/app/manifests/v1', 'source: the manifest first');
  // The two looks go at once, in either order.
  assert.deepEqual(src.slice(1).sort(), [`GET /v2/team/app/referrers/${image.manifestDigest}`, 'GET /v2/team/app/tags/list?n=1000'], 'then its referrers');
  assert.deepEqual(dst, ['HEAD /v2/prod/app/manifests/v1'], 'destination: one HEAD');
  // Told to leave referrers behind, the no-op is one request on each side.
  const lean = await runRegx([...args, '--remove-signatures', '--no-referrers', `docker://${pa.host}/team/app:v1`, `docker://${pb.host}/prod/app:v1`]);
  assert.equal(lean.code, 0, lean.stderr);
  assert.deepEqual(
    pa.log.slice(beforeA + src.length).map((e) => `${e.method} ${e.path}`),
    ['GET /v2/team/app/manifests/v1'],
  );
  assert.deepEqual(
    pb.log.slice(beforeB + dst.length).map((e) => `${e.method} ${e.path}`),
    ['HEAD /v2/prod/app/manifests/v1'],
  );
});

test('SIGINT in the middle of a copy stops it cleanly and leaves no tag', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const image = await buildImage({ layers: 4, layerSize: 300 * 1024 });
  await pushImage(a, 'team/app', 'v1', image);
  const pb = await proxied(b);
  const proc: { child?: ReturnType<typeof spawn> } = {};
  let interrupted = false;
  // When the first blob upload arrives, interrupt regx (the request is then held until regx drops it).
  pb.addRule({
    method: 'PUT',
    path: /\/blobs\/uploads\//,
    action: {
      kind: 'hook',
      run: async () => {
        interrupted = proc.child?.kill('SIGINT') ?? false;
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
    },
  });
  const child = (proc.child = spawn(
    process.execPath,
    [regxBundle, 'copy', '--jobs=1', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${a.host}/team/app:v1`, `docker://${pb.host}/prod/app:v1`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.ok(interrupted, 'the signal was sent mid-copy');
  assert.equal(code, 130, stderr);
  assert.match(stderr, /cancelled/);
  assert.equal(await digestAt(b, 'prod/app', 'v1'), null, 'no tag');
  assert.equal(pb.count('PUT', /\/manifests\//), 0, 'no manifest was pushed');
});
