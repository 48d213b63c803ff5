// Starts a real code-server (VS Code 1.100 in the browser) with the packaged extension installed
// into a throw-away user-data-dir, so every test run sees a fresh editor and nothing of the machine's.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file runs from out/test/e2e). */
export const repoRoot = resolve(__dirname, '../../..');
export const codeServerBin = join(repoRoot, '.vscode-test/code-server/node_modules/.bin/code-server');
export const chromiumBin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the e2e layer cannot run here, or undefined when it can. Under CI a missing part is a
 * failure (thrown), so a broken install never passes as "skipped".
 */
export function e2eSkipReason(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(codeServerBin)) missing.push(`code-server (run: bash scripts/install-code-server.sh)`);
  if (!existsSync(chromiumBin)) missing.push(`Chromium at ${chromiumBin} (run: apt-get install -y chromium)`);
  if (missing.length === 0) return undefined;
  const reason = `e2e tests need ${missing.join(' and ')}`;
  if (process.env.CI) throw new Error(`${reason}; under CI this is a failure, not a skip`);
  return reason;
}

let packaged: Promise<string> | undefined;

/** Builds and packages the extension once per test process, with the project's own `npm run package`. */
export function packageExtension(): Promise<string> {
  packaged ??= (async () => {
    await run('npm', ['run', '--silent', 'package'], { cwd: repoRoot, maxBuffer: 16 << 20 });
    return join(repoRoot, 'dist/registry-explorer.vsix');
  })();
  return packaged;
}

export interface CodeServerOptions {
  /** User settings written to User/settings.json before start. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host (e.g. REGISTRY_AUTH_FILE). */
  env?: Record<string, string>;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/?folder=... with the workspace folder already in the query. */
  readonly url: string;
  readonly home: string;
  readonly userDataDir: string;
  readonly workspace: string;
  /** Text of every log file the extension host and the extension wrote, to check what leaked. */
  readLogs(): string;
  writeSettings(settings: Record<string, unknown>): void;
  stop(): Promise<void>;
}

/** Settings that keep the welcome page, walkthroughs, telemetry and trust prompts out of the tests' way. */
const quietSettings = {
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
  'workbench.colorTheme': 'Default Dark Modern',
};

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const vsix = await packageExtension();
  const home = mkdtempSync(join(tmpdir(), 'regx-e2e-'));
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  const workspace = join(home, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  // Our own config file: code-server would otherwise create ~/.config/code-server/config.yaml with a password.
  const configFile = join(home, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n');
  const writeSettings = (settings: Record<string, unknown>): void => {
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
  };
  writeSettings(options.settings ?? {});

  const env = { ...process.env, ...options.env };
  await run(codeServerBin, ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env });

  const child = spawn(
    codeServerBin,
    [
      '--config', configFile, '--auth', 'none', '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, workspace,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await listeningPort(child);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  };
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    home,
    userDataDir,
    workspace,
    readLogs: () => readTree(join(userDataDir, 'logs')),
    writeSettings,
    stop,
  };
}

/** Port 0 lets the kernel pick a free port; code-server says which one it got. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolvePort(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
  });
}

function readTree(dir: string): string {
  if (!existsSync(dir)) return '';
  let text = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    text += statSync(p).isDirectory() ? readTree(p) : `\n--- ${p}\n${readFileSync(p, 'utf8')}`;
  }
  return text;
}
