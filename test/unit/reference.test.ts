// The cases of distribution/reference's reference_test.go (Parse, WithName, Domain/Path, WithTag,
// WithDigest, ParseNamed, serialization), with the same inputs and the same verdicts.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { InvalidReferenceError } from '../../src/core/errors';
import { assertInvalid } from './reference-assert';
import {
  ERR_DIGEST_INVALID_FORMAT,
  ERR_INVALID_FORMAT,
  ERR_NAME_EMPTY,
  ERR_NAME_NOT_CANONICAL,
  ERR_NAME_TOO_LONG,
  ERR_NAME_UPPERCASE,
  ERR_TAG_INVALID_FORMAT,
  formatReference,
  isValidTag,
  parseCanonicalReference,
  parseName,
  parseReference,
  referenceName,
  withDigest,
  withTag,
} from '../../src/core/reference/reference';
import { DIGEST_INVALID_LENGTH, DIGEST_UNSUPPORTED } from '../../src/core/reference/digest';

const ffff = 'f'.repeat(64);

interface ParseCase {
  input: string;
  err?: string;
  /** Name(): domain and path joined. */
  repository?: string;
  domain?: string;
  tag?: string;
  digest?: string;
}

const parseCases: ParseCase[] = [
  { input: 'test_com', repository: 'test_com' },
  { input: 'test.com:tag', repository: 'test.com', tag: 'tag' },
  { input: 'test.com:5000', repository: 'test.com', tag: '5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', repository: 'test.com/repo', tag: 'tag' },
  { input: 'test:5000/repo', domain: 'test:5000', repository: 'test:5000/repo' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', repository: 'test:5000/repo', tag: 'tag' },
  { input: `test:5000/repo@sha256:${ffff}`, domain: 'test:5000', repository: 'test:5000/repo', digest: `sha256:${ffff}` },
  { input: `test:5000/repo:tag@sha256:${ffff}`, domain: 'test:5000', repository: 'test:5000/repo', tag: 'tag', digest: `sha256:${ffff}` },
  { input: '', err: ERR_NAME_EMPTY },
  { input: ':justtag', err: ERR_INVALID_FORMAT },
  { input: `@sha256:${ffff}`, err: ERR_INVALID_FORMAT },
  { input: `repo@sha256:${'f'.repeat(34)}`, err: DIGEST_INVALID_LENGTH },
  { input: `validname@invaliddigest:${ffff}`, err: DIGEST_UNSUPPORTED },
  { input: 'Uppercase:tag', err: ERR_NAME_UPPERCASE },
  // Distribution's FIXME, kept: "Uppercase/lowercase:tag" passes because "Uppercase" reads as a domain.
  { input: 'Uppercase/lowercase:tag', domain: 'Uppercase', repository: 'Uppercase/lowercase', tag: 'tag' },
  { input: 'test:5000/Uppercase/lowercase:tag', err: ERR_NAME_UPPERCASE },
  { input: 'lowercase:Uppercase', repository: 'lowercase', tag: 'Uppercase' },
  { input: `domain/${'a'.repeat(256)}:tag`, err: ERR_NAME_TOO_LONG },
  { input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`, domain: 'a', repository: `${'a/'.repeat(127)}a`, tag: 'tag-puts-this-over-max' },
  { input: 'aa/asdf$$^/aa', err: ERR_INVALID_FORMAT },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', repository: 'sub-dom1.foo.com/bar/baz/quux' },
  { input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', domain: 'sub-dom1.foo.com', repository: 'sub-dom1.foo.com/bar/baz/quux', tag: 'some-long-tag' },
  { input: 'b.gcr.io/test.example.com/my-app:test.example.com', domain: 'b.gcr.io', repository: 'b.gcr.io/test.example.com/my-app', tag: 'test.example.com' },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', domain: 'xn--n3h.com', repository: 'xn--n3h.com/myimage', tag: 'xn--n3h.com' },
  {
    input: `xn--7o8h.com/myimage:xn--7o8h.com@sha256:${ffff}`,
    domain: 'xn--7o8h.com',
    repository: 'xn--7o8h.com/myimage',
    tag: 'xn--7o8h.com',
    digest: `sha256:${ffff}`,
  },
  { input: 'foo_bar.com:8080', repository: 'foo_bar.com', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'foo', repository: 'foo/foo_bar.com', tag: '8080' },
  { input: '192.168.1.1', repository: '192.168.1.1' },
  { input: '192.168.1.1:tag', repository: '192.168.1.1', tag: 'tag' },
  { input: '192.168.1.1:5000', repository: '192.168.1.1', tag: '5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', repository: '192.168.1.1/repo' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', repository: '192.168.1.1:5000/repo' },
  { input: '192.168.1.1:5000/repo:5050', domain: '192.168.1.1:5000', repository: '192.168.1.1:5000/repo', tag: '5050' },
  { input: '[2001:db8::1]', err: ERR_INVALID_FORMAT },
  { input: '[2001:db8::1]:5000', err: ERR_INVALID_FORMAT },
  { input: '[2001:db8::1]:tag', err: ERR_INVALID_FORMAT },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', repository: '[2001:db8::1]/repo' },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', domain: '[2001:db8:1:2:3:4:5:6]', repository: '[2001:db8:1:2:3:4:5:6]/repo', tag: 'tag' },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo' },
  { input: '[2001:db8::1]:5000/repo:tag', domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo', tag: 'tag' },
  { input: `[2001:db8::1]:5000/repo@sha256:${ffff}`, domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo', digest: `sha256:${ffff}` },
  {
    input: `[2001:db8::1]:5000/repo:tag@sha256:${ffff}`,
    domain: '[2001:db8::1]:5000',
    repository: '[2001:db8::1]:5000/repo',
    tag: 'tag',
    digest: `sha256:${ffff}`,
  },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', repository: '[2001:db8::]:5000/repo' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', repository: '[::1]:5000/repo' },
  { input: '[fe80::1%eth0]:5000/repo', err: ERR_INVALID_FORMAT },
  { input: '[fe80::1%@invalidzone]:5000/repo', err: ERR_INVALID_FORMAT },
  { input: `example.com/${'a'.repeat(255)}:tag`, domain: 'example.com', repository: `example.com/${'a'.repeat(255)}`, tag: 'tag' },
];

describe('parseReference (Distribution Parse)', () => {
  for (const tc of parseCases) {
    test(tc.input.length > 80 ? `${tc.input.slice(0, 80)}…` : tc.input || '(empty)', () => {
      if (tc.err !== undefined) {
        assertInvalid(() => parseReference(tc.input), tc.err, tc.input);
        return;
      }
      const ref = parseReference(tc.input);
      assert.equal(formatReference(ref), tc.input, 'String() reproduces the input');
      assert.equal(referenceName(ref), tc.repository);
      assert.equal(ref.registry, tc.domain ?? '');
      assert.equal(ref.tag, tc.tag);
      assert.equal(ref.digest, tc.digest);
    });
  }

  test('the error carries the input it was given', () => {
    assert.throws(
      () => parseReference('Uppercase:tag'),
      (err: unknown) => err instanceof InvalidReferenceError && err.input === 'Uppercase:tag' && err.reason === 'invalid-reference',
    );
  });

  test('sha512 and sha384 digests are accepted, as in a skopeo binary where they are linked in', () => {
    // Distribution's own test expects "unsupported" here only because its test binary does not link crypto/sha512.
    const sha512 = `sha512:${'f'.repeat(128)}`;
    assert.equal(parseReference(`validname@${sha512}`).digest, sha512);
    assert.equal(parseReference(`validname@sha384:${'a'.repeat(96)}`).digest, `sha384:${'a'.repeat(96)}`);
    assertInvalid(() => parseReference(`validname@sha512:${ffff}`), DIGEST_INVALID_LENGTH);
  });

  test('a digest in capitals passes the grammar and is refused by the digest check', () => {
    assertInvalid(() => parseReference(`repo@sha256:${'F'.repeat(64)}`), 'invalid checksum digest format');
  });

  test('capitals are detected the way Go lowercases (one code point each)', () => {
    // U+0130 lowercases to "i" in Go; the name is otherwise valid, so the error is about case.
    assertInvalid(() => parseReference('\u0130mage:tag'), ERR_NAME_UPPERCASE);
    // KELVIN SIGN lowercases to "k" in both languages.
    assertInvalid(() => parseReference('\u212Aafka:1'), ERR_NAME_UPPERCASE);
    assertInvalid(() => parseReference('caf\u00e9'), ERR_INVALID_FORMAT);
  });

  test('tags: up to 128 word characters, dots and dashes, not starting with . or -', () => {
    assert.equal(parseReference(`repo:${'t'.repeat(128)}`).tag, 't'.repeat(128));
    assertInvalid(() => parseReference(`repo:${'t'.repeat(129)}`), ERR_INVALID_FORMAT);
    assertInvalid(() => parseReference('repo:-tag'), ERR_INVALID_FORMAT);
    assertInvalid(() => parseReference('repo:.tag'), ERR_INVALID_FORMAT);
    assertInvalid(() => parseReference('repo:'), ERR_INVALID_FORMAT);
    assert.equal(parseReference('repo:_tag.1-X').tag, '_tag.1-X');
  });
});

describe('parseName (Distribution WithName)', () => {
  const failures: Array<[string, string]> = [
    ['', ERR_INVALID_FORMAT],
    [':justtag', ERR_INVALID_FORMAT],
    [`@sha256:${ffff}`, ERR_INVALID_FORMAT],
    [`validname@invaliddigest:${ffff}`, ERR_INVALID_FORMAT],
    ['example.com/repo:tag', ERR_INVALID_FORMAT],
    [`example.com/${'a'.repeat(256)}`, ERR_NAME_TOO_LONG],
    ['aa/asdf$$^/aa', ERR_INVALID_FORMAT],
  ];
  for (const [input, err] of failures) {
    test(`refuses ${input.slice(0, 60) || '(empty)'}`, () => assertInvalid(() => parseName(input), err, input));
  }

  const domainAndPath: Array<[string, string, string]> = [
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', '', 'test_com/foo'],
    ['test:8080/foo', 'test:8080', 'foo'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
  ];
  for (const [input, registry, repository] of domainAndPath) {
    test(`splits ${input} into domain and path`, () => assert.deepEqual(parseName(input), { registry, repository }));
  }
});

describe('withTag / withDigest (Distribution WithTag, WithDigest)', () => {
  const shortDigest = 'sha256:1234567890098765432112345667890098765';
  const tagCases: Array<{ name: string; digest?: string; tag: string; combined: string }> = [
    { name: 'test.com/foo', tag: 'tag', combined: 'test.com/foo:tag' },
    { name: 'foo', tag: 'tag2', combined: 'foo:tag2' },
    { name: 'test.com:8000/foo', tag: 'tag4', combined: 'test.com:8000/foo:tag4' },
    { name: 'test.com:8000/foo', tag: 'TAG5', combined: 'test.com:8000/foo:TAG5' },
    { name: 'test.com:8000/foo', digest: shortDigest, tag: 'TAG5', combined: `test.com:8000/foo:TAG5@${shortDigest}` },
  ];
  for (const tc of tagCases) {
    test(`withTag gives ${tc.combined}`, () => {
      let named = parseName(tc.name);
      if (tc.digest) named = withDigest(named, tc.digest);
      assert.equal(formatReference(withTag(named, tc.tag)), tc.combined);
    });
  }

  const digestCases: Array<{ name: string; tag?: string; combined: string }> = [
    { name: 'test.com/foo', combined: `test.com/foo@${shortDigest}` },
    { name: 'foo', combined: `foo@${shortDigest}` },
    { name: 'test.com:8000/foo', combined: `test.com:8000/foo@${shortDigest}` },
    { name: 'test.com:8000/foo', tag: 'latest', combined: `test.com:8000/foo:latest@${shortDigest}` },
  ];
  for (const tc of digestCases) {
    test(`withDigest gives ${tc.combined}`, () => {
      let named = parseName(tc.name);
      if (tc.tag) named = withTag(named, tc.tag);
      assert.equal(formatReference(withDigest(named, shortDigest)), tc.combined);
    });
  }

  test('bad tags and digests are refused (TestInvalidReferenceComponents)', () => {
    const ref = parseName('busybox');
    assertInvalid(() => withTag(ref, '-foo'), ERR_TAG_INVALID_FORMAT);
    assertInvalid(() => withDigest(ref, 'foo'), ERR_DIGEST_INVALID_FORMAT);
    assert.equal(isValidTag('-foo'), false);
    assert.equal(isValidTag('v1.2.3_rc-1'), true);
    assert.equal(isValidTag('a'.repeat(128)), true);
    assert.equal(isValidTag('a'.repeat(129)), false);
    assert.equal(isValidTag(''), false);
    assert.equal(isValidTag('a:b'), false);
  });
});

describe('parseCanonicalReference (Distribution ParseNamed)', () => {
  const cases: Array<{ input: string; domain?: string; path?: string; err?: string }> = [
    { input: 'test.com/foo', domain: 'test.com', path: 'foo' },
    { input: 'test:8080/foo', domain: 'test:8080', path: 'foo' },
    { input: 'test_com/foo', err: ERR_NAME_NOT_CANONICAL },
    { input: 'test.com', err: ERR_NAME_NOT_CANONICAL },
    { input: 'foo', err: ERR_NAME_NOT_CANONICAL },
    { input: 'library/foo', err: ERR_NAME_NOT_CANONICAL },
    { input: 'docker.io/library/foo', domain: 'docker.io', path: 'library/foo' },
    // Ambiguous: the parser adds library/ to foo, so the input was not canonical.
    { input: 'docker.io/foo', err: ERR_NAME_NOT_CANONICAL },
  ];
  for (const tc of cases) {
    test(tc.input, () => {
      if (tc.err) return assertInvalid(() => parseCanonicalReference(tc.input), tc.err, tc.input);
      const ref = parseCanonicalReference(tc.input);
      assert.equal(ref.registry, tc.domain);
      assert.equal(ref.repository, tc.path);
    });
  }
});

describe('round trip (TestSerialization)', () => {
  const cases: Array<{ input: string; name: string; tag?: string; digest?: string; err?: string }> = [
    { input: '', name: '', err: ERR_NAME_EMPTY },
    { input: 'example.com:8000/named', name: 'example.com:8000/named' },
    { input: 'example.com:8000/named:tagged', name: 'example.com:8000/named', tag: 'tagged' },
    {
      input: 'other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112',
      name: 'other.com/named',
      digest: 'sha256:1234567890098765432112345667890098765432112345667890098765432112',
    },
  ];
  for (const tc of cases) {
    test(tc.input || '(empty)', () => {
      if (tc.err) return assertInvalid(() => parseReference(tc.input), tc.err);
      const ref = parseReference(tc.input);
      assert.equal(referenceName(ref), tc.name);
      assert.equal(ref.tag, tc.tag);
      assert.equal(ref.digest, tc.digest);
      const again = parseReference(formatReference(ref));
      assert.deepEqual(again, ref);
      assert.equal(JSON.stringify(again), JSON.stringify(ref), 'absent parts are absent keys, not undefined values');
    });
  }
});
