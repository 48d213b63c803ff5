// Logins shared with the containers tools: auth.json files that skopeo writes are read here, and
// files written here are accepted by skopeo, against a real Distribution registry (htpasswd over TLS).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeAuthEntry, setAuthEntry } from '../../src/core/auth/authfile';
import { resolveCredentials } from '../../src/core/auth/credentials';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { makeTempDir, removeAllTempDirs } from '../harness/temp';
import { regxBundle, requireTools, run, runRegx } from '../harness/tools';

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

test("a login skopeo wrote is read here, and ours is byte-identical to skopeo's", async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const dir = makeTempDir('login-interop');
  const theirs = join(dir, 'skopeo.json');
  const login = await run('skopeo', ['login', `--authfile=${theirs}`, `--cert-dir=${reg.certDir}`, '-u', USER, '--password-stdin', reg.host], {
    stdin: PASSWORD,
    timeoutMs: 60_000,
  });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /Login Succeeded!/);
  assert.deepEqual(await resolveCredentials(reg.host, 'any/repo', { authFile: theirs, env: {}, keychain: false }), {
    username: USER,
    password: PASSWORD,
    source: theirs,
  });

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

/** A HOME, runtime dir and no keychain: where `regx login` writes by default, away from the machine's own logins. */
function sandboxEnv(): { env: NodeJS.ProcessEnv; runtime: string; home: string } {
  const root = makeTempDir('login-cli');
  const home = join(root, 'home');
  const runtime = join(root, 'run');
  mkdirSync(home, { recursive: true });
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  return {
    env: { HOME: home, XDG_RUNTIME_DIR: runtime, REGISTRY_AUTH_FILE: '', DOCKER_CONFIG: '', XDG_CONFIG_HOME: '', DBUS_SESSION_BUS_ADDRESS: '' },
    runtime,
    home,
  };
}

test('regx login over TLS: checks first, prints Login Succeeded!, writes the podman auth.json 0600', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const { env, runtime } = sandboxEnv();
  const r = await runRegx(['login', `--cert-dir=${reg.certDir}`, '-u', USER, '--password-stdin', reg.host], { env, stdin: `${PASSWORD}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Login Succeeded!\n');
  const file = join(runtime, 'containers', 'auth.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { auths: { [reg.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } });
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /pa:ss/);

  const again = await runRegx(['login', `--cert-dir=${reg.certDir}`, reg.host], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Authenticating with existing credentials for .*\nExisting credentials are valid\. Already logged in to /);

  const who = await runRegx(['login', '--get-login', reg.host], { env });
  assert.equal(who.stdout, `${USER}\n`);
  const ok = await skopeoListTags(reg, file);
  assert.match(ok.stderr, /404|name unknown/i, 'skopeo uses the login regx wrote');
});

test('a wrong password is a clear error and nothing is written', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const { env, runtime } = sandboxEnv();
  const r = await runRegx(['login', `--cert-dir=${reg.certDir}`, '-u', USER, '--password-stdin', reg.host], { env, stdin: 'wrong-Secret-42' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`logging into "${reg.host.replace(/[.]/g, '\\.')}": invalid username/password`));
  assert.doesNotMatch(r.stderr, /wrong-Secret-42/);
  assert.equal(existsSync(join(runtime, 'containers')), false, 'no file and no directory were created');
});

test('TLS trouble is named and nothing is written; --tls-verify=false logs in anyway', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const { env, runtime } = sandboxEnv();
  const untrusted = await runRegx(['login', '-u', USER, '--password-stdin', reg.host], { env, stdin: PASSWORD });
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /certificate/i);
  assert.equal(existsSync(join(runtime, 'containers')), false);
  const insecure = await runRegx(['login', '--tls-verify=false', '-u', USER, '--password-stdin', reg.host], { env, stdin: PASSWORD });
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.equal(insecure.stdout, 'Login Succeeded!\n');
});

test('regx logout removes one login, --all removes every one, and a second logout says not logged in', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await basicTls();
  const { env } = sandboxEnv();
  const file = join(makeTempDir('login-cli'), 'auth.json');
  writeFileSync(file, JSON.stringify({ auths: { 'keep.example': { auth: Buffer.from('k:k').toString('base64') } }, credHelpers: {} }));
  const login = await runRegx(['login', `--authfile=${file}`, `--cert-dir=${reg.certDir}`, '-u', USER, '-p', PASSWORD, reg.host], { env });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stderr, /--password via the command line is insecure/);
  const out = await runRegx(['logout', `--authfile=${file}`, reg.host], { env });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, `Removed login credentials for ${reg.host}\n`);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).auths), ['keep.example']);
  const twice = await runRegx(['logout', `--authfile=${file}`, reg.host], { env });
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /not logged into/);
  const all = await runRegx(['logout', `--authfile=${file}`, '--all'], { env });
  assert.equal(all.stdout, 'Removed login credentials for all registries\n');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).auths, {});
});

test('token auth: the login is checked through the token server; a wrong password is refused there', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await startRegistry({ tls: true, token: true, tokenIssuer: { username: 'tok', password: 'tok-pw', tls: true, anonymous: 'deny' } });
  const { env, runtime } = sandboxEnv();
  const bad = await runRegx(['login', `--cert-dir=${reg.certDir}`, '-u', 'tok', '--password-stdin', reg.host], { env, stdin: 'nope' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid username\/password/);
  assert.equal(existsSync(join(runtime, 'containers')), false);
  const good = await runRegx(['login', `--cert-dir=${reg.certDir}`, '-u', 'tok', '--password-stdin', reg.host], { env, stdin: 'tok-pw' });
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout, 'Login Succeeded!\n');
  const asked = reg.tokenIssuer?.requests ?? [];
  assert.ok(
    asked.some((q) => q.account === 'tok' && q.authenticated && q.status === 200),
    'the token server saw the account and accepted it',
  );
});

test('token auth with an http realm behind an https registry is refused before credentials are sent', async (t) => {
  if (!requireTools(t, TOOLS)) return;
  const reg = await startRegistry({ tls: true, token: true, tokenIssuer: { username: 'tok', password: 'tok-pw' } });
  const { env, runtime } = sandboxEnv();
  const r = await runRegx(['login', `--cert-dir=${reg.certDir}`, '-u', 'tok', '--password-stdin', reg.host], { env, stdin: 'tok-pw' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /http token server .*clear text/);
  assert.deepEqual(reg.tokenIssuer?.requests, [], 'the token server heard nothing');
  assert.equal(existsSync(join(runtime, 'containers')), false);
});

test('on a terminal the password prompt does not echo', async (t) => {
  if (!requireTools(t, [...TOOLS, 'script'])) return;
  const reg = await basicTls();
  const { env, runtime } = sandboxEnv();
  // script(1) gives regx a real pseudo-terminal; answers are typed only once each prompt is on screen.
  const cmd = `${process.execPath} ${regxBundle} login --cert-dir=${reg.certDir} ${reg.host}`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const typed = new Set<string>();
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  child.stdout.on('data', (b: Buffer) => {
    screen += b.toString();
    if (screen.includes('Username: ') && !typed.has('u')) {
      typed.add('u');
      child.stdin.write(`${USER}\r`);
    }
    if (screen.includes('Password: ') && !typed.has('p')) {
      typed.add('p');
      child.stdin.write(`${PASSWORD}\r`);
    }
  });
  const code = await done;
  assert.equal(code, 0, screen);
  assert.match(screen, /Login Succeeded!/);
  assert.ok(screen.includes(USER), 'the username is echoed');
  assert.ok(!screen.includes(PASSWORD), `the password is not echoed: ${JSON.stringify(screen)}`);
  assert.ok(existsSync(join(runtime, 'containers', 'auth.json')));
});
