// `npm test`: type-check and compile the tests, bundle the CLI and extension, then run every
// test file with node's own test runner. `npm test -- unit` (or integration, e2e) runs one layer.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const layers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wanted = layers.length ? layers : ['unit', 'integration', 'e2e'];

// The real parts the tests run, by the Debian package that has them. One missing gets one line that
// installs them all; under CI that line is the failure (a skipped test is no pass), locally the tests
// that need them skip with the same advice.
const debianTools = {
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  umoci: 'umoci',
  podman: 'podman',
  htpasswd: 'apache2-utils',
  openssl: 'openssl',
  curl: 'curl',
  'gnome-keyring-daemon': 'gnome-keyring',
  'dbus-run-session': 'dbus',
  'secret-tool': 'libsecret-tools',
  rg: 'ripgrep',
  chromium: 'chromium',
  gpg: 'gnupg',
};
const onPath = (cmd) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const missing = [
  ...new Set(
    Object.entries(debianTools)
      .filter(([cmd]) => !onPath(cmd))
      .map(([, pkg]) => pkg),
  ),
];
if (missing.length && (wanted.includes('integration') || wanted.includes('e2e'))) {
  const line = `apt-get install -y ${missing.join(' ')}`;
  if (process.env.CI) {
    console.error(`The tests need Debian packages that are not installed. Run:\n  ${line}`);
    process.exit(1);
  }
  console.error(`Some real parts are missing; the tests that need them will skip. To run them all:\n  ${line}`);
}
// code-server is installed outside the dependencies (it is large): the e2e layer installs it on first use, as npm start does.
if (wanted.includes('e2e') && !missing.includes('ripgrep')) {
  execFileSync('bash', ['scripts/install-code-server.sh'], { stdio: 'inherit' });
}

rmSync('out', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

const files = [];
function walk(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
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
