// One esbuild call per bundle: the extension (vscode external), the CLI, and the webview scripts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { Script } from 'node:vm';
import { build } from 'esbuild';

// The CLI needs undici for nearly every command, so it stays inside dist/regx.js; but it starts once
// per command, and evaluating all of undici (fetch, mocks, caches, interceptors) is about a third of
// its start-up. src/ uses only Agent and request, so the CLI bundle gets just those; any other undici
// name fails loudly on first use with where to add it.
const undiciNames = Object.keys(createRequire(import.meta.url)('undici'));
const undiciLite = {
  name: 'undici-lite',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici-lite', namespace: 'undici-lite' }));
    // Agent and request speak HTTP/1.1 only (allowH2 stays off), but undici's client loads node:http2
    // at start for its constants: ~2 ms of every run. Its h2 code is never reached, so it gets none.
    b.onResolve({ filter: /^node:http2$/ }, (a) =>
      /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/.test(a.importer) ? { path: 'no-http2', namespace: 'undici-lite' } : undefined,
    );
    // Likewise node:http (~1 ms), for two names: the default header limit (Node's own default, 16 KiB;
    // regx does not read --max-http-header-size) and IncomingMessage, which undici only compares
    // request bodies against (ours are Buffers and Readables of our own).
    b.onResolve({ filter: /^node:http$/ }, (a) =>
      /undici[\\/]lib[\\/](dispatcher[\\/]client|core[\\/]util)\.js$/.test(a.importer) ? { path: 'no-http', namespace: 'undici-lite' } : undefined,
    );
    b.onLoad({ filter: /^no-http2$/, namespace: 'undici-lite' }, () => ({ loader: 'js', contents: 'module.exports = { constants: {} };' }));
    b.onLoad({ filter: /^no-http$/, namespace: 'undici-lite' }, () => ({
      loader: 'js',
      contents: 'module.exports = { maxHeaderSize: 16384, IncomingMessage: class IncomingMessage {} };',
    }));
    b.onLoad({ filter: /^undici-lite$/, namespace: 'undici-lite' }, () => ({
      resolveDir: process.cwd(),
      loader: 'js',
      contents: `
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
Object.assign(Dispatcher.prototype, require('undici/lib/api'));
const { getGlobalDispatcher } = require('undici/lib/global');
exports.Agent = require('undici/lib/dispatcher/agent');
exports.request = (url, opts = {}) => {
  const u = new URL(url);
  const { dispatcher = getGlobalDispatcher(), ...rest } = opts;
  return dispatcher.request({ ...rest, origin: u.origin, path: u.pathname + u.search, method: rest.method || 'GET' });
};
for (const name of ${JSON.stringify(undiciNames)}) {
  if (!(name in exports)) Object.defineProperty(exports, name, { enumerable: true, get() { throw new Error('undici.' + name + ' is not in the CLI bundle (scripts/build.mjs, undici-lite)'); } });
}`,
    }));
  },
};
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

// undici is ~1 MB, most of the extension's code. In the extension it lives in dist/undici.js, which
// the core requires on the first request (src/core/http/undici.ts): activation then neither parses
// nor runs it. It is the same Agent + request subset as the CLI's (undiciLite above): half the load
// time that the first request pays.
// yaml (~250 KB, only for the kubeconfig) likewise lives in dist/yaml.js (src/core/openshift/yaml.ts).
// tweetnacl (~70 KB, only to seal and open sigstore private keys, src/core/sigstore/key-file.ts) likewise
// lives in dist/tweetnacl.js.
const undiciBeside = {
  name: 'undici-beside',
  setup(b) {
    b.onResolve({ filter: /^(undici|yaml|tweetnacl)$/ }, (a) => ({ path: `./${a.path}.js`, external: true }));
  },
};

// OpenPGP.js (~400 KB) is needed only to verify GPG signatures: both bundles require dist/openpgp.js
// then (src/core/signing/openpgp-verify.ts), so no other command parses it.
const openpgpBeside = {
  name: 'openpgp-beside',
  setup(b) {
    b.onResolve({ filter: /^openpgp$/ }, () => ({ path: './openpgp.js', external: true }));
  },
};

// esbuild turns each of the 66 files' `import * as vscode from 'vscode'` into a copy of the whole API
// object, property by property, at load. One module re-exports it once and every file reads that.
const vscodeOnce = {
  name: 'vscode-once',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, (a) =>
      a.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' },
    );
    b.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ loader: 'js', contents: "export * from 'vscode';" }));
  },
};

// The extension is two bundles (src/extension/launcher.ts): what activation needs, and the command
// handlers, loaded on the first command. A module both use must exist once (one class per error type,
// one cache per client), so it stays in the main bundle, which exports it in `__shared`, and the
// handlers' bundle requires it from there as `regx-shared:PATH`. Three passes: the main bundle alone,
// to learn its modules; the handlers' bundle, taking those from it; the main bundle again, sharing
// exactly the modules the handlers import.
const extensionOptions = { ...common, format: 'cjs', external: ['@napi-rs/keyring'], plugins: [vscodeOnce, undiciBeside, openpgpBeside] };
async function extensionBundles() {
  const keptBy = (result) => {
    const inputs = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {};
    return Object.keys(inputs).filter((f) => inputs[f].bytesInOutput > 0);
  };
  // The main bundle: the extension's entry, plus `__shared`, the namespaces of the modules in `paths`.
  const mainBundle = (paths, write) => {
    const mainEntry = {
      name: 'main-entry',
      setup(b) {
        b.onResolve({ filter: /^regx-extension-main$/ }, () => ({ path: 'regx-extension-main', namespace: 'main-entry' }));
        b.onLoad({ filter: /.*/, namespace: 'main-entry' }, () => ({
          resolveDir: process.cwd(),
          loader: 'js',
          contents: [
            "export * from './src/extension/extension.ts';",
            ...paths.map((p, i) => `import * as shared${i} from './${p}';`),
            `export const __shared = { ${paths.map((p, i) => `${JSON.stringify(p)}: shared${i}`).join(', ')} };`,
          ].join('\n'),
        }));
      },
    };
    return build({
      ...extensionOptions,
      entryPoints: ['regx-extension-main'],
      outfile: 'dist/extension-main.js',
      write,
      metafile: true,
      plugins: [mainEntry, ...extensionOptions.plugins],
    });
  };
  // Only modules whose code the main bundle kept: sharing a module it tree-shook away would pull all of it back in.
  const inMain = new Set(keptBy(await mainBundle([], false)));
  // Sharing a module whole can pull in modules the main bundle had shaken away, which the handlers
  // bundled for themselves: then those are shared too, until the two bundles hold no module twice.
  for (let round = 1; ; round++) {
    const shared = new Set();
    const fromMain = {
      name: 'from-main',
      setup(b) {
        b.onResolve({ filter: /^\./ }, async (a) => {
          if (a.pluginData?.fromMain) return undefined;
          const found = await b.resolve(a.path, { kind: a.kind, importer: a.importer, resolveDir: a.resolveDir, pluginData: { fromMain: true } });
          const path = relative(process.cwd(), found.path).split('\\').join('/');
          if (found.errors.length || !inMain.has(path)) return undefined;
          shared.add(path);
          return { path: `regx-shared:${path}`, external: true };
        });
      },
    };
    const handlers = await build({
      ...extensionOptions,
      entryPoints: ['src/extension/commands/handlers.ts'],
      outfile: 'dist/extension-commands.js',
      metafile: true,
      plugins: [fromMain, ...extensionOptions.plugins],
    });
    const main = await mainBundle([...shared].sort(), true);
    const inHandlers = new Set(keptBy(handlers));
    const twice = keptBy(main).filter((f) => f.startsWith('src/') && inHandlers.has(f));
    if (twice.length === 0) return;
    if (round === 5) throw new Error(`extension bundles: still in both after ${round} rounds: ${twice.join(', ')}`);
    for (const f of twice) inMain.add(f);
  }
}

// A cache of the previous bundle would only be rejected (V8 checks the source): start clean.
for (const f of (existsSync('dist') ? readdirSync('dist', { withFileTypes: true }) : []).filter((e) =>
  /^(regx-main|extension-main|extension-commands)\..*\.cache$/.test(e.name),
))
  rmSync(`dist/${f.name}`);

await Promise.all([
  // The extension: dist/extension.js is the launcher (src/extension/launcher.ts) that runs its bundles
  // from V8's code cache (made below, and by the host itself).
  extensionBundles(),
  build({ ...common, entryPoints: ['src/extension/launcher.ts'], outfile: 'dist/extension.js', format: 'cjs', sourcemap: false, external: ['vscode'] }),
  build({ ...common, entryPoints: ['node_modules/openpgp/dist/node/openpgp.min.cjs'], outfile: 'dist/openpgp.js', format: 'cjs', sourcemap: false }),
  build({ ...common, entryPoints: ['undici'], outfile: 'dist/undici.js', format: 'cjs', plugins: [undiciLite] }),
  build({ ...common, entryPoints: ['yaml'], outfile: 'dist/yaml.js', format: 'cjs' }),
  build({ ...common, entryPoints: ['tweetnacl'], outfile: 'dist/tweetnacl.js', format: 'cjs', sourcemap: false }),
  // The keychain binding is a native module: it is loaded from node_modules at run time, only when asked for.
  // Webview scripts run in the browser side of the editor: one self-contained file each, no node.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['src/webview/inspect/main.ts'], outfile: 'dist/webview/inspect.js' }),
  // Its stylesheet is imported by the script, so esbuild writes it beside it (dist/webview/describe-image-stream.css).
  build({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['src/webview/describe-image-stream/main.ts'],
    outfile: 'dist/webview/describe-image-stream.js',
  }),
  // The CLI: dist/regx.js is the launcher (src/cli/launcher.ts) that runs the bundle dist/regx-main.js
  // from V8's code cache, dist/regx-main.VERB.cache, written by the first run of each verb after a build.
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/regx-main.js',
    format: 'cjs',
    external: ['@napi-rs/keyring'],
    plugins: [undiciLite, openpgpBeside],
  }),
  build({ ...common, entryPoints: ['src/cli/launcher.ts'], outfile: 'dist/regx.js', format: 'cjs', sourcemap: false, banner: { js: '#!/usr/bin/env node' } }),
]);

// The extension bundles' code caches, made with this Node: a host running the same Node (code-server runs
// on the system's) skips compiling them from the first activation on. Only the top level is compiled
// here (nothing runs without a host); the launcher names each file by the same content hash.
for (const bundle of ['extension-main', 'extension-commands']) {
  const bytes = readFileSync(`dist/${bundle}.js`);
  const source = bytes.toString('utf8');
  const cache = `dist/${bundle}.${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.cache`;
  writeFileSync(cache, new Script(Module.wrap(source), { filename: resolve(`dist/${bundle}.js`) }).createCachedData());
}
