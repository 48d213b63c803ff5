// From a reference's registry to the origin the HTTP layer connects to.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { DOCKER_HUB_API_HOST, isDockerHub, normalizeRegistryName, registryApiHost, registryOrigin, splitHostPort } from '../../src/core/reference/reference';
import { assertInvalid } from './reference-assert';

describe('registryOrigin', () => {
  const cases: Array<[string, boolean, string]> = [
    ['docker.io', false, 'https://registry-1.docker.io'],
    ['index.docker.io', false, 'https://registry-1.docker.io'],
    ['quay.io', false, 'https://quay.io'],
    ['localhost:5000', true, 'http://localhost:5000'],
    ['127.0.0.1:5000', false, 'https://127.0.0.1:5000'],
    ['[::1]:5000', true, 'http://[::1]:5000'],
    ['[2001:db8::1]', false, 'https://[2001:db8::1]'],
    ['Registry.Example.COM', false, 'https://Registry.Example.COM'],
  ];
  for (const [registry, insecure, origin] of cases) {
    test(`${registry}${insecure ? ' (insecure)' : ''} -> ${origin}`, () => {
      assert.equal(registryOrigin(registry, insecure), origin);
      assert.equal(new URL(origin).origin.toLowerCase(), origin.toLowerCase(), 'a URL the HTTP layer can use as is');
    });
  }

  test('a port or IPv6 address the grammar lets through is refused before any connection', () => {
    assertInvalid(() => registryOrigin('192.168.1.1:750050'), 'invalid registry "192.168.1.1:750050": port 750050 is out of range');
    assertInvalid(() => registryOrigin('localhost:0'), /port 0 is out of range/);
    assertInvalid(() => registryOrigin('[fd00123123123]:5000'), 'invalid registry "[fd00123123123]:5000": fd00123123123 is not an IPv6 address');
    assertInvalid(() => registryOrigin('bad_host'), /expected a host with an optional port/);
    assertInvalid(() => registryOrigin(''), /expected a host with an optional port/);
  });
});

describe('host helpers', () => {
  test('Docker Hub under all its names', () => {
    for (const h of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'Docker.IO']) assert.equal(isDockerHub(h), true, h);
    for (const h of ['quay.io', 'docker.io:5000', 'mirror.docker.io']) assert.equal(isDockerHub(h), false, h);
    assert.equal(registryApiHost('docker.io'), DOCKER_HUB_API_HOST);
    assert.equal(registryApiHost('ghcr.io'), 'ghcr.io');
  });

  test('splitHostPort gives a bracket-free hostname for TLS and DNS', () => {
    assert.deepEqual(splitHostPort('[::1]:5000'), { hostname: '::1', port: 5000 });
    assert.deepEqual(splitHostPort('[::1]'), { hostname: '::1' });
    assert.deepEqual(splitHostPort('localhost:65535'), { hostname: 'localhost', port: 65535 });
    assert.deepEqual(splitHostPort('quay.io'), { hostname: 'quay.io' });
    assertInvalid(() => splitHostPort('localhost:65536'), /out of range/);
    assertInvalid(() => splitHostPort('a:b:c'), /expected a host/);
  });

  test('normalizeRegistryName accepts pasted URLs and docker config keys', () => {
    const cases: Array<[string, string]> = [
      ['quay.io', 'quay.io'],
      ['https://quay.io', 'quay.io'],
      ['https://quay.io/', 'quay.io'],
      ['http://localhost:5000/v2/', 'localhost:5000'],
      ['https://index.docker.io/v1/', 'docker.io'],
      ['registry-1.docker.io', 'docker.io'],
      ['  [::1]:5000  ', '[::1]:5000'],
    ];
    for (const [input, expected] of cases) assert.equal(normalizeRegistryName(input), expected, input);
    assertInvalid(
      () => normalizeRegistryName('quay.io/namespace'),
      'invalid registry "quay.io/namespace": expected a host with an optional port, like quay.io or localhost:5000',
    );
    assertInvalid(() => normalizeRegistryName('ftp://x'), /invalid registry/);
    assertInvalid(() => normalizeRegistryName('localhost:99999'), /out of range/);
  });
});
