// Copies that fail or are cancelled halfway, against real Distribution registries seen through the
// recording fault proxy: an upload session opened by POST is cancelled (DELETE to its Location) when the
// blob upload fails or is aborted, by an AbortSignal or by SIGINT to the CLI, so the registry is left
// with no dangling upload; a copy into an oci: folder cut by SIGINT leaves no folder it made and no
// temp file in one that was there.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  makeTempDir,
  pushImage,
  buildImage,
  registryFetch,
  regxBundle,
  removeAllTempDirs,
  repoRoot,
  requireTools,
  startRegistry,
  stopAll,
  writeImageLayout,
} from '../harness';
import type { RunResult, TestRegistry } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import type { FaultProxy } from '../harness/fault-proxy';
import { CancelledError, RegxError } from '../../src/core/errors';
import { copyImage } from '../../src/core/image/copy';
import { parseImageLocation } from '../../src/core/reference/transport';
import { RegistryClient } from '../../src/core/registry/client';

after(async () => {
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

/** `node dist/regx.js ARGS` with its process at hand, so a test can send it SIGINT mid-copy. */
function startRegx(args: string[]): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [regxBundle, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  // A safety net against a hang, not an assertion.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    }),
  );
  return { child, done };
}

/** The upload session id in an upload URL (`/v2/NAME/blobs/uploads/<id>?...`). */
function uploadId(path: string): string | undefined {
  return /\/blobs\/uploads\/([^/?]+)/.exec(path)?.[1];
}

/**
 * The session whose body PUT the proxy saw for `layer`, the DELETE sent for that same session, and
 * what the registry itself now says about the session (404 once it is cancelled).
 */
async function sessionFate(proxy: FaultProxy, reg: TestRegistry, layer: string): Promise<{ id: string; deleted: boolean; registryStatus: number }> {
  const put = proxy.log.find((e) => e.method === 'PUT' && e.path.includes(`digest=${encodeURIComponent(layer)}`));
  assert.ok(put, `a PUT of ${layer} went out: ${JSON.stringify(proxy.log.map((e) => `${e.method} ${e.path}`))}`);
  const id = uploadId(put.path) as string;
  const del = proxy.log.find((e) => e.method === 'DELETE' && uploadId(e.path) === id);
  // The session URL as the registry gave it (with its _state), minus the digest the PUT added.
  const url = new URL(put.path, reg.url);
  url.searchParams.delete('digest');
  const status = (await registryFetch(reg, url.pathname + url.search)).status;
  return { id, deleted: del !== undefined && (del.status ?? 0) < 300, registryStatus: status };
}

async function sourceLayout(layerSize: number): Promise<{ dir: string; layer: string }> {
  const dir = makeTempDir('cancel-src');
  const img = await writeImageLayout(dir, { tag: 'v1', layers: 1, layerSize, mediaType: 'oci' });
  return { dir, layer: img.layers[0]?.digest as string };
}

test('the registry answers an upload session it holds with 204 (the control for the checks below)', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const started = await registryFetch(reg, '/v2/dst/app/blobs/uploads/', { method: 'POST' });
  assert.equal(started.status, 202);
  const location = new URL(started.headers.get('location') as string, reg.url);
  assert.equal((await registryFetch(reg, location.pathname + location.search)).status, 204);
  assert.equal((await registryFetch(reg, location.pathname + location.search, { method: 'DELETE' })).status, 204);
  assert.equal((await registryFetch(reg, location.pathname + location.search)).status, 404);
});

test('a push aborted by its AbortSignal mid-upload cancels the upload session with a DELETE', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const proxy = await startFaultProxy({ target: reg.host });
  const src = await sourceLayout(4 << 20);
  const controller = new AbortController();
  // The abort comes while the layer's bytes are on their way, after POST opened the session. The PUT is
  // held back so none of it reaches the registry (Distribution drops a session itself once it holds
  // bytes its upload state does not count, which would hide whether we cancelled it).
  proxy.addRule({
    method: 'PUT',
    path: new RegExp(`digest=${encodeURIComponent(src.layer)}`),
    action: {
      kind: 'hook',
      run: async () => {
        controller.abort();
        await sleep(500);
      },
    },
  });
  const client = new RegistryClient(proxy.host, { tlsVerify: false });
  t.after(() => client.close());
  await assert.rejects(
    copyImage(parseImageLocation(`oci:${src.dir}:v1`), parseImageLocation(`docker://${proxy.host}/dst/app:v1`), {
      dstClient: client,
      signal: controller.signal,
    }),
    CancelledError,
  );
  const fate = await sessionFate(proxy, reg, src.layer);
  assert.ok(fate.deleted, `DELETE sent for upload ${fate.id}: ${JSON.stringify(proxy.log.map((e) => `${e.method} ${e.path} ${e.status}`))}`);
  assert.equal(fate.registryStatus, 404, 'the registry no longer holds the session');
  assert.equal((await registryFetch(reg, '/v2/dst/app/manifests/v1', { method: 'HEAD' })).status, 404, 'nothing tagged');
});

test('regx copy interrupted by SIGINT mid-upload cancels the upload session and exits 130', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const proxy = await startFaultProxy({ target: reg.host });
  const src = await sourceLayout(4 << 20);
  const run = startRegx(['copy', '--dest-tls-verify=false', `oci:${src.dir}:v1`, `docker://${proxy.host}/dst/app:v1`]);
  // SIGINT as the layer's PUT arrives, and the PUT held back a moment so the signal lands mid-upload.
  proxy.addRule({
    method: 'PUT',
    path: new RegExp(`digest=${encodeURIComponent(src.layer)}`),
    action: {
      kind: 'hook',
      run: async () => {
        run.child.kill('SIGINT');
        await sleep(500);
      },
    },
  });
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /cancelled/);
  const fate = await sessionFate(proxy, reg, src.layer);
  assert.ok(fate.deleted, `DELETE sent for upload ${fate.id}: ${JSON.stringify(proxy.log.map((e) => `${e.method} ${e.path} ${e.status}`))}`);
  assert.equal(fate.registryStatus, 404);
});

test('an upload the registry refuses mid-way is cancelled too, and the original error is the one reported', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const proxy = await startFaultProxy({ target: reg.host });
  const src = await sourceLayout(1 << 20);
  proxy.addRule({
    method: 'PUT',
    path: new RegExp(`digest=${encodeURIComponent(src.layer)}`),
    action: { kind: 'status', status: 403, body: '{"errors":[{"code":"DENIED","message":"quota exceeded"}]}' },
  });
  const client = new RegistryClient(proxy.host, { tlsVerify: false });
  t.after(() => client.close());
  await assert.rejects(
    copyImage(parseImageLocation(`oci:${src.dir}:v1`), parseImageLocation(`docker://${proxy.host}/dst/app:v1`), { dstClient: client }),
    (err: unknown) => {
      assert.ok(err instanceof RegxError);
      assert.equal(err.reason, 'denied');
      return true;
    },
  );
  const fate = await sessionFate(proxy, reg, src.layer);
  assert.ok(fate.deleted, `DELETE sent for upload ${fate.id}`);
  assert.equal(fate.registryStatus, 404);
});

test('regx copy to oci: interrupted by SIGINT leaves no folder it made, and an existing layout as it was', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const image = await buildImage({ layers: 1, layerSize: 2 << 20, mediaType: 'oci' });
  await pushImage(reg, 'src/app', 'v1', image);
  const layer = image.layers[0]?.digest as string;
  const proxy = await startFaultProxy({ target: reg.host });
  const interrupted = async (dest: string): Promise<RunResult> => {
    const run = startRegx(['copy', '--src-tls-verify=false', `docker://${proxy.host}/src/app:v1`, dest]);
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`/blobs/${layer}$`),
      action: {
        kind: 'hook',
        run: async () => {
          run.child.kill('SIGINT');
          await sleep(500);
        },
      },
    });
    return run.done;
  };

  const fresh = join(makeTempDir('cancel-oci'), 'new', 'layout');
  const r = await interrupted(`oci:${fresh}:v1`);
  assert.equal(r.code, 130, r.stderr);
  assert.equal(existsSync(join(fresh, '..')), false, 'the folders the copy made are gone');

  const existing = makeTempDir('cancel-oci-existing');
  await writeImageLayout(existing, { tag: 'keep', layers: 1, mediaType: 'oci' });
  const indexBefore = await readFile(join(existing, 'index.json'));
  const again = await interrupted(`oci:${existing}:v1`);
  assert.equal(again.code, 130, again.stderr);
  assert.deepEqual(await readFile(join(existing, 'index.json')), indexBefore, 'index.json untouched');
  assert.equal(existsSync(join(existing, 'oci-layout')), true);
  const leftovers = (await readdir(existing, { recursive: true })).map(String).filter((p) => p.includes('.regx-tmp-'));
  assert.deepEqual(leftovers, [], 'no temp file left');
});

test('an upload session a declined mount opened is cancelled when the copy fails before using it', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const image = await buildImage({ layers: 1, layerSize: 64 * 1024, mediaType: 'oci' });
  await pushImage(reg, 'src/app', 'v1', image);
  // The source repository loses its link to the config: a mount of it is declined with a fresh
  // session (202), and reading it from the source then fails.
  assert.equal((await registryFetch(reg, `/v2/src/app/blobs/${image.configDigest}`, { method: 'DELETE' })).status, 202);
  const proxy = await startFaultProxy({ target: reg.host });
  const client = new RegistryClient(proxy.host, { tlsVerify: false });
  t.after(() => client.close());
  await assert.rejects(
    copyImage(parseImageLocation(`docker://${proxy.host}/src/app:v1`), parseImageLocation(`docker://${proxy.host}/dst/app:v1`), {
      srcClient: client,
      dstClient: client,
    }),
    (err: unknown) => err instanceof RegxError && err.reason === 'not-found',
  );
  const mount = proxy.log.find((e) => e.method === 'POST' && e.path.includes(`mount=${encodeURIComponent(image.configDigest)}`));
  assert.equal(mount?.status, 202, 'the mount was declined with a session');
  const deletes = proxy.log.filter((e) => e.method === 'DELETE' && e.path.includes('/v2/dst/app/blobs/uploads/'));
  assert.equal(deletes.length, 1, `the session was cancelled: ${JSON.stringify(proxy.log.map((e) => `${e.method} ${e.path} ${e.status}`))}`);
  assert.equal(deletes[0]?.status, 204);
  const session = new URL(deletes[0]?.path as string, reg.url);
  assert.equal((await registryFetch(reg, session.pathname + session.search)).status, 404);
});
