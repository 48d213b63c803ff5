// Which sockets a local engine is looked for on, and the podman arguments a store's settings become.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { candidateSockets } from '../../src/core/local/engine';
import { localPodmanEnv, podmanStorageArgs } from '../../src/core/local/podman-service';

test('podman sockets: CONTAINER_HOST first, then the user socket, then the system one; non-unix hosts are skipped', () => {
  assert.deepEqual(candidateSockets('podman', { CONTAINER_HOST: 'unix:///tmp/p.sock', XDG_RUNTIME_DIR: '/run/user/1000' }), [
    '/tmp/p.sock',
    '/run/user/1000/podman/podman.sock',
    '/run/podman/podman.sock',
  ]);
  assert.deepEqual(candidateSockets('podman', { CONTAINER_HOST: 'ssh://core@host/run/podman/podman.sock' }), ['/run/podman/podman.sock']);
});

test('Docker sockets: DOCKER_HOST first, then /var/run/docker.sock, each once', () => {
  assert.deepEqual(candidateSockets('docker', { DOCKER_HOST: 'unix:///var/run/docker.sock' }), ['/var/run/docker.sock']);
  assert.deepEqual(candidateSockets('docker', { DOCKER_HOST: 'tcp://127.0.0.1:2375' }), ['/var/run/docker.sock']);
  assert.deepEqual(candidateSockets('docker', {}), ['/var/run/docker.sock']);
});

test("a store's settings become podman's global storage flags, nothing when podman's configuration decides", () => {
  assert.deepEqual(podmanStorageArgs({ driver: 'vfs', root: '/s/root', runroot: '/s/run', options: ['vfs.ignore_chown_errors=true'] }), [
    '--root',
    '/s/root',
    '--runroot',
    '/s/run',
    '--storage-driver',
    'vfs',
    '--storage-opt',
    'vfs.ignore_chown_errors=true',
  ]);
  assert.deepEqual(podmanStorageArgs(undefined), []);
  assert.deepEqual(podmanStorageArgs({}), []);
});

test('the private podman runs locally: CONTAINER_HOST and CONTAINER_CONNECTION (which make podman a remote client) are dropped', () => {
  const env = localPodmanEnv({ CONTAINER_HOST: 'unix:///x', CONTAINER_CONNECTION: 'c', CONTAINERS_STORAGE_CONF: '/s.conf', PATH: '/usr/bin' });
  assert.deepEqual(env, { CONTAINERS_STORAGE_CONF: '/s.conf', PATH: '/usr/bin' });
});
