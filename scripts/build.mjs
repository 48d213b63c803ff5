// One esbuild call per bundle: the extension (vscode external), the CLI, and the webview scripts.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode', '@napi-rs/keyring'] }),
  // The keychain binding is a native module: it is loaded from node_modules at run time, only when asked for.
  // Webview scripts run in the browser side of the editor: one self-contained file each, no node.
  build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['src/webview/inspect/main.ts'], outfile: 'dist/webview/inspect.js' }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/regx.js', format: 'cjs', external: ['@napi-rs/keyring'], banner: { js: '#!/usr/bin/env node' } }),
]);
