// The fault proxy is test equipment: these checks make sure it passes HTTP/1.1 through unchanged
// (keep-alive, Content-Length, chunked, HEAD) and injects exactly the faults a rule asks for.
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { HttpStreamParser, startFaultProxy, type FaultProxy } from '../harness/fault-proxy';

const body = Buffer.alloc(100_000, 7);
let upstreamHits = 0;
const server = createServer((req, res) => {
  upstreamHits++;
  if (req.url === '/chunked') {
    res.write('abc');
    res.end('defgh');
    return;
  }
  if (req.url === '/upload') {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => res.end(String(n)));
    return;
  }
  res.setHeader('content-length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
});
let proxy: FaultProxy;
const agent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  proxy = await startFaultProxy({ target: `127.0.0.1:${(server.address() as { port: number }).port}` });
});
after(async () => {
  await agent.close();
  await proxy.stop();
  server.close();
});

async function get(path: string, method: 'GET' | 'HEAD' | 'PUT' = 'GET', payload?: string) {
  // An async iterable body goes out chunked: the proxy must find its end without a Content-Length.
  const chunked = payload === undefined ? undefined : Readable.from([Buffer.from(payload.slice(0, 10)), Buffer.from(payload.slice(10))]);
  const r = await request(`${proxy.url}${path}`, { method, dispatcher: agent, body: chunked });
  return { status: r.statusCode, headers: r.headers, bytes: Buffer.from(await r.body.arrayBuffer()) };
}

test('passes keep-alive exchanges through unchanged and logs each one', async () => {
  const start = proxy.log.length;
  assert.deepEqual((await get('/blob')).bytes, body);
  assert.equal((await get('/blob', 'HEAD')).bytes.length, 0);
  assert.equal((await get('/chunked')).bytes.toString(), 'abcdefgh');
  assert.equal((await get('/upload', 'PUT', 'x'.repeat(5000))).bytes.toString(), '5000');
  assert.deepEqual(
    proxy.log.slice(start).map((e) => `${e.method} ${e.path} ${e.status}`),
    ['GET /blob 200', 'HEAD /blob 200', 'GET /chunked 200', 'PUT /upload 200'],
  );
});

test('flips one byte of the body it is told to, once', async () => {
  proxy.addRule({ path: /^\/blob/, action: { kind: 'flip', offset: 10 } });
  const flipped = (await get('/blob')).bytes;
  assert.equal(flipped.length, body.length);
  assert.equal(flipped[10], 7 ^ 0xff);
  assert.equal(Buffer.compare(flipped.subarray(11), body.subarray(11)), 0);
  assert.deepEqual((await get('/blob')).bytes, body, 'the rule hit once');
});

test('cuts a body in the middle', async () => {
  proxy.addRule({ path: /^\/blob/, action: { kind: 'cut' } });
  await assert.rejects(get('/blob'));
  assert.deepEqual((await get('/blob')).bytes, body, 'the next attempt is whole');
});

test('answers 429 with Retry-After in place of the upstream', async () => {
  proxy.addRule({ path: /^\/blob/, action: { kind: 'status', status: 429, retryAfter: 1 }, times: 2 });
  const hits = upstreamHits;
  const a = await get('/blob');
  const b = await get('/blob');
  assert.equal(a.status, 429);
  assert.equal(a.headers['retry-after'], '1');
  assert.equal(b.status, 429);
  assert.equal(upstreamHits, hits, 'the upstream never saw them');
  assert.equal((await get('/blob')).status, 200);
});

test('the parser splits chunked bodies from their framing', () => {
  const p = new HttpStreamParser('response');
  const segs = p.push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 204 No\r\n\r\n'));
  assert.deepEqual(
    segs.map((s) => (s.type === 'data' ? `data:${s.data}` : s.type)),
    ['head', 'framing', 'data:abc', 'framing', 'framing', 'framing', 'end', 'head', 'end'],
  );
});
