// The cases of distribution/reference's normalize_test.go: which familiar names are valid, how they
// map to full names and back, ParseAnyReference and ParseDockerRef.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  ERR_INVALID_FORMAT,
  familiarName,
  familiarString,
  formatReference,
  isImageReference,
  isNameOnly,
  parseAnyReference,
  parseDockerRef,
  parseNormalizedReference,
  parseReference,
  withDefaultTag,
} from '../../src/core/reference/reference';
import { assertInvalid } from './reference-assert';

/** A valid name parses, and its full form parses back to the same thing. */
function assertStable(input: string): void {
  const ref = parseNormalizedReference(input);
  assert.deepEqual(parseNormalizedReference(formatReference(ref)), ref, input);
}

describe('valid and invalid names (TestValidateReferenceName)', () => {
  const valid = [
    'docker/docker',
    'library/debian',
    'debian',
    'localhost/library/debian',
    'localhost/debian',
    'LOCALDOMAIN/library/debian',
    'LOCALDOMAIN/debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    // With a host, a 64-hex path is not mistaken for an image id.
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
  ];
  const invalid = [
    'https://github.com/docker/docker',
    'docker/Docker',
    '-docker',
    '-docker/docker',
    '-docker.io/docker/docker',
    'docker///docker',
    'docker.io/docker/Docker',
    'docker.io/docker///docker',
    '[fc00::1]',
    '[fc00::1]:5000',
    'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian',
    '[2001:db8:3:4::192.0.2.33]:5000/debian',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  ];
  for (const name of valid) test(`accepts ${name}`, () => assertStable(name));
  for (const name of invalid) test(`refuses ${name}`, () => assertInvalid(() => parseNormalizedReference(name), /./));
});

describe('remote names (TestValidateRemoteName)', () => {
  const valid = [
    'docker/docker',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'docker-rules/docker',
    'docker---rules/docker',
    'doc/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
  ];
  const invalid = [
    'docker/Docker',
    'docker///docker',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    '-docker/docker',
    'docker-/docker',
    '-docker-/docker',
    '____/____',
    '_docker/_docker',
    'dock..er/docker',
    'dock_.er/docker',
    'dock-.er/docker',
    'docker/',
    `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4).slice(0, -1)}/docker`,
  ];
  for (const name of valid) test(`accepts ${name}`, () => assertStable(name));
  for (const name of invalid) test(`refuses ${name.slice(0, 60)}`, () => assertInvalid(() => parseNormalizedReference(name), /./));
});

describe('precise messages', () => {
  const hex = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';
  const cases: Array<[string, string]> = [
    [hex, `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`],
    ['docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
    ['Ubuntu', 'invalid reference format: repository name (library/Ubuntu) must be lowercase'],
    ['Uppercase:tag', 'invalid reference format: repository name (library/Uppercase) must be lowercase'],
    ['test:5000/Uppercase/lowercase:tag', 'invalid reference format: repository name (Uppercase/lowercase) must be lowercase'],
    ['docker.io/docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
    ['docker///docker', ERR_INVALID_FORMAT],
    ['', ERR_INVALID_FORMAT],
    ['docker/', ERR_INVALID_FORMAT],
    ['registry.example.com/', ERR_INVALID_FORMAT],
    [`example.com/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
    [`redis@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`redis@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
  ];
  for (const [input, message] of cases) test(input.slice(0, 60) || '(empty)', () => assertInvalid(() => parseNormalizedReference(input), message, input));

  test('the tag is allowed capitals; only the repository must be lowercase', () => {
    assert.deepEqual(parseNormalizedReference('redis:Latest'), { registry: 'docker.io', repository: 'library/redis', tag: 'Latest' });
  });

  test('the 255-character limit counts the normalized path, library/ included', () => {
    assert.equal(parseNormalizedReference(`x.io/${'a'.repeat(255)}`).repository.length, 255);
    assert.equal(parseNormalizedReference(`${'a'.repeat(247)}`).repository, `library/${'a'.repeat(247)}`);
    assertInvalid(() => parseNormalizedReference('a'.repeat(248)), 'repository name must not be more than 255 characters');
  });
});

describe('familiar and full names (TestParseRepositoryInfo)', () => {
  const cases: Array<{ remote: string; familiar: string; full: string; ambiguous?: string; domain: string }> = [
    { remote: 'fooo', familiar: 'localhost/fooo', full: 'localhost/fooo', ambiguous: 'localhost/fooo', domain: 'localhost' },
    { remote: 'fooo/bar', familiar: 'localhost/fooo/bar', full: 'localhost/fooo/bar', ambiguous: 'localhost/fooo/bar', domain: 'localhost' },
    { remote: 'fooo', familiar: 'LOCALDOMAIN/fooo', full: 'LOCALDOMAIN/fooo', ambiguous: 'LOCALDOMAIN/fooo', domain: 'LOCALDOMAIN' },
    { remote: 'fooo/bar', familiar: 'LOCALDOMAIN/fooo/bar', full: 'LOCALDOMAIN/fooo/bar', ambiguous: 'LOCALDOMAIN/fooo/bar', domain: 'LOCALDOMAIN' },
    { remote: 'fooo/bar', familiar: 'fooo/bar', full: 'docker.io/fooo/bar', ambiguous: 'index.docker.io/fooo/bar', domain: 'docker.io' },
    { remote: 'library/ubuntu', familiar: 'ubuntu', full: 'docker.io/library/ubuntu', ambiguous: 'library/ubuntu', domain: 'docker.io' },
    { remote: 'nonlibrary/ubuntu', familiar: 'nonlibrary/ubuntu', full: 'docker.io/nonlibrary/ubuntu', domain: 'docker.io' },
    { remote: 'other/library', familiar: 'other/library', full: 'docker.io/other/library', domain: 'docker.io' },
    { remote: 'private/moonbase', familiar: '127.0.0.1:8000/private/moonbase', full: '127.0.0.1:8000/private/moonbase', domain: '127.0.0.1:8000' },
    { remote: 'privatebase', familiar: '127.0.0.1:8000/privatebase', full: '127.0.0.1:8000/privatebase', domain: '127.0.0.1:8000' },
    { remote: 'private/moonbase', familiar: 'example.com/private/moonbase', full: 'example.com/private/moonbase', domain: 'example.com' },
    { remote: 'privatebase', familiar: 'example.com/privatebase', full: 'example.com/privatebase', domain: 'example.com' },
    { remote: 'private/moonbase', familiar: 'example.com:8000/private/moonbase', full: 'example.com:8000/private/moonbase', domain: 'example.com:8000' },
    { remote: 'privatebasee', familiar: 'example.com:8000/privatebasee', full: 'example.com:8000/privatebasee', domain: 'example.com:8000' },
    {
      remote: 'library/ubuntu-12.04-base',
      familiar: 'ubuntu-12.04-base',
      full: 'docker.io/library/ubuntu-12.04-base',
      ambiguous: 'index.docker.io/library/ubuntu-12.04-base',
      domain: 'docker.io',
    },
    { remote: 'library/foo', familiar: 'foo', full: 'docker.io/library/foo', ambiguous: 'docker.io/foo', domain: 'docker.io' },
    { remote: 'library/foo/bar', familiar: 'library/foo/bar', full: 'docker.io/library/foo/bar', domain: 'docker.io' },
    { remote: 'store/foo/bar', familiar: 'store/foo/bar', full: 'docker.io/store/foo/bar', domain: 'docker.io' },
    { remote: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', domain: 'Foo' },
    { remote: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', domain: 'FOO' },
  ];
  for (const tc of cases) {
    for (const input of [tc.familiar, tc.full, ...(tc.ambiguous ? [tc.ambiguous] : [])]) {
      test(`${input} -> ${tc.full}`, () => {
        const ref = parseNormalizedReference(input);
        assert.equal(familiarName(ref), tc.familiar);
        assert.equal(formatReference(ref), tc.full);
        assert.equal(ref.registry, tc.domain);
        assert.equal(ref.repository, tc.remote);
      });
    }
  }
});

test('tag and digest together survive normalization and familiarization (TestParseReferenceWithTagAndDigest)', () => {
  const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
  const ref = parseNormalizedReference(short);
  assert.equal(formatReference(ref), `docker.io/library/${short}`);
  assert.equal(ref.tag, 'latest');
  assert.equal(ref.digest, 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
  assert.equal(familiarString(ref), short);
});

test('an invalid name is refused (TestInvalidReferenceComponents)', () => {
  assertInvalid(() => parseNormalizedReference('-foo'), ERR_INVALID_FORMAT);
});

describe('parseAnyReference (TestParseAnyReference)', () => {
  const d = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
  const cases: Array<{ input: string; equivalent: string; digestOnly?: boolean }> = [
    { input: 'redis', equivalent: 'docker.io/library/redis' },
    { input: 'redis:latest', equivalent: 'docker.io/library/redis:latest' },
    { input: 'docker.io/library/redis:latest', equivalent: 'docker.io/library/redis:latest' },
    { input: `redis@sha256:${d}`, equivalent: `docker.io/library/redis@sha256:${d}` },
    { input: `docker.io/library/redis@sha256:${d}`, equivalent: `docker.io/library/redis@sha256:${d}` },
    { input: 'dmcgowan/myapp', equivalent: 'docker.io/dmcgowan/myapp' },
    { input: 'dmcgowan/myapp:latest', equivalent: 'docker.io/dmcgowan/myapp:latest' },
    { input: 'docker.io/mcgowan/myapp:latest', equivalent: 'docker.io/mcgowan/myapp:latest' },
    { input: `dmcgowan/myapp@sha256:${d}`, equivalent: `docker.io/dmcgowan/myapp@sha256:${d}` },
    { input: `docker.io/dmcgowan/myapp@sha256:${d}`, equivalent: `docker.io/dmcgowan/myapp@sha256:${d}` },
    { input: d, equivalent: `sha256:${d}`, digestOnly: true },
    { input: `sha256:${d}`, equivalent: `sha256:${d}`, digestOnly: true },
    { input: d.slice(0, 63), equivalent: `docker.io/library/${d.slice(0, 63)}` },
    { input: 'dbcc1', equivalent: 'docker.io/library/dbcc1' },
  ];
  for (const tc of cases) {
    test(tc.input, () => {
      const ref = parseAnyReference(tc.input);
      if (tc.digestOnly) {
        assert.equal(isImageReference(ref), false);
        assert.deepEqual(ref, { digest: tc.equivalent });
        return;
      }
      assert.ok(isImageReference(ref));
      assert.equal(formatReference(ref), tc.equivalent);
      assert.deepEqual(ref, parseReference(tc.equivalent));
    });
  }
});

describe('domain and path after normalization (TestNormalizedSplitHostname)', () => {
  const cases: Array<[string, string, string]> = [
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['docker/migrator', 'docker.io', 'docker/migrator'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['foo', 'docker.io', 'library/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    ['docker.io/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  ];
  for (const [input, registry, repository] of cases) {
    test(input, () => assert.deepEqual(parseNormalizedReference(input), { registry, repository }));
  }

  test('IPv6 registries keep their brackets and port', () => {
    assert.deepEqual(parseNormalizedReference('[::1]:5000/repo:tag'), { registry: '[::1]:5000', repository: 'repo', tag: 'tag' });
    assert.deepEqual(parseNormalizedReference('[::1]/repo'), { registry: '[::1]', repository: 'repo' });
  });

  test('no default tag is added', () => {
    const ref = parseNormalizedReference('redis');
    assert.equal(ref.tag, undefined);
    assert.equal(isNameOnly(ref), true);
    assert.deepEqual(withDefaultTag(ref), { registry: 'docker.io', repository: 'library/redis', tag: 'latest' });
    assert.deepEqual(withDefaultTag(parseNormalizedReference('redis:7')), { registry: 'docker.io', repository: 'library/redis', tag: '7' });
  });
});

describe('parseDockerRef (TestParseDockerRef)', () => {
  const digest = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';
  const cases: Array<[string, string, string]> = [
    ['nothing', 'busybox', 'docker.io/library/busybox:latest'],
    ['tag only', 'busybox:latest', 'docker.io/library/busybox:latest'],
    ['digest only', `busybox@${digest}`, `docker.io/library/busybox@${digest}`],
    ['path only', 'library/busybox', 'docker.io/library/busybox:latest'],
    ['hostname only', 'docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['no tag', 'docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['no path', 'docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
    ['no hostname', 'library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['full reference with tag', 'docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['gcr reference without tag', 'gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
    ['both tag and digest', `gcr.io/library/busybox:latest@${digest}`, `gcr.io/library/busybox@${digest}`],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      const output = formatReference(parseDockerRef(input));
      assert.equal(output, expected);
      parseReference(output);
    });
  }
});

describe('familiar forms', () => {
  test('only docker.io is shortened, and only a one-level library/ name loses its namespace', () => {
    assert.equal(familiarName(parseNormalizedReference('docker.io/library/redis:7')), 'redis');
    assert.equal(familiarString(parseNormalizedReference('docker.io/library/redis:7')), 'redis:7');
    assert.equal(familiarName(parseNormalizedReference('docker.io/library/a/b')), 'library/a/b');
    assert.equal(familiarName(parseNormalizedReference('quay.io/library/redis')), 'quay.io/library/redis');
    assert.equal(familiarString(parseNormalizedReference('quay.io/x/y@sha256:' + 'a'.repeat(64))), `quay.io/x/y@sha256:${'a'.repeat(64)}`);
  });
});
