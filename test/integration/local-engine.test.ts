// `containers-storage:` and `docker-daemon:` against real podman 4.3 (rootful, vfs driver, a private
// storage root in a temp folder: never the machine's own store), through the engines' REST APIs:
// podman's libpod API on a private service regx starts (and stops) with the location's storage
// settings, and podman's Docker-compatible API for docker-daemon:. Images cross both ways between a
// real Distribution and podman's store, checked with podman's own view of them (image ID = config
// digest, RootFS.Layers = diff_ids); an engine that is not there gives the clear error. A hostile engine
// socket whose export never ends is cut off at the spool's cap, and no spool is left on any path (the cap,
// a cancel, a SIGTERM).
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connectLocalEngine } from '../../src/core/local/engine';
import { ArchiveTooLargeError, CancelledError, RegxError } from '../../src/core/errors';
import { exportLimit, localSource } from '../../src/core/local/local-transport';
import type { LocalLocation } from '../../src/core/local/local-transport';
import { parseImageLocation } from '../../src/core/reference/transport';
import { isolatedEnv, podman, podmanInspect, podmanProcessesFor, privateStore, registryConfig, registryManifest } from '../harness/podman';
import { makeTempDir, regxBundle, pushWithSkopeo, removeAllTempDirs, requireTools, runRegx, startRegistry, stopAll, writeImageLayout } from '../harness';

const services: ChildProcess[] = [];
after(async () => {
  for (const s of services) s.kill('SIGKILL');
  await stopAll();
  removeAllTempDirs();
});

async function regx(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  const r = await runRegx(args, { timeoutMs: 300_000, env });
  assert.equal(r.code, 0, `regx ${args.join(' ')}: ${r.stderr}`);
  return r;
}

test("an image podman pulled into its store is pushed by regx copy (podman pushing it) to a registry: config and diff_ids are podman's, layers gzip-compressed, and the private service is gone after", async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('local-src');
  await writeImageLayout(layout, { tag: 'v1', mediaType: 'docker', layers: 2, layerSize: 64 * 1024 });
  await pushWithSkopeo(layout, 'v1', reg, 'src/app:v1');
  const store = privateStore();
  await podman(store.flags, ['pull', '--quiet', '--tls-verify=false', `docker://${reg.host}/src/app:v1`]);
  const pulled = await podmanInspect(store.flags, `${reg.host}/src/app:v1`);

  const env = isolatedEnv();
  const r = await regx(
    ['copy', '--dest-tls-verify=false', `containers-storage:${store.spec}${reg.host}/src/app:v1`, `docker://${reg.host}/pushed/app:v1`],
    env,
  );
  assert.match(
    r.stderr,
    /note: containers-storage keeps layers uncompressed; they were written gzip-compressed, so sha256:[0-9a-f]{64} is not the digest the engine lists/,
  );
  assert.match(r.stdout, /pushed by Podman Engine [\d.]+ from its store/);
  const m = await registryManifest(reg, 'pushed/app:v1');
  assert.equal(m.config.digest, `sha256:${pulled.Id}`, 'the config digest is the image ID podman reports');
  assert.deepEqual((await registryConfig(reg, 'pushed/app', m.config.digest)).rootfs.diff_ids, pulled.RootFS.Layers);
  assert.equal(m.layers.length, 2);
  for (const l of m.layers) assert.match(l.mediaType, /tar\+gzip$|tar\.gzip$/);
  // skopeo reads what regx pushed, and podman pulls it back as the same image.
  const back = privateStore();
  await podman(back.flags, ['pull', '--quiet', '--tls-verify=false', `docker://${reg.host}/pushed/app:v1`]);
  assert.equal((await podmanInspect(back.flags, `${reg.host}/pushed/app:v1`)).Id, pulled.Id);
  assert.deepEqual(podmanProcessesFor(store.root), [], 'regx stopped the podman service it started');
  assert.deepEqual(readdirSync(env.TMPDIR as string), [], 'no spooled archive or socket folder is left behind');
});

test('a registry image copied by regx into containers-storage is listed by podman with the same config digest and diff_ids; copied again, nothing is written', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('local-dst');
  const oci = await writeImageLayout(layout, { tag: 'o1', mediaType: 'oci', layers: 2, layerSize: 32 * 1024 });
  const docker = await writeImageLayout(layout, { tag: 'd1', mediaType: 'docker', layers: 1, layerSize: 32 * 1024 });
  await pushWithSkopeo(layout, 'o1', reg, 'reg/oci:o1');
  await pushWithSkopeo(layout, 'd1', reg, 'reg/docker:d1');
  const store = privateStore();
  const env = isolatedEnv();

  await regx(['copy', '--src-tls-verify=false', `docker://${reg.host}/reg/oci:o1`, `containers-storage:${store.spec}localhost/imported/oci:v2`], env);
  const listed = JSON.parse(await podman(store.flags, ['images', '--format', 'json'])) as { Id: string; Names?: string[] }[];
  const row = listed.find((i) => i.Names?.includes('localhost/imported/oci:v2'));
  assert.ok(row, `podman images lists localhost/imported/oci:v2: ${JSON.stringify(listed)}`);
  assert.equal(`sha256:${row.Id}`, oci.configDigest);
  const got = await podmanInspect(store.flags, 'localhost/imported/oci:v2');
  assert.deepEqual(
    got.RootFS.Layers,
    oci.layers.map((l) => l.diffId),
  );
  assert.equal(got.Digest, oci.manifestDigest, 'an OCI image keeps its manifest digest in the store');
  const again = await regx(
    ['copy', '--src-tls-verify=false', `docker://${reg.host}/reg/oci:o1`, `containers-storage:${store.spec}localhost/imported/oci:v2`],
    env,
  );
  assert.match(again.stdout, /nothing to copy/);

  // A Docker schema 2 image goes in as OCI (podman loads OCI archives): the config and diff_ids stay.
  const d = await regx(
    ['copy', '--src-tls-verify=false', `docker://${reg.host}/reg/docker:d1`, `containers-storage:${store.spec}localhost/imported/docker`],
    env,
  );
  assert.match(d.stderr, /converted to OCI/);
  const gotDocker = await podmanInspect(store.flags, 'localhost/imported/docker:latest');
  assert.equal(`sha256:${gotDocker.Id}`, docker.configDigest);
  assert.deepEqual(
    gotDocker.RootFS.Layers,
    docker.layers.map((l) => l.diffId),
  );
  // regx reads it back out of the store (inspect goes through the same export).
  const info = JSON.parse((await regx(['inspect', `containers-storage:${store.spec}localhost/imported/oci:v2`], env)).stdout) as {
    Layers: string[];
    Architecture: string;
  };
  assert.equal(info.Layers.length, 2);
  // Pushed back out, an image podman keeps as OCI stays OCI, with its config.
  await regx(['copy', '--dest-tls-verify=false', `containers-storage:${store.spec}localhost/imported/oci:v2`, `docker://${reg.host}/out/oci:v2`], env);
  const out = await registryManifest(reg, 'out/oci:v2');
  assert.equal(out.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(out.config.digest, oci.configDigest);
  for (const l of out.layers) assert.equal(l.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.deepEqual(podmanProcessesFor(store.root), []);
  assert.deepEqual(readdirSync(env.TMPDIR as string), []);
});

test("docker-daemon: talks to podman's Docker-compatible API: a registry image loaded, listed by podman, and pushed back with its config", async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry();
  const layout = makeTempDir('daemon-src');
  const image = await writeImageLayout(layout, { tag: 'v1', mediaType: 'docker', layers: 2, layerSize: 16 * 1024 });
  await pushWithSkopeo(layout, 'v1', reg, 'src/app:v1');
  const store = privateStore();
  const socketDir = makeTempDir('docker-api');
  const socket = join(socketDir, 'docker.sock');
  const service = spawn('podman', [...store.flags, 'system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
  services.push(service);
  for (let i = 0; i < 400 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  const env = isolatedEnv({ DOCKER_HOST: `unix://${socket}` });
  try {
    await regx(['copy', '--src-tls-verify=false', `docker://${reg.host}/src/app:v1`, 'docker-daemon:localhost/daemon/app:v3'], env);
    const got = await podmanInspect(store.flags, 'localhost/daemon/app:v3');
    assert.equal(`sha256:${got.Id}`, image.configDigest);
    assert.deepEqual(
      got.RootFS.Layers,
      image.layers.map((l) => l.diffId),
    );
    const r = await regx(['copy', '--dest-tls-verify=false', 'docker-daemon:localhost/daemon/app:v3', `docker://${reg.host}/back/app:v3`], env);
    assert.match(r.stderr, /note: docker-daemon keeps layers uncompressed; they were written gzip-compressed/);
    const m = await registryManifest(reg, 'back/app:v3');
    assert.equal(m.config.digest, image.configDigest);
    assert.deepEqual(
      (await registryConfig(reg, 'back/app', m.config.digest)).rootfs.diff_ids,
      image.layers.map((l) => l.diffId),
    );
    // The same image by ID, as docker-daemon:sha256:ID.
    const byId = JSON.parse((await regx(['inspect', `docker-daemon:${image.configDigest}`], env)).stdout) as { Layers: string[] };
    assert.equal(byId.Layers.length, 2);
  } finally {
    service.kill('SIGTERM');
  }
});

test('the private podman service: started with the store asked for, answering, and gone after close()', async (t) => {
  if (!requireTools(t, ['podman'])) return;
  const store = privateStore();
  const engine = await connectLocalEngine({
    kind: 'podman',
    storage: { driver: 'vfs', root: store.root, runroot: store.root.replace(/root$/, 'run') },
    env: { ...process.env, ...isolatedEnv() },
  });
  assert.equal(engine.privateService, true);
  assert.match(engine.engine, /^Podman Engine 4\./);
  assert.equal((await engine.readStore())?.graphRoot, store.root);
  assert.deepEqual(await engine.listImages(), []);
  assert.equal(podmanProcessesFor(store.root).length, 1);
  const socket = engine.socketPath;
  await engine.close();
  assert.deepEqual(podmanProcessesFor(store.root), []);
  assert.equal(existsSync(socket), false);
});

test('no engine and no podman: a clear engine-unavailable error, from the API and from the CLI with a hint', async () => {
  const env = isolatedEnv({ PATH: makeTempDir('empty-path') });
  await assert.rejects(
    connectLocalEngine({ env }),
    (err: unknown) =>
      err instanceof RegxError && err.reason === 'engine-unavailable' && /no container engine answered/.test(err.message) && /podman\.socket/.test(err.message),
  );
  const r = await runRegx(['inspect', 'containers-storage:busybox'], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no container engine answered \(tried unix:\/\/.*none\.sock/);
  assert.match(r.stderr, /systemctl --user start podman\.socket/);
  const d = await runRegx(['copy', 'docker-daemon:busybox:latest', 'oci:/tmp/never'], { env, timeoutMs: 60_000 });
  assert.equal(d.code, 1);
  assert.match(d.stderr, /none-docker\.sock/);
  assert.equal(existsSync('/tmp/never'), false);
});

test('list-tags refuses the local transports as skopeo words it', async () => {
  for (const loc of ['containers-storage:busybox', 'docker-daemon:busybox:latest']) {
    const r = await runRegx(['list-tags', loc], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Unsupported transport '${loc.split(':')[0]}' for tag listing\\. Only supported: docker, docker-archive`));
  }
});

/**
 * A hostile engine on a unix socket, speaking just enough of the Docker Engine API: it claims a 1000-byte
 * image and then exports without end (until the client hangs up), or with `stall`, sends 1 MiB and then
 * nothing more. Returns the socket and the bytes it sent.
 */
async function endlessEngine(stall = false): Promise<{ socket: string; sent: () => number; server: Server }> {
  const socket = join(makeTempDir('hostile-engine'), 'docker.sock');
  let sent = 0;
  const chunk = Buffer.alloc(1 << 20, 0x61);
  const server = createServer((req, res) => {
    if (req.url === '/_ping') {
      res.writeHead(200, { server: 'Docker/24.0.0', 'api-version': '1.43' }).end('OK');
    } else if (/^\/images\/[^/]+\/json$/.test(req.url ?? '')) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ Id: `sha256:${'a'.repeat(64)}`, RepoTags: ['app:1'], Size: 1000, Architecture: 'amd64', Os: 'linux', RootFS: { Layers: [] } }));
    } else if (/^\/images\/[^/]+\/get$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      if (stall) {
        res.write(chunk);
        sent += chunk.length;
        return;
      }
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    } else res.writeHead(404).end('{"message":"no such route"}');
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, sent: () => sent, server };
}

/** regx's spool folders (`regx-local-*`) left in a temp folder. */
const spools = (tmp: string): string[] => readdirSync(tmp).filter((f) => f.startsWith('regx-local-'));
/** True once a spool in `tmp` holds at least the megabyte a stalling engine sends. */
const spooled = (tmp: string): boolean => spools(tmp).some((d) => existsSync(join(tmp, d, 'image.tar')) && statSync(join(tmp, d, 'image.tar')).size >= 1 << 20);

test('an engine whose export runs past twice the image size it reported is stopped with a too-large error, and the partial archive is removed', async () => {
  const engine = await endlessEngine();
  const tmp = makeTempDir('regx-tmp');
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const loc = parseImageLocation('docker-daemon:app:1') as LocalLocation;
    const env = { ...isolatedEnv(), DOCKER_HOST: `unix://${engine.socket}` };
    await assert.rejects(localSource(loc, { env }), (err: unknown) => {
      assert.ok(err instanceof ArchiveTooLargeError, String(err));
      assert.equal(err.reason, 'too-large');
      assert.equal(err.limit, exportLimit(1000));
      assert.match(err.message, /Docker Engine 24\.0\.0's export of docker-daemon:docker\.io\/library\/app:1 passed 67110864 bytes/);
      return true;
    });
    assert.ok(engine.sent() < exportLimit(1000) + 64 * 1024 * 1024, `the export was cut off near the cap (${engine.sent()} bytes sent)`);
    assert.deepEqual(spools(tmp), [], 'no spool folder is left');
    // Cancelled mid-export (an engine that sends 1 MiB and stalls): also nothing left.
    const stalled = await endlessEngine(true);
    try {
      const controller = new AbortController();
      const pending = localSource(loc, { env: { ...env, DOCKER_HOST: `unix://${stalled.socket}` }, signal: controller.signal });
      pending.catch(() => undefined);
      for (let i = 0; i < 600 && !spooled(tmp); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(spooled(tmp), 'the export was being spooled when cancelled');
      controller.abort();
      await assert.rejects(pending, (err: unknown) => {
        assert.ok(err instanceof CancelledError || (err as Error).name === 'AbortError', String(err));
        return true;
      });
      assert.deepEqual(spools(tmp), [], 'no spool folder is left after a cancel');
    } finally {
      await new Promise((resolve) => stalled.server.close(resolve));
    }
    // From the CLI: the reason in its words, exit 1, and no spool in its TMPDIR.
    const cliTmp = makeTempDir('regx-tmp');
    const r = await runRegx(['copy', 'docker-daemon:app:1', `oci:${join(makeTempDir('never'), 'layout')}`], {
      env: { ...env, TMPDIR: cliTmp },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /export of docker-daemon:docker\.io\/library\/app:1 passed \d+ bytes, more than the image can hold/);
    assert.deepEqual(spools(cliTmp), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await new Promise((resolve) => engine.server.close(resolve));
  }
});

test('regx stopped with SIGTERM in the middle of an export removes its spool before it exits', async () => {
  const engine = await endlessEngine(true);
  const tmp = makeTempDir('regx-tmp');
  try {
    const env = { ...process.env, ...isolatedEnv(), DOCKER_HOST: `unix://${engine.socket}`, TMPDIR: tmp };
    const child = spawn(process.execPath, [regxBundle, 'copy', 'docker-daemon:app:1', `oci:${join(makeTempDir('never'), 'layout')}`], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Wait until the spool holds the megabyte the engine sent, then stop regx as a CI job is stopped.
    for (let i = 0; i < 600 && !spooled(tmp); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(spooled(tmp), `the export was spooled before the signal (${stderr})`);
    child.kill('SIGTERM');
    const code = await exited;
    assert.notEqual(code, 0, 'an interrupted copy does not succeed');
    assert.notEqual(code, null, `regx exited by itself after the signal, not killed by it (${stderr})`);
    assert.deepEqual(spools(tmp), [], 'the spool is gone');
  } finally {
    await new Promise((resolve) => engine.server.close(resolve));
  }
});
