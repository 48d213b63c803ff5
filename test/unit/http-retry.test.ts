import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { backoffDelay, defaultRetryPolicy, isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from '../../src/core/http/retry';

test('408, 429 and 5xx are retried; 501, 4xx and successes are not', () => {
  for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s), true, String(s));
  for (const s of [200, 201, 400, 401, 403, 404, 405, 501]) assert.equal(isRetryableStatus(s), false, String(s));
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('backoff doubles with jitter, obeys Retry-After, and is capped', () => {
  const p = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    backoffDelay(p, 1, undefined, () => 1),
    100,
  );
  assert.equal(
    backoffDelay(p, 2, undefined, () => 1),
    200,
  );
  assert.equal(
    backoffDelay(p, 2, undefined, () => 0),
    100,
  );
  assert.equal(
    backoffDelay(p, 10, undefined, () => 1),
    1000,
  );
  assert.equal(backoffDelay(p, 1, 700), 700);
  assert.equal(backoffDelay(p, 1, 60_000), 1000);
});

test('connection resets are retryable, wherever they sit in the cause chain', () => {
  assert.equal(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
  assert.equal(isRetryableNetworkError(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'UND_ERR_SOCKET' }) })), true);
  assert.equal(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })), false);
});
