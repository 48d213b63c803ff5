// What the client accepts as a manifest or blob, whatever the digest's algorithm, and what `delete`
// deletes. A small HTTP double serves chosen bytes (no real registry serves sha512-pinned manifests
// or lies in its headers); real Distribution covers sha256 and Docker schema 1, checked against skopeo.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { after, test } from 'node:test';
import { DigestMismatchError, InvalidDigestError, RegxError } from '../../src/core/errors';
import { deleteImage } from '../../src/core/image/delete';
import { RegistryClient } from '../../src/core/registry/client';
import { buildImage, MediaTypes, sha256 } from '../harness/images';
import { pushBlob, pushImage, registryFetch } from '../harness/registry-http';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { buildSchema1Image, SCHEMA1_SIGNED } from '../harness/schema1';
import type { Schema1Image } from '../harness/schema1';
import { removeAllTempDirs } from '../harness/temp';
import { freePort, requireTools, run, runRegx } from '../harness/tools';

const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await stopAll();
  removeAllTempDirs();
});

interface Served {
  status?: number;
  body?: Buffer;
  headers?: Record<string, string>;
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A registry double on 127.0.0.1: `route` answers each request; every request is logged. */
async function double(route: (method: string, path: string, body: Buffer) => Served | undefined): Promise<{ host: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const answer = req.url === '/v2/' ? { status: 200, body: Buffer.from('{}') } : route(req.method ?? '', req.url ?? '', Buffer.concat(chunks));
      const status = answer?.status ?? 404;
      const body = answer?.body ?? Buffer.from(status === 404 ? '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' : '');
      res.writeHead(status, { 'content-length': String(body.length), 'content-type': 'application/json', ...answer?.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  servers.push(server);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { host: `127.0.0.1:${port}`, seen };
}

const clientFor = (host: string): RegistryClient => new RegistryClient(host, { tlsVerify: false, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
const hex = (algorithm: string, bytes: Buffer): string => `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: sha256('c'), size: 1 },
    layers: [],
  }),
);
const other = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: sha256('evil'), size: 4 },
    layers: [],
  }),
);

test('a manifest pinned by a sha512 or sha384 digest is accepted with its bytes only', async () => {
  for (const algorithm of ['sha512', 'sha384', 'sha256']) {
    const pinned = hex(algorithm, manifest);
    let serve = other;
    const reg = await double((_method, path) =>
      path === `/v2/team/app/manifests/${pinned}`
        ? { status: 200, body: serve, headers: { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': pinned } }
        : undefined,
    );
    const client = clientFor(reg.host);
    try {
      await assert.rejects(
        client.getManifest('team/app', pinned),
        (err: unknown) => err instanceof DigestMismatchError && err.expected === pinned && err.actual === hex(algorithm, other),
      );
      serve = manifest;
      const m = await client.getManifest('team/app', pinned);
      assert.equal(m.digest, pinned);
      assert.deepEqual(m.bytes, manifest);
    } finally {
      await client.close();
    }
  }
});

test('a malformed or unsupported digest is refused before any request names it', async () => {
  const reg = await double(() => ({ status: 200, body: manifest, headers: { 'content-type': MediaTypes.ociManifest } }));
  const client = clientFor(reg.host);
  try {
    for (const bad of ['sha256:abc', `md5:${'a'.repeat(32)}`, `sha256:${'a'.repeat(64)}/../../../other/manifests/x`, `SHA256:${'A'.repeat(64)}`]) {
      await assert.rejects(client.getManifest('team/app', bad), InvalidDigestError);
      await assert.rejects(client.getBlobBytes('team/app', bad), InvalidDigestError);
      await assert.rejects(client.deleteManifest('team/app', bad), InvalidDigestError);
    }
    assert.deepEqual(
      reg.seen.filter((s) => s.url !== '/v2/'),
      [],
      'nothing but the ping reached the registry',
    );
  } finally {
    await client.close();
  }
});

test('a blob pinned by sha512 is accepted with its bytes only', async () => {
  const blob = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const pinned = hex('sha512', blob);
  let serve = Buffer.from('{"architecture":"arm64","os":"linux"}');
  const reg = await double((_method, path) => (path === `/v2/team/app/blobs/${pinned}` ? { status: 200, body: serve } : undefined));
  const client = clientFor(reg.host);
  try {
    await assert.rejects(client.getBlobBytes('team/app', pinned), DigestMismatchError);
    serve = blob;
    assert.deepEqual(await client.getBlobBytes('team/app', pinned), blob);
  } finally {
    await client.close();
  }
});

test('a Content-Type that contradicts the manifest body is refused as manifest-ambiguous', async () => {
  const reg = await double((_method, path) =>
    path === '/v2/team/app/manifests/v1'
      ? { status: 200, body: manifest, headers: { 'content-type': MediaTypes.ociIndex } }
      : path === '/v2/team/app/manifests/v2'
        ? { status: 200, body: manifest, headers: { 'content-type': MediaTypes.dockerManifest } }
        : undefined,
  );
  const client = clientFor(reg.host);
  try {
    await assert.rejects(client.getManifest('team/app', 'v1'), (err: unknown) => err instanceof RegxError && err.reason === 'manifest-ambiguous');
    await assert.rejects(client.getManifest('team/app', 'v2'), (err: unknown) => err instanceof RegxError && err.reason === 'manifest-ambiguous');
  } finally {
    await client.close();
  }
});

test('a Docker-Content-Digest header is validated before use: a path in it never reaches a URL', async () => {
  const real = sha256(manifest);
  const victim = sha256(other);
  const hostile = `sha256:${'0'.repeat(64)}/../../../victim/manifests/${victim}`;
  const reg = await double((method, path) => {
    if (path === '/v2/team/app/manifests/v1')
      return { status: 200, body: manifest, headers: { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': hostile } };
    if (path === '/v2/team/app/tags/list?n=1000') return { status: 200, body: Buffer.from('{"name":"team/app","tags":["v1"]}') };
    if (method === 'DELETE') return { status: 202 };
    return undefined;
  });
  const client = clientFor(reg.host);
  try {
    const head = await client.headManifest('team/app', 'v1');
    assert.equal(head?.digest, real, 'the digest comes from the bytes, not the hostile header');
    const result = await deleteImage(client, 'team/app', 'v1');
    assert.equal(result.digest, real);
    const deletes = reg.seen.filter((s) => s.method === 'DELETE').map((s) => s.url);
    assert.deepEqual(deletes, [`/v2/team/app/manifests/${real}`], 'one DELETE, of the verified digest, in the repository asked about');
    assert.ok(!reg.seen.some((s) => s.url.includes('victim')));
  } finally {
    await client.close();
  }
});

test('delete resolves a tag by the manifest bytes, not by a header that names another image', async () => {
  const real = sha256(manifest);
  const liar = sha256(other);
  const reg = await double((method, path) => {
    if (path === '/v2/team/app/manifests/v1')
      return { status: 200, body: manifest, headers: { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': liar } };
    if (path.startsWith('/v2/team/app/tags/list')) return { status: 200, body: Buffer.from('{"name":"team/app","tags":["v1"]}') };
    if (method === 'DELETE') return { status: 202 };
    return undefined;
  });
  const client = clientFor(reg.host);
  try {
    const result = await deleteImage(client, 'team/app', 'v1');
    assert.equal(result.digest, real);
    assert.deepEqual(
      reg.seen.filter((s) => s.method === 'DELETE').map((s) => s.url),
      [`/v2/team/app/manifests/${real}`],
    );
    // Deleting by digest: the manifest must be the one the digest names.
    await assert.rejects(deleteImage(client, 'team/app', hex('sha512', other)), (err: unknown) => err instanceof RegxError);
    assert.equal(reg.seen.filter((s) => s.method === 'DELETE').length, 1, 'no second DELETE');
  } finally {
    await client.close();
  }
});

test('a push the registry files under another digest: accepted when it stored our bytes, reported clearly when not', async () => {
  const ours = sha256(manifest);
  let stored = manifest;
  const reg = await double((method, path): Served | undefined => {
    if (method === 'PUT' && path === '/v2/team/app/manifests/v1')
      return { status: 201, headers: { 'docker-content-digest': sha256(Buffer.from('registry-specific')) } };
    if (method === 'GET' && path === '/v2/team/app/manifests/v1') return { status: 200, body: stored, headers: { 'content-type': MediaTypes.ociManifest } };
    return undefined;
  });
  const client = clientFor(reg.host);
  try {
    assert.equal(await client.putManifest('team/app', 'v1', manifest, MediaTypes.ociManifest), ours, 'the header was wrong, the stored bytes are ours');
    stored = other;
    await assert.rejects(
      client.putManifest('team/app', 'v1', manifest, MediaTypes.ociManifest),
      (err: unknown) => err instanceof DigestMismatchError && /team\/app:v1 now names sha256:/.test(err.message),
    );
  } finally {
    await client.close();
  }
});

async function pushSchema1(reg: TestRegistry, repository: string, tag: string): Promise<Schema1Image> {
  const image = await buildSchema1Image({ name: repository, tag, layers: 3, labels: { 'org.example.kind': 'schema1' } });
  for (const [digest, data] of image.blobs) await pushBlob(reg, repository, digest, data);
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: image.manifest,
    headers: { 'content-type': SCHEMA1_SIGNED },
  });
  assert.equal(res.status, 201, await res.text());
  assert.equal(res.headers.get('docker-content-digest'), image.digest, 'Distribution names schema 1 by its payload too');
  return image;
}

const schema1Registry = (): Promise<TestRegistry> => startRegistry({ extraConfig: { compatibility: { schema1: { enabled: true } } } });

test('schema 1 on real Distribution: fetched by tag and by payload digest, inspected as skopeo does', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const reg = await schema1Registry();
  const image = await pushSchema1(reg, 'team/old', 'v1');
  const client = clientFor(reg.host);
  try {
    const byTag = await client.getManifest('team/old', 'v1');
    assert.equal(byTag.mediaType, SCHEMA1_SIGNED);
    assert.equal(byTag.digest, image.digest, 'the digest the tree and copy use is the payload digest');
    assert.notEqual(sha256(byTag.bytes), image.digest);
    const byDigest = await client.getManifest('team/old', image.digest);
    assert.equal(byDigest.digest, image.digest);
    assert.equal((await client.headManifest('team/old', 'v1'))?.digest, image.digest);
  } finally {
    await client.close();
  }
  for (const ref of ['team/old:v1', `team/old@${image.digest}`]) {
    const ours = await runRegx(['inspect', '--tls-verify=false', `docker://${reg.host}/${ref}`]);
    assert.equal(ours.code, 0, ours.stderr);
    const theirs = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/${ref}`]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout), `regx inspect ${ref} equals skopeo's`);
    assert.equal((JSON.parse(ours.stdout) as { Digest: string }).Digest, image.digest);
  }
});

test('schema 1 copy between registries keeps the payload digest and writes the tag only with success', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await schema1Registry();
  const b = await schema1Registry();
  const image = await pushSchema1(a, 'team/old', 'v1');
  const r = await runRegx(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${a.host}/team/old:v1`, `docker://${b.host}/mirror/old:v1`]);
  assert.equal(r.code, 0, r.stderr);
  const head = await registryFetch(b, '/v2/mirror/old/manifests/v1', { method: 'HEAD', headers: { accept: SCHEMA1_SIGNED } });
  assert.equal(head.headers.get('docker-content-digest'), image.digest);
  const theirs = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${b.host}/mirror/old:v1`]);
  assert.equal((JSON.parse(theirs.stdout) as { Digest: string; Layers: string[] }).Digest, image.digest);
  assert.deepEqual((JSON.parse(theirs.stdout) as { Layers: string[] }).Layers, image.layers);
  // Again: the destination already names the digest, nothing is written.
  const again = await runRegx([
    'copy',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${a.host}/team/old:v1`,
    `docker://${b.host}/mirror/old:v1`,
  ]);
  assert.equal(again.code, 0, again.stderr);
  // By digest too.
  const byDigest = await runRegx([
    'copy',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${a.host}/team/old@${image.digest}`,
    `docker://${b.host}/mirror/old:pinned`,
  ]);
  assert.equal(byDigest.code, 0, byDigest.stderr);
});

test('sha256 digests on real Distribution: a digest reference is verified, a wrong one is not found', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  const image = await buildImage({ layers: 1 });
  await pushImage(reg, 'team/app', 'v1', image);
  const client = clientFor(reg.host);
  try {
    assert.equal((await client.getManifest('team/app', image.manifestDigest)).digest, image.manifestDigest);
    await assert.rejects(client.getManifest('team/app', sha256('nothing')), (err: unknown) => err instanceof RegxError && err.reason === 'not-found');
    // Distribution does not serve a manifest by its sha512 digest: a clear not-found, not a wrong image.
    await assert.rejects(
      client.getManifest('team/app', hex('sha512', image.manifest)),
      (err: unknown) => err instanceof RegxError && err.reason !== 'digest-mismatch',
    );
  } finally {
    await client.close();
  }
});
