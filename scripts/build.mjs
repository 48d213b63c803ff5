// One esbuild call per bundle: the extension (vscode external), the CLI, and the webview scripts.
import { build } from 'esbuild';

// undici's HTTP parser is WebAssembly; V8 tiers it up in background threads and node waits for that
// compile before a short-lived process may exit (~100 ms per regx run). The baseline compiler is plenty
// for a parser that skips over body bytes, so the CLI keeps to it. Set before undici compiles it.
const cliBanner = "#!/usr/bin/env node\nrequire('node:v8').setFlagsFromString('--liftoff-only');";
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

// undici is ~1 MB, most of the extension's code. In the extension it lives in dist/undici.js, which
// the core requires on the first request (src/core/http/undici.ts): activation then neither parses
// nor runs it. The CLI needs it for nearly every command, so it stays inside dist/regx.js.
const undiciBeside = {
  name: 'undici-beside',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode', '@napi-rs/keyring'], plugins: [undiciBeside] }),
  build({ ...common, entryPoints: ['node_modules/undici/index.js'], outfile: 'dist/undici.js', format: 'cjs' }),
  // The keychain binding is a native module: it is loaded from node_modules at run time, only when asked for.
  // Webview scripts run in the browser side of the editor: one self-contained file each, no node.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['src/webview/inspect/main.ts'], outfile: 'dist/webview/inspect.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/regx.js', format: 'cjs', external: ['@napi-rs/keyring'], banner: { js: cliBanner } }),
]);
