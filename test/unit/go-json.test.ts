import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { goJson, goJsonCompact, goMap, goQuote, goTime } from '../../src/core/image/go-json';

test('goJson indents by four spaces and escapes <, > and & as Go does', () => {
  assert.equal(goJson({ a: '<b>&', l: [] }), '{\n    "a": "\\u003cb\\u003e\\u0026",\n    "l": []\n}');
});

test('goTime prints RFC3339Nano as Go does', () => {
  assert.equal(goTime('2026-12-01T07:26:38.322860350Z'), '2026-12-01T07:26:38.32286035Z');
  assert.equal(goTime('2026-12-01T07:26:38.000Z'), '2026-12-01T07:26:38Z');
  assert.equal(goTime('2026-12-01T07:26:38Z'), '2026-12-01T07:26:38Z');
  assert.equal(goTime('2026-12-01T07:26:38+00:00'), '2026-12-01T07:26:38Z');
  assert.equal(goTime('2026-12-01T07:26:38.5+02:00'), '2026-12-01T07:26:38.5+02:00');
  assert.equal(goTime(undefined), null);
});

test('goJson prints a Go map with its keys sorted by UTF-8 bytes, and keeps struct field order', () => {
  // JS would put integer-like keys first in numeric order; Go sorts "10" before "9" and capitals before lower case.
  const labels = goMap({ zeta: '1', '9': 'nine', '10': 'ten', B: 'b', a: 'a', é: 'e-acute', '\u{1F600}': 'emoji', '\uFF21': 'fullwidth A' });
  const out = goJson({ Z: 1, Labels: labels, A: 2 });
  const keys = [...out.matchAll(/^ {8}"([^"]*)"/gm)].map((m) => m[1]);
  assert.deepEqual(keys, ['10', '9', 'B', 'a', 'zeta', 'é', '\uFF21', '\u{1F600}']);
  assert.match(out, /^\{\n {4}"Z": 1,\n {4}"Labels": \{/);
  assert.match(out, /\n {4}"A": 2\n\}$/);
});

test('an unmarked object keeps its insertion order; an empty map prints {}', () => {
  assert.equal(goJson({ b: 1, a: 2 }, ''), '{"b":1,"a":2}');
  assert.equal(goJson({ m: goMap({}) }), '{\n    "m": {}\n}');
});

test('strings are escaped as Go escapes them: control characters as \\u00XX, U+2028/2029, lone surrogates as U+FFFD', () => {
  assert.equal(goQuote('a\u0008b\u000cc\u001bd\n\t\r"\\'), '"a\\u0008b\\u000cc\\u001bd\\n\\t\\r\\"\\\\"');
  assert.equal(goQuote('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goQuote('x\ud800y'), '"x\ufffdy"');
  assert.equal(goQuote('\u{1F600}'), '"\u{1F600}"');
});

test('goJsonCompact is one line without HTML escaping, maps sorted', () => {
  assert.equal(goJsonCompact({ L: goMap({ b: '<&>', a: '' }), N: null, E: [] }), '{"L":{"a":"","b":"<&>"},"N":null,"E":[]}');
});
