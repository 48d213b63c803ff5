import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { redact } from '../../src/core/auth/redact';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

test('Authorization headers keep the scheme and lose the credential', () => {
  assert.equal(redact('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: Basic ***');
  assert.equal(redact('{"authorization":"Bearer abc.def"}'), '{"authorization":"Bearer ***"}');
  assert.equal(redact('proxy-authorization: Basic Zm9vOmJhcg=='), 'proxy-authorization: Basic ***');
});

test('auth.json values, token responses and form bodies are masked', () => {
  const out = redact('{"auths":{"r":{"auth":"dXNlcjpzM2NyM3Q=","identitytoken":"rt-123"}}}');
  assert.ok(!out.includes('dXNlcjpzM2NyM3Q='));
  assert.ok(!out.includes('rt-123'));
  assert.match(out, /"auth":"\*\*\*"/);
  assert.equal(redact('{"token": "t0k", "expires_in": 300}'), '{"token": "***", "expires_in": 300}');
  assert.equal(redact('grant_type=password&username=u&password=s3cr%3At&client_id=regx'), 'grant_type=password&username=u&password=***&client_id=regx');
  assert.equal(redact('GET /token?service=s&refresh_token=abc&scope=x'), 'GET /token?service=s&refresh_token=***&scope=x');
});

test('JWTs and URL passwords anywhere in a line are masked', () => {
  const out = redact(`got ${jwt} from https://bob:hunter2@reg.example.com/v2/`);
  assert.ok(!out.includes('c2lnbmF0dXJl'));
  assert.ok(!out.includes('hunter2'));
  assert.match(out, /https:\/\/bob:\*\*\*@reg\.example\.com\/v2\//);
});

test('ordinary text passes through', () => {
  const s = 'GET https://registry.example.com/v2/library/redis/tags/list?n=100 -> 200 (scope repository:x:pull)';
  assert.equal(redact(s), s);
});
