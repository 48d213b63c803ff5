// One esbuild call per bundle: the extension (vscode external), the CLI, and the webview scripts.
import { createRequire } from 'node:module';
import { build } from 'esbuild';

// undici's HTTP parser is WebAssembly; V8 tiers it up in background threads and node waits for that
// compile before a short-lived process may exit (~100 ms per regx run). The baseline compiler is plenty
// for a parser that skips over body bytes, so the CLI keeps to it. Set before undici compiles it.
const cliBanner = "#!/usr/bin/env node\nrequire('node:v8').setFlagsFromString('--liftoff-only');";

// The CLI needs undici for nearly every command, so it stays inside dist/regx.js; but it starts once
// per command, and evaluating all of undici (fetch, mocks, caches, interceptors) is about a third of
// its start-up. src/ uses only Agent and request, so the CLI bundle gets just those; any other undici
// name fails loudly on first use with where to add it.
const undiciNames = Object.keys(createRequire(import.meta.url)('undici'));
const undiciLite = {
  name: 'undici-lite',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici-lite', namespace: 'undici-lite' }));
    b.onLoad({ filter: /.*/, namespace: 'undici-lite' }, () => ({
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

await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode', '@napi-rs/keyring'], plugins: [undiciBeside] }),
  build({ ...common, entryPoints: ['undici'], outfile: 'dist/undici.js', format: 'cjs', plugins: [undiciLite] }),
  build({ ...common, entryPoints: ['yaml'], outfile: 'dist/yaml.js', format: 'cjs' }),
  // The keychain binding is a native module: it is loaded from node_modules at run time, only when asked for.
  // Webview scripts run in the browser side of the editor: one self-contained file each, no node.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['src/webview/inspect/main.ts'], outfile: 'dist/webview/inspect.js' }),
  // Its stylesheet is imported by the script, so esbuild writes it beside it (dist/webview/describe-image-stream.css).
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['src/webview/describe-image-stream/main.ts'], outfile: 'dist/webview/describe-image-stream.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/regx.js', format: 'cjs', external: ['@napi-rs/keyring'], banner: { js: cliBanner }, plugins: [undiciLite] }),
]);
