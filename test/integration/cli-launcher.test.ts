// dist/regx.js runs the CLI bundle from V8's code cache (src/cli/launcher.ts). A cache is a speed-up
// only: whatever state it is in, regx must answer the same. The launcher and the bundle are copied
// to a folder of their own, so the caches it writes are the test's and nothing else's.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, removeAllTempDirs, run } from '../harness';

const dist = resolve(__dirname, '..', '..', '..', 'dist');
let dir = '';

before(() => {
  dir = makeTempDir('launcher');
  for (const f of ['regx.js', 'regx-main.js']) copyFileSync(join(dist, f), join(dir, f));
});
after(() => removeAllTempDirs());

const regx = (...args: string[]) => run(process.execPath, [join(dir, 'regx.js'), ...args]);

test('the first run of a command writes its cache; the next run, from the cache, answers the same', async () => {
  const cache = join(dir, 'regx-main.ref.cache');
  assert.equal(existsSync(cache), false);
  const first = await regx('ref', 'redis:7');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(existsSync(cache), true, 'the run left no cache behind');
  const written = readFileSync(cache);
  const second = await regx('ref', 'redis:7');
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.match(first.stdout, /"repository":"library\/redis"/);
  // Accepted, so not written again.
  assert.deepEqual(readFileSync(cache), written);
  // Another command has a cache of its own; no temp file is left beside them.
  assert.equal((await regx('--version')).code, 0);
  assert.equal(existsSync(join(dir, 'regx-main.other.cache')), true);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

test('a cache that is garbage (or from another build) is rejected, the command still answers, and the cache is made anew', async () => {
  const cache = join(dir, 'regx-main.ref.cache');
  const good = await regx('ref', 'redis:7');
  writeFileSync(cache, Buffer.from('not a V8 code cache at all'));
  const r = await regx('ref', 'redis:7');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, good.stdout);
  assert.notEqual(readFileSync(cache).toString('latin1'), 'not a V8 code cache at all');
});

test('an invalid reference is still exit status 2 with the parser message when run from the cache', async () => {
  const r = await regx('ref', 'docker://registry.example.com/');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /repository name is missing/);
});
