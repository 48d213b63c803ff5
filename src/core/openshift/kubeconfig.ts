// The kubeconfig as `oc` and client-go read and write it: KUBECONFIG may list several files (':'-separated,
// the first file that names a cluster/user/context wins, current-context from the first file that sets
// one), else ~/.kube/config. `oc login` writes its entries into the first KUBECONFIG file (else
// ~/.kube/config) with the names it derives from the server URL; we write the same names, atomically,
// keeping every other entry and field of the file as it was.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { yaml } from './yaml';

export interface KubeCluster {
  name: string;
  server: string;
  /** Absolute path of a PEM CA file (resolved against the kubeconfig file that named it). */
  certificateAuthority?: string;
  /** PEM text of the CA (decoded from `certificate-authority-data`). */
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
}

export interface KubeUser {
  name: string;
  token?: string;
  /** Absolute path of a file holding the token. */
  tokenFile?: string;
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
}

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface KubeConfig {
  /** The files read, in KUBECONFIG order (missing ones left out). */
  files: string[];
  currentContext?: string;
  clusters: KubeCluster[];
  users: KubeUser[];
  contexts: KubeContext[];
}

/** Everything needed to talk to one cluster as one user: what a context resolves to. */
export interface ClusterConnection {
  server: string;
  token?: string;
  /** PEM CA bundle to trust instead of the system roots. */
  caPem?: string;
  insecure?: boolean;
  tlsServerName?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
}

export interface ResolvedContext extends ClusterConnection {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace?: string;
}

type Env = Record<string, string | undefined>;

/** The kubeconfig files client-go reads, in order: KUBECONFIG's list (deduplicated), else ~/.kube/config. */
export function kubeconfigPaths(env: Env = process.env, home: string = homedir()): string[] {
  const list = env.KUBECONFIG;
  if (list) {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const p of list.split(delimiter)) {
      if (!p) continue;
      const abs = resolve(p);
      if (!seen.has(abs)) {
        seen.add(abs);
        out.push(abs);
      }
    }
    if (out.length) return out;
  }
  return [join(home, '.kube', 'config')];
}

/** The file `oc login` writes to: the first KUBECONFIG file, else ~/.kube/config. */
export function kubeconfigWritePath(env: Env = process.env, home: string = homedir()): string {
  return kubeconfigPaths(env, home)[0] as string;
}

type RawObject = Record<string, unknown>;

function asObject(v: unknown): RawObject | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as RawObject) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function readRaw(file: string): RawObject | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return asObject(yaml().parse(text)) ?? {};
  } catch (e) {
    throw new UsageError(`error loading config file "${file}": ${(e as Error).message}`);
  }
}

function decodeData(v: unknown): string | undefined {
  const s = str(v);
  return s ? Buffer.from(s, 'base64').toString('utf8') : undefined;
}

function pathIn(file: string, v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  // client-go resolves relative paths against the directory of the file that holds them.
  return isAbsolute(s) ? s : resolve(dirname(file), s);
}

function namedEntries(raw: RawObject, list: string, field: string): { name: string; body: RawObject }[] {
  const arr = raw[list];
  if (!Array.isArray(arr)) return [];
  const out: { name: string; body: RawObject }[] = [];
  for (const item of arr) {
    const o = asObject(item);
    const name = o && str(o.name);
    if (name) out.push({ name, body: asObject(o[field]) ?? {} });
  }
  return out;
}

/** Reads and merges the kubeconfig files the way client-go does. Missing files are skipped, as kubectl does. */
export function loadKubeconfig(opts: { paths?: string[]; env?: Env; home?: string } = {}): KubeConfig {
  const paths = opts.paths ?? kubeconfigPaths(opts.env, opts.home);
  const config: KubeConfig = { files: [], clusters: [], users: [], contexts: [] };
  const have = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const file of paths) {
    const raw = readRaw(file);
    if (!raw) continue;
    config.files.push(file);
    config.currentContext ??= str(raw['current-context']);
    for (const { name, body } of namedEntries(raw, 'clusters', 'cluster')) {
      if (have.clusters.has(name)) continue;
      have.clusters.add(name);
      config.clusters.push({
        name,
        server: str(body.server) ?? '',
        certificateAuthority: pathIn(file, body['certificate-authority']),
        certificateAuthorityData: decodeData(body['certificate-authority-data']),
        insecureSkipTlsVerify: body['insecure-skip-tls-verify'] === true,
        tlsServerName: str(body['tls-server-name']),
      });
    }
    for (const { name, body } of namedEntries(raw, 'users', 'user')) {
      if (have.users.has(name)) continue;
      have.users.add(name);
      config.users.push({
        name,
        token: str(body.token),
        tokenFile: pathIn(file, body.tokenFile),
        clientCertificate: pathIn(file, body['client-certificate']),
        clientCertificateData: decodeData(body['client-certificate-data']),
        clientKey: pathIn(file, body['client-key']),
        clientKeyData: decodeData(body['client-key-data']),
      });
    }
    for (const { name, body } of namedEntries(raw, 'contexts', 'context')) {
      if (have.contexts.has(name)) continue;
      have.contexts.add(name);
      config.contexts.push({ name, cluster: str(body.cluster) ?? '', user: str(body.user) ?? '', namespace: str(body.namespace) });
    }
  }
  return config;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the ${what} file "${path}" named in the kubeconfig: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The server, CA, token and namespace a context (by default the current one) stands for. */
export function resolveContext(config: KubeConfig, contextName?: string): ResolvedContext {
  const name = contextName ?? config.currentContext;
  if (!name) throw new UsageError('the kubeconfig has no current context: log in to a cluster first');
  const ctx = config.contexts.find((c) => c.name === name);
  if (!ctx) throw new UsageError(`context "${name}" does not exist in the kubeconfig`);
  const cluster = config.clusters.find((c) => c.name === ctx.cluster);
  if (!cluster || !cluster.server) throw new UsageError(`context "${name}" names cluster "${ctx.cluster}", which has no server in the kubeconfig`);
  const user = config.users.find((u) => u.name === ctx.user);
  const caPem =
    cluster.certificateAuthorityData ?? (cluster.certificateAuthority ? readText(cluster.certificateAuthority, 'certificate-authority') : undefined);
  const token = user?.token ?? (user?.tokenFile ? readText(user.tokenFile, 'tokenFile').trim() : undefined);
  const clientCertPem = user?.clientCertificateData ?? (user?.clientCertificate ? readText(user.clientCertificate, 'client-certificate') : undefined);
  const clientKeyPem = user?.clientKeyData ?? (user?.clientKey ? readText(user.clientKey, 'client-key') : undefined);
  return {
    contextName: name,
    clusterName: cluster.name,
    userName: ctx.user,
    namespace: ctx.namespace,
    server: cluster.server,
    token,
    caPem,
    insecure: cluster.insecureSkipTlsVerify || undefined,
    tlsServerName: cluster.tlsServerName,
    clientCertPem,
    clientKeyPem,
  };
}

/**
 * One PEM bundle holding every certificate of the given bundles once, in order. Trusting a second CA
 * (the OAuth server's, often signed by the ingress CA rather than the API server's) adds to the trust
 * already saved instead of replacing it.
 */
export function mergeCaBundles(...bundles: (string | undefined)[]): string | undefined {
  const seen = new Set<string>();
  const certs: string[] = [];
  for (const b of bundles) {
    for (const m of (b ?? '').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) {
      const pem = m[0].replace(/\r\n/g, '\n').trim();
      const key = pem.replace(/\s+/g, '');
      if (!seen.has(key)) {
        seen.add(key);
        certs.push(pem);
      }
    }
  }
  return certs.length ? `${certs.join('\n')}\n` : undefined;
}

// --- names as `oc login` makes them --------------------------------------------------------------

/** `https://api.crc.testing:6443/` -> `https://api.crc.testing:6443`: a scheme is added when missing, as oc does. */
export function normalizeServerUrl(server: string): string {
  let s = server.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `https://${s}`;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UsageError(`"${server}" is not a valid server URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`"${server}" is not an http(s) server URL`);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** Cluster entry name: host:port of the server with '.' replaced by '-' (`api-crc-testing:6443`). */
export function clusterNickname(server: string): string {
  const u = new URL(normalizeServerUrl(server));
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  // URL keeps IPv6 hosts bracketed, as Go's CanonicalAddr does.
  return `${u.hostname}:${port}`.replace(/\./g, '-');
}

/** User entry name: `developer/api-crc-testing:6443`. */
export function userNickname(username: string, clusterNick: string): string {
  return `${username}/${clusterNick}`;
}

/** Context name: `<namespace>/api-crc-testing:6443/developer` (only the user part before the first '/'). */
export function contextNickname(namespace: string, clusterNick: string, userNick: string): string {
  return `${namespace}/${clusterNick}/${userNick.split('/')[0]}`;
}

/** The cluster entry that already points at this server, if any (so a re-login keeps its trusted CA). */
export function findClusterForServer(config: KubeConfig, server: string): KubeCluster | undefined {
  const want = normalizeServerUrl(server);
  const byName = config.clusters.find((c) => c.name === clusterNickname(server));
  if (byName && normalizeServerUrl(byName.server) === want) return byName;
  return config.clusters.find((c) => c.server && normalizeServerUrl(c.server) === want);
}

// --- writing ---------------------------------------------------------------------------------------

export interface LoginEntries {
  server: string;
  username: string;
  token: string;
  /** The project the context selects; '' when the user has none (oc then names the context `/cluster/user`). */
  namespace: string;
  /** PEM of a CA the user chose to trust: saved as `certificate-authority-data`. */
  caPem?: string;
  /** The user explicitly chose to skip TLS verification for this cluster. */
  insecure?: boolean;
}

export interface SavedLogin {
  file: string;
  clusterName: string;
  userName: string;
  contextName: string;
}

function upsert(raw: RawObject, list: string, field: string, name: string, update: (body: RawObject) => void): void {
  let arr = raw[list];
  if (!Array.isArray(arr)) {
    arr = [];
    raw[list] = arr;
  }
  const items = arr as unknown[];
  let entry = items.map(asObject).find((o) => o && o.name === name);
  if (!entry) {
    entry = { name };
    items.push(entry);
  }
  const body = asObject(entry[field]) ?? {};
  entry[field] = body;
  update(body);
}

/**
 * Writes the cluster, user and context entries `oc login` writes, and makes the context current. Other
 * entries and unknown fields stay as they were. The file is replaced atomically (temp file in the same
 * directory, fsync, rename) with mode 0600, under `<file>.lock` as client-go locks it.
 */
export function saveLogin(entries: LoginEntries, opts: { file?: string; env?: Env; home?: string } = {}): SavedLogin {
  const file = opts.file ?? kubeconfigWritePath(opts.env, opts.home);
  const server = normalizeServerUrl(entries.server);
  const clusterName = clusterNickname(server);
  const userName = userNickname(entries.username, clusterName);
  const contextName = contextNickname(entries.namespace, clusterName, userName);
  updateKubeconfigFile(file, (raw) => {
    upsert(raw, 'clusters', 'cluster', clusterName, (c) => {
      c.server = server;
      if (entries.caPem) {
        c['certificate-authority-data'] = Buffer.from(entries.caPem, 'utf8').toString('base64');
        delete c['certificate-authority'];
        delete c['insecure-skip-tls-verify'];
      } else if (entries.insecure) {
        c['insecure-skip-tls-verify'] = true;
        delete c['certificate-authority'];
        delete c['certificate-authority-data'];
      }
    });
    upsert(raw, 'users', 'user', userName, (u) => {
      u.token = entries.token;
    });
    upsert(raw, 'contexts', 'context', contextName, (c) => {
      c.cluster = clusterName;
      c.user = userName;
      if (entries.namespace) c.namespace = entries.namespace;
      else delete c.namespace;
    });
    raw['current-context'] = contextName;
  });
  return { file, clusterName, userName, contextName };
}

/** Saves a CA the user chose to trust into an existing cluster entry (`certificate-authority-data`). */
export function trustClusterCa(clusterName: string, caPem: string, opts: { file?: string; env?: Env; home?: string } = {}): string {
  const file = opts.file ?? kubeconfigWritePath(opts.env, opts.home);
  updateKubeconfigFile(file, (raw) => {
    upsert(raw, 'clusters', 'cluster', clusterName, (c) => {
      c['certificate-authority-data'] = Buffer.from(caPem, 'utf8').toString('base64');
      delete c['certificate-authority'];
      delete c['insecure-skip-tls-verify'];
    });
  });
  return file;
}

/** Read-modify-write of one kubeconfig file, locked and atomic. */
export function updateKubeconfigFile(file: string, change: (raw: RawObject) => void): void {
  // Write through a symlinked kubeconfig to its target, as client-go does, instead of replacing the link.
  let target = file;
  try {
    target = realpathSync(file);
  } catch {
    // does not exist yet
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const release = lock(target);
  try {
    const raw = readRaw(target) ?? {};
    raw.apiVersion ??= 'v1';
    raw.kind ??= 'Config';
    raw.preferences ??= {};
    for (const list of ['clusters', 'users', 'contexts']) raw[list] ??= [];
    change(raw);
    // client-go writes keys in alphabetical order and never folds long lines (base64 CA data).
    const text = yaml().stringify(raw, { sortMapEntries: true, lineWidth: 0, minContentWidth: 0 });
    writeAtomic(target, text);
  } finally {
    release();
  }
}

function lock(file: string): () => void {
  const lockFile = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      closeSync(openSync(lockFile, 'wx', 0o600));
      return () => {
        try {
          unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 50) {
        throw new UsageError(`cannot lock the kubeconfig "${file}" (${lockFile} exists: another oc or regx may be writing it)`);
      }
      // Another writer holds the lock for a few milliseconds: wait without spinning the CPU.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.kubeconfig.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
  // Make the rename itself durable.
  try {
    const dfd = openSync(dirname(file), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic
  }
}
