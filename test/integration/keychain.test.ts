// A real Secret Service: a private D-Bus session bus and gnome-keyring, torn down afterwards.
// The keychain module runs in a child process because the native binding reads
// DBUS_SESSION_BUS_ADDRESS from its own process environment.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startRegistry, stopAll } from '../harness/registry';
import { hasTool, requireTools, runRegx } from '../harness/tools';

const TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool'];
const present = TOOLS.every(hasTool);

const root = mkdtempSync(join(tmpdir(), 'regx-keychain-'));
const home = join(root, 'home');
const runtime = join(root, 'run');
let bus: ChildProcess | undefined;
let keyring: ChildProcess | undefined;
let env: NodeJS.ProcessEnv = {};
const keychainModule = join(__dirname, '..', '..', 'src', 'core', 'auth', 'keychain.js');
const credentialsModule = join(__dirname, '..', '..', 'src', 'core', 'auth', 'credentials.js');
const SERVICE = 'regx';
const PASSWORD = 'pa:ss w0rd-\u00e9-7f3a9c';

function busHasSecrets(): boolean {
  const r = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ],
    { env, encoding: 'utf8' },
  );
  return r.status === 0 && /boolean true/.test(r.stdout);
}

before(async () => {
  if (!present) return;
  mkdirSync(home, { recursive: true });
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const address = `unix:path=${join(runtime, 'bus')}`;
  // --nofork keeps the bus our child, so killing it also reaps it (no orphan for init to collect).
  bus = spawn('dbus-daemon', ['--session', `--address=${address}`, '--nofork', '--nopidfile', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    bus?.stdout?.once('data', () => resolve());
    bus?.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  env = { PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(home, '.local', 'share'), DBUS_SESSION_BUS_ADDRESS: address };
  keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  keyring.stdin?.end('keyring-test-password');
  // Wait (bounded by attempts, not by a clock assertion) until the daemon owns the Secret Service name,
  // so no call triggers D-Bus activation of a second, locked daemon.
  for (let i = 0; i < 200 && !busHasSecrets(); i++) await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  await stopAll();
  if (keyring?.pid) keyring.kill('SIGTERM');
  if (bus?.pid) bus.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

/** Runs a snippet with `kc` (osKeychain()) and `resolveCredentials` in a child with the private bus. */
function inChild(body: string): unknown {
  const script = `
    const { osKeychain } = require(${JSON.stringify(keychainModule)});
    const { resolveCredentials } = require(${JSON.stringify(credentialsModule)});
    const kc = osKeychain();
    (async () => { const r = await (async () => { ${body} })(); process.stdout.write(JSON.stringify(r === undefined ? null : r)); })()
      .catch((e) => { process.stdout.write(JSON.stringify({ error: e.name, message: e.message })); });
  `;
  const out = execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8', cwd: root });
  return JSON.parse(out);
}

function secretToolSearch(): string {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', SERVICE], { env, encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`;
}

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) hits.push(...filesContaining(p, needle));
    else if (st.isFile() && readFileSync(p).includes(needle)) hits.push(p);
  }
  return hits;
}

test('store, read and delete a login in a real Secret Service', (t) => {
  if (!requireTools(t, TOOLS)) return;
  assert.ok(busHasSecrets(), 'gnome-keyring-daemon did not take org.freedesktop.secrets on the private bus');

  assert.equal(inChild(`return kc.get('127.0.0.1:5443')`), null, 'nothing stored yet');
  assert.equal(inChild(`await kc.set('127.0.0.1:5443', 'alice', ${JSON.stringify(PASSWORD)}); return 'ok'`), 'ok');
  assert.deepEqual(inChild(`return kc.get('127.0.0.1:5443')`), { username: 'alice', password: PASSWORD }, 'a new process reads it back');

  assert.deepEqual(inChild(`return kc.list()`), ['127.0.0.1:5443']);
  const listed = secretToolSearch();
  assert.match(listed, /attribute\.service = regx/);
  assert.match(listed, /127\.0\.0\.1:5443/, 'the account is the registry');
  assert.deepEqual(filesContaining(root, PASSWORD), [], 'the password is in no file in plain text (the keyring file is encrypted)');

  assert.deepEqual(
    inChild(`return resolveCredentials('127.0.0.1:5443', 'app', { env: process.env })`),
    { username: 'alice', password: PASSWORD, source: 'OS keychain' },
    'the credential chain asks the keychain by default',
  );

  assert.equal(inChild(`return kc.delete('127.0.0.1:5443')`), true);
  assert.equal(inChild(`return kc.delete('127.0.0.1:5443')`), false, 'a second delete finds nothing');
  assert.equal(inChild(`return kc.get('127.0.0.1:5443')`), null);
  assert.doesNotMatch(secretToolSearch(), /127\.0\.0\.1:5443/);
});

test('an entry that regx did not write is reported, not misread', (t) => {
  if (!requireTools(t, TOOLS)) return;
  const r = spawnSync('secret-tool', ['store', '--label=foreign', 'service', SERVICE, 'username', 'foreign.example', 'target', 'default'], {
    env,
    input: 'just-a-password',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  // keyring-rs finds entries by service + username (the account): a plain password there is not a login.
  const got = inChild(`return kc.get('foreign.example')`) as { error?: string; message?: string } | null;
  assert.equal(got?.error, 'KeychainError');
  assert.match(got?.message ?? '', /is not one regx wrote/);
});

test('regx login --keychain stores in the Secret Service, not in a file; regx logout removes it', async (t) => {
  if (!requireTools(t, [...TOOLS, 'docker-registry', 'openssl', 'htpasswd'])) return;
  const reg = await startRegistry({ tls: true, htpasswd: { username: 'kc-user', password: PASSWORD } });
  const cliEnv = { ...env, REGISTRY_AUTH_FILE: '', DOCKER_CONFIG: '', XDG_CONFIG_HOME: '' };
  const login = await runRegx(['login', '--keychain', `--cert-dir=${reg.certDir}`, '-u', 'kc-user', '--password-stdin', reg.host], {
    env: cliEnv,
    stdin: PASSWORD,
  });
  assert.equal(login.code, 0, login.stderr);
  assert.equal(login.stdout, 'Login Succeeded!\n');
  assert.equal(existsSync(join(runtime, 'containers', 'auth.json')), false, 'no auth.json was written');
  assert.match(secretToolSearch(), new RegExp(reg.host.replace(/\./g, '\\.')));
  assert.deepEqual(filesContaining(root, PASSWORD), []);
  const who = await runRegx(['login', '--get-login', reg.host], { env: cliEnv });
  assert.equal(who.stdout, 'kc-user\n', 'the keychain login is found by the credential chain');
  const out = await runRegx(['logout', reg.host], { env: cliEnv });
  assert.equal(out.stdout, `Removed login credentials for ${reg.host}\n`, out.stderr);
  assert.doesNotMatch(secretToolSearch(), new RegExp(reg.host.replace(/\./g, '\\.')));
});
