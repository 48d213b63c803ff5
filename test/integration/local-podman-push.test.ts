// Pushing from podman's store to a registry when podman pushes the image itself (core/local/podman-push.ts),
// with real podman 4.3 (rootful, vfs, a private store root) and real Distribution: over TLS with Basic auth
// (the CA trusted the system's way by both regx and podman, since podman takes no CA file through its API),
// the pushed image's config and diff_ids are the store's and the digest file names what the tag names; a
// wrong password is an auth failure; a CA file given to regx, or an option podman cannot honour, takes the
// export route instead; a cancelled push stops podman (a service shared with others, not one regx owns).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CancelledError } from '../../src/core/errors';
import { copyImage } from '../../src/core/image/copy';
import type { CopyResult } from '../../src/core/image/copy';
import { parseImageLocation } from '../../src/core/reference/transport';
import { RegistryClient } from '../../src/core/registry/client';
import { makeTempDir, registryFetch, removeAllTempDirs, requireTools, run, runRegx, sha256, startRegistry, stopAll, writeImageLayout } from '../harness';
import type { TestRegistry } from '../harness';
import { isolatedEnv, podmanInspect, podmanProcessesFor, privateStore, registryConfig, registryManifest } from '../harness/podman';
import type { PodmanImage } from '../harness/podman';

const services: ChildProcess[] = [];
after(async () => {
  for (const s of services) s.kill('SIGKILL');
  await stopAll();
  removeAllTempDirs();
});

const account = { username: 'alice', password: 'open sesame:42' };
const podmanRoute = 'debug: podman pushes the image from its store itself';

/** An image written straight into a private store by skopeo, as podman lists it. */
async function storedImage(layers: number, layerSize: number): Promise<{ store: ReturnType<typeof privateStore>; name: string; image: PodmanImage }> {
  const layout = makeTempDir('podman-push-src');
  await writeImageLayout(layout, { tag: 'v1', mediaType: 'oci', layers, layerSize });
  const store = privateStore();
  const name = 'localhost/team/app:v1';
  const r = await run('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `containers-storage:${store.spec}${name}`], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  return { store, name, image: await podmanInspect(store.flags, name) };
}

/** The tag names the store's image: its config (the image ID) and its diff_ids. */
async function assertSameImage(reg: TestRegistry, repository: string, tag: string, image: PodmanImage): Promise<Buffer> {
  const m = await registryManifest(reg, `${repository}:${tag}`);
  assert.equal(m.config.digest, `sha256:${image.Id}`, 'the config digest is the image ID podman reports');
  assert.deepEqual((await registryConfig(reg, repository, m.config.digest)).rootfs.diff_ids, image.RootFS.Layers);
  assert.equal(m.layers.length, image.RootFS.Layers.length);
  for (const l of m.layers) assert.match(l.mediaType, /tar\+gzip$|tar\.gzip$/);
  return m.raw;
}

test("over TLS with Basic auth, podman pushes the image itself with regx's credentials: config and diff_ids are the store's, the digest file names what the tag names", async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry({ tls: true, htpasswd: account });
  const { store, name, image } = await storedImage(2, 256 * 1024);
  // The test CA as the system's: Node's extra CAs for regx, Go's SSL_CERT_FILE for the podman service regx starts.
  const env = isolatedEnv({ NODE_EXTRA_CA_CERTS: reg.caFile, SSL_CERT_FILE: reg.caFile });
  const digestFile = join(makeTempDir('digestfile'), 'digest');
  const r = await runRegx(
    [
      'copy',
      '--debug',
      '--dest-creds',
      `${account.username}:${account.password}`,
      '--digestfile',
      digestFile,
      `containers-storage:${store.spec}${name}`,
      `docker://${reg.host}/pushed/app:v1`,
    ],
    { env, timeoutMs: 300_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(podmanRoute), r.stderr);
  assert.match(r.stdout, /pushed by Podman Engine 4\.\d+\.\d+ from its store, 3 blobs/);
  assert.match(r.stderr, /note: containers-storage keeps layers uncompressed; they were written gzip-compressed/);
  const raw = await assertSameImage(reg, 'pushed/app', 'v1', image);
  assert.equal(readFileSync(digestFile, 'utf8'), sha256(raw), 'the digest file holds the digest of the manifest the tag names');
  assert.ok(!`${r.stdout}${r.stderr}`.includes(account.password), 'the password is never printed');
  assert.deepEqual(podmanProcessesFor(store.root), [], 'regx stopped the podman service it started');
  assert.deepEqual(readdirSync(env.TMPDIR as string), [], 'no archive was spooled and no socket folder is left');
});

test('over TLS without auth, podman pushes anonymously (an empty set of credentials), verifying the registry as regx does; a certificate only regx trusts falls back to the export route', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry({ tls: true });
  const { store, name, image } = await storedImage(1, 64 * 1024);
  const env = isolatedEnv({ NODE_EXTRA_CA_CERTS: reg.caFile, SSL_CERT_FILE: reg.caFile });
  const r = await runRegx(['copy', '--debug', `containers-storage:${store.spec}${name}`, `docker://${reg.host}/open/app:v1`], { env, timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(podmanRoute), r.stderr);
  assert.match(r.stdout, /pushed by Podman Engine/);
  await assertSameImage(reg, 'open/app', 'v1', image);
  // The CA trusted by regx alone: podman, told to verify, refuses the certificate before writing anything, and
  // the export route pushes the image with regx's trust instead.
  const regxOnly = await runRegx(['copy', '--debug', `containers-storage:${store.spec}${name}`, `docker://${reg.host}/open/app:v2`], {
    env: isolatedEnv({ NODE_EXTRA_CA_CERTS: reg.caFile }),
    timeoutMs: 300_000,
  });
  assert.equal(regxOnly.code, 0, regxOnly.stderr);
  assert.ok(regxOnly.stderr.includes(podmanRoute), regxOnly.stderr);
  assert.match(
    regxOnly.stderr,
    /debug: the image is exported from the store and pushed by regx: podman refused the registry's certificate, which regx trusts \(.*x509/,
  );
  await assertSameImage(reg, 'open/app', 'v2', image);
  assert.deepEqual(podmanProcessesFor(store.root), []);
});

test("a wrong password, handed to podman, fails as a credentials failure with podman's words, and nothing is tagged", async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry({ tls: true, htpasswd: account });
  const { store, name } = await storedImage(1, 64 * 1024);
  const env = isolatedEnv({ NODE_EXTRA_CA_CERTS: reg.caFile, SSL_CERT_FILE: reg.caFile });
  const r = await runRegx(
    [
      'copy',
      '--debug',
      '--exit-codes',
      'detailed',
      '--dest-creds',
      `${account.username}:wrong`,
      `containers-storage:${store.spec}${name}`,
      `docker://${reg.host}/denied/app:v1`,
    ],
    { env, timeoutMs: 300_000 },
  );
  assert.ok(r.stderr.includes(podmanRoute), r.stderr);
  assert.equal(r.code, 77, `exit 77 is a credentials failure: ${r.stderr}`);
  assert.match(r.stderr, /Podman Engine [\d.]+: pushing localhost\/team\/app:v1 to 127\.0\.0\.1:\d+\/denied\/app:v1: .*unauthorized/);
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  assert.doesNotMatch(r.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, 'no control characters reach the terminal');
  assert.equal(await tagStatus(reg, 'denied/app', 'v1'), 404);
  assert.deepEqual(podmanProcessesFor(store.root), []);
});

test('a CA file regx trusts for the registry (podman could not) takes the export route, which pushes the same image over TLS with Basic auth', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry({ tls: true, htpasswd: account });
  const { store, name, image } = await storedImage(2, 128 * 1024);
  const env = isolatedEnv();
  const r = await runRegx(
    [
      'copy',
      '--debug',
      '--dest-cert-dir',
      reg.certDir as string,
      '--dest-creds',
      `${account.username}:${account.password}`,
      `containers-storage:${store.spec}${name}`,
      `docker://${reg.host}/exported/app:v1`,
    ],
    { env, timeoutMs: 300_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /debug: the image is exported from the store and pushed by regx: regx trusts a CA file or certificate folder/);
  assert.doesNotMatch(r.stdout, /pushed by Podman/);
  assert.match(r.stdout, /Copied sha256:[0-9a-f]{64} to docker:\/\/127\.0\.0\.1:\d+\/exported\/app:v1: 3 blobs copied/);
  await assertSameImage(reg, 'exported/app', 'v1', image);
  assert.deepEqual(podmanProcessesFor(store.root), []);
  assert.deepEqual(readdirSync(env.TMPDIR as string), [], 'the spooled archive is removed');
});

test("an option podman's push cannot honour (a manifest format) takes the export route and is honoured", async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry();
  const { store, name, image } = await storedImage(1, 64 * 1024);
  const r = await runRegx(
    ['copy', '--debug', '--dest-tls-verify=false', '--format', 'v2s2', `containers-storage:${store.spec}${name}`, `docker://${reg.host}/v2s2/app:v1`],
    { env: isolatedEnv(), timeoutMs: 300_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /debug: the image is exported from the store and pushed by regx: a manifest format was asked for/);
  const m = await registryManifest(reg, 'v2s2/app:v1');
  assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  await assertSameImage(reg, 'v2s2/app', 'v1', image);
});

/** The status of HEAD on a tag, asking for every manifest type (Distribution hides an OCI manifest from a client that does not accept it). */
async function tagStatus(reg: TestRegistry, repository: string, tag: string): Promise<number> {
  const accept =
    'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json';
  return (await registryFetch(reg, `/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept } })).status;
}

/** CPU ticks (user + system) a process has used so far. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

test('a cancelled push stops podman: the copy ends as cancelled at once, podman goes idle, and the tag never appears', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo', 'podman'])) return;
  const reg = await startRegistry();
  // The cancelled push goes to another registry: on the first one podman would mount the layers it just pushed.
  const other = await startRegistry();
  const { store, name, image } = await storedImage(3, 24 * 1024 * 1024);
  // A podman service of the test's own, as a user's podman.socket: regx does not stop it, so only the cancel can.
  const socket = join(makeTempDir('podman-api'), 'podman.sock');
  const service = spawn('podman', [...store.flags, 'system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
  services.push(service);
  for (let i = 0; i < 400 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  const saved = process.env.CONTAINER_HOST;
  process.env.CONTAINER_HOST = `unix://${socket}`;
  const client = new RegistryClient(reg.host, { tlsVerify: false });
  const otherClient = new RegistryClient(other.host, { tlsVerify: false });
  try {
    const src = parseImageLocation(`containers-storage:${store.spec}${name}`);
    // A whole push first, through the same service: how long one takes here, and that this path is podman's.
    const started = Date.now();
    const whole: CopyResult = await copyImage(src, parseImageLocation(`docker://${reg.host}/whole/app:v1`), { dstClient: client });
    const pushTime = Date.now() - started;
    assert.match(whole.pushedBy ?? '', /^Podman Engine/);
    await assertSameImage(reg, 'whole/app', 'v1', image);
    assert.equal(await tagStatus(reg, 'whole/app', 'v1'), 200, 'a pushed tag is seen');

    const controller = new AbortController();
    let aborted = 0;
    // Cancelled once podman is uploading a layer to the registry: it is at work, and the tag (written last) is not.
    const uploads = join(other.dataDir, 'docker', 'registry', 'v2', 'repositories', 'cancelled', 'app', '_uploads');
    const uploading = (): boolean => existsSync(uploads) && readdirSync(uploads).length > 0;
    const watch = setInterval(() => {
      if (!aborted && uploading()) {
        aborted = Date.now();
        controller.abort();
      }
    }, 10);
    const cancelled = copyImage(src, parseImageLocation(`docker://${other.host}/cancelled/app:v1`), { dstClient: otherClient, signal: controller.signal });
    cancelled.catch(() => undefined).finally(() => clearInterval(watch));
    await assert.rejects(cancelled, CancelledError);
    assert.ok(aborted > 0, 'the copy was cancelled while podman uploaded');
    assert.ok(Date.now() - aborted < 5000, 'the copy stops waiting as soon as it is cancelled');
    const pid = service.pid as number;
    await new Promise((r) => setTimeout(r, 500));
    const before = cpuTicks(pid);
    await new Promise((r) => setTimeout(r, Math.max(3000, 2 * pushTime)));
    // A push still running would compress and upload 72 MiB: seconds of CPU. Idle, podman uses next to none.
    assert.ok(cpuTicks(pid) - before < 50, `podman kept working after the cancel: ${cpuTicks(pid) - before} ticks`);
    assert.equal(await tagStatus(other, 'cancelled/app', 'v1'), 404, 'the cancelled push never tagged the image');
  } finally {
    if (saved === undefined) delete process.env.CONTAINER_HOST;
    else process.env.CONTAINER_HOST = saved;
    await client.close();
    await otherClient.close();
    service.kill('SIGTERM');
  }
});
