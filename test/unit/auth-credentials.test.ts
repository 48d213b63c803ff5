import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { authFileChain, defaultAuthFilePath } from '../../src/core/auth/authfile';
import { parseCredsFlag, resolveCredentials } from '../../src/core/auth/credentials';
import type { KeychainStore } from '../../src/core/auth/keychain';
import { AuthFileError, KeychainError, UsageError } from '../../src/core/errors';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A fresh HOME and XDG_RUNTIME_DIR, so nothing of the machine's own logins is read. */
function sandbox(): { env: NodeJS.ProcessEnv; home: string; runtime: string; write(rel: string, doc: unknown): string } {
  const root = mkdtempSync(join(tmpdir(), 'regx-creds-'));
  roots.push(root);
  const home = join(root, 'home');
  const runtime = join(root, 'run');
  mkdirSync(home, { recursive: true });
  mkdirSync(runtime, { recursive: true });
  const env: NodeJS.ProcessEnv = { HOME: home, XDG_RUNTIME_DIR: runtime, PATH: process.env.PATH };
  return {
    env,
    home,
    runtime,
    write(rel, doc) {
      const p = join(root, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return p;
    },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('parseCredsFlag splits at the first colon so passwords keep theirs', () => {
  assert.deepEqual(parseCredsFlag('alice:pa:ss:word', '--creds'), { username: 'alice', password: 'pa:ss:word', source: '--creds' });
  assert.deepEqual(parseCredsFlag('bob:', '--src-creds'), { username: 'bob', password: '', source: '--src-creds' });
  assert.throws(
    () => parseCredsFlag('alice', '--creds'),
    (e: unknown) => e instanceof UsageError && /USERNAME:PASSWORD/.test(e.message),
  );
  assert.throws(() => parseCredsFlag(':pw', '--creds'), UsageError);
});

test('the chain is the runtime file, XDG config, docker config, then legacy ~/.dockercfg', () => {
  const s = sandbox();
  assert.deepEqual(authFileChain(s.env, undefined, 'linux'), [
    { path: join(s.runtime, 'containers/auth.json'), legacy: false },
    { path: join(s.home, '.config/containers/auth.json'), legacy: false },
    { path: join(s.home, '.docker/config.json'), legacy: false },
    { path: join(s.home, '.dockercfg'), legacy: true },
  ]);
  const custom = authFileChain({ ...s.env, XDG_CONFIG_HOME: '/xdg', DOCKER_CONFIG: '/dc' }, undefined, 'linux').map((p) => p.path);
  assert.deepEqual(custom.slice(1, 3), ['/xdg/containers/auth.json', '/dc/config.json']);
  assert.deepEqual(
    authFileChain({ ...s.env, REGISTRY_AUTH_FILE: '/r.json' }, undefined, 'linux'),
    [{ path: '/r.json', legacy: false }],
    'REGISTRY_AUTH_FILE is the only file',
  );
  assert.deepEqual(
    authFileChain({ ...s.env, REGISTRY_AUTH_FILE: '/r.json' }, '/flag.json', 'linux'),
    [{ path: '/flag.json', legacy: false }],
    '--authfile wins over the variable',
  );
  const missingRuntime = authFileChain({ ...s.env, XDG_RUNTIME_DIR: join(s.runtime, 'nope') }, undefined, 'linux');
  assert.equal(missingRuntime[0]?.path, join(s.home, '.config/containers/auth.json'), 'a missing XDG_RUNTIME_DIR is skipped as containers/image does');
});

test('podman writes to REGISTRY_AUTH_FILE, the runtime dir, or /run/containers/<uid> for root', () => {
  assert.equal(defaultAuthFilePath({ REGISTRY_AUTH_FILE: '/x.json', XDG_RUNTIME_DIR: '/run/user/1' }, 'linux'), '/x.json');
  assert.equal(defaultAuthFilePath({ XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux'), '/run/user/1000/containers/auth.json');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  assert.equal(defaultAuthFilePath({ HOME: '/h' }, 'linux'), `/run/containers/${uid}/auth.json`);
  assert.equal(defaultAuthFilePath({ HOME: '/h' }, 'darwin'), '/h/.config/containers/auth.json');
});

test('the most specific key wins: repository, then namespace, then registry', async () => {
  const s = sandbox();
  s.write('run/containers/auth.json', {
    auths: {
      'quay.io': { auth: b64('reg-user:reg-pw') },
      'quay.io/org': { auth: b64('org-user:org-pw') },
      'quay.io/org/app': { auth: b64('app-user:app-pw') },
    },
  });
  const env = s.env;
  const get = (repo: string | undefined) => resolveCredentials('quay.io', repo, { env, keychain: false });
  assert.equal((await get('org/app'))?.username, 'app-user');
  assert.equal((await get('org/other'))?.username, 'org-user');
  assert.equal((await get('org/app/sub'))?.username, 'app-user');
  assert.equal((await get('elsewhere/x'))?.username, 'reg-user');
  assert.equal((await get(undefined))?.username, 'reg-user');
  assert.equal(await resolveCredentials('ghcr.io', 'a/b', { env, keychain: false }), undefined);
});

test('files are searched in order; the first with an entry wins; source names the file', async () => {
  const s = sandbox();
  const xdg = s.write('home/.config/containers/auth.json', { auths: { 'r.example:5000': { auth: b64('xdg:1') } } });
  s.write('home/.docker/config.json', { auths: { 'r.example:5000': { auth: b64('docker:2') }, 'only-docker.example': { auth: b64('d:3') } } });
  const c = await resolveCredentials('r.example:5000', 'a', { env: s.env, keychain: false });
  assert.deepEqual(c, { username: 'xdg', password: '1', source: xdg });
  assert.equal((await resolveCredentials('only-docker.example', 'a', { env: s.env, keychain: false }))?.username, 'd');
});

test('Docker config legacy keys: https://index.docker.io/v1/ for docker.io, URLs with paths, ~/.dockercfg', async () => {
  const s = sandbox();
  s.write('home/.docker/config.json', {
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpw') },
      'http://old.example.com/v1/': { auth: b64('old:pw') },
      'ns.example.com/v1/': { auth: b64('bare:pw') },
    },
  });
  assert.equal((await resolveCredentials('docker.io', 'library/redis', { env: s.env, keychain: false }))?.username, 'hubuser');
  assert.equal((await resolveCredentials('old.example.com', 'x', { env: s.env, keychain: false }))?.username, 'old');
  assert.equal(
    await resolveCredentials('ns.example.com', 'x', { env: s.env, keychain: false }),
    undefined,
    'a key without a scheme keeps its path, as containers/image reads it',
  );
  s.write('home/.dockercfg', { 'https://legacy.example.com/v1/': { auth: b64('leg:acy'), email: 'x@y' } });
  assert.deepEqual(await resolveCredentials('legacy.example.com', 'a/b', { env: s.env, keychain: false }), {
    username: 'leg',
    password: 'acy',
    source: join(s.home, '.dockercfg'),
  });
});

test('passwords with colons, NUL padding, and identity tokens', async () => {
  const s = sandbox();
  s.write('run/containers/auth.json', {
    auths: {
      'a.example': { auth: b64('u:p:a:ss') },
      'b.example': { auth: b64('u:pw\u0000\u0000') },
      'c.example': { auth: b64('tok:'), identitytoken: 'refresh-123' },
      'd.example': {},
    },
  });
  const env = s.env;
  assert.equal((await resolveCredentials('a.example', undefined, { env, keychain: false }))?.password, 'p:a:ss');
  assert.equal((await resolveCredentials('b.example', undefined, { env, keychain: false }))?.password, 'pw');
  const c = await resolveCredentials('c.example', undefined, { env, keychain: false });
  assert.equal(c?.identityToken, 'refresh-123');
  assert.equal(c?.username, 'tok');
  assert.equal(
    await resolveCredentials('d.example', undefined, { env, keychain: false }),
    undefined,
    'an empty {} entry (docker helper marker) is no credentials',
  );
});

test('an empty entry in one file lets the next file answer', async () => {
  const s = sandbox();
  s.write('run/containers/auth.json', { auths: { 'e.example': {} } });
  s.write('home/.docker/config.json', { auths: { 'e.example': { auth: b64('later:pw') } } });
  assert.equal((await resolveCredentials('e.example', undefined, { env: s.env, keychain: false }))?.username, 'later');
});

test('--authfile is the only file read, and REGISTRY_AUTH_FILE replaces the chain', async () => {
  const s = sandbox();
  s.write('run/containers/auth.json', { auths: { 'r.example': { auth: b64('chain:pw') } } });
  const flag = s.write('flag.json', { auths: { 'other.example': { auth: b64('f:pw') } } });
  assert.equal(await resolveCredentials('r.example', undefined, { env: s.env, authFile: flag, keychain: false }), undefined);
  assert.equal((await resolveCredentials('other.example', undefined, { env: s.env, authFile: flag, keychain: false }))?.source, flag);
  const viaEnv = s.write('env.json', { auths: { 'r.example': { auth: b64('envuser:pw') } } });
  assert.equal((await resolveCredentials('r.example', undefined, { env: { ...s.env, REGISTRY_AUTH_FILE: viaEnv }, keychain: false }))?.username, 'envuser');
});

test('explicit credentials come first, then the keychain, then the files', async () => {
  const s = sandbox();
  s.write('run/containers/auth.json', { auths: { 'k.example': { auth: b64('file:pw') } } });
  const stored = new Map([
    ['k.example', { username: 'kc', password: 'kcpw' }],
    ['k.example/team', { username: 'kc-team', password: 'x' }],
  ]);
  const keychain: KeychainStore = {
    get: async (r) => stored.get(r),
    set: async () => undefined,
    delete: async () => false,
  };
  const explicit = parseCredsFlag('flag:pw', '--creds');
  assert.equal(await resolveCredentials('k.example', undefined, { env: s.env, explicit, keychain }), explicit);
  assert.deepEqual(await resolveCredentials('k.example', undefined, { env: s.env, keychain }), { username: 'kc', password: 'kcpw', source: 'OS keychain' });
  assert.equal(
    (await resolveCredentials('k.example', 'team/app', { env: s.env, keychain }))?.username,
    'kc-team',
    'namespaced keychain logins, most specific first',
  );
  assert.equal((await resolveCredentials('k.example', undefined, { env: s.env, keychain: false }))?.username, 'file');
  const broken: KeychainStore = {
    ...keychain,
    get: async () => {
      throw new KeychainError('no OS keychain available: test');
    },
  };
  const notes: string[] = [];
  assert.equal(
    (await resolveCredentials('k.example', undefined, { env: s.env, keychain: broken, debug: (m) => notes.push(m) }))?.username,
    'file',
    'no keychain falls through to the files',
  );
  assert.ok(notes.some((n) => n.includes('no OS keychain available')));
});

test('the default keychain without a session bus is skipped, not fatal', async () => {
  const s = sandbox();
  s.write('run/containers/auth.json', { auths: { 'k.example': { auth: b64('file:pw') } } });
  const env = { ...s.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  assert.equal((await resolveCredentials('k.example', undefined, { env }))?.username, 'file');
});

test('a malformed auth file is an error that names the file; bad base64 too, without the value', async () => {
  const s = sandbox();
  const bad = s.write('run/containers/auth.json', '{"auths": {');
  await assert.rejects(
    resolveCredentials('r.example', undefined, { env: s.env, keychain: false }),
    (e: unknown) => e instanceof AuthFileError && e.message.includes(bad),
  );
  s.write('run/containers/auth.json', { auths: { 'r.example': { auth: 'not*base64' } } });
  await assert.rejects(
    resolveCredentials('r.example', undefined, { env: s.env, keychain: false }),
    (e: unknown) => e instanceof AuthFileError && /not valid base64/.test(e.message) && !e.message.includes('not*base64'),
  );
  s.write('run/containers/auth.json', { auths: ['x'] });
  await assert.rejects(resolveCredentials('r.example', undefined, { env: s.env, keychain: false }), /"auths" is not a JSON object/);
});
