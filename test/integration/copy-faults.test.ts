// Copies through the fault proxy between real Distribution registries: a connection cut mid-blob, a
// flipped byte, 5xx/429 with Retry-After, and the destination registry dying mid-copy. Each must end
// in a complete image (same digest as the source) or a clear error with nothing tagged.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { buildImage, pushImage, registryFetch, removeAllTempDirs, requireTools, runRegx, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import type { FaultProxy } from '../harness/fault-proxy';

after(async () => {
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

const proxy = (reg: TestRegistry): Promise<FaultProxy> => startFaultProxy({ target: reg.host });

const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];

async function seeded(layers = 4, layerSize = 256 * 1024): Promise<{ reg: TestRegistry; image: BuiltImage }> {
  const reg = await startRegistry();
  const image = await buildImage({ layers, layerSize, mediaType: 'oci' });
  await pushImage(reg, 'src/app', 'v1', image);
  return { reg, image };
}

async function manifestStatus(reg: TestRegistry, repo: string, ref: string): Promise<number> {
  return (await registryFetch(reg, `/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } }))
    .status;
}

async function servedDigest(reg: TestRegistry, repo: string, ref: string): Promise<string | null> {
  const res = await registryFetch(reg, `/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  return res.headers.get('docker-content-digest');
}

const biggestLayer = (image: BuiltImage): string => [...image.layers].sort((a, b) => b.size - a.size)[0]?.digest as string;

test('(a) a connection cut in the middle of a blob is retried and the copy completes with the same digest', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const { reg: a, image } = await seeded();
  const b = await startRegistry();
  const pa = await proxy(a);
  const layer = biggestLayer(image);
  pa.addRule({ method: 'GET', path: new RegExp(`/blobs/${layer}$`), action: { kind: 'cut' } });
  const r = await runRegx(['copy', ...insecure, `docker://${pa.host}/src/app:v1`, `docker://${b.host}/dst/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(pa.log.filter((e) => e.path.endsWith(layer) && e.method === 'GET').length, 2, 'the cut blob was fetched again');
  assert.equal(pa.log.find((e) => e.path.endsWith(layer))?.fault, 'cut', 'the first GET really was cut');
  assert.equal(await servedDigest(b, 'dst/app', 'v1'), image.manifestDigest);
});

test('(b) one flipped byte fails the copy with a digest mismatch naming the blob, and nothing is left at the destination', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const { reg: a, image } = await seeded();
  const b = await startRegistry();
  const pa = await proxy(a);
  const layer = biggestLayer(image);
  pa.addRule({ method: 'GET', path: new RegExp(`/blobs/${layer}$`), action: { kind: 'flip' }, times: Infinity });
  const r = await runRegx(['copy', ...insecure, `docker://${pa.host}/src/app:v1`, `docker://${b.host}/dst/app:v1`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /digest mismatch/);
  assert.ok(r.stderr.includes(layer), `the error names the blob: ${r.stderr}`);
  assert.equal(await manifestStatus(b, 'dst/app', 'v1'), 404, 'no tag');
  assert.equal(await manifestStatus(b, 'dst/app', image.manifestDigest), 404, 'no manifest');
  assert.equal((await registryFetch(b, `/v2/dst/app/blobs/${layer}`, { method: 'HEAD' })).status, 404, 'the bad blob was never committed');
});

test('(c) 500 and 429 with Retry-After are waited out and the copy completes', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const { reg: a, image } = await seeded(2);
  const b = await startRegistry();
  const pa = await proxy(a);
  const pb = await proxy(b);
  pa.addRule({ method: 'GET', path: /\/manifests\/v1$/, action: { kind: 'status', status: 500 }, times: 2 });
  pa.addRule({ method: 'GET', path: /\/blobs\/sha256:/, action: { kind: 'status', status: 429, retryAfter: 1 }, times: 2 });
  pb.addRule({ method: 'POST', path: /\/blobs\/uploads\//, action: { kind: 'status', status: 503, retryAfter: 1 }, times: 1 });
  pb.addRule({ method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, action: { kind: 'status', status: 500 }, times: 1 });
  const r = await runRegx(['copy', ...insecure, `docker://${pa.host}/src/app:v1`, `docker://${pb.host}/dst/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  const injected = [...pa.log, ...pb.log].filter((e) => e.fault === 'status').map((e) => e.status);
  assert.deepEqual(injected.sort(), [429, 429, 500, 500, 500, 503], 'every injected answer was met (and retried past)');
  assert.equal(await servedDigest(b, 'dst/app', 'v1'), image.manifestDigest);
});

test('the destination killed mid-copy: an error and no tag; restarted, the same command completes, skipping blobs already there', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const { reg: a, image } = await seeded(6);
  const b = await startRegistry();
  const pb = await proxy(b);
  let uploads = 0;
  // Kill the registry when the fourth blob upload starts: three are in (or finishing), the rest never start.
  pb.addRule({
    method: 'PUT',
    path: /\/blobs\/uploads\//,
    times: Infinity,
    action: {
      kind: 'hook',
      run: async () => {
        if (++uploads === 4) await b.stop();
      },
    },
  });
  const args = ['copy', '--jobs=1', ...insecure, `docker://${a.host}/src/app:v1`, `docker://${pb.host}/dst/app:v1`];
  const first = await runRegx(args);
  assert.notEqual(first.code, 0);
  assert.match(first.stderr, /cannot reach|closed|reset|refused|socket/i);
  await b.restart();
  assert.equal(await manifestStatus(b, 'dst/app', 'v1'), 404, 'the failed copy left no tag');
  pb.clearRules();
  const before = pb.log.length;
  const second = await runRegx(args);
  assert.equal(second.code, 0, second.stderr);
  const secondRun = pb.log.slice(before);
  const put = secondRun.filter((e) => e.method === 'PUT' && e.path.includes('/blobs/uploads/')).length;
  const skipped = secondRun.filter((e) => e.method === 'HEAD' && e.path.includes('/blobs/') && e.status === 200).length;
  assert.ok(skipped >= 3, `blobs that made it the first time are skipped (${skipped} skipped)`);
  assert.equal(put + skipped, image.blobs.size, 'every other blob was uploaded');
  assert.match(second.stdout, new RegExp(`${skipped} already there`));
  assert.equal(await servedDigest(b, 'dst/app', 'v1'), image.manifestDigest);
});

// Distribution's answer when a manifest PUT reads a blob link that another client is rewriting (the link file
// is truncated, then written): the blob is there, the answer says it is not.
const linkRace = JSON.stringify({
  errors: [
    { code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' },
    { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' },
  ],
});

test('a manifest PUT answered "blob unknown" while a blob link is rewritten is sent again and lands; a blob that stays unknown fails', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const { reg: a, image } = await seeded(1, 1024);
  const b = await startRegistry();
  const pb = await proxy(b);
  pb.addRule({ method: 'PUT', path: /\/manifests\/v1$/, action: { kind: 'status', status: 400, body: linkRace } });
  const r = await runRegx(['copy', ...insecure, `docker://${a.host}/src/app:v1`, `docker://${pb.host}/dst/app:v1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(pb.count('PUT', /\/manifests\/v1$/), 2, 'sent again once');
  assert.equal(await servedDigest(b, 'dst/app', 'v1'), image.manifestDigest);

  pb.addRule({ method: 'PUT', path: /\/manifests\/v2$/, action: { kind: 'status', status: 400, body: linkRace }, times: Infinity });
  const failed = await runRegx(['copy', ...insecure, `docker://${a.host}/src/app:v1`, `docker://${pb.host}/dst/app:v2`]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /blob unknown to registry/);
  assert.equal(pb.count('PUT', /\/manifests\/v2$/), 3, 'three tries, then the answer stands');
  assert.equal(await manifestStatus(b, 'dst/app', 'v2'), 404);
});
