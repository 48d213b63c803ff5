// dist/regx.js: what the `regx` command runs. It starts dist/regx-main.js (the CLI bundle) from
// V8's code cache, so a run does not parse and compile 650 KB of JavaScript again: that was a
// quarter of a short command's own time (`regx tag`, a no-op copy), which the process start-up
// dominates. V8 checks the cache against the source and its own version and flags and rejects it
// when any differs; then the bundle is compiled as usual and a fresh cache is written at exit.
// The cache holds the functions compiled by the time it is made, so it is made at the end of a run,
// not at build time (a build-time run could only be `--version`, which compiles next to nothing),
// and each verb has its own: a cache made by `--version` would leave `copy` compiling its code anew.
// Only node builtins here, and nothing that runs long: this file is not cached itself.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Module from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { verbNames } from './verbs';

// undici's HTTP parser is WebAssembly; V8 tiers it up in background threads and a short-lived
// process waits for that compile before it may exit (~15 ms per regx run, more on a busy machine).
// The baseline compiler is plenty for a parser that skips over body bytes. Set before undici compiles it.
setFlagsFromString('--liftoff-only');

const bundle = join(__dirname, 'regx-main.js');
/** The verb, after any global flags (`regx --debug --override-arch arm64 copy ...`). */
function verbOf(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) return arg;
    if (/^--override-(?:os|arch|variant)$/.test(arg)) i++;
  }
  return '';
}
// Anything but a verb (help, a typo) shares one cache.
const verb = verbOf(process.argv.slice(2));
const cacheFile = join(__dirname, `regx-main.${verbNames.includes(verb) ? verb : 'other'}.cache`);

let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // first run after a build (or a folder we may not write to): compile from source
}

// The bundle must not use import(): a vm.Script has no loader for it (Node 20's is experimental and warns).
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });

if (!cachedData || script.cachedDataRejected) {
  process.once('exit', () => {
    // Best effort, never in the way: a read-only install just runs without a cache. Written beside and
    // renamed, so a regx running at the same time reads the old cache or the new one, never half of one.
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  });
}

type ModuleInternals = Module & { filename: string; paths: string[] };
const ModuleClass = Module as unknown as { new (id: string, parent?: NodeJS.Module): ModuleInternals; _nodeModulePaths(dir: string): string[] };
const main = new ModuleClass(bundle, module);
main.filename = bundle;
main.paths = ModuleClass._nodeModulePaths(__dirname);
const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
wrapper.call(main.exports, main.exports, Module.createRequire(bundle), main, bundle, __dirname);
(main.exports as { start(): void }).start();
