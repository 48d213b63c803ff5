// A registry that answers 429 with Retry-After is given that time by the whole sync, not only by the
// request that got it: the registry's pace (src/core/sync/throttle.ts) holds every request to it, while
// images keep moving otherwise. And a config's rateLimit spaces requests to a registry evenly.
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildImage, makeTempDir, registryDigest, removeAllTempDirs, requireTools, runRegx, startRegistry, stopAll } from '../harness';
import type { BuiltImage } from '../harness';
import { startHostileRegistry } from '../harness/hostile-registry';
import type { HostileRegistry } from '../harness/hostile-registry';

const hostiles: HostileRegistry[] = [];
after(async () => {
  await Promise.all(hostiles.map((h) => h.close()));
  await stopAll();
  removeAllTempDirs();
});

/** A source serving `count` images of a few layers each, every request's arrival time recorded. */
async function source(count: number): Promise<{ reg: HostileRegistry; images: BuiltImage[]; arrivals: Array<{ at: number; method: string; path: string }> }> {
  const reg = await startHostileRegistry();
  hostiles.push(reg);
  const images = await Promise.all(Array.from({ length: count }, () => buildImage({ layers: 3, layerSize: 64 * 1024 })));
  images.forEach((im, i) => reg.serve('h/app', `t${i}`, im));
  const arrivals: Array<{ at: number; method: string; path: string }> = [];
  reg.on((req, _res, url) => {
    arrivals.push({ at: Date.now(), method: req.method ?? '', path: url.pathname });
    return false;
  });
  return { reg, images, arrivals };
}

async function yamlFor(host: string, count: number): Promise<string> {
  const file = join(makeTempDir('sync-throttle'), 'sync.yml');
  await writeFile(file, `${host}:\n  tls-verify: false\n  images:\n    h/app: [${Array.from({ length: count }, (_, i) => `t${i}`).join(', ')}]\n`);
  return file;
}

test('a 429 with Retry-After pauses every request to that registry until the time has passed; the sync then completes', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const count = 8;
  const { reg, images, arrivals } = await source(count);
  let pausedAt: number | undefined;
  // The first layer GET is refused with Retry-After: 2, while the other images' layers are still to come.
  reg.on((req, res, url) => {
    if (
      pausedAt !== undefined ||
      req.method !== 'GET' ||
      !/\/blobs\//.test(url.pathname) ||
      !images.some((im) => im.layers.some((l) => url.pathname.endsWith(l.digest)))
    )
      return false;
    pausedAt = Date.now();
    res
      .writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' })
      .end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }));
    return true;
  });
  const dest = await startRegistry();
  const file = await yamlFor(reg.host, count);
  const r = await runRegx(
    ['sync', '--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', '--parallel-per-registry', '4', '--jobs', '1', file, `${dest.host}/m`],
    { timeoutMs: 120_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  for (const [i, im] of images.entries()) assert.equal(await registryDigest(dest, 'm/app', `t${i}`), im.manifestDigest);

  assert.ok(pausedAt !== undefined, 'the registry answered 429 once');
  const t0 = pausedAt;
  // Requests already on the wire when the 429 went out may land just after it; none is sent in the pause.
  const during = arrivals.filter((a) => a.at > t0 + 150 && a.at < t0 + 1950);
  assert.deepEqual(during, [], 'nothing reached the registry while it asked for a pause');
  const after2s = arrivals.filter((a) => a.at >= t0 + 1950);
  assert.ok(
    after2s.filter((a) => /\/blobs\//.test(a.path)).length > 1,
    `other images' layers came after the pause, not just the refused one (${after2s.length} requests)`,
  );
});

test("a config's rateLimit spaces the requests to a registry evenly", async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const count = 4;
  const { reg, images, arrivals } = await source(count);
  const dest = await startRegistry();
  const file = join(makeTempDir('sync-rate'), 'rate.regx-sync.yaml');
  await writeFile(
    file,
    [
      'version: 1',
      'registries:',
      `  "${reg.host}": {tlsVerify: false, rateLimit: 10}`,
      `  "${dest.host}": {tlsVerify: false}`,
      `destinations: [{registry: "${dest.host}/m"}]`,
      `sources: [{repository: ${reg.host}/h/app, tags: {list: [${images.map((_, i) => `t${i}`).join(', ')}]}, referrers: false, signatures: false}]`,
      '',
    ].join('\n'),
  );
  const r = await runRegx(['sync', '--config', file], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const [i, im] of images.entries()) assert.equal(await registryDigest(dest, 'm/app', `t${i}`), im.manifestDigest);
  const times = arrivals.map((a) => a.at).sort((x, y) => x - y);
  assert.ok(times.length >= 12, `${times.length} requests`);
  // 10 per second: no second holds more than 10 requests (one more for a send that left late and landed
  // beside the next), and the whole run spans at least that pace. Unpaced, they all land within a few hundred ms.
  for (const [i, t0] of times.entries()) {
    const inSecond = times.slice(i).filter((t) => t < t0 + 1000).length;
    assert.ok(inSecond <= 11, `${inSecond} requests within 1 s of request ${i}`);
  }
  const span = (times.at(-1) as number) - (times[0] as number);
  assert.ok(span >= (times.length - 2) * 100, `${times.length} requests in ${span} ms`);
});
