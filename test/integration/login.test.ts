// Logins shared with the containers tools: auth.json files that skopeo writes are read here, and
// files written here are accepted by skopeo, against a real Distribution registry (htpasswd over TLS).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeAuthEntry, setAuthEntry } from '../../src/core/auth/authfile';
import { resolveCredentials } from '../../src/core/auth/credentials';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { makeTempDir, removeAllTempDirs } from '../harness/temp';
import { requireTools, run } from '../harness/tools';

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

const TOOLS = ['docker-registry', 'skopeo', 'openssl', 'htpasswd'];
const USER = 'alice';
const PASSWORD = 'pa:ss w0rd';

let shared: Promise<TestRegistry> | undefined;
function basicTls(): Promise<TestRegistry> {
  shared ??= startRegistry({ tls: true, htpasswd: { username: USER, password: PASSWORD } });
  return shared;
}

function skopeoListTags(reg: TestRegistry, authFile: string): Promise<{ code: number; stderr: string }> {
  // list-tags of a missing repository answers 404 (NAME_UNKNOWN) once authenticated, 401 when not.
  return run('skopeo', ['list-tags', `--authfile=${authFile}`, `--cert-dir=${reg.certDir}`, `docker://${reg.host}/nothing/here`], { timeoutMs: 60_000 });
}

test('a login skopeo wrote is read here, and ours is byte-identical to skopeo\'s', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const dir = makeTempDir('login-interop');
  const theirs = join(dir, 'skopeo.json');
  const login = await run('skopeo', ['login', `--authfile=${theirs}`, `--cert-dir=${reg.certDir}`, '-u', USER, '--password-stdin', reg.host], { stdin: PASSWORD, timeoutMs: 60_000 });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /Login Succeeded!/);
  assert.deepEqual(await resolveCredentials(reg.host, 'any/repo', { authFile: theirs, env: {}, keychain: false }), { username: USER, password: PASSWORD, source: theirs });

  const ours = join(dir, 'ours.json');
  await setAuthEntry(ours, reg.host, USER, PASSWORD);
  assert.equal(readFileSync(ours, 'utf8'), readFileSync(theirs, 'utf8'), 'same layout as containers/image writes');
});

test('skopeo accepts the auth file written here, and is refused once the entry is removed', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const file = join(makeTempDir('login-interop'), 'auth.json');
  await setAuthEntry(file, 'other.example', 'x', 'y');
  await setAuthEntry(file, reg.host, USER, PASSWORD);
  const ok = await skopeoListTags(reg, file);
  assert.match(ok.stderr, /404|name unknown/i, 'authenticated: the registry says the repository is unknown');
  assert.doesNotMatch(ok.stderr, /unauthorized|authentication required/i);
  assert.equal(await removeAuthEntry(file, reg.host), true);
  const refused = await skopeoListTags(reg, file);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /unauthorized|authentication required/i);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).auths), ['other.example'], 'the other login stays');
});
