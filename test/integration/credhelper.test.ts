// A real docker-credential-* program on PATH, run through the real process boundary: the
// protocol (action as argument, input on stdin, JSON or error text on stdout) is what is tested.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { removeAllAuthEntries, removeAuthEntry, setAuthEntry } from '../../src/core/auth/authfile';
import { helperGet } from '../../src/core/auth/credhelper';
import { resolveCredentials } from '../../src/core/auth/credentials';
import { CredentialHelperError } from '../../src/core/errors';

const root = mkdtempSync(join(tmpdir(), 'regx-credhelper-'));
after(() => rmSync(root, { recursive: true, force: true }));
const bin = join(root, 'bin');
const store = join(root, 'store.json');
const log = join(root, 'calls.log');
mkdirSync(bin);

// The helper keeps its secrets in store.json and logs each call (action + exact stdin) to calls.log.
const helperSource = `#!${process.execPath}
const fs = require('node:fs');
const action = process.argv[2];
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ action, input }) + '\\n');
  const db = fs.existsSync(${JSON.stringify(store)}) ? JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8')) : {};
  const save = () => fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(db));
  if (input === 'broken.example') { process.stdout.write('the vault is sealed'); process.exit(3); }
  if (action === 'get') {
    const e = db[input];
    if (!e) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
    process.stdout.write(JSON.stringify({ ServerURL: input, Username: e.Username, Secret: e.Secret }));
  } else if (action === 'store') {
    const c = JSON.parse(input); db[c.ServerURL] = { Username: c.Username, Secret: c.Secret }; save();
  } else if (action === 'erase') {
    if (!db[input]) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
    delete db[input]; save();
  } else { process.stdout.write('unknown action'); process.exit(1); }
});
`;
writeFileSync(join(bin, 'docker-credential-test'), helperSource);
chmodSync(join(bin, 'docker-credential-test'), 0o755);

const home = join(root, 'home');
const runtime = join(root, 'run');
mkdirSync(join(runtime, 'containers'), { recursive: true });
mkdirSync(home, { recursive: true });
const env: NodeJS.ProcessEnv = { HOME: home, XDG_RUNTIME_DIR: runtime, PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin` };
const authJson = join(runtime, 'containers', 'auth.json');

function seed(db: Record<string, { Username: string; Secret: string }>): void {
  writeFileSync(store, JSON.stringify(db));
  writeFileSync(log, '');
}
function calls(): { action: string; input: string }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

test('credHelpers routes a registry to docker-credential-<name>; the registry goes on stdin alone', async () => {
  seed({ 'reg.example:5000': { Username: 'helper-user', Secret: 'helper:secret' } });
  writeFileSync(
    authJson,
    JSON.stringify({ auths: { 'reg.example:5000': { auth: Buffer.from('file:pw').toString('base64') } }, credHelpers: { 'reg.example:5000': 'test' } }),
  );
  const c = await resolveCredentials('reg.example:5000', 'ns/app', { env, keychain: false });
  assert.deepEqual(c, { username: 'helper-user', password: 'helper:secret', source: 'docker-credential-test' });
  assert.deepEqual(calls(), [{ action: 'get', input: 'reg.example:5000' }], 'helpers get the registry, never the repository, and no newline');
});

test('Username "<token>" from a helper is an identity token', async () => {
  seed({ 'tok.example': { Username: '<token>', Secret: 'refresh-abc' } });
  const c = await helperGet('test', 'tok.example', env);
  assert.deepEqual(c, { username: '', password: '', identityToken: 'refresh-abc' });
});

test('"credentials not found" from the helper lets the next file answer', async () => {
  seed({});
  writeFileSync(authJson, JSON.stringify({ credHelpers: { 'next.example': 'test' } }));
  mkdirSync(join(home, '.docker'), { recursive: true });
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'next.example': { auth: Buffer.from('docker:pw').toString('base64') } } }));
  const c = await resolveCredentials('next.example', undefined, { env, keychain: false });
  assert.equal(c?.username, 'docker');
  assert.equal(c?.source, join(home, '.docker', 'config.json'));
  rmSync(join(home, '.docker'), { recursive: true });
});

test('a failing helper is a CredentialHelperError with its own words; a missing one says so', async () => {
  seed({});
  writeFileSync(authJson, JSON.stringify({ credHelpers: { 'broken.example': 'test', 'gone.example': 'absent' } }));
  await assert.rejects(
    resolveCredentials('broken.example', undefined, { env, keychain: false }),
    (e: unknown) => e instanceof CredentialHelperError && /exit status 3\): the vault is sealed/.test(e.message),
  );
  await assert.rejects(
    resolveCredentials('gone.example', undefined, { env, keychain: false }),
    (e: unknown) => e instanceof CredentialHelperError && /docker-credential-absent was not found on PATH/.test(e.message),
  );
});

test("credsStore, Docker's global helper, answers when auths has no usable entry", async () => {
  seed({ 'desk.example': { Username: 'd-user', Secret: 'd-pw' } });
  writeFileSync(authJson, JSON.stringify({ auths: { 'desk.example': {} }, credsStore: 'test' }));
  assert.deepEqual(await resolveCredentials('desk.example', undefined, { env, keychain: false }), {
    username: 'd-user',
    password: 'd-pw',
    source: 'docker-credential-test',
  });
  writeFileSync(authJson, JSON.stringify({ auths: {}, credsStore: 'absent' }));
  assert.equal(await resolveCredentials('desk.example', undefined, { env, keychain: false }), undefined, 'a missing global helper is skipped');
});

test('login and logout through a credHelpers entry store in and erase from the helper, not the file', async () => {
  seed({});
  const doc = JSON.stringify({ auths: {}, credHelpers: { 'h.example': 'test' } });
  writeFileSync(authJson, doc);
  assert.equal(await setAuthEntry(authJson, 'h.example', 'u1', 'p:1', env), 'credential helper: docker-credential-test');
  assert.equal(readFileSync(authJson, 'utf8'), doc, 'the file is not touched');
  assert.deepEqual(JSON.parse(readFileSync(store, 'utf8')), { 'h.example': { Username: 'u1', Secret: 'p:1' } });
  assert.equal((await resolveCredentials('h.example', undefined, { env, keychain: false }))?.password, 'p:1');
  assert.equal(await removeAuthEntry(authJson, 'h.example', env), true);
  assert.equal(await removeAuthEntry(authJson, 'h.example', env), false);
  await setAuthEntry(authJson, 'h.example', 'u2', 'p2', env);
  await removeAllAuthEntries(authJson, env);
  assert.deepEqual(JSON.parse(readFileSync(store, 'utf8')), {});
  assert.deepEqual(JSON.parse(readFileSync(authJson, 'utf8')).credHelpers, { 'h.example': 'test' }, 'the routing stays; only secrets go');
});
