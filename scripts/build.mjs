// One esbuild call per bundle: the extension (vscode external), the CLI, and the webview scripts.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode', '@napi-rs/keyring'] }),
  // The keychain binding is a native module: it is loaded from node_modules at run time, only when asked for.
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/regx.js', format: 'cjs', external: ['@napi-rs/keyring'], banner: { js: '#!/usr/bin/env node' } }),
]);
