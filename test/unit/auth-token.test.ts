import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Challenge } from '../../src/core/auth/challenge';
import type { Credentials } from '../../src/core/auth/credentials';
import { CATALOG_SCOPE, MIN_TOKEN_LIFETIME_SECONDS, TokenCache, TokenRealmError, challengeScopes, fetchBearerToken, scopeFor } from '../../src/core/auth/token';
import { AuthenticationError, NetworkError, RegistryError } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http/client';

interface Seen {
  method: string;
  url: URL;
  authorization?: string;
  contentType?: string;
  body: string;
}
type Handler = (req: Seen, res: ServerResponse) => void;

const seen: Seen[] = [];
let handler: Handler = (_r, res) => res.end('{}');
let base = '';
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const s: Seen = {
      method: req.method ?? '',
      url: new URL(req.url ?? '/', base),
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString(),
    };
    seen.push(s);
    handler(s, res);
  });
});
// One attempt: these tests pin what the token exchange makes of each answer, not the transport's retries.
const http = new HttpClient({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await http.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
function challenge(path = '/token', service = 'reg.test'): Challenge {
  return { scheme: 'bearer', params: { realm: `${base}${path}`, service } };
}
function reset(h: Handler): void {
  seen.length = 0;
  handler = h;
}
const alice: Credentials = { username: 'alice', password: 's3:cret', source: '--creds' };

test('GET with service, repeated scopes, account and Basic auth; `token` is accepted', async () => {
  reset((_r, res) => json(res, 200, { token: 'tok-1', expires_in: 300 }));
  const t0 = Date.now();
  const t = await fetchBearerToken({
    challenge: challenge(),
    scopes: ['repository:a/b:pull', 'repository:c:pull,push'],
    credentials: alice,
    http,
    registryUrl: base,
  });
  assert.equal(t.token, 'tok-1');
  assert.ok(t.expiresAt >= t0 + 300_000 && t.expiresAt <= Date.now() + 300_000);
  assert.equal(seen.length, 1);
  const r = seen[0] as Seen;
  assert.equal(r.method, 'GET');
  assert.equal(r.url.pathname, '/token');
  assert.equal(r.url.searchParams.get('service'), 'reg.test');
  assert.deepEqual(r.url.searchParams.getAll('scope'), ['repository:a/b:pull', 'repository:c:pull,push']);
  assert.equal(r.url.searchParams.get('account'), 'alice');
  assert.equal(r.authorization, `Basic ${Buffer.from('alice:s3:cret').toString('base64')}`);
});

test('anonymous GET sends no account and no Authorization; `access_token` is accepted', async () => {
  reset((_r, res) => json(res, 200, { access_token: 'at-2' }));
  const t = await fetchBearerToken({ challenge: challenge(), scopes: ['repository:x:pull'], http, registryUrl: base });
  assert.equal(t.token, 'at-2');
  const r = seen[0] as Seen;
  assert.equal(r.authorization, undefined);
  assert.equal(r.url.searchParams.has('account'), false);
});

test('query parameters already in the realm are kept', async () => {
  reset((_r, res) => json(res, 200, { token: 't' }));
  await fetchBearerToken({ challenge: challenge('/token?tenant=7'), scopes: [], http, registryUrl: base });
  assert.equal(seen[0]?.url.searchParams.get('tenant'), '7');
});

test('expires_in below the minimum, or missing, becomes 60 s from issued_at', async () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  reset((_r, res) => json(res, 200, { token: 't', expires_in: 5 }));
  const short = await fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base, now: () => now });
  assert.equal(short.expiresAt, now + MIN_TOKEN_LIFETIME_SECONDS * 1000);
  reset((_r, res) => json(res, 200, { token: 't', expires_in: 600, issued_at: '2026-01-01T00:10:00Z' }));
  const issued = await fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base, now: () => now });
  assert.equal(issued.expiresAt, Date.parse('2026-01-01T00:20:00Z'));
  reset((_r, res) => json(res, 200, { token: 't' }));
  const missing = await fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base, now: () => now });
  assert.equal(missing.expiresAt, now + 60_000);
});

test('an identity token is exchanged by OAuth2 POST with grant_type=refresh_token', async () => {
  reset((_r, res) => json(res, 200, { access_token: 'from-post', expires_in: 120 }));
  const creds: Credentials = { username: '', password: '', identityToken: 'refresh-xyz', source: 'docker-credential-test' };
  const t = await fetchBearerToken({
    challenge: challenge(),
    scopes: ['repository:a:pull', 'repository:b:pull'],
    credentials: creds,
    http,
    registryUrl: base,
    clientId: 'my-client',
  });
  assert.equal(t.token, 'from-post');
  assert.equal(seen.length, 1);
  const r = seen[0] as Seen;
  assert.equal(r.method, 'POST');
  assert.equal(r.contentType, 'application/x-www-form-urlencoded');
  const form = new URLSearchParams(r.body);
  assert.equal(form.get('grant_type'), 'refresh_token');
  assert.equal(form.get('refresh_token'), 'refresh-xyz');
  assert.equal(form.get('client_id'), 'my-client');
  assert.equal(form.get('service'), 'reg.test');
  assert.equal(form.get('scope'), 'repository:a:pull repository:b:pull');
});

test('with oauth on, username/password use the password grant and fall back to GET on 404/405', async () => {
  reset((r, res) => (r.method === 'POST' ? json(res, 200, { access_token: 'pw-grant' }) : json(res, 500, {})));
  const t = await fetchBearerToken({ challenge: challenge(), scopes: ['repository:a:pull'], credentials: alice, http, registryUrl: base, oauth: true });
  assert.equal(t.token, 'pw-grant');
  const form = new URLSearchParams(seen[0]?.body);
  assert.equal(form.get('grant_type'), 'password');
  assert.equal(form.get('username'), 'alice');
  assert.equal(form.get('password'), 's3:cret');
  assert.equal(form.get('client_id'), 'regx');

  for (const status of [404, 405]) {
    reset((r, res) => (r.method === 'POST' ? json(res, status, {}) : json(res, 200, { token: `get-after-${status}` })));
    const f = await fetchBearerToken({ challenge: challenge(), scopes: ['repository:a:pull'], credentials: alice, http, registryUrl: base, oauth: true });
    assert.equal(f.token, `get-after-${status}`);
    assert.deepEqual(
      seen.map((s) => s.method),
      ['POST', 'GET'],
    );
    assert.ok(seen[1]?.authorization?.startsWith('Basic '));
  }
});

test('a 401 from the token server names the registry and the user, never the password', async () => {
  reset((_r, res) => json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication failed' }] }));
  await assert.rejects(
    fetchBearerToken({ challenge: challenge(), scopes: ['repository:a:pull'], credentials: alice, http, registryUrl: base }),
    (e: unknown) => {
      assert.ok(e instanceof AuthenticationError);
      assert.match(e.message, /127\.0\.0\.1:\d+/);
      assert.match(e.message, /refused the username\/password for "alice"/);
      assert.match(e.message, /authentication failed/);
      assert.ok(!e.message.includes('s3:cret') && !e.stack?.includes('s3:cret'));
      return true;
    },
  );
  reset((_r, res) => json(res, 401, {}));
  await assert.rejects(fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base }), /requires credentials/);
  reset((_r, res) => json(res, 401, { error: 'invalid_grant' }));
  const creds: Credentials = { username: '', password: '', identityToken: 'rt-secret', source: '/a/auth.json' };
  await assert.rejects(fetchBearerToken({ challenge: challenge(), scopes: [], credentials: creds, http, registryUrl: base }), (e: unknown) => {
    assert.ok(e instanceof AuthenticationError);
    assert.match(e.message, /refused the identity token from \/a\/auth\.json/);
    assert.ok(!e.message.includes('rt-secret'));
    assert.equal(seen.length, 1, 'no GET fallback without a password');
    return true;
  });
});

test('other failures are typed: 5xx RegistryError, no token, not JSON, unreachable', async () => {
  reset((_r, res) => json(res, 503, { details: 'down for maintenance' }));
  await assert.rejects(
    fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base }),
    (e: unknown) => e instanceof RegistryError && e.status === 503 && /down for maintenance/.test(e.message) && !e.url.includes('?'),
  );
  reset((_r, res) => json(res, 200, { expires_in: 60 }));
  await assert.rejects(fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base }), /answered without a token/);
  reset((_r, res) => res.end('<html>'));
  await assert.rejects(fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base }), /not JSON/);
  // A port nobody listens on: bind one, note it, close it.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const dead = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(
    fetchBearerToken({
      challenge: { scheme: 'bearer', params: { realm: `http://127.0.0.1:${dead}/token` } },
      scopes: [],
      credentials: alice,
      http,
      registryUrl: base,
    }),
    (e: unknown) => e instanceof NetworkError && /token server .*cannot reach/.test(e.message) && !e.message.includes('s3:cret'),
  );
});

test('a realm that downgrades https to http is refused before anything is sent', async () => {
  reset((_r, res) => json(res, 200, { token: 'never' }));
  await assert.rejects(
    fetchBearerToken({ challenge: challenge(), scopes: [], credentials: alice, http, registryUrl: 'https://registry.example.com' }),
    (e: unknown) => e instanceof TokenRealmError && e instanceof AuthenticationError && /clear text/.test(e.message) && e.registry === 'registry.example.com',
  );
  assert.equal(seen.length, 0);
  await assert.rejects(fetchBearerToken({ challenge: { scheme: 'bearer', params: {} }, scopes: [], http, registryUrl: base }), /no realm/);
  await assert.rejects(
    fetchBearerToken({ challenge: { scheme: 'bearer', params: { realm: 'ftp://x/y' } }, scopes: [], http, registryUrl: base }),
    TokenRealmError,
  );
});

test('an aborted signal cancels', async () => {
  reset((_r, res) => json(res, 200, { token: 't' }));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(fetchBearerToken({ challenge: challenge(), scopes: [], http, registryUrl: base, signal: ac.signal }), { reason: 'cancelled' });
});

test('TokenCache keeps a token until just before expiry, per key', () => {
  let now = 1_000_000;
  const cache = new TokenCache(10_000, () => now);
  const k1 = TokenCache.key('reg', ['repository:a:pull', 'repository:b:pull']);
  assert.equal(k1, TokenCache.key('reg', ['repository:b:pull', 'repository:a:pull']), 'scope order does not matter');
  assert.notEqual(k1, TokenCache.key('reg2', ['repository:a:pull', 'repository:b:pull']));
  assert.notEqual(k1, TokenCache.key('reg', ['repository:a:pull']));
  cache.set(k1, { token: 'T', expiresAt: now + 60_000 });
  assert.equal(cache.get(k1), 'T');
  assert.equal(cache.get('other'), undefined);
  now += 49_999;
  assert.equal(cache.get(k1), 'T');
  now += 1;
  assert.equal(cache.get(k1), undefined, 'dropped within the margin before expiry');
  cache.set(k1, { token: 'U', expiresAt: now + 60_000 });
  cache.invalidate(k1);
  assert.equal(cache.get(k1), undefined);
});

test('scope strings', () => {
  assert.equal(scopeFor('library/redis', ['pull']), 'repository:library/redis:pull');
  assert.equal(scopeFor('a/b', ['pull', 'push', 'pull']), 'repository:a/b:pull,push');
  assert.equal(scopeFor('a', ['*']), 'repository:a:*');
  assert.equal(CATALOG_SCOPE, 'registry:catalog:*');
  assert.deepEqual(challengeScopes({ scheme: 'bearer', params: { scope: 'repository:a:pull repository:b:push' } }), ['repository:a:pull', 'repository:b:push']);
  assert.deepEqual(challengeScopes({ scheme: 'bearer', params: {} }), []);
});
