// A podman API service of our own, for one command: when no podman socket answers (or the one that
// does serves another store), podman itself is started on a private socket with the same storage
// settings, so the store used is exactly the one podman would use, and it is stopped afterwards.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RegxError, sanitizeRemoteText } from '../errors';
import { unixRequest } from './unix-http';

/** Where and how a containers-storage store lives; empty fields mean podman's own configuration decides. */
export interface StorageSettings {
  driver?: string;
  root?: string;
  runroot?: string;
  options?: string[];
}

export interface PodmanService {
  readonly socketPath: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The podman executable on PATH (or `podmanPath`), or undefined when podman is not installed. */
export function findPodman(env: NodeJS.ProcessEnv = process.env, podmanPath?: string): string | undefined {
  const candidates = podmanPath
    ? [podmanPath]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, 'podman'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The environment for a podman that works on the local store: without CONTAINER_HOST and
 * CONTAINER_CONNECTION, which would make it a remote client of the very socket found not to answer.
 */
export function localPodmanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.CONTAINER_HOST;
  delete out.CONTAINER_CONNECTION;
  return out;
}

// podman's own global options (not regx's), built from their names.
export const podmanOption = (name: string): string => `--${name}`;
const opt = podmanOption;

/** podman's global storage arguments for these settings, in the order podman documents them. */
export function podmanStorageArgs(s: StorageSettings | undefined): string[] {
  if (!s) return [];
  const args: string[] = [];
  if (s.root) args.push(opt('root'), s.root);
  if (s.runroot) args.push(opt('runroot'), s.runroot);
  if (s.driver) args.push(opt('storage-driver'), s.driver);
  for (const o of s.options ?? []) args.push(opt('storage-opt'), o);
  return args;
}

const services = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts `podman system service` without an idle timeout on a socket in a fresh 0700 directory. */
export async function startPodmanService(
  podman: string,
  options: { storage?: StorageSettings; env?: NodeJS.ProcessEnv; startTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PodmanService> {
  const dir = mkdtempSync(join(tmpdir(), 'regx-podman-'));
  const socketPath = join(dir, 'podman.sock');
  const args = [...podmanStorageArgs(options.storage), 'system', 'service', opt('time=0'), `unix://${socketPath}`];
  const child = spawn(podman, args, { env: localPodmanEnv(options.env ?? process.env), stdio: ['ignore', 'ignore', 'pipe'] });
  services.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A command that ends abruptly (an uncaught error, process.exit) still takes its service with it.
    process.on('exit', () => {
      for (const c of services) c.kill('SIGKILL');
    });
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 8192) stderr += d;
  });
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code;
      services.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      stderr += String(err.message);
      exited = -1;
      services.delete(child);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (options.signal?.aborted) {
      await stop();
      throw new RegxError('cancelled', 'cancelled while starting podman');
    }
    if (exited !== undefined) {
      await stop();
      throw new RegxError(
        'engine-unavailable',
        `podman system service exited (${exited}) before answering: ${sanitizeRemoteText(stderr.trim(), 600) || 'no message'}`,
      );
    }
    try {
      const res = await unixRequest(socketPath, { path: '/_ping', headTimeoutMs: 1000 });
      res.body.resume();
      if (res.status === 200) return { socketPath, pid: child.pid ?? 0, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new RegxError('engine-unavailable', `podman system service did not answer within ${Math.round((options.startTimeoutMs ?? 20_000) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
