// `npm start`: builds and packages the extension, installs code-server into .vscode-test/ when it
// is missing, starts a local Distribution registry seeded with sample images (when docker-registry
// is installed), starts code-server with the extension and that registry configured, and prints
// the URL to open. Ctrl-C stops everything. Logins and settings persist in .vscode-test/start/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';
import { codeServerBin, installExtension, launchCodeServer, quietSettings } from './code-server.mjs';

const root = resolve(import.meta.dirname, '..');
const step = (what) => console.log(`\n> ${what}`);
const npm = (args) => execFileSync('npm', args, { cwd: root, stdio: 'inherit' });
const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, cmd)));

step('building and packaging the extension');
npm(['run', '--silent', 'package']);
const vsix = join(root, 'dist/registry-explorer.vsix');

const bin = codeServerBin(root);
if (!existsSync(bin)) {
  step('installing code-server 4.100.3 into .vscode-test/code-server (about a minute)');
  execFileSync('bash', [join(root, 'scripts/install-code-server.sh')], { cwd: root, stdio: 'inherit' });
}

const sampleRegistryName = 'Local sample registry';
let registrySetting;
let stopRegistry = async () => undefined;
if (onPath('docker-registry')) {
  step('starting a local registry with sample images');
  // The test harness already knows how to run Distribution and build images without an engine.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { cwd: root, stdio: 'inherit' });
  const require = createRequire(import.meta.url);
  const harness = require(join(root, 'out/test/harness/index.js'));
  const registry = await harness.startRegistry();
  stopRegistry = () => harness.stopAll();
  const image = (opts) => harness.buildImage({ mediaType: 'oci', layerSize: 4096, ...opts });
  const samples = [
    ['demo/hello', ['1.0', 'latest'], await image({ layers: 2, created: '2025-06-01T09:00:00Z' })],
    ['demo/web', ['2.0'], await image({ layers: 3, created: '2025-09-15T12:00:00Z' })],
    ['demo/web', ['2.1', 'latest'], await image({ layers: 3, created: '2026-02-01T12:00:00Z' })],
    ['tools/shell', ['stable'], await image({ created: '2024-11-20T08:00:00Z' })],
  ];
  for (const [repository, tags, built] of samples) for (const tag of tags) await harness.pushImage(registry, repository, tag, built);
  const platforms = [await image({ architecture: 'amd64' }), await image({ architecture: 'arm64', variant: 'v8' })];
  for (const p of platforms) await harness.pushImage(registry, 'demo/multiarch', p.manifestDigest, p);
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: platforms.map((p) => ({ mediaType: p.manifestMediaType, digest: p.manifestDigest, size: p.manifestSize, platform: p.platform })),
  };
  await harness.registryFetch(registry, '/v2/demo/multiarch/manifests/latest', {
    method: 'PUT',
    body: JSON.stringify(index),
    headers: { 'content-type': mediaType },
  });
  registrySetting = { url: `http://${registry.host}`, name: sampleRegistryName };
  console.log(`  registry: ${registry.url} (demo/hello, demo/web, demo/multiarch, tools/shell)`);
} else {
  console.log('\n  docker-registry is not installed, so there is no sample registry.');
  console.log('  Install it with: sudo apt-get install -y docker-registry   (Debian/Ubuntu), then run npm start again.');
}

const home = join(root, '.vscode-test/start');
const userDataDir = join(home, 'user-data');
const extensionsDir = join(home, 'extensions');
const folder = join(home, 'workspace');
for (const d of [userDataDir, extensionsDir, folder, join(userDataDir, 'User')]) mkdirSync(d, { recursive: true });

// Keep what the user changed in earlier runs; replace only the sample registry (its port changes).
const settingsFile = join(userDataDir, 'User/settings.json');
let settings = {};
try {
  settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
} catch {
  // First run, or a file with comments: start from the defaults.
}
const others = (settings['registryExplorer.registries'] ?? []).filter((r) => r?.name !== sampleRegistryName);
writeFileSync(
  settingsFile,
  JSON.stringify({ ...quietSettings, ...settings, 'registryExplorer.registries': registrySetting ? [registrySetting, ...others] : others }, null, 2),
);

step('starting code-server with the extension');
const dirs = { bin, home, userDataDir, extensionsDir, env: process.env };
await installExtension({ ...dirs, vsix });
const { port, child } = await launchCodeServer({ ...dirs, folder, port: Number(process.env.PORT ?? 0) });
console.log(
  `\nRegistry Explorer is running in code-server. Open:\n\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}\n\nThen click "Registries" in the activity bar. Ctrl-C stops code-server${registrySetting ? ' and the registry' : ''}.`,
);

// On any exit (Ctrl-C, SIGTERM, or the harness exiting on a signal first) code-server goes too.
process.on('exit', () => child.kill('SIGTERM'));
const stop = async () => {
  await stopRegistry();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
child.once('exit', async (code) => {
  console.error(`code-server exited (${code})`);
  await stopRegistry();
  process.exit(code ?? 1);
});
