// Installing the packaged extension into a code-server and starting it on a free loopback port.
// Shared by `npm start` (scripts/start.mjs) and the e2e driver (test/e2e/code-server.ts).
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function codeServerBin(root) {
  return join(root, '.vscode-test/code-server/node_modules/.bin/code-server');
}

/** Settings that keep the welcome page, walkthroughs, telemetry and trust prompts out of the way. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
};

/**
 * Our own config file: without one, code-server creates ~/.config/code-server/config.yaml with a
 * password and reads it on every start.
 */
function configFile(home) {
  const file = join(home, 'code-server.yaml');
  writeFileSync(file, 'auth: none\n');
  return file;
}

export async function installExtension({ bin, home, userDataDir, extensionsDir, vsix, env }) {
  await run(bin, ['--config', configFile(home), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env,
  });
}

/** Starts code-server on 127.0.0.1 (port 0: the kernel picks a free one; code-server says which). */
export function launchCodeServer({ bin, home, userDataDir, extensionsDir, folder, env, port = 0 }) {
  const child = spawn(
    bin,
    [
      '--config',
      configFile(home),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      folder,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      child.stderr.resume();
      resolve({ port: Number(m[1]), child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
  });
}
