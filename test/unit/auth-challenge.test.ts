import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { findChallenge, parseWWWAuthenticate } from '../../src/core/auth/challenge';

test('a Distribution Bearer challenge with quoted realm, service and scope', () => {
  const got = parseWWWAuthenticate('Bearer realm="https://a/token",service="reg",scope="repository:x:pull"');
  assert.deepEqual(got, [{ scheme: 'bearer', params: { realm: 'https://a/token', service: 'reg', scope: 'repository:x:pull' } }]);
});

test('several challenges in one header value, each with its own parameters', () => {
  const got = parseWWWAuthenticate('Basic realm="basic-realm", Bearer realm="https://t/token", service="s"');
  assert.equal(got.length, 2);
  assert.deepEqual(got[0], { scheme: 'basic', params: { realm: 'basic-realm' } });
  assert.deepEqual(got[1], { scheme: 'bearer', params: { realm: 'https://t/token', service: 's' } });
});

test('challenges without parameters, separated by commas', () => {
  const got = parseWWWAuthenticate('Basic, Bearer realm=x, Negotiate');
  assert.deepEqual(
    got.map((c) => c.scheme),
    ['basic', 'bearer', 'negotiate'],
  );
  assert.deepEqual(got[0]?.params, {});
  assert.equal(got[0]?.token68, undefined, 'the next scheme is not taken for a token68');
  assert.equal(got[1]?.params.realm, 'x');
});

test('bare (unquoted) parameter values, including URLs', () => {
  const got = parseWWWAuthenticate('Bearer realm=https://auth.example.com:8443/token?x=1,service=registry.example.com');
  assert.deepEqual(got[0]?.params, { realm: 'https://auth.example.com:8443/token?x=1', service: 'registry.example.com' });
});

test('scheme and parameter names in any case are lowercased; values keep their case', () => {
  const got = parseWWWAuthenticate('BEARER Realm="https://A/Token",SERVICE="Reg"');
  assert.equal(got[0]?.scheme, 'bearer');
  assert.deepEqual(got[0]?.params, { realm: 'https://A/Token', service: 'Reg' });
});

test('escaped quotes and backslashes inside a quoted string are unescaped', () => {
  const got = parseWWWAuthenticate('Basic realm="say \\"hi\\" \\\\ there"');
  assert.equal(got[0]?.params.realm, 'say "hi" \\ there');
});

test('commas and spaces inside quotes do not split challenges or parameters', () => {
  const got = parseWWWAuthenticate('Bearer realm="https://a/token",scope="repository:x:pull,push repository:y:pull", Basic realm="r"');
  assert.equal(got.length, 2);
  assert.equal(got[0]?.params.scope, 'repository:x:pull,push repository:y:pull');
  assert.equal(got[1]?.scheme, 'basic');
});

test('spaces around = are tolerated', () => {
  const got = parseWWWAuthenticate('Bearer realm = "https://a/t" , service= reg');
  assert.deepEqual(got[0]?.params, { realm: 'https://a/t', service: 'reg' });
});

test('every challenge of every header value, in order', () => {
  const got = parseWWWAuthenticate(['Basic realm="one"', 'Bearer realm="https://two/token",service="s2"']);
  assert.deepEqual(
    got.map((c) => [c.scheme, c.params.realm]),
    [
      ['basic', 'one'],
      ['bearer', 'https://two/token'],
    ],
  );
  assert.equal(findChallenge(got, 'BEARER')?.params.service, 's2');
  assert.equal(findChallenge(got, 'digest'), undefined);
});

test('token68 is kept apart from parameters', () => {
  const got = parseWWWAuthenticate('Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg==, Basic realm="r"');
  assert.equal(got[0]?.scheme, 'negotiate');
  assert.equal(got[0]?.token68, 'YIIBhwYGKwYBBQUCoIIBezCCAXeg==');
  assert.deepEqual(got[0]?.params, {});
  assert.deepEqual(got[1], { scheme: 'basic', params: { realm: 'r' } });
});

test('empty and missing headers give no challenges', () => {
  assert.deepEqual(parseWWWAuthenticate(''), []);
  assert.deepEqual(parseWWWAuthenticate('   ,  , '), []);
  assert.deepEqual(parseWWWAuthenticate([]), []);
  assert.deepEqual(parseWWWAuthenticate(undefined), []);
});

test('garbage never throws and keeps what can be read', () => {
  const inputs = [
    '"',
    '===',
    'Bearer "unterminated',
    ',,,;;;',
    'Bearer realm="a',
    '@@@ Basic realm="r"',
    '\u0000\u00ff',
    'realm=orphan',
    'Bearer ;;; , Basic realm=r2',
  ];
  for (const s of inputs) assert.doesNotThrow(() => parseWWWAuthenticate(s), s);
  assert.deepEqual(parseWWWAuthenticate('Bearer realm="a')[0]?.params, { realm: 'a' }, 'an unterminated quote runs to the end');
  assert.deepEqual(parseWWWAuthenticate('realm=orphan'), [], 'a parameter before any scheme is dropped');
  const tail = parseWWWAuthenticate('Bearer ;;; , Basic realm=r2');
  assert.deepEqual(
    tail.map((c) => c.scheme),
    ['bearer', 'basic'],
  );
  assert.equal(tail[1]?.params.realm, 'r2');
});
