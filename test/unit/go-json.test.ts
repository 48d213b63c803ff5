import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { goJson, goTime } from '../../src/core/image/go-json';

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
