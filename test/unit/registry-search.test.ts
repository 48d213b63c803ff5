// Quay's and Harbor's search APIs cannot run here; this server answers with the shapes their API
// documentation gives (Quay: endpoints/api/search.py and repository.py; Harbor: swagger v2.0).
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/core/registry/client';
import { namespaceRepositories, searchRepositories } from '../../src/core/registry/search';

let host = '';
const seen: { path: string; authorization?: string }[] = [];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  if (url.pathname === '/v2/') return res.writeHead(200).end('{}');
  if (url.pathname === '/api/v1/find/repositories') {
    const page = Number(url.searchParams.get('page'));
    if (page === 1)
      return json({
        results: [
          { kind: 'repository', name: 'app', namespace: { name: 'team', kind: 'org' } },
          { kind: 'application', name: 'x', namespace: { name: 'team' } },
        ],
        has_additional: true,
        page: 1,
        page_size: 10,
      });
    return json({ results: [{ kind: 'repository', name: 'app-two', namespace: { name: 'other' } }], has_additional: false, page: 2 });
  }
  if (url.pathname === '/api/v1/repository') {
    if (url.searchParams.get('next_page') === 'tok2') return json({ repositories: [{ namespace: 'team', name: 'db' }] });
    return json({
      repositories: [
        { namespace: 'team', name: 'api' },
        { namespace: 'team', name: 'web' },
      ],
      next_page: 'tok2',
    });
  }
  if (url.pathname === '/api/v2.0/search')
    return json({ project: [{ name: 'library' }], repository: [{ repository_name: 'library/nginx', project_name: 'library', pull_count: 3 }] });
  if (url.pathname === '/api/v2.0/projects/library/repositories') {
    const page = Number(url.searchParams.get('page'));
    if (page === 1)
      return json([{ name: 'library/nginx' }, { name: 'library/redis' }], {
        link: '</api/v2.0/projects/library/repositories?page=2&page_size=100>; rel="next"',
      });
    return json([{ name: 'library/busybox' }]);
  }
  if (url.pathname === '/api/v2.0/projects/html/repositories') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not harbor</html>');
  res.writeHead(404).end();
});

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('Quay search pages through find/repositories and keeps only repositories, as namespace/name', async () => {
  const client = new RegistryClient(host, { tlsVerify: false });
  const first = await searchRepositories(client, 'quay', 'app');
  assert.deepEqual(first, { repositories: ['team/app'], next: '2' });
  const second = await searchRepositories(client, 'quay', 'app', first.next);
  assert.deepEqual(second, { repositories: ['other/app-two'], next: undefined });
  assert.ok(seen.some((s) => s.path === '/api/v1/find/repositories?query=app&page=2'));
  await client.close();
});

test('a Quay namespace lists through next_page tokens', async () => {
  const client = new RegistryClient(host, { tlsVerify: false });
  const first = await namespaceRepositories(client, 'quay', 'team');
  assert.deepEqual(first, { repositories: ['team/api', 'team/web'], next: 'tok2' });
  assert.deepEqual(await namespaceRepositories(client, 'quay', 'team', first.next), { repositories: ['team/db'], next: undefined });
  await client.close();
});

test('Harbor search and project listing send the user Basic credentials and follow the next page', async () => {
  const client = new RegistryClient(host, { tlsVerify: false, credentials: { username: 'dev', password: 'p:w', source: 'test' } });
  assert.deepEqual(await searchRepositories(client, 'harbor', 'ngi'), { repositories: ['library/nginx'] });
  const first = await namespaceRepositories(client, 'harbor', 'library');
  assert.deepEqual(first, { repositories: ['library/nginx', 'library/redis'], next: '2' });
  assert.deepEqual(await namespaceRepositories(client, 'harbor', 'library', first.next), { repositories: ['library/busybox'], next: undefined });
  const harborCalls = seen.filter((s) => s.path.startsWith('/api/v2.0/'));
  assert.ok(harborCalls.every((s) => s.authorization === `Basic ${Buffer.from('dev:p:w').toString('base64')}`));
  await client.close();
});

test('an answer that is not the API says so instead of an empty list', async () => {
  const client = new RegistryClient(host, { tlsVerify: false });
  await assert.rejects(namespaceRepositories(client, 'harbor', 'html'), /not JSON: is it really Harbor/);
  await assert.rejects(namespaceRepositories(client, 'harbor', 'missing'), /GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\.0\/projects\/missing/);
  await client.close();
});
