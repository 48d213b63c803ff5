// Distribution's TestMatch and TestMatchError, plus the corners of Go's path.Match the filter relies on.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/core/errors';
import { compilePattern, familiarMatch } from '../../src/core/reference/match';
import { parseAnyReference } from '../../src/core/reference/reference';

describe('familiarMatch (TestMatch)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['foo', 'foo/**/ba[rz]', false],
    ['foo/any/bat', 'foo/**/ba[rz]', false],
    ['foo/a/bar', 'foo/**/ba[rz]', true],
    ['foo/b/baz', 'foo/**/ba[rz]', true],
    ['foo/c/baz:tag', 'foo/**/ba[rz]', true],
    ['foo/c/baz:tag', 'foo/*/baz:tag', true],
    ['foo/c/baz:tag', 'foo/c/baz:tag', true],
    ['example.com/foo/c/baz:tag', '*/foo/c/baz', true],
    ['example.com/foo/c/baz:tag', 'example.com/foo/c/baz', true],
  ];
  for (const [reference, pattern, expected] of cases) {
    test(`${reference} ${expected ? 'matches' : 'does not match'} ${pattern}`, () =>
      assert.equal(familiarMatch(pattern, parseAnyReference(reference)), expected));
  }

  test('a malformed pattern is an error (TestMatchError)', () => {
    assert.throws(
      () => familiarMatch('[-x]', parseAnyReference('foo')),
      (err: unknown) => err instanceof UsageError && err.message === 'syntax error in pattern "[-x]"',
    );
  });

  test('a digest-only reference is matched on its digest', () => {
    assert.equal(familiarMatch('sha256:*', parseAnyReference('a'.repeat(64))), true);
    assert.equal(familiarMatch('sha512:*', parseAnyReference('a'.repeat(64))), false);
  });

  test('docker.io references are matched in their familiar form', () => {
    assert.equal(familiarMatch('redis*', parseAnyReference('docker.io/library/redis:7')), true);
    assert.equal(familiarMatch('docker.io/*', parseAnyReference('docker.io/library/redis:7')), false);
    assert.equal(familiarMatch('bitnami/*', parseAnyReference('index.docker.io/bitnami/redis')), true);
  });
});

describe('pattern syntax (Go path.Match)', () => {
  const matches: Array<[string, string, boolean]> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['a[^a][^a][^a]b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    ['[z-a]', 'q', false],
    ['[^z-a]', 'q', true],
    ['[/]', '/', true],
    ['*x', 'xxx', true],
  ];
  for (const [pattern, name, expected] of matches) {
    test(`${pattern} ${expected ? 'matches' : 'does not match'} ${name}`, () => assert.equal(compilePattern(pattern).test(name), expected));
  }

  for (const bad of ['[', '[^', '[^bc', 'a[', '[]a]', '[-]', '[x-]', '[a-b-c]', '\\', 'a\\', '[\\', '[a-', '[a-\\']) {
    test(`${bad} is malformed`, () => assert.throws(() => compilePattern(bad), UsageError));
  }
});
