// `npm test`: type-check and compile the tests, bundle the CLI and extension, then run every
// test file with node's own test runner. `npm test -- unit` (or integration, e2e) runs one layer.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const layers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wanted = layers.length ? layers : ['unit', 'integration', 'e2e'];

rmSync('out', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

const files = [];
function walk(dir) {
  let names;
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
}
for (const layer of wanted) walk(join('out', 'test', layer));
if (files.length === 0) {
  console.error(`no test files found for: ${wanted.join(', ')}`);
  process.exit(1);
}
// One file at a time: integration files start their own registries and bind ports.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--enable-source-maps', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
