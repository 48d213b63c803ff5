import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact } from '../../src/extension/redact';

test('a known secret is masked wherever it appears, the longest first', () => {
  assert.equal(redact('login as bob with s3cret and s3cret-2', ['s3cret', 's3cret-2']), 'login as bob with *** and ***');
});

test('Authorization headers are masked even when the secret is not known', () => {
  assert.equal(redact('Authorization: Basic Ym9iOnMzY3JldA=='), 'Authorization: Basic ***');
  assert.equal(redact('{"authorization":"Bearer eyJhbGciOi.x.y"}'), '{"authorization":"Bearer ***"}');
});

test('user:password@ in a URL, secret-named JSON fields and token query parameters are masked', () => {
  assert.equal(redact('GET https://bob:pw@registry.test/v2/'), 'GET https://***@registry.test/v2/');
  assert.equal(redact('{"username":"bob","password":"pw","identitytoken":"tok"}'), '{"username":"bob","password":"***","identitytoken":"***"}');
  assert.equal(redact('/token?service=r&access_token=abc&scope=x'), '/token?service=r&access_token=***&scope=x');
});

test('text without credentials is left as it was', () => {
  const line = 'GET https://registry.test/v2/library/alpine/tags/list?n=100 -> 200 (sha256:abc)';
  assert.equal(redact(line, ['']), line);
});
