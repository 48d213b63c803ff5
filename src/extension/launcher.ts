// dist/extension.js, what VS Code loads. The extension is two bundles (scripts/build.mjs):
// - dist/extension-main.js, what activation needs: the views, their trees, the command registrations;
// - dist/extension-commands.js, the command handlers and all only they use (the copy engine, signing,
//   sync, OpenShift actions...), loaded on the first command. Its imports of modules that the main
//   bundle holds are answered with the main bundle's own (`regx-shared:` requires): one class per error
//   type, one cache per client, whichever bundle asks.
// Each starts from V8's code cache, so activation does not parse and compile it again: that and reading
// it were most of what the host measured as activation. Two caches, tried in order, each named for its
// bundle's content (V8 itself checks only the source's length, its own version and flags, so a name from
// the content is what keeps a cache of another build from ever being used):
// - dist/NAME.HASH.cache, made by the build with the build's Node: accepted by a host that runs the same
//   Node (code-server runs on the system's), so even the first activation after an install is fast;
// - the extension's global storage, written by the host itself ~30 s after a load that had no accepted
//   cache (VS Code's Electron, another Node): the next activation uses it.
// A rejected or missing cache only costs the compile that every activation used to pay.
// Only node builtins here, nothing that runs long: this file is not cached itself.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type * as vscode from 'vscode';

/** How loading one bundle went, for the "activated in" log line. */
export interface LoadReport {
  /** Reading, compiling and running the bundle's top level, ms; then each of the three. */
  ms: number;
  readMs: number;
  compileMs: number;
  runMs: number;
  /** Where the code cache came from: the build, the host's own from an earlier load, or none. */
  cache: 'build' | 'storage' | 'rejected' | 'none';
}

/** What the launcher gives the main bundle's activate(). */
export interface Launcher {
  readonly report: LoadReport;
  /** The exports of dist/NAME.js, loaded (once) with the main bundle's modules shared. */
  load(name: 'extension-commands'): unknown;
}

interface Main {
  activate(context: vscode.ExtensionContext, launcher: Launcher): unknown;
  deactivate(): unknown;
  /** The main bundle's modules that other bundles import, by source path (scripts/build.mjs). */
  __shared?: Record<string, unknown>;
}

/** How another bundle names a module of the main bundle (scripts/build.mjs writes these requires). */
const sharedPrefix = 'regx-shared:';
let main: Main | undefined;

export function activate(context: vscode.ExtensionContext): unknown {
  const storage = context.globalStorageUri.scheme === 'file' ? context.globalStorageUri.fsPath : undefined;
  const mainFile = join(__dirname, 'extension-main.js');
  const { exports, report } = runBundle(mainFile, storage, Module.createRequire(mainFile));
  const loadedMain = exports as Main;
  main = loadedMain;
  const loaded = new Map<string, unknown>();
  const launcher: Launcher = {
    report,
    load(name) {
      if (!loaded.has(name)) {
        const file = join(__dirname, `${name}.js`);
        loaded.set(name, runBundle(file, storage, sharingRequire(file, loadedMain.__shared ?? {})).exports);
      }
      return loaded.get(name);
    },
  };
  return loadedMain.activate(context, launcher);
}

export function deactivate(): unknown {
  return main?.deactivate();
}

/**
 * Reads, compiles (from a code cache where one is accepted) and runs one CommonJS bundle; when no cache
 * was accepted, writes one into `storage` after `saveAfterMs`. Exported for its tests.
 */
export function runBundle(
  file: string,
  storage: string | undefined,
  require: (id: string) => unknown,
  saveAfterMs = 30_000,
): { exports: unknown; report: LoadReport } {
  const started = performance.now();
  const bytes = readFileSync(file);
  // esbuild writes ASCII: decoded as Latin-1 it is the same string, made in half the time of UTF-8's decoder.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const name = `${file.replace(/^.*[\\/]/, '').replace(/\.js$/, '')}.${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.cache`;
  const built = readIfThere(join(dirname(file), name));
  const stored = built || !storage ? undefined : readIfThere(join(storage, name));
  const read = performance.now();
  const script = new Script(Module.wrap(source), { filename: file, cachedData: built ?? stored });
  const compiled = performance.now();
  const module = { exports: {} };
  const wrapper = script.runInThisContext() as (exports: unknown, require: unknown, module: unknown, filename: string, dirname: string) => void;
  // A require made for `file`: the host answers require('vscode') by the requiring file's path, inside this extension.
  wrapper.call(module.exports, module.exports, require, module, file, dirname(file));
  const ran = performance.now();
  const accepted = (built ?? stored) !== undefined && !script.cachedDataRejected;
  if (!accepted && storage) {
    // Later rather than now: the cache then holds the functions the first seconds ran, not only the top level.
    setTimeout(() => saveCache(script, storage, name), saveAfterMs).unref();
  }
  const cache = accepted ? (built ? 'build' : 'storage') : built || stored ? 'rejected' : 'none';
  return { exports: module.exports, report: { ms: ran - started, readMs: read - started, compileMs: compiled - read, runMs: ran - compiled, cache } };
}

/** The require of a bundle beside the main one: its `regx-shared:PATH` modules are the main bundle's own. */
export function sharingRequire(file: string, shared: Record<string, unknown>): (id: string) => unknown {
  const real = Module.createRequire(file);
  return (id) => {
    if (!id.startsWith(sharedPrefix)) return real(id);
    const found = shared[id.slice(sharedPrefix.length)];
    if (found === undefined) throw new Error(`${file} needs ${id.slice(sharedPrefix.length)}, which the main bundle does not share`);
    return found;
  };
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Best effort, never in the way: written beside and renamed, so a second window loading now reads the
 * old cache or the new one, never half of one; this bundle's caches of other builds are removed.
 */
function saveCache(script: Script, storage: string, name: string): void {
  const tmp = join(storage, `${name}.${process.pid}.tmp`);
  const bundle = name.replace(/\.[0-9a-f]{16}\.cache$/, '');
  try {
    mkdirSync(storage, { recursive: true });
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, join(storage, name));
    for (const old of readdirSync(storage).filter((f) => f.startsWith(`${bundle}.`) && f.endsWith('.cache') && f !== name)) unlinkSync(join(storage, old));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}
