// Proves each harness setup against the real parts: Distribution 2.8 and skopeo 1.9 talk through it.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import type { TestContext } from 'node:test';
import {
  buildImage,
  inspectRawWithSkopeo,
  MediaTypes,
  pushWithSkopeo,
  sha256,
  skopeoFlags,
  writeImageLayout,
  writeMultiPlatformLayout,
} from '../harness/images';
import type { TestRegistry } from '../harness/registry';
import { startRegistry, stopAll } from '../harness/registry';
import { closeRegistryAgents, pushImage, registryFetch } from '../harness/registry-http';
import { seedRepositories, seedTags } from '../harness/seed';
import { makeTempDir, removeAllTempDirs } from '../harness/temp';
import { requireTools, run, runRegx } from '../harness/tools';

after(async () => {
  await closeRegistryAgents();
  await stopAll();
  removeAllTempDirs();
});

const registryTools = ['docker-registry', 'skopeo', 'openssl'];

async function pushSmall(reg: TestRegistry, repoAndTag: string): Promise<string> {
  const layout = makeTempDir('layout');
  const img = await writeImageLayout(layout, { tag: 'x', layerSize: 512 });
  await pushWithSkopeo(layout, 'x', reg, repoAndTag);
  return img.manifestDigest;
}

function inspect(reg: TestRegistry, ref: string, flags: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return run('skopeo', ['inspect', '--raw', ...flags, `docker://${reg.host}/${ref}`], { timeoutMs: 60_000 });
}

test('plain HTTP: skopeo pushes Docker and OCI images from a layout with their digests kept', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry();
  assert.match(reg.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const layout = makeTempDir('layout');
  for (const mediaType of ['docker', 'oci'] as const) {
    const img = await writeImageLayout(layout, { tag: mediaType, layers: 2, layerSize: 4096, labels: { a: 'b' }, mediaType });
    await pushWithSkopeo(layout, mediaType, reg, `plain/app:${mediaType}`);
    const raw = await inspectRawWithSkopeo(reg, `plain/app:${mediaType}`);
    assert.equal(sha256(raw), img.manifestDigest, `skopeo kept the ${mediaType} manifest bytes`);
    assert.equal(JSON.parse(raw.toString()).mediaType, img.manifestMediaType);
    const res = await fetch(`${reg.url}/v2/plain/app/blobs/${img.configDigest}`);
    assert.equal(res.status, 200);
    const config = JSON.parse(Buffer.from(await res.arrayBuffer()).toString());
    assert.deepEqual(config.config.Labels, { a: 'b' });
    assert.equal(config.rootfs.diff_ids.length, 2);
  }
});

test('TLS with the test CA: untrusted fails with a certificate error, --cert-dir and --tls-verify=false work', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry({ tls: true });
  assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(reg.caFile && reg.certDir);
  const digest = await pushSmall(reg, 'secure/app:v1');
  const untrusted = await inspect(reg, 'secure/app:v1', []);
  assert.notEqual(untrusted.code, 0);
  assert.match(untrusted.stderr, /x509|certificate/i);
  const trusted = await inspect(reg, 'secure/app:v1', [`--cert-dir=${reg.certDir}`]);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(sha256(trusted.stdout), digest);
  const insecure = await inspect(reg, 'secure/app:v1', ['--tls-verify=false']);
  assert.equal(insecure.code, 0, insecure.stderr);
});

test('htpasswd over TLS: the right password works, a wrong one and none are refused', async (t) => {
  if (!requireTools(t, [...registryTools, 'htpasswd'])) return;
  const reg = await startRegistry({ tls: true, htpasswd: { username: 'alice', password: 's3cret-pw' } });
  const digest = await pushSmall(reg, 'basic/app:v1');
  const good = await inspect(reg, 'basic/app:v1', skopeoFlags(reg, ''));
  assert.equal(good.code, 0, good.stderr);
  assert.equal(sha256(good.stdout), digest);
  const bad = await inspect(reg, 'basic/app:v1', [`--cert-dir=${reg.certDir}`, '--creds=alice:wrong']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unauthorized|authentication required/i);
  const none = await fetch(`${reg.url.replace('https', 'http')}/v2/`).catch(() => undefined);
  assert.ok(!none || none.status !== 200, 'plain HTTP to a TLS port does not get in');
});

test('token auth: skopeo pushes and inspects through the harness issuer, which saw the scoped requests', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry({ token: true, tokenIssuer: { username: 'bob', password: 'tok-pw' } });
  const issuer = reg.tokenIssuer;
  assert.ok(issuer);
  const challenge = await fetch(`${reg.url}/v2/`);
  assert.equal(challenge.status, 401);
  assert.match(challenge.headers.get('www-authenticate') ?? '', new RegExp(`^Bearer realm="${issuer.realm}",service="${issuer.service}"`));
  const digest = await pushSmall(reg, 'tok/app:v1');
  const pushReq = issuer.requests.find((r) => r.scopes.some((s) => s === 'repository:tok/app:pull,push' || s === 'repository:tok/app:push,pull'));
  assert.ok(pushReq, `issuer saw a push scope; saw ${JSON.stringify(issuer.requests.map((r) => r.scopes))}`);
  assert.equal(pushReq.account, 'bob');
  assert.equal(pushReq.authenticated, true);
  assert.equal(pushReq.method, 'GET');
  const good = await inspect(reg, 'tok/app:v1', skopeoFlags(reg, ''));
  assert.equal(good.code, 0, good.stderr);
  assert.equal(sha256(good.stdout), digest);
  const anonymous = await inspect(reg, 'tok/app:v1', ['--tls-verify=false', '--no-creds']);
  assert.notEqual(anonymous.code, 0, 'an anonymous token carries no access');
  const wrong = await inspect(reg, 'tok/app:v1', ['--tls-verify=false', '--creds=bob:nope']);
  assert.notEqual(wrong.code, 0);
  assert.ok(
    issuer.requests.some((r) => r.account === 'bob' && r.status === 401),
    'the issuer refused the wrong password',
  );
});

test('token issuer: OAuth2 POST (password, then refresh_token) gives tokens the registry accepts', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry({ token: true, tokenIssuer: { username: 'carol', password: 'pw', responseFields: 'access_token' } });
  const issuer = reg.tokenIssuer;
  assert.ok(issuer);
  const form = (fields: Record<string, string>): Promise<Response> => fetch(issuer.realm, { method: 'POST', body: new URLSearchParams(fields) });
  const first = await form({
    grant_type: 'password',
    username: 'carol',
    password: 'pw',
    service: issuer.service,
    scope: 'registry:catalog:*',
    client_id: 'regx',
  });
  assert.equal(first.status, 200);
  const body = (await first.json()) as { access_token: string; refresh_token: string; expires_in: number };
  const catalog = await fetch(`${reg.url}/v2/_catalog`, { headers: { authorization: `Bearer ${body.access_token}` } });
  assert.equal(catalog.status, 200);
  const second = await form({ grant_type: 'refresh_token', refresh_token: body.refresh_token, service: issuer.service, scope: 'registry:catalog:*' });
  assert.equal(second.status, 200);
  assert.equal(issuer.requests.at(-1)?.account, 'carol');
  assert.equal(issuer.requests.at(-1)?.form?.refresh_token, '***', 'secrets are not kept in the request log');
  const bad = await form({ grant_type: 'password', username: 'carol', password: 'no' });
  assert.equal(bad.status, 401);
  const get = await fetch(`${issuer.realm}?service=${issuer.service}&scope=registry:catalog:*`, {
    headers: { authorization: `Basic ${Buffer.from('carol:pw').toString('base64')}` },
  });
  const getBody = (await get.json()) as Record<string, unknown>;
  assert.equal(getBody.token, undefined, 'responseFields: access_token leaves out `token`');
  assert.equal(typeof getBody.access_token, 'string');
});

test('multi-platform: an index (Docker list and OCI index) is pushed with --all and keeps its digest', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry();
  const layout = makeTempDir('layout');
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ];
  for (const mediaType of ['docker', 'oci'] as const) {
    const idx = await writeMultiPlatformLayout(layout, `multi-${mediaType}`, platforms, { mediaType });
    await pushWithSkopeo(layout, idx.tag, reg, `multi/app:${mediaType}`);
    const raw = await inspectRawWithSkopeo(reg, `multi/app:${mediaType}`);
    assert.equal(sha256(raw), idx.indexDigest);
    const parsed = JSON.parse(raw.toString()) as { mediaType: string; manifests: { platform: { architecture: string } }[] };
    assert.equal(parsed.mediaType, mediaType === 'docker' ? MediaTypes.dockerList : MediaTypes.ociIndex);
    assert.deepEqual(
      parsed.manifests.map((m) => m.platform.architecture),
      ['amd64', 'arm64'],
    );
    for (const img of idx.images) {
      const child = await inspectRawWithSkopeo(reg, `multi/app@${img.manifestDigest}`);
      assert.equal(sha256(child), img.manifestDigest);
    }
  }
});

test('seeded 1,500 repositories page through _catalog with n=1000; 2,500 tags through tags/list', async (t) => {
  if (!requireTools(t, ['docker-registry', 'openssl'])) return;
  const reg = await startRegistry({ memoryStorage: true });
  const started = Date.now();
  const { repositories, image } = await seedRepositories(reg, 1500);
  const { tags } = await seedTags(reg, 'seed/many-tags', 2500);
  t.diagnostic(`seeded 1500 repositories + 2500 tags in ${Date.now() - started} ms`);
  const seen: string[] = [];
  let next: string | undefined = `/v2/_catalog?n=1000`;
  let pages = 0;
  while (next) {
    const res: Response = await fetch(new URL(next, reg.url));
    assert.equal(res.status, 200);
    seen.push(...((await res.json()) as { repositories: string[] }).repositories);
    pages++;
    next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  assert.equal(pages, 2);
  assert.deepEqual(seen, [...repositories, 'seed/many-tags'].sort());
  const tagList = await fetch(`${reg.url}/v2/seed/many-tags/tags/list`);
  // Distribution 2.8 lists tags in directory order, not sorted: compare as sets.
  assert.deepEqual(((await tagList.json()) as { tags: string[] }).tags.sort(), tags);
  // Served through the real API: the manifest by tag and its blobs.
  const m = await fetch(`${reg.url}/v2/${repositories[1234]}/manifests/latest`, { headers: { accept: image.manifestMediaType } });
  assert.equal(m.status, 200);
  assert.equal(m.headers.get('docker-content-digest'), image.manifestDigest);
  const blob = await fetch(`${reg.url}/v2/${repositories[7]}/blobs/${image.configDigest}`);
  assert.equal(blob.status, 200);
});

test('restart keeps the port and the data', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry();
  const digest = await pushSmall(reg, 'keep/app:v1');
  const port = reg.port;
  await reg.restart();
  assert.equal(reg.port, port);
  assert.equal(sha256(await inspectRawWithSkopeo(reg, 'keep/app:v1')), digest);
  await reg.stop();
  const gone = await fetch(`${reg.url}/v2/`).catch((e: unknown) => e);
  assert.ok(gone instanceof Error, 'nothing answers after stop');
});

test('token issuer over TLS behind a TLS registry: skopeo with --cert-dir trusts both', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry({ tls: true, tokenIssuer: { tls: true, username: 'dan', password: 'pw' } });
  const issuer = reg.tokenIssuer;
  assert.ok(issuer);
  assert.match(issuer.realm, /^https:\/\/127\.0\.0\.1:\d+\/token$/);
  assert.equal(issuer.caFile, reg.caFile, 'one CA for the registry and its issuer');
  const digest = await pushSmall(reg, 'tls-tok/app:v1');
  const ok = await inspect(reg, 'tls-tok/app:v1', skopeoFlags(reg, ''));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(sha256(ok.stdout), digest);
  assert.ok(issuer.requests.some((r) => r.authenticated && r.scopes.includes('repository:tls-tok/app:pull')));
});

test('token issuer policy: a pull-only grant lets skopeo read but not push; anonymous "deny" answers 401', async (t) => {
  if (!requireTools(t, registryTools)) return;
  const reg = await startRegistry({
    tokenIssuer: {
      anonymous: 'deny',
      keyHeader: 'kid',
      grant: (account, wanted) => (account === 'admin' ? wanted.actions : wanted.actions.filter((a) => a === 'pull')),
    },
  });
  const issuer = reg.tokenIssuer;
  assert.ok(issuer);
  const layout = makeTempDir('layout');
  const img = await writeImageLayout(layout, { tag: 'v1' });
  await pushWithSkopeo(layout, 'v1', { ...reg, username: 'admin', password: 'any' }, 'pol/app:v1');
  const reader = { ...reg, username: 'reader', password: 'any' };
  assert.equal(sha256(await inspectRawWithSkopeo(reader, 'pol/app:v1')), img.manifestDigest, 'a token naming its key by kid only verifies');
  await assert.rejects(pushWithSkopeo(layout, 'v1', reader, 'pol/app:v2'), /denied|unauthorized|authentication required/i);
  const anon = await fetch(`${issuer.realm}?service=${issuer.service}&scope=repository:pol/app:pull`);
  assert.equal(anon.status, 401);
});

test('requireTools: a missing tool skips with the apt package locally and throws in CI', (t) => {
  const skipped: string[] = [];
  const fake = { skip: (msg: string) => skipped.push(msg) } as unknown as TestContext;
  const saved = process.env.CI;
  try {
    delete process.env.CI;
    assert.equal(requireTools(fake, ['htpasswd-missing-xyz']), false);
    assert.match(skipped[0] ?? '', /htpasswd-missing-xyz not installed: apt-get install/);
    assert.equal(requireTools(fake, ['node']), true, 'node is on PATH');
    process.env.CI = 'true';
    assert.throws(() => requireTools(t, ['skopeo-missing-xyz']), /skopeo-missing-xyz not installed/);
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});

test('runRegx runs the built CLI bundle as a subprocess', async () => {
  const r = await runRegx(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^regx version \d+\.\d+\.\d+/);
});

test('registryFetch/pushImage: an in-memory image pushed over the API to TLS+htpasswd and token registries reads back with skopeo', async (t) => {
  if (!requireTools(t, [...registryTools, 'htpasswd'])) return;
  const image = await buildImage({ layers: 2, layerSize: 2048, mediaType: 'oci' });
  for (const reg of [
    await startRegistry({ tls: true, htpasswd: { username: 'erin', password: 'pw' } }),
    await startRegistry({ tls: true, tokenIssuer: { username: 'erin', password: 'pw' } }),
  ]) {
    await pushImage(reg, 'api/app', 'v1', image);
    assert.equal(sha256(await inspectRawWithSkopeo(reg, 'api/app:v1')), image.manifestDigest);
    const tags = await registryFetch(reg, '/v2/api/app/tags/list');
    assert.deepEqual(((await tags.json()) as { tags: string[] }).tags, ['v1']);
    const catalog = await registryFetch(reg, '/v2/_catalog');
    assert.deepEqual(((await catalog.json()) as { repositories: string[] }).repositories, ['api/app']);
    const anonymous = await registryFetch(reg, '/v2/_catalog', { headers: { authorization: 'Basic Og==' } });
    assert.equal(anonymous.status, 401, 'the registry really checks credentials');
  }
  assert.equal((await startRegistry()).tokenIssuer, undefined);
});
