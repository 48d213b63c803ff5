// The client's paging loop over real HTTP, against a tiny server that pages the way registries
// do (Distribution 2.8 does not page tags/list, so this is where tag paging is exercised).
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/core/registry/client';
import { ManifestTooLargeError, RegistryError } from '../../src/core/errors';

let base = '';
let requests: string[] = [];
const all = Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  requests.push(url.pathname + url.search);
  if (url.pathname === '/v2/') return res.writeHead(200).end('{}');
  if (url.pathname === '/v2/paged/tags/list') {
    const n = Number(url.searchParams.get('n') ?? 10);
    const last = url.searchParams.get('last');
    const start = last ? all.indexOf(last) + 1 : 0;
    const page = all.slice(start, start + n);
    if (start + n < all.length) res.setHeader('link', `</v2/paged/tags/list?n=${n}&last=${page[page.length - 1]}>; rel="next"`);
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'paged', tags: page }));
  }
  if (url.pathname === '/v2/loop/tags/list') {
    res.setHeader('link', '</v2/loop/tags/list?n=2&last=a>; rel="next"');
    return res.writeHead(200).end(JSON.stringify({ name: 'loop', tags: ['a'] }));
  }
  if (url.pathname === '/v2/elsewhere/tags/list') {
    res.setHeader('link', '<http://other.example:1/v2/elsewhere/tags/list?last=a>; rel="next"');
    return res.writeHead(200).end(JSON.stringify({ name: 'elsewhere', tags: ['a'] }));
  }
  if (url.pathname === '/v2/huge/manifests/latest') {
    return res
      .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': String(5 * 1024 * 1024) })
      .end(Buffer.alloc(5 * 1024 * 1024, 32));
  }
  if (url.pathname === '/v2/chunked-huge/manifests/latest') {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    for (let i = 0; i < 5; i++) res.write(Buffer.alloc(1024 * 1024, 32));
    return res.end();
  }
  res.writeHead(404).end();
});

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('tags are read page by page through relative Links, complete and in order', async () => {
  const client = new RegistryClient(base, { tlsVerify: false });
  requests = [];
  assert.deepEqual(await client.listTags('paged', 10), all);
  assert.deepEqual(
    requests.filter((r) => r.includes('tags/list')),
    ['/v2/paged/tags/list?n=10', '/v2/paged/tags/list?n=10&last=t09', '/v2/paged/tags/list?n=10&last=t19'],
  );
  await client.close();
});

test('a Link that leads back to a page already read ends with an error instead of looping', async () => {
  const client = new RegistryClient(base, { tlsVerify: false });
  await assert.rejects(client.listTags('loop', 2), (err: unknown) => err instanceof RegistryError && /already read/.test(err.message));
  await client.close();
});

test('a Link to another host is not followed', async () => {
  const client = new RegistryClient(base, { tlsVerify: false });
  await assert.rejects(client.listTags('elsewhere', 2), /another host/);
  await client.close();
});

test('manifests over 4 MiB are refused, whether or not Content-Length says so', async () => {
  const client = new RegistryClient(base, { tlsVerify: false });
  await assert.rejects(client.getManifest('huge', 'latest'), ManifestTooLargeError);
  await assert.rejects(client.getManifest('chunked-huge', 'latest'), ManifestTooLargeError);
  await client.close();
});
