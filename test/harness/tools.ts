// Shared helpers for tests that drive real programs: tool detection (skip locally, fail in CI),
// subprocess runs, the regx CLI bundle, and free loopback ports.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

/** The repository root: compiled harness files live in out/test/harness/. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Which Debian package provides each tool the tests use (named in skip and CI failure messages). */
const aptPackages: Record<string, string> = {
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  umoci: 'umoci',
  htpasswd: 'apache2-utils',
  openssl: 'openssl',
  podman: 'podman',
  chromium: 'chromium',
  'gnome-keyring-daemon': 'gnome-keyring',
  'dbus-run-session': 'dbus',
  'secret-tool': 'libsecret-tools',
  curl: 'curl',
  gpg: 'gnupg',
};

/** The one apt-get line that installs `tools` (by their Debian packages). */
export function aptInstallLine(tools: readonly string[]): string {
  return `apt-get install -y ${[...new Set(tools.map((t) => aptPackages[t] ?? t))].join(' ')}`;
}

/** True when `cmd` is an executable file on PATH (or an absolute/relative path to one). */
export function hasTool(cmd: string): boolean {
  const candidates = cmd.includes('/')
    ? [cmd]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, cmd));
  for (const p of candidates) {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      // not in this directory; try the next
    }
  }
  return false;
}

/**
 * Checks that every tool is installed. When one is missing: in CI (env CI set) it throws, so the test
 * fails loudly instead of silently passing; locally it skips the test with the install hint and returns false.
 * Usage: `test('x', async (t) => { if (!requireTools(t, ['skopeo'])) return; ... })`.
 */
export function requireTools(t: TestContext | undefined, tools: string[]): boolean {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) return true;
  const message = `${missing.join(', ')} not installed: ${aptInstallLine(missing)}`;
  if (process.env.CI) throw new Error(`required test tool missing in CI: ${message}`);
  t?.skip(message);
  return false;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
  /** Added to (and overriding) the current environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the child after this many milliseconds (a safety net against hangs, not an assertion). */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion and returns its exit code and output; never throws on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A child that exits before reading stdin would make the write fail with EPIPE: that is not an error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Path of the CLI bundle built by `npm test` (scripts/build.mjs). */
export const regxBundle = join(repoRoot, 'dist', 'regx.js');

/** Runs the real CLI bundle `node dist/regx.js ARGS` as a subprocess (cwd: repo root unless given). */
export function runRegx(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [regxBundle, ...args], { cwd: repoRoot, ...opts });
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; another process could still take it later). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolvePromise(port) : reject(new Error('could not read the free port'))));
    });
  });
}
