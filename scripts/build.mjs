// One esbuild call per bundle: the extension (vscode external), the CLI, and the webview scripts.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
const undiciBeside = {
  name: 'undici-beside',
  setup(b) {
    b.onResolve({ filter: /^(undici|yaml)$/ }, (a) => ({ path: `./${a.path}.js`, external: true }));
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

// A cache of the previous bundle would only be rejected (V8 checks the source): start clean.
for (const f of (existsSync('dist') ? readdirSync('dist', { withFileTypes: true }) : []).filter((e) => /^regx-main\..*\.cache$/.test(e.name)))
  rmSync(`dist/${f.name}`);

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    external: ['vscode', '@napi-rs/keyring'],
    plugins: [undiciBeside, openpgpBeside],
  }),
  build({ ...common, entryPoints: ['node_modules/openpgp/dist/node/openpgp.min.cjs'], outfile: 'dist/openpgp.js', format: 'cjs', sourcemap: false }),
  build({ ...common, entryPoints: ['undici'], outfile: 'dist/undici.js', format: 'cjs', plugins: [undiciLite] }),
  build({ ...common, entryPoints: ['yaml'], outfile: 'dist/yaml.js', format: 'cjs' }),
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
