// The core's tag delete against real Distribution 2.8, which deletes by digest only and refuses
// DELETE /v2/<name>/manifests/<tag>; and against the same registry behind a front that removes a tag
// the way Distribution 3 does (it unlinks the tag in the registry's own storage, the image stays), since
// Distribution 3 does not run here.
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RegxError, TagDeleteUnsupportedError, reasonOf } from '../../src/core/errors';
import { RegistryClient } from '../../src/core/registry/client';
import { buildImage } from '../harness/images';
import type { BuiltImage } from '../harness/images';
import { pushImage, registryFetch } from '../harness/registry-http';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { removeAllTempDirs } from '../harness/temp';
import { freePort, requireTools } from '../harness/tools';

const accept = 'application/vnd.oci.image.manifest.v1+json';
let registry: TestRegistry;
let image: BuiltImage;
let front: Server;
let frontHost: string;

before(async () => {
  if (!requireTools(undefined, ['docker-registry'])) return;
  registry = await startRegistry();
  image = await buildImage({ mediaType: 'oci', layerSize: 256 });
  for (const tag of ['keep', 'gone', 'also']) await pushImage(registry, 'team/app', tag, image);
  // Distribution 3's tag delete: 202 and the tag's link removed; every other request goes to the real registry.
  const port = await freePort();
  frontHost = `127.0.0.1:${port}`;
  front = createServer((req, res) => {
    const m = /^\/v2\/(.+)\/manifests\/([\w][\w.-]{0,127})$/.exec(req.url ?? '');
    if (req.method === 'DELETE' && m) {
      const dir = join(registry.dataDir, 'docker/registry/v2/repositories', m[1]!, '_manifests/tags', m[2]!);
      const exists = (() => {
        try {
          return statSync(dir).isDirectory();
        } catch {
          return false;
        }
      })();
      if (!exists) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
        return;
      }
      rmSync(dir, { recursive: true });
      res.writeHead(202).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([k]) => k !== 'host' && k !== 'connection')
          .map(([k, v]) => [k, String(v)]),
      );
      fetch(`${registry.url}${req.url ?? '/'}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' })
        .then(async (r) => {
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => {
            if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
          });
          const body = Buffer.from(await r.arrayBuffer());
          res.writeHead(r.status, out).end(req.method === 'HEAD' ? undefined : body);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => front.listen(port, '127.0.0.1', r));
});

after(async () => {
  await new Promise((r) => front?.close(r));
  await stopAll();
  removeAllTempDirs();
});

async function status(tag: string): Promise<number> {
  return (await registryFetch(registry, `/v2/team/app/manifests/${tag}`, { method: 'HEAD', headers: { accept } })).status;
}

test('Distribution 2.8 refuses to remove a tag alone: a TagDeleteUnsupportedError (reason unsupported), nothing removed', async () => {
  const client = new RegistryClient(registry.host, { tlsVerify: false });
  try {
    const error = await client.deleteTag('team/app', 'gone').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof TagDeleteUnsupportedError, `got ${String(error)}`);
    assert.equal(reasonOf(error), 'unsupported');
    assert.equal(error.status, 400);
    assert.equal(error.serverCode, 'DIGEST_INVALID');
    assert.match(error.message, /does not remove a tag on its own/);
    for (const tag of ['keep', 'gone', 'also']) assert.equal(await status(tag), 200, `${tag} still names the image`);
  } finally {
    await client.close();
  }
});

test('a registry that removes tags (as Distribution 3 does) removes that tag only; the image and its other tags stay', async () => {
  const client = new RegistryClient(frontHost, { tlsVerify: false });
  try {
    await client.deleteTag('team/app', 'gone');
    assert.equal(await status('gone'), 404, 'the tag is gone');
    assert.equal(await status('keep'), 200);
    assert.equal(await status('also'), 200);
    assert.equal(await status(image.manifestDigest), 200, 'the image is still there by digest');
    // A tag that is not there is not found, not "unsupported".
    const missing = await client.deleteTag('team/app', 'gone').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(missing instanceof RegxError && !(missing instanceof TagDeleteUnsupportedError), `got ${String(missing)}`);
    assert.equal(reasonOf(missing), 'not-found');
  } finally {
    await client.close();
  }
});

test('a tag that is not a tag never reaches the URL', async () => {
  const client = new RegistryClient(registry.host, { tlsVerify: false });
  try {
    await assert.rejects(client.deleteTag('team/app', '../x'), (e: unknown) => reasonOf(e) === 'invalid-reference');
    await assert.rejects(client.deleteTag('team/app', image.manifestDigest), (e: unknown) => reasonOf(e) === 'invalid-reference');
  } finally {
    await client.close();
  }
});
