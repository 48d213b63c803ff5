// The cases of distribution/reference's regexp_test.go: which strings each production accepts,
// and how the name and reference expressions split what they accept into their groups.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { anchoredDomainRegexp, anchoredIdentifierRegexp, anchoredNameRegexp, referenceRegexp } from '../../src/core/reference/grammar';

type MatchCase = { input: string; match: false } | { input: string; match: true; subs?: string[] };

/** Like the Go helper: a match must cover the whole input, and groups that did not take part count as ''. */
function checkRegexp(re: RegExp, tc: MatchCase): void {
  const m = re.exec(tc.input);
  if (!tc.match) {
    assert.equal(m, null, `unexpected match for ${JSON.stringify(tc.input)}`);
    return;
  }
  assert.ok(m, `expected a match for ${JSON.stringify(tc.input)}`);
  assert.equal(m[0], tc.input);
  (tc.subs ?? []).forEach((sub, i) => assert.equal(m[i + 1] ?? '', sub, `group ${i + 1} of ${tc.input}`));
}

describe('domain and port (DomainRegexp)', () => {
  const cases: Array<[string, boolean]> = [
    ['test.com', true],
    ['test.com:10304', true],
    ['test.com:http', false],
    ['localhost', true],
    ['localhost:8080', true],
    ['a', true],
    ['a.b', true],
    ['ab.cd.com', true],
    ['a-b.com', true],
    ['-ab.com', false],
    ['ab-.com', false],
    ['ab.c-om', true],
    ['ab.-com', false],
    ['ab.com-', false],
    ['0101.com', true],
    ['001a.com', true],
    ['b.gbc.io:443', true],
    ['b.gbc.io', true],
    ['xn--n3h.com', true],
    ['Asdf.com', true],
    ['192.168.1.1:75050', true],
    ['192.168.1.1:750050', true], // more than 5 port digits: left to validation, see registry-host
    ['[fd00:1:2::3]:75050', true],
    ['[fd00:1:2::3]75050', false],
    ['[fd00:1:2::3]::75050', false],
    ['[fd00:1:2::3%eth0]:75050', false],
    ['[fd00123123123]:75050', true], // not an address: left to validation
    ['[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050', true],
    ['[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505', true],
    ['fd00:1:2::3:75050', false],
  ];
  for (const [input, match] of cases) {
    test(`${input} ${match ? 'matches' : 'does not match'}`, () => assert.equal(anchoredDomainRegexp.test(input), match));
  }
});

describe('full name (anchoredNameRegexp)', () => {
  const cases: MatchCase[] = [
    { input: '', match: false },
    { input: 'short', match: true, subs: ['', 'short'] },
    { input: 'simple/name', match: true, subs: ['simple', 'name'] },
    { input: 'library/ubuntu', match: true, subs: ['library', 'ubuntu'] },
    { input: 'docker/stevvooe/app', match: true, subs: ['docker', 'stevvooe/app'] },
    { input: 'aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb', match: true, subs: ['aa', 'aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb'] },
    { input: 'aa/aa/bb/bb/bb', match: true, subs: ['aa', 'aa/bb/bb/bb'] },
    { input: 'a/a/a/a', match: true, subs: ['a', 'a/a/a'] },
    { input: 'a/a/a/a/', match: false },
    { input: 'a//a/a', match: false },
    { input: 'a', match: true, subs: ['', 'a'] },
    { input: 'a/aa', match: true, subs: ['a', 'aa'] },
    { input: 'a/aa/a', match: true, subs: ['a', 'aa/a'] },
    { input: 'foo.com', match: true, subs: ['', 'foo.com'] },
    { input: 'foo.com/', match: false },
    { input: 'foo.com:8080/bar', match: true, subs: ['foo.com:8080', 'bar'] },
    { input: 'foo.com:http/bar', match: false },
    { input: 'foo.com/bar', match: true, subs: ['foo.com', 'bar'] },
    { input: 'foo.com/bar/baz', match: true, subs: ['foo.com', 'bar/baz'] },
    { input: 'localhost:8080/bar', match: true, subs: ['localhost:8080', 'bar'] },
    { input: 'sub-dom1.foo.com/bar/baz/quux', match: true, subs: ['sub-dom1.foo.com', 'bar/baz/quux'] },
    { input: 'blog.foo.com/bar/baz', match: true, subs: ['blog.foo.com', 'bar/baz'] },
    { input: 'a^a', match: false },
    { input: 'aa/asdf$$^/aa', match: false },
    { input: 'asdf$$^/aa', match: false },
    { input: 'aa-a/a', match: true, subs: ['aa-a', 'a'] },
    { input: `${'a/'.repeat(128)}a`, match: true, subs: ['a', `${'a/'.repeat(127)}a`] },
    { input: 'a-/a/a/a', match: false },
    { input: 'foo.com/a-/a/a', match: false },
    { input: '-foo/bar', match: false },
    { input: 'foo/bar-', match: false },
    { input: 'foo-/bar', match: false },
    { input: 'foo/-bar', match: false },
    { input: '_foo/bar', match: false },
    { input: 'foo_bar', match: true, subs: ['', 'foo_bar'] },
    { input: 'foo_bar.com', match: true, subs: ['', 'foo_bar.com'] },
    { input: 'foo_bar.com:8080', match: false },
    { input: 'foo_bar.com:8080/app', match: false },
    { input: 'foo.com/foo_bar', match: true, subs: ['foo.com', 'foo_bar'] },
    { input: '____/____', match: false },
    { input: '_docker/_docker', match: false },
    { input: 'docker_/docker_', match: false },
    { input: 'b.gcr.io/test.example.com/my-app', match: true, subs: ['b.gcr.io', 'test.example.com/my-app'] },
    { input: 'xn--n3h.com/myimage', match: true, subs: ['xn--n3h.com', 'myimage'] },
    { input: 'xn--7o8h.com/myimage', match: true, subs: ['xn--7o8h.com', 'myimage'] },
    { input: 'example.com/xn--7o8h.com/myimage', match: true, subs: ['example.com', 'xn--7o8h.com/myimage'] },
    { input: 'example.com/some_separator__underscore/myimage', match: true, subs: ['example.com', 'some_separator__underscore/myimage'] },
    { input: 'example.com/__underscore/myimage', match: false },
    { input: 'example.com/..dots/myimage', match: false },
    { input: 'example.com/.dots/myimage', match: false },
    { input: 'example.com/nodouble..dots/myimage', match: false },
    { input: 'docker./docker', match: false },
    { input: '.docker/docker', match: false },
    { input: 'docker-/docker', match: false },
    { input: '-docker/docker', match: false },
    { input: 'do..cker/docker', match: false },
    { input: 'do__cker:8080/docker', match: false },
    { input: 'do__cker/docker', match: true, subs: ['', 'do__cker/docker'] },
    { input: 'registry.io/foo/project--id.module--name.ver---sion--name', match: true, subs: ['registry.io', 'foo/project--id.module--name.ver---sion--name'] },
    { input: 'Asdf.com/foo/bar', match: true },
    { input: 'Foo/FarB', match: false },
  ];
  for (const tc of cases) test(tc.input.slice(0, 70) || '(empty)', () => checkRegexp(anchoredNameRegexp, tc));
});

describe('reference (referenceRegexp)', () => {
  const d = 'sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912';
  const cases: MatchCase[] = [
    { input: 'registry.com:8080/myapp:tag', match: true, subs: ['registry.com:8080/myapp', 'tag', ''] },
    { input: `registry.com:8080/myapp@${d}`, match: true, subs: ['registry.com:8080/myapp', '', d] },
    { input: `registry.com:8080/myapp:tag2@${d}`, match: true, subs: ['registry.com:8080/myapp', 'tag2', d] },
    { input: 'registry.com:8080/myapp@sha256:badbadbadbad', match: false },
    { input: 'registry.com:8080/myapp:invalid~tag', match: false },
    { input: 'bad_hostname.com:8080/myapp:tag', match: false },
    // localhost alone is a name; 8080 is its tag.
    { input: `localhost:8080@${d}`, match: true, subs: ['localhost', '8080', d] },
    { input: `localhost:8080/name@${d}`, match: true, subs: ['localhost:8080/name', '', d] },
    { input: `localhost:http/name@${d}`, match: false },
    { input: `localhost@${d}`, match: true, subs: ['localhost', '', d] },
    { input: 'registry.com:8080/myapp@bad', match: false },
    { input: 'registry.com:8080/myapp@2bad', match: false },
  ];
  for (const tc of cases) test(tc.input, () => checkRegexp(referenceRegexp, tc));
});

describe('image id (anchoredIdentifierRegexp)', () => {
  const cases: Array<[string, boolean]> = [
    ['da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821', true],
    ['7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C', false],
    ['da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf', false],
    ['sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821', false],
    ['da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482', false],
  ];
  for (const [input, match] of cases) test(input, () => assert.equal(anchoredIdentifierRegexp.test(input), match));
});

describe('expression shape', () => {
  test('the name expression has two groups and the reference expression three, as in Go', () => {
    assert.equal(new RegExp(`${anchoredNameRegexp.source}|`).exec('')?.length, 3);
    assert.equal(new RegExp(`${referenceRegexp.source}|`).exec('')?.length, 4);
  });

  test('hostile input is decided quickly rather than backtracking without end', () => {
    // No timing assertion: the test finishing at all is the point (catastrophic backtracking would hang it).
    for (const s of [`${'a-'.repeat(20000)}!`, `${'a.'.repeat(20000)}a/!`, `${'a__'.repeat(20000)}_`, `a@sha256:${'f'.repeat(50000)}g`]) {
      assert.equal(referenceRegexp.test(s), false);
    }
  });
});
