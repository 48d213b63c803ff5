// The cases of opencontainers/go-digest's TestParseDigest (with sha384 registered, as that test does
// and as a skopeo binary has it), checked through the digest validator and through a reference.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  DIGEST_INVALID_FORMAT,
  DIGEST_INVALID_LENGTH,
  DIGEST_UNSUPPORTED,
  digestAlgorithms,
  digestProblem,
  isValidDigest,
  validateDigest,
} from '../../src/core/reference/digest';
import { parseAnyReference } from '../../src/core/reference/reference';
import { assertInvalid } from './reference-assert';

const sha384Hex = 'd3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d';
const cases: Array<{ input: string; err?: string }> = [
  { input: 'sha256:e58fcf7418d4390dec8e8fb69d88c06ec07039d651fedd3aa72af9972e7d046b' },
  { input: `sha384:${sha384Hex}` },
  { input: '', err: DIGEST_INVALID_FORMAT },
  { input: '     ', err: DIGEST_INVALID_FORMAT },
  { input: 'sha256:', err: DIGEST_INVALID_FORMAT },
  { input: `sha256:${' '.repeat(64)}`, err: DIGEST_INVALID_FORMAT },
  { input: ':', err: DIGEST_INVALID_FORMAT },
  { input: 'd41d8cd98f00b204e9800998ecf8427e', err: DIGEST_INVALID_FORMAT },
  { input: 'sha256:d41d8cd98f00b204e9800m98ecf8427e', err: DIGEST_INVALID_LENGTH },
  { input: 'sha256:abcdef0123456789', err: DIGEST_INVALID_LENGTH },
  { input: 'sha512:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', err: DIGEST_INVALID_LENGTH },
  { input: 'foo:d41d8cd98f00b204e9800998ecf8427e', err: DIGEST_UNSUPPORTED },
  { input: `sha384__foo+bar:${sha384Hex}`, err: DIGEST_INVALID_FORMAT },
  { input: `sha384.foo+bar:${sha384Hex}`, err: DIGEST_UNSUPPORTED },
  { input: `sha384_foo+bar:${sha384Hex}`, err: DIGEST_UNSUPPORTED },
  { input: 'sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564', err: DIGEST_UNSUPPORTED },
  { input: 'sha256:E58FCF7418D4390DEC8E8FB69D88C06EC07039D651FEDD3AA72AF9972E7D046B', err: DIGEST_INVALID_FORMAT },
];

describe('digest validation (go-digest Parse)', () => {
  for (const tc of cases) {
    test(JSON.stringify(tc.input), () => {
      assert.equal(digestProblem(tc.input), tc.err);
      assert.equal(isValidDigest(tc.input), tc.err === undefined);
      if (tc.err) assertInvalid(() => validateDigest(tc.input), tc.err);
      else validateDigest(tc.input);
    });
  }

  test('the supported algorithms are the ones skopeo has', () => {
    assert.deepEqual(digestAlgorithms(), ['sha256', 'sha384', 'sha512']);
    assert.equal(isValidDigest(`sha512:${'0'.repeat(128)}`), true);
  });

  test('a valid digest on its own is a digest-only reference; an invalid one is tried as a name', () => {
    assert.deepEqual(parseAnyReference(cases[0]?.input as string), { digest: cases[0]?.input });
    // "foo:d41d…" is not a usable digest, so it is a Docker Hub image with a 32-character tag.
    assert.deepEqual(parseAnyReference('foo:d41d8cd98f00b204e9800998ecf8427e'), {
      registry: 'docker.io',
      repository: 'library/foo',
      tag: 'd41d8cd98f00b204e9800998ecf8427e',
    });
  });
});
