// Starts a real code-server (VS Code 1.100 in the browser) with the packaged extension installed
// into a throw-away user-data-dir, so every test run sees a fresh editor and nothing of the machine's.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { aptInstallLine, hasTool } from '../harness/tools';
import type * as launcherModule from '../../scripts/code-server.mjs' with { 'resolution-mode': 'import' };

type Launcher = typeof launcherModule;

const run = promisify(execFile);

/** The repository root (this file runs from out/test/e2e). */
export const repoRoot = resolve(__dirname, '../../..');
export const codeServerBin = join(repoRoot, '.vscode-test/code-server/node_modules/.bin/code-server');

/** The launcher `npm start` uses too (an ES module, so loaded with import()). */
function launcher(): Promise<Launcher> {
  return import(pathToFileURL(join(repoRoot, 'scripts/code-server.mjs')).href) as Promise<Launcher>;
}
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

/** e2eSkipReason, and the test tools a file needs besides (installed with apt-get); under CI a missing one fails. */
export function e2eSkipReasonWithTools(tools: readonly string[]): string | undefined {
  const missing = tools.filter((t) => !hasTool(t));
  const install = aptInstallLine(missing);
  if (missing.length && process.env.CI) throw new Error(`e2e needs ${missing.join(', ')} (${install}); under CI this is a failure`);
  return e2eSkipReason() ?? (missing.length ? `e2e needs ${missing.join(', ')}: ${install}` : undefined);
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

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const vsix = await packageExtension();
  const home = mkdtempSync(join(tmpdir(), 'regx-e2e-'));
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  const workspace = join(home, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace]) mkdirSync(d, { recursive: true });
  const { installExtension, launchCodeServer, quietSettings } = await launcher();
  const writeSettings = (settings: Record<string, unknown>): void => {
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'User/settings.json'),
      JSON.stringify({ ...quietSettings, 'workbench.colorTheme': 'Default Dark Modern', ...settings }, null, 2),
    );
  };
  writeSettings(options.settings ?? {});
  const dirs = { bin: codeServerBin, home, userDataDir, extensionsDir, env: { ...process.env, ...options.env } };
  await installExtension({ ...dirs, vsix });
  const { port, child } = await launchCodeServer({ ...dirs, folder: workspace });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    // code-server's helpers can still be writing workspace storage for a moment after it exits.
    rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
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

function readTree(dir: string): string {
  if (!existsSync(dir)) return '';
  let text = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    text += statSync(p).isDirectory() ? readTree(p) : `\n--- ${p}\n${readFileSync(p, 'utf8')}`;
  }
  return text;
}
