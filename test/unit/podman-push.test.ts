// When a push from podman's store is handed to podman itself, what podman is told (the X-Registry-Auth
// header), and how its failures (messages as podman 4.3 words them) become regx's typed reasons.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { enginePushError, registryAuthHeader } from '../../src/core/local/libpod-push';
import { localPushRoute } from '../../src/core/local/podman-push';
import type { RouteOptions } from '../../src/core/local/podman-push';
import { parseImageLocation } from '../../src/core/reference/transport';
import type { ImageLocation } from '../../src/core/reference/transport';
import { progressLine } from '../../src/cli/progress';
import { RegistryClient } from '../../src/core/registry/client';
import type { RegistryClientOptions } from '../../src/core/registry/client';

/** What Go's base64.URLEncoding accepts: the URL alphabet, padded. */
function goUrlDecode(value: string): string {
  assert.match(value, /^[A-Za-z0-9_-]*={0,2}$/, 'only the URL-safe alphabet');
  assert.equal(value.length % 4, 0, "padded to a multiple of 4, as Go's URLEncoding requires");
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

test('X-Registry-Auth carries one Docker AuthConfig (username, password), base64url with padding', () => {
  // Bytes that base64 spells with + and /: the URL alphabet must replace them.
  const creds = { username: 'robot$ci>?', password: 'p?>~ä:ü/+=' };
  const header = registryAuthHeader(creds);
  assert.deepEqual(JSON.parse(goUrlDecode(header)), creds);
});

test('without credentials X-Registry-Auth carries an empty set: podman pushes anonymously, not with logins of its own', () => {
  assert.deepEqual(JSON.parse(goUrlDecode(registryAuthHeader(undefined))), {});
});

const engine = 'Podman Engine 4.3.1';
const what = 'pushing localhost/app:v1 to 127.0.0.1:5000/app:v1';

test("podman's failures become regx's reasons, with podman's words kept and control characters stripped", () => {
  const cases: [string, boolean, string][] = [
    [
      'trying to reuse blob sha256:6adc at destination: checking whether a blob sha256:6adc exists in 127.0.0.1:5000/app: unauthorized: authentication required',
      true,
      'auth-refused',
    ],
    [
      'trying to reuse blob sha256:6adc at destination: checking whether a blob sha256:6adc exists in 127.0.0.1:5000/app: unauthorized: authentication required',
      false,
      'auth-required',
    ],
    ['writing manifest: uploading manifest v1 to 127.0.0.1:5000/app: denied: requested access to the resource is denied', true, 'denied'],
    ['pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": x509: certificate signed by unknown authority', false, 'tls-untrusted'],
    [
      'pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": x509: certificate is valid for 10.0.0.1, not 127.0.0.1',
      false,
      'tls-hostname',
    ],
    ['pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client', false, 'tls-failed'],
    ['pinging container registry 127.0.0.1:1: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', false, 'unreachable'],
    ['nope/x:v1: image not known', false, 'not-found'],
    ['writing blob: uploading layer chunked: toomanyrequests: slow down', true, 'rate-limited'],
    ['writing blob: received unexpected HTTP status: 502 Bad Gateway', true, 'server-error'],
  ];
  for (const [raw, hadCredentials, reason] of cases) {
    const err = enginePushError(engine, what, '127.0.0.1:5000', raw, hadCredentials);
    assert.equal(err.reason, reason, raw);
    assert.ok(err.message.startsWith(`${engine}: ${what}: `), err.message);
  }
  const noisy = enginePushError(engine, what, '127.0.0.1:5000', 'image not known\x1b[31m\x07 here\r\n', false);
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  assert.doesNotMatch(noisy.message, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.match(noisy.serverMessage ?? '', /image not known\[31m here/);
});

const storage = parseImageLocation('containers-storage:[vfs@/s/root+/s/run]localhost/app:v1') as Extract<ImageLocation, { transport: 'containers-storage' }>;
const registry = parseImageLocation('docker://127.0.0.1:5000/team/app:v1') as Extract<ImageLocation, { transport: 'docker' }>;
const client = (options: RegistryClientOptions = {}): RegistryClient =>
  new RegistryClient('127.0.0.1:5000', { credentials: { username: 'u', password: 'p', source: 'test' }, ...options });

test('podman pushes when that is the same copy: its store, a registry tag, and TLS verified or not as regx has it', async () => {
  assert.deepEqual(await localPushRoute(storage, registry, {}, client()), { by: 'engine-push' });
  assert.deepEqual(await localPushRoute(storage, registry, { compression: { format: 'gzip' } }, client({ tlsVerify: false })), { by: 'engine-push' });
  assert.deepEqual(await localPushRoute(storage, registry, {}, client({ credentials: undefined })), { by: 'engine-push' });
});

test('anything podman 4.3 cannot do as regx would takes the export route, and says why', async () => {
  const exported = async (opts: RouteOptions, c: RegistryClient, src: ImageLocation = storage, dst = registry): Promise<string> => {
    const route = await localPushRoute(src as Extract<ImageLocation, { transport: 'containers-storage' }>, dst, opts, c);
    assert.equal(route.by, 'export');
    return route.by === 'export' ? route.why : '';
  };
  const dir = mkdtempSync(join(tmpdir(), 'podman-push-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, rootCertificates[0] as string);
  assert.match(await exported({}, client({ caFile })), /CA file or certificate folder/);
  assert.match(await exported({}, client({ certDir: '/etc/certs' })), /CA file or certificate folder/);
  assert.match(await exported({}, client({ bearerToken: 't' })), /bearer token/);
  assert.match(await exported({}, client({ credentials: { username: '<token>', password: '', identityToken: 'refresh', source: 'test' } })), /identity token/);
  assert.match(await exported({ compression: { format: 'zstd' } }, client()), /zstd/);
  assert.match(await exported({ compression: { format: 'gzip', level: 9 } }, client()), /compression level/);
  assert.match(await exported({ format: 'v2s2' }, client()), /manifest format/);
  assert.match(await exported({ preserveDigests: true }, client()), /digests are to be kept/);
  assert.match(await exported({ signers: [{}] }, client()), /signed/);
  assert.match(await exported({ uploadMode: 'chunked' }, client()), /upload mode/);
  const broken = client({ credentials: () => Promise.reject(new Error('docker-credential-pass: no gpg agent')) });
  assert.match(await exported({}, broken), /credentials for this registry could not be read \(docker-credential-pass: no gpg agent\)/);
  const byDigest = parseImageLocation(`docker://127.0.0.1:5000/team/app@sha256:${'a'.repeat(64)}`) as Extract<ImageLocation, { transport: 'docker' }>;
  assert.match(await exported({}, client(), storage, byDigest), /named by digest/);
  assert.match(await exported({}, client(), parseImageLocation('docker-daemon:localhost/app:v1')), /Docker Engine API/);
});

test('while podman pushes, progress counts layers only: podman does not say how many bytes moved', () => {
  const p = { phase: 'blobs' as const, blobsDone: 2, blobsTotal: 5, bytesDone: 0, bytesTotal: 0, bytesMoved: 0, bytesPerSecond: 0 };
  assert.equal(progressLine(p), 'Copying blobs 2/5');
  assert.match(progressLine({ ...p, bytesDone: 1 << 20, bytesTotal: 4 << 20 }), /^Copying blobs 2\/5, 1\.0\/4\.0 MiB/);
});
