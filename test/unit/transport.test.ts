// Transports as skopeo spells them: docker://, oci: (split as containers/image's oci/layout does,
// with its test cases), dir:, oci-archive:, docker-archive:, and the transports we know by name but refuse.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { InvalidReferenceError, UnsupportedTransportError } from '../../src/core/errors';
import { formatImageLocation, hasTransportPrefix, parseImageLocation, requireRepository, UNSUPPORTED_TRANSPORTS } from '../../src/core/reference/transport';
import type { ImageLocation } from '../../src/core/reference/transport';
import { assertInvalid } from './reference-assert';

const sha = `sha256:${'0123456789abcdef'.repeat(4)}`;

function roundTrips(loc: ImageLocation, platform?: NodeJS.Platform): void {
  assert.deepEqual(parseImageLocation(formatImageLocation(loc), platform ? { platform } : {}), loc);
}

describe('docker://', () => {
  const valid: Array<[string, ImageLocation]> = [
    ['docker://busybox:notlatest', { transport: 'docker', ref: { registry: 'docker.io', repository: 'library/busybox', tag: 'notlatest' } }],
    [`docker://busybox@${sha}`, { transport: 'docker', ref: { registry: 'docker.io', repository: 'library/busybox', digest: sha } }],
    // No default tag here: whoever pulls adds :latest (withDefaultTag), as skopeo does at that point.
    ['docker://busybox', { transport: 'docker', ref: { registry: 'docker.io', repository: 'library/busybox' } }],
    ['docker://docker.io/library/busybox:latest', { transport: 'docker', ref: { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' } }],
    ['docker://example.com/ns/foo:bar', { transport: 'docker', ref: { registry: 'example.com', repository: 'ns/foo', tag: 'bar' } }],
    ['docker://localhost:5000/a', { transport: 'docker', ref: { registry: 'localhost:5000', repository: 'a' } }],
    ['docker://[::1]:5000/repo:tag', { transport: 'docker', ref: { registry: '[::1]:5000', repository: 'repo', tag: 'tag' } }],
    ['docker://index.docker.io/x/y', { transport: 'docker', ref: { registry: 'docker.io', repository: 'x/y' } }],
  ];
  for (const [input, loc] of valid) {
    test(input, () => {
      assert.deepEqual(parseImageLocation(input), loc);
      roundTrips(loc);
    });
  }

  test('formats in full form', () => {
    assert.equal(
      formatImageLocation({ transport: 'docker', ref: { registry: 'docker.io', repository: 'library/busybox', tag: 'x' } }),
      'docker://docker.io/library/busybox:x',
    );
  });

  const invalid: Array<[string, string | RegExp]> = [
    ['docker:busybox', /does not start with \/\//],
    ['docker:', /does not start with \/\//],
    ['docker://UPPERCASEISINVALID', 'invalid reference format: repository name (library/UPPERCASEISINVALID) must be lowercase'],
    [`docker://busybox:latest@${sha}`, /both a tag and a digest/],
    [
      'docker://registry.example.com/',
      'invalid reference format: repository name is missing after registry "registry.example.com" (expected registry.example.com/REPOSITORY[:TAG])',
    ],
    ['docker://registry.example.com//', /repository name is missing after registry "registry.example.com"/],
    ['docker://registry.example.com', /repository name is missing after registry "registry.example.com"/],
    ['docker://localhost', /repository name is missing after registry "localhost"/],
    ['docker://[::1]:5000', /repository name is missing after registry "\[::1\]:5000"/],
    ['docker://[::1]:5000/', /repository name is missing after registry "\[::1\]:5000"/],
    ['docker://', 'invalid reference format: repository name is missing (expected [REGISTRY/]REPOSITORY[:TAG])'],
    ['docker:///', /repository name is missing in "\/"/],
    [`docker://example.com/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
    ['docker://redis@sha256:abc', 'invalid reference format'],
  ];
  for (const [input, message] of invalid) test(`refuses ${input.slice(0, 60)}`, () => assertInvalid(() => parseImageLocation(input), message, input));

  test('a lone name that is not host-shaped is still a Docker Hub image, as in Distribution', () => {
    for (const name of ['redis', 'redis:7.0', 'foo_bar.com:8080', 'ubuntu:22.04']) requireRepository(name);
    assert.deepEqual(parseImageLocation('docker://foo_bar.com:8080'), {
      transport: 'docker',
      ref: { registry: 'docker.io', repository: 'library/foo_bar.com', tag: '8080' },
    });
  });

  test('a host-like name with a port-like tag and no slash is a Docker Hub repository and tag, as docker and skopeo read it', () => {
    const cases: Array<[string, string, string]> = [
      ['example.com:8080', 'library/example.com', '8080'],
      ['localhost:5000', 'library/localhost', '5000'],
      ['192.168.1.1:5000', 'library/192.168.1.1', '5000'],
      ['registry.example.com:latest', 'library/registry.example.com', 'latest'],
    ];
    for (const [input, repository, tag] of cases) {
      requireRepository(input);
      assert.deepEqual(parseImageLocation(`docker://${input}`), { transport: 'docker', ref: { registry: 'docker.io', repository, tag } }, input);
    }
    // Without a tag, or with IPv6 brackets, such a name still only names a registry.
    for (const input of ['example.com', 'localhost', '[::1]:5000', `example.com@${sha}`])
      assertInvalid(() => requireRepository(input), /repository name is missing after registry/, input);
  });
});

describe('oci:', () => {
  // containers/image's testParseReference: every path with every image suffix.
  const paths = ['/', '/etc', '/tmp/layout', 'relativepath', '/tmp/layout/thisdoesnotexist'];
  const suffixes: Array<{ suffix: string; tag?: string; sourceIndex?: number }> = [
    { suffix: ':notlatest:image', tag: 'notlatest:image' },
    { suffix: ':latestimage', tag: 'latestimage' },
    { suffix: ':' },
    { suffix: '' },
    { suffix: ':@0', sourceIndex: 0 },
    { suffix: ':@10', sourceIndex: 10 },
    { suffix: ':@999999', sourceIndex: 999999 },
  ];
  for (const path of paths) {
    for (const s of suffixes) {
      const input = `oci:${path}${s.suffix}`;
      test(input, () => {
        const expected: ImageLocation = { transport: 'oci', path };
        if (s.tag !== undefined) expected.tag = s.tag;
        if (s.sourceIndex !== undefined) expected.sourceIndex = s.sourceIndex;
        assert.deepEqual(parseImageLocation(input, { platform: 'linux' }), expected);
        roundTrips(expected, 'linux');
      });
    }
  }

  const invalid: Array<[string, string | RegExp]> = [
    ["oci:/tmp/layout:invalid'image!value@", /invalid image name "invalid'image!value@"/],
    ['oci:/tmp/layout:@-3', 'oci: invalid source index @-3: must not be negative'],
    ['oci:/tmp/layout:@-5', /must not be negative/],
    ['oci:/tmp/layout:@invalidIndex', 'oci: invalid source index @invalidIndex: not an integer'],
    ['oci:/tmp/layout:@', /not an integer/],
    ['oci:/tmp/layout:@1.5', /not an integer/],
    ['oci:', /layout directory is required/],
    ['oci::tag', /layout directory is required/],
  ];
  for (const [input, message] of invalid) test(`refuses ${input}`, () => assertInvalid(() => parseImageLocation(input, { platform: 'linux' }), message, input));

  test('the image name may hold the separators an OCI ref.name allows', () => {
    for (const name of ['busybox:latest', 'a/b/c', 'v1.0+build', 'x@y', 'a--b', 'A_B-1.2']) {
      assert.deepEqual(parseImageLocation(`oci:/d:${name}`, { platform: 'linux' }), { transport: 'oci', path: '/d', tag: name });
    }
    for (const name of ['-a', 'a/', 'a b', 'a::b', 'a---b'])
      assertInvalid(() => parseImageLocation(`oci:/d:${name}`, { platform: 'linux' }), /invalid image name/, name);
  });

  test('a source index too large for an exact integer is refused, as Go refuses one out of range', () => {
    assertInvalid(
      () => parseImageLocation('oci:/d:@99999999999999999999', { platform: 'linux' }),
      'oci: invalid source index @99999999999999999999: not an integer',
    );
  });

  test('on Windows a path may hold only the drive colon', () => {
    assertInvalid(() => parseImageLocation('oci:/a:b:c', { platform: 'win32' }), 'oci: path "/a:b:c" contains more than one colon');
    assert.deepEqual(parseImageLocation('oci:C:\\x:@2', { platform: 'win32' }), { transport: 'oci', path: 'C:\\x', sourceIndex: 2 });
  });

  test('Go-style integers for a source index', () => {
    assert.deepEqual(parseImageLocation('oci:/d:@+7', { platform: 'linux' }), { transport: 'oci', path: '/d', sourceIndex: 7 });
    assert.deepEqual(parseImageLocation('oci:/d:@-0', { platform: 'linux' }), { transport: 'oci', path: '/d', sourceIndex: 0 });
    assert.deepEqual(parseImageLocation('oci:/d:@007', { platform: 'linux' }), { transport: 'oci', path: '/d', sourceIndex: 7 });
  });

  // containers/image's TestSplitReferenceIntoDirAndImageWindows.
  const windows: Array<[string, string, string | undefined]> = [
    ['C:\\foo\\bar:busybox:latest', 'C:\\foo\\bar', 'busybox:latest'],
    ['C:\\foo\\bar:busybox', 'C:\\foo\\bar', 'busybox'],
    ['C:\\foo\\bar', 'C:\\foo\\bar', undefined],
  ];
  for (const [input, path, tag] of windows) {
    test(`on Windows, oci:${input} keeps the drive colon in the path`, () => {
      const expected: ImageLocation = tag ? { transport: 'oci', path, tag } : { transport: 'oci', path };
      assert.deepEqual(parseImageLocation(`oci:${input}`, { platform: 'win32' }), expected);
      roundTrips(expected, 'win32');
    });
  }

  test('elsewhere the first colon ends the path (TestSplitReferenceIntoDirAndImageNonWindows)', () => {
    assert.deepEqual(parseImageLocation('oci:/foo/bar:busybox:latest', { platform: 'linux' }), { transport: 'oci', path: '/foo/bar', tag: 'busybox:latest' });
    // A Windows path is not special on Linux: "C" is the directory and the rest is a (bad) image name.
    assertInvalid(
      () => parseImageLocation('oci:C:\\foo:x', { platform: 'linux' }),
      'oci: invalid image name "\\foo:x" (letters and digits joined by - . _ : @ + or --, components split by /)',
    );
  });
});

describe('dir:, oci-archive:, docker-archive:', () => {
  const valid: Array<[string, ImageLocation]> = [
    ['dir:/tmp/img', { transport: 'dir', path: '/tmp/img' }],
    ['dir:relative/img', { transport: 'dir', path: 'relative/img' }],
    // dir: has no image name: every colon is part of the path.
    ['dir:/tmp/a:b', { transport: 'dir', path: '/tmp/a:b' }],
    ['oci-archive:/tmp/x.tar', { transport: 'oci-archive', path: '/tmp/x.tar' }],
    ['oci-archive:/tmp/x.tar:v1', { transport: 'oci-archive', path: '/tmp/x.tar', tag: 'v1' }],
    ['oci-archive:/tmp/x.tar:busybox:latest', { transport: 'oci-archive', path: '/tmp/x.tar', tag: 'busybox:latest' }],
    ['docker-archive:/tmp/x.tar', { transport: 'docker-archive', path: '/tmp/x.tar' }],
    ['docker-archive:/tmp/x.tar:@0', { transport: 'docker-archive', path: '/tmp/x.tar', sourceIndex: 0 }],
    ['docker-archive:/tmp/x.tar:@12', { transport: 'docker-archive', path: '/tmp/x.tar', sourceIndex: 12 }],
    // A name alone gets :latest, as containers/image's TagNameOnly does; always in full form.
    [
      'docker-archive:/tmp/x.tar:busybox',
      { transport: 'docker-archive', path: '/tmp/x.tar', ref: { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' } },
    ],
    [
      'docker-archive:/tmp/x.tar:example.com:5000/a/b:v2',
      { transport: 'docker-archive', path: '/tmp/x.tar', ref: { registry: 'example.com:5000', repository: 'a/b', tag: 'v2' } },
    ],
  ];
  for (const [input, loc] of valid) {
    test(input, () => {
      assert.deepEqual(parseImageLocation(input, { platform: 'linux' }), loc);
      roundTrips(loc, 'linux');
    });
  }

  const invalid: Array<[string, string | RegExp]> = [
    ['dir:', 'dir: a directory is required (expected dir:DIRECTORY)'],
    ['oci-archive:', /an archive file is required \(expected oci-archive:FILE\[:TAG\]\)/],
    ['oci-archive::v1', /an archive file is required/],
    // skopeo has no source index for oci-archive: (containers/image: "Invalid image @0").
    ['oci-archive:/tmp/x.tar:@0', /oci-archive: invalid image name "@0"/],
    ['docker-archive:', /an archive file is required \(expected docker-archive:FILE\[:REFERENCE\]\)/],
    ['docker-archive:/tmp/x.tar:@-1', 'docker-archive: invalid source index @-1: must not be negative'],
    ['docker-archive:/tmp/x.tar:@x', 'docker-archive: invalid source index @x: not an integer'],
    [`docker-archive:/tmp/x.tar:busybox@${sha}`, /docker-archive: reference "busybox@sha256:[0-9a-f]+" has a digest; an archive names images by tag only/],
    ['docker-archive:/tmp/x.tar:Busybox', /must be lowercase/],
  ];
  for (const [input, message] of invalid)
    test(`refuses ${input.slice(0, 60)}`, () => assertInvalid(() => parseImageLocation(input, { platform: 'linux' }), message, input));

  test('the file and local-store transports are served; the others stay refused as unsupported', () => {
    for (const name of ['dir', 'oci-archive', 'docker-archive', 'containers-storage', 'docker-daemon'])
      assert.ok(!UNSUPPORTED_TRANSPORTS.includes(name as never), name);
  });
});

describe('containers-storage:, docker-daemon:', () => {
  const id = '0123456789abcdef'.repeat(4);
  const valid: Array<[string, ImageLocation]> = [
    // skopeo's containers-storage: names get :latest when they have neither tag nor digest (TagNameOnly).
    ['containers-storage:busybox', { transport: 'containers-storage', ref: { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' } }],
    ['containers-storage:localhost/app:v1', { transport: 'containers-storage', ref: { registry: 'localhost', repository: 'app', tag: 'v1' } }],
    [`containers-storage:quay.io/a/b@${sha}`, { transport: 'containers-storage', ref: { registry: 'quay.io', repository: 'a/b', digest: sha } }],
    [`containers-storage:${id}`, { transport: 'containers-storage', id }],
    [`containers-storage:@${id}`, { transport: 'containers-storage', id }],
    [`containers-storage:busybox:1@${id}`, { transport: 'containers-storage', ref: { registry: 'docker.io', repository: 'library/busybox', tag: '1' }, id }],
    // A short hex string may be an ID prefix; whether it is depends on the store.
    [
      'containers-storage:abc123',
      { transport: 'containers-storage', ref: { registry: 'docker.io', repository: 'library/abc123', tag: 'latest' }, maybeId: 'abc123' },
    ],
    [
      'containers-storage:[vfs@/var/lib/s+/run/s:vfs.ignore_chown_errors=true]app:1',
      {
        transport: 'containers-storage',
        storage: { driver: 'vfs', root: '/var/lib/s', runroot: '/run/s', options: ['vfs.ignore_chown_errors=true'] },
        ref: { registry: 'docker.io', repository: 'library/app', tag: '1' },
      },
    ],
    [
      'containers-storage:[/var/lib/s]app',
      { transport: 'containers-storage', storage: { root: '/var/lib/s' }, ref: { registry: 'docker.io', repository: 'library/app', tag: 'latest' } },
    ],
    [
      'containers-storage:[overlay@/r+/rr]app:2',
      {
        transport: 'containers-storage',
        storage: { driver: 'overlay', root: '/r', runroot: '/rr' },
        ref: { registry: 'docker.io', repository: 'library/app', tag: '2' },
      },
    ],
    ['docker-daemon:busybox:latest', { transport: 'docker-daemon', ref: { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' } }],
    [`docker-daemon:busybox@${sha}`, { transport: 'docker-daemon', ref: { registry: 'docker.io', repository: 'library/busybox', digest: sha } }],
    [`docker-daemon:${sha}`, { transport: 'docker-daemon', id: sha }],
  ];
  for (const [input, loc] of valid) {
    test(input, () => {
      assert.deepEqual(parseImageLocation(input), loc);
      roundTrips(loc);
    });
  }
  const invalid: Array<[string, string | RegExp]> = [
    ['containers-storage:', /an image name or ID is required/],
    ['containers-storage:[vfs@/r', /no closing "\]"/],
    ['containers-storage:[]app', /"\[\]" is empty/],
    ['containers-storage:[@/r]app', /empty driver/],
    ['containers-storage:[vfs@]app', /nothing after the driver/],
    ['containers-storage:[vfs@relative]app', /root "relative" must be an absolute path/],
    ['containers-storage:[/r+run]app', /run root "run" must be an absolute path/],
    ['containers-storage:app@nothex', /"nothex" does not look like an image ID or digest/],
    ['docker-daemon:busybox', /has neither a tag nor a digest/],
    [`docker-daemon:busybox:1@${sha}`, /both a tag and a digest/],
    ['docker-daemon:', /a reference is required/],
    ['docker-daemon:sha256:latest', /reserved for full image IDs/],
  ];
  for (const [input, message] of invalid) test(`refuses ${input}`, () => assertInvalid(() => parseImageLocation(input), message, input));
});

describe('other transports and bad transport names', () => {
  for (const name of UNSUPPORTED_TRANSPORTS) {
    test(`${name}: is named as unsupported`, () => {
      assert.throws(
        () => parseImageLocation(`${name}:something`),
        (err: unknown) =>
          err instanceof UnsupportedTransportError &&
          err.transport === name &&
          err.reason === 'unsupported-transport' &&
          /not supported/.test(err.message) &&
          err.message.includes(`"${name}"`),
      );
    });
  }

  test('no transport at all says how a location is written', () => {
    assertInvalid(
      () => parseImageLocation('busybox'),
      'Invalid image name "busybox", expected colon-separated transport:reference (use docker://REFERENCE, oci:DIRECTORY[:TAG], dir:DIRECTORY, oci-archive:FILE[:TAG], docker-archive:FILE[:REFERENCE], containers-storage:[STORE]REFERENCE or docker-daemon:REFERENCE)',
    );
    assertInvalid(() => parseImageLocation(''), /Invalid image name "", expected colon-separated transport:reference/);
  });

  test('an unknown transport is named, with the ones that work', () => {
    assertInvalid(() => parseImageLocation(':busybox'), /unknown transport ""/);
    assertInvalid(
      () => parseImageLocation('localhost:5000/foo'),
      'Invalid image name "localhost:5000/foo", unknown transport "localhost" (use docker://REFERENCE, oci:DIRECTORY[:TAG], dir:DIRECTORY, oci-archive:FILE[:TAG], docker-archive:FILE[:REFERENCE], containers-storage:[STORE]REFERENCE or docker-daemon:REFERENCE)',
    );
    assertInvalid(() => parseImageLocation('https://quay.io/a/b'), /unknown transport "https"/);
  });

  test('hasTransportPrefix knows every skopeo transport and nothing else', () => {
    for (const s of ['docker://x', 'oci:/x', 'containers-storage:x', 'dir:/x', 'oci-archive:/x', 'docker-archive:/x', 'atomic:x'])
      assert.equal(hasTransportPrefix(s), true, s);
    for (const s of ['redis:7', 'localhost:5000/x', 'docker.io/library/redis', ':x', 'ocix:/y']) assert.equal(hasTransportPrefix(s), false, s);
  });

  test('every failure is a typed error, never a string', () => {
    for (const input of ['docker:x', 'oci:', 'nope:x', 'x']) assert.throws(() => parseImageLocation(input), InvalidReferenceError);
  });
});
