// dist/extension.js starts the extension's two bundles from V8's code cache (src/extension/launcher.ts).
// A cache is a speed-up only: whatever state it is in, the bundles load and export the same. And the
// split must not make two of anything: a module is in one bundle only, the handlers' bundle takes the
// main bundle's (one class per error type, one cache per client). The bundles run here in plain Node,
// each load in a process of its own (V8 would answer a second compile from memory), with a `vscode`
// that answers anything: only their top level runs, as at activation.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { commandIds } from '../../src/extension/commands/command-ids';
import { makeTempDir, removeAllTempDirs, run } from '../harness';

const dist = resolve(__dirname, '..', '..', '..', 'dist');
const launcher = resolve(__dirname, '..', '..', 'src', 'extension', 'launcher.js');
const bundles = ['extension-main', 'extension-commands'] as const;
let dir = '';
let storage = '';
let loader = '';

before(() => {
  dir = makeTempDir('ext-launcher');
  storage = makeTempDir('ext-storage');
  for (const f of readdirSync(dist).filter((f) => /^(extension-(main|commands)\.(js|[0-9a-f]{16}\.cache)|(undici|yaml|openpgp|tweetnacl)\.js)$/.test(f)))
    copyFileSync(join(dist, f), join(dir, f));
  // Every name the bundles read from the API, so esbuild's one copy of it (vscode-once) finds them all.
  const names = new Set<string>();
  for (const b of bundles) for (const m of readFileSync(join(dist, `${b}.js`), 'latin1').matchAll(/\bvscode_exports\d*\.(\w+)/g)) names.add(m[1] as string);
  writeFileSync(
    join(dir, 'vscode-stub.js'),
    `const any = () => new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : k === 'then' ? undefined : any()), construct: () => any(), apply: () => any() });
for (const n of ${JSON.stringify([...names])}) exports[n] = any();`,
  );
  // Loads the main bundle, then (with its shared modules) the handlers' one; prints what each report said.
  loader = join(dir, 'load.js');
  writeFileSync(
    loader,
    `const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (r, ...a) { return r === 'vscode' ? ${JSON.stringify(join(dir, 'vscode-stub.js'))} : resolveFilename.call(this, r, ...a); };
const { runBundle, sharingRequire } = require(${JSON.stringify(launcher)});
const [dir, storage] = process.argv.slice(2);
const mainFile = dir + '/extension-main.js', commandsFile = dir + '/extension-commands.js';
const main = runBundle(mainFile, storage || undefined, Module.createRequire(mainFile), 50);
const commands = runBundle(commandsFile, storage || undefined, sharingRequire(commandsFile, main.exports.__shared), 50);
console.log(JSON.stringify({ main: main.report.cache, commands: commands.report.cache, mainExports: Object.keys(main.exports).sort(), commandIds: Object.keys(commands.exports.commands).sort() }));
setTimeout(() => {}, 400); // past the cache writes (their timers do not hold the process)`,
  );
});
after(() => removeAllTempDirs());

async function load(withStorage = true): Promise<{ main: string; commands: string; mainExports: string[]; commandIds: string[] }> {
  const r = await run(process.execPath, [loader, dir, withStorage ? storage : '']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { main: string; commands: string; mainExports: string[]; commandIds: string[] };
}

test("the build's code caches are accepted by the Node that built them, and both bundles load from them", async () => {
  const r = await load();
  assert.equal(r.main, 'build');
  assert.equal(r.commands, 'build');
  assert.deepEqual(r.mainExports, ['__shared', 'activate', 'deactivate']);
  assert.deepEqual(r.commandIds, Object.values(commandIds).sort(), 'the handlers bundle has a handler for every command');
  assert.deepEqual(readdirSync(storage), [], 'an accepted cache is not written again');
});

test('without a cache the bundles still load, the host writes its own, and the next load uses it', async () => {
  const builtCaches = readdirSync(dir).filter((f) => f.endsWith('.cache'));
  // "x" is no cache at all: rejected, compiled from source (no storage given, so nothing is written).
  for (const f of builtCaches) writeFileSync(join(dir, f), 'x');
  const rejected = await load(false);
  assert.deepEqual([rejected.main, rejected.commands], ['rejected', 'rejected']);
  assert.deepEqual(rejected.mainExports, ['__shared', 'activate', 'deactivate']);
  for (const f of builtCaches) unlinkSync(join(dir, f));
  const none = await load();
  assert.deepEqual([none.main, none.commands], ['none', 'none']);
  assert.deepEqual(none.commandIds, Object.values(commandIds).sort());
  const written = readdirSync(storage).sort();
  assert.equal(written.length, 2, `one cache per bundle in the extension's storage: ${written.join(', ')}`);
  assert.match(written[0] as string, /^extension-commands\.[0-9a-f]{16}\.cache$/);
  assert.match(written[1] as string, /^extension-main\.[0-9a-f]{16}\.cache$/);
  const again = await load();
  assert.deepEqual([again.main, again.commands], ['storage', 'storage']);
  assert.deepEqual(readdirSync(storage).sort(), written, 'accepted, so nothing new is written and no temp file is left');
});

test('a stored cache that is garbage is rejected, the bundles load all the same, and a good one replaces it', async () => {
  const file = readdirSync(storage).find((f) => f.startsWith('extension-main.')) as string;
  writeFileSync(join(storage, file), 'not a V8 code cache');
  const r = await load();
  assert.equal(r.main, 'rejected');
  assert.deepEqual(r.mainExports, ['__shared', 'activate', 'deactivate']);
  assert.notEqual(readFileSync(join(storage, file), 'latin1'), 'not a V8 code cache');
  assert.equal((await load()).main, 'storage');
});

test('every module is in one bundle only, and each module the handlers take from the main bundle is one it shares', () => {
  const modules = (b: string): string[] => [...readFileSync(join(dist, `${b}.js`), 'latin1').matchAll(/^\/\/ (src\/\S+\.ts)$/gm)].map((m) => m[1] as string);
  const inMain = new Set(modules('extension-main'));
  const twice = [...new Set(modules('extension-commands'))].filter((m) => inMain.has(m));
  assert.deepEqual(twice, [], 'modules in both bundles would make two of their classes and state');
  const commands = readFileSync(join(dist, 'extension-commands.js'), 'latin1');
  const taken = [...new Set([...commands.matchAll(/require\("regx-shared:([^"]+)"\)/g)].map((m) => m[1] as string))];
  assert.ok(taken.includes('src/core/errors.ts'), 'the error types come from the main bundle');
  const shared = readFileSync(join(dist, 'extension-main.js'), 'latin1').match(/^var __shared = \{(.*)\};$/m)?.[1] ?? '';
  for (const m of taken) assert.ok(shared.includes(JSON.stringify(m)), `${m} is not in the main bundle's __shared`);
  assert.ok(existsSync(join(dist, 'extension.js')));
});
