// Starts real Distribution 2.8 (`docker-registry serve`) instances on 127.0.0.1 with a fresh data dir,
// optionally with TLS (test CA), htpasswd Basic auth, or Bearer token auth through the harness token issuer.
// Use `after(() => stopAll())` in each test file; processes are also killed when the test process exits.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { sharedCerts } from './certs';
import type { TestCerts } from './certs';
import { makeTempDir, memoryTmpdir } from './temp';
import { startTokenIssuer } from './token-issuer';
import type { TokenIssuer, TokenIssuerOptions } from './token-issuer';
import { freePort, run } from './tools';

export interface RegistryOptions {
  /** Serve HTTPS with a certificate signed by the test CA (caFile / certDir in the result). */
  tls?: boolean;
  /** Which CA + certificate to serve (default: the process-wide sharedCerts()). */
  certs?: TestCerts;
  /** Basic auth through an htpasswd file (bcrypt) holding this one account. */
  htpasswd?: { username: string; password: string };
  /**
   * Bearer token auth through a harness token issuer started for this registry. `true` starts one that
   * accepts the htpasswd-like account given in `tokenIssuer.username/password` (or any account).
   */
  token?: boolean;
  tokenIssuer?: TokenIssuerOptions;
  /** Allow DELETE of manifests and blobs (default true, as most tests want it). */
  deleteEnabled?: boolean;
  /**
   * Keep the data dir in RAM (/dev/shm when present): file creation there is ~50x faster than on this disk.
   * Use it with seedRepositories/seedTags. Default false (os.tmpdir()).
   */
  memoryStorage?: boolean;
  /** Extra top-level config (merged shallowly), e.g. `{ compatibility: ... }`. */
  extraConfig?: Record<string, unknown>;
}

export interface TestRegistry {
  /** "127.0.0.1:PORT": what goes into image references. */
  host: string;
  /** "http(s)://127.0.0.1:PORT". */
  url: string;
  port: number;
  tls: boolean;
  /** PEM CA to trust (tls only). */
  caFile?: string;
  /** skopeo `--cert-dir` folder holding ca.crt (tls only). */
  certDir?: string;
  username?: string;
  password?: string;
  /** The storage root directory (rootdirectory of the filesystem driver). */
  dataDir: string;
  configFile: string;
  tokenIssuer?: TokenIssuer;
  /** The registry's stderr so far (its log). */
  log(): string;
  /** The running registry process's pid (undefined while stopped), e.g. to read its CPU time in /proc. */
  pid(): number | undefined;
  stop(): Promise<void>;
  /** Stops and starts again on the same port with the same data. */
  restart(): Promise<void>;
}

const running = new Set<RunningRegistry>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous kill at exit: the registries must not outlive the test process.
  process.on('exit', () => {
    for (const r of running) r.child?.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const r of running) r.child?.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/** Stops every registry (and its token issuer) started by this process. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((r) => r.api.stop()));
}

const LOG_KEEP = 64 * 1024;

class RunningRegistry {
  child: ChildProcess | undefined;
  logText = '';
  exited: Promise<void> = Promise.resolve();
  api!: TestRegistry;

  constructor(
    readonly configFile: string,
    readonly url: string,
    readonly caFile: string | undefined,
  ) {}

  tail(lines = 20): string {
    return this.logText.trimEnd().split('\n').slice(-lines).join('\n');
  }

  async start(): Promise<void> {
    const child = spawn('docker-registry', ['serve', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(this);
    const onData = (b: Buffer): void => {
      this.logText += b.toString('utf8');
      if (this.logText.length > LOG_KEEP) this.logText = this.logText.slice(-LOG_KEEP);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let exitInfo: string | undefined;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        exitInfo = `exit ${code ?? signal}`;
        resolve();
      });
      child.on('error', (e) => {
        exitInfo = `spawn error ${e.message}`;
        resolve();
      });
    });
    // Neither the process nor its pipes may keep the test process alive.
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

    const deadline = Date.now() + 20_000;
    for (;;) {
      if (exitInfo) {
        running.delete(this);
        throw new Error(`docker-registry died before answering (${exitInfo}); last log lines:\n${this.tail()}`);
      }
      if (await answers(`${this.url}/v2/`, this.caFile)) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`docker-registry did not answer GET ${this.url}/v2/ within 20 s; last log lines:\n${this.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    running.delete(this);
  }
}

/** True when something answers an HTTP(S) GET at url with any status. */
function answers(url: string, caFile: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'GET', timeout: 2_000, ...(caFile ? { ca: readFileSync(caFile) } : {}) },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Starts a real Distribution registry on 127.0.0.1:<free port>; resolves once it answers GET /v2/. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  hookExit();
  const dir = makeTempDir('registry', opts.memoryStorage ? memoryTmpdir() : undefined);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tls = Boolean(opts.tls);
  const url = `${tls ? 'https' : 'http'}://${host}`;

  const http: Record<string, unknown> = { addr: host, secret: 'regx-test-secret', headers: { 'X-Content-Type-Options': ['nosniff'] } };
  let certs: TestCerts | undefined;
  if (tls) {
    certs = opts.certs ?? (await sharedCerts());
    http.tls = { certificate: certs.certFile, key: certs.keyFile };
  }
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: dataDir }, delete: { enabled: opts.deleteEnabled ?? true }, maintenance: { uploadpurging: { enabled: false } } },
    http,
  };
  let tokenIssuer: TokenIssuer | undefined;
  if (opts.htpasswd) {
    const r = await run('htpasswd', ['-Bbn', opts.htpasswd.username, opts.htpasswd.password]);
    if (r.code !== 0) throw new Error(`htpasswd failed (exit ${r.code}): ${r.stderr.trim()}`);
    const file = join(dir, 'htpasswd');
    writeFileSync(file, r.stdout);
    config.auth = { htpasswd: { realm: 'basic-realm', path: file } };
  } else if (opts.token || opts.tokenIssuer) {
    tokenIssuer = await startTokenIssuer(opts.tokenIssuer);
    config.auth = {
      token: { realm: tokenIssuer.realm, service: tokenIssuer.service, issuer: tokenIssuer.issuer, rootcertbundle: tokenIssuer.signingCertFile },
    };
  }
  Object.assign(config, opts.extraConfig ?? {});
  // Distribution's YAML parser reads JSON (YAML is a superset), so no YAML writer is needed.
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const inst = new RunningRegistry(configFile, url, certs?.caFile);
  const api: TestRegistry = {
    host,
    url,
    port,
    tls,
    caFile: certs?.caFile,
    certDir: certs?.certDir,
    username: opts.htpasswd?.username ?? opts.tokenIssuer?.username,
    password: opts.htpasswd?.password ?? opts.tokenIssuer?.password,
    dataDir,
    configFile,
    tokenIssuer,
    log: () => inst.logText,
    pid: () => inst.child?.pid,
    async stop() {
      await inst.stop();
      await tokenIssuer?.stop();
      tokenIssuer = undefined;
    },
    async restart() {
      await inst.stop();
      await inst.start();
    },
  };
  inst.api = api;
  try {
    await inst.start();
  } catch (e) {
    await tokenIssuer?.stop();
    throw e;
  }
  return api;
}
