// The containers auth.json (and Docker's config.json / legacy ~/.dockercfg), read and written the
// way containers/image pkg/docker/config and containers/common pkg/auth do, so a login made here
// is seen by podman, skopeo and buildah, and theirs by us.
import { randomBytes } from 'node:crypto';
// fs.promises rather than node:fs/promises: loaded on first use, not at every regx start.
import { existsSync, promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AuthFileError } from '../errors';
import { helperErase, helperStore } from './credhelper';

export interface AuthEntry {
  /** base64("user:password") */
  auth?: string;
  identitytoken?: string;
  [other: string]: unknown;
}

export interface AuthFile {
  auths: Record<string, AuthEntry>;
  credHelpers: Record<string, string>;
  /** Docker's global helper; containers/image ignores it, we honour it after `auths` (see credentials.ts). */
  credsStore?: string;
  /** The whole parsed document, so writes keep keys we do not know. Empty when the file does not exist. */
  raw: Record<string, unknown>;
  exists: boolean;
}

export interface AuthFilePath {
  path: string;
  /** ~/.dockercfg: the whole document is the `auths` map, keyed by registry URL. */
  legacy: boolean;
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

/**
 * The per-session file podman writes: $XDG_RUNTIME_DIR/containers/auth.json, or, for root
 * without XDG_RUNTIME_DIR, /run/containers/<uid>/auth.json. Not linux: ~/.config/containers/auth.json.
 */
function runtimeAuthFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform !== 'linux') return join(home(env), '.config', 'containers', 'auth.json');
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
  return `/run/containers/${uid()}/auth.json`;
}

/** Where `podman login` writes when given no --authfile: REGISTRY_AUTH_FILE, else the runtime file. */
export function defaultAuthFilePath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  return runtimeAuthFile(env, platform);
}

/**
 * The files read, in order. An explicit --authfile or REGISTRY_AUTH_FILE is the only file read
 * (containers/common treats the variable as the --authfile default). Otherwise the runtime file,
 * $XDG_CONFIG_HOME (or ~/.config)/containers/auth.json, $DOCKER_CONFIG/config.json (or
 * ~/.docker/config.json), then ~/.dockercfg in the legacy format.
 */
export function authFileChain(env: NodeJS.ProcessEnv, authFile?: string, platform: NodeJS.Platform = process.platform): AuthFilePath[] {
  const explicit = authFile || env.REGISTRY_AUTH_FILE;
  if (explicit) return [{ path: explicit, legacy: false }];
  const paths: AuthFilePath[] = [];
  // containers/image skips (with a warning) an XDG_RUNTIME_DIR that does not exist.
  if (!(platform === 'linux' && env.XDG_RUNTIME_DIR && !existsSync(env.XDG_RUNTIME_DIR))) {
    paths.push({ path: runtimeAuthFile(env, platform), legacy: false });
  }
  const configHome = env.XDG_CONFIG_HOME || join(home(env), '.config');
  paths.push({ path: join(configHome, 'containers', 'auth.json'), legacy: false });
  paths.push({ path: env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home(env), '.docker', 'config.json'), legacy: false });
  paths.push({ path: join(home(env), '.dockercfg'), legacy: true });
  return paths;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A missing file is an empty one; an unreadable or malformed one is an error naming the file. */
export async function readAuthFile(path: string, legacy = false): Promise<AuthFile> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { auths: {}, credHelpers: {}, raw: {}, exists: false };
    throw new AuthFileError(`cannot read credential file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, path, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // The parser's message quotes no file content beyond a position, so it is safe to show.
    throw new AuthFileError(`credential file ${path} is not valid JSON (${(err as Error).message}); fix or remove it`, path);
  }
  if (!isObject(doc)) throw new AuthFileError(`credential file ${path} is not a JSON object; fix or remove it`, path);
  const pick = <T>(v: unknown, what: string): Record<string, T> => {
    if (v === undefined || v === null) return {};
    if (!isObject(v)) throw new AuthFileError(`credential file ${path}: "${what}" is not a JSON object; fix or remove it`, path);
    return v as Record<string, T>;
  };
  if (legacy) return { auths: pick<AuthEntry>(doc, 'the document'), credHelpers: {}, raw: doc, exists: true };
  const credsStore = typeof doc.credsStore === 'string' && doc.credsStore ? doc.credsStore : undefined;
  return { auths: pick<AuthEntry>(doc.auths, 'auths'), credHelpers: pick<string>(doc.credHelpers, 'credHelpers'), credsStore, raw: doc, exists: true };
}

/** docker.io's other names, as containers/image's normalizeRegistry. */
function normalizeRegistry(registry: string): string {
  return registry === 'registry-1.docker.io' || registry === 'docker.io' ? 'index.docker.io' : registry;
}

/** A key written by old docker logins (https://host/v1/) reduced to a host, as normalizeAuthFileKey. */
export function normalizeAuthFileKey(key: string, legacy: boolean): string {
  let stripped = key.replace(/^https?:\/\//, '');
  if (legacy || stripped !== key) stripped = stripped.split('/')[0] ?? stripped;
  return normalizeRegistry(stripped);
}

/** `registry/ns/repo`, `registry/ns`, `registry`: the most specific first. Legacy files know registries only. */
export function authKeyLookupOrder(key: string, registry: string, legacy: boolean): string[] {
  if (legacy) return [registry];
  const keys: string[] = [];
  let k = key;
  for (;;) {
    keys.push(k);
    const slash = k.lastIndexOf('/');
    if (slash < 0) break;
    k = k.slice(0, slash);
  }
  return keys;
}

/** The entry for key (a repository, namespace or registry) in one file: exact keys first, then normalized ones. */
export function findAuthEntry(file: AuthFile, key: string, registry: string, legacy: boolean): { key: string; entry: AuthEntry } | undefined {
  for (const k of authKeyLookupOrder(key, registry, legacy)) {
    const entry = file.auths[k];
    if (entry !== undefined) return { key: k, entry };
  }
  const want = normalizeRegistry(registry);
  for (const [k, entry] of Object.entries(file.auths)) {
    if (normalizeAuthFileKey(k, legacy) === want) return { key: k, entry };
  }
  return undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `auth` is base64("user:password"), split at the first ':'. An entry without a ':' (docker
 * writes `{}` when a helper holds the secret) counts as no credentials, as in containers/image.
 */
export function decodeAuthEntry(path: string, key: string, entry: AuthEntry): { username: string; password: string; identityToken?: string } | undefined {
  const auth = typeof entry.auth === 'string' ? entry.auth : '';
  if (!BASE64.test(auth)) throw new AuthFileError(`credential file ${path}: the "auth" value of "${key}" is not valid base64`, path);
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const username = decoded.slice(0, colon);
  // Some writers pad with NULs; containers/image trims them.
  const password = decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '');
  const identityToken = typeof entry.identitytoken === 'string' && entry.identitytoken ? entry.identitytoken : undefined;
  return identityToken ? { username, password, identityToken } : { username, password };
}

/** Write via a temp file in the same directory, fsync, rename: a crash leaves the old file or the new one, never half. */
async function writeAtomically(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'wx', 0o600);
  try {
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw new AuthFileError(`cannot write credential file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path, { cause: err });
  }
  // Make the rename itself durable; not every filesystem lets a directory be fsynced.
  try {
    const d = await fsp.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}

/** podman's layout: tab-indented JSON, `auths` keys sorted (Go sorts map keys), no trailing newline. */
async function saveAuthFile(path: string, file: AuthFile): Promise<void> {
  const sorted: Record<string, AuthEntry> = {};
  for (const k of Object.keys(file.auths).sort()) sorted[k] = file.auths[k] as AuthEntry;
  const doc: Record<string, unknown> = { ...file.raw };
  doc.auths = sorted;
  if (Object.keys(file.credHelpers).length) doc.credHelpers = file.credHelpers;
  await writeAtomically(path, JSON.stringify(doc, null, '\t'));
}

/**
 * Records username:password for registry (or registry/namespace) in path, keeping every other
 * entry and key. When the file routes this registry to a credential helper (`credHelpers`), the
 * helper stores it instead, as podman does. Returns where the secret went, for humans.
 */
export async function setAuthEntry(path: string, registry: string, username: string, password: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = await readAuthFile(path);
  const helper = file.credHelpers[registry];
  if (helper) {
    await helperStore(helper, registry, username, password, env);
    return `credential helper: docker-credential-${helper}`;
  }
  file.auths[registry] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
  await saveAuthFile(path, file);
  return path;
}

/** Removes the login for registry from path (and from its credential helper); false when there was none. */
export async function removeAuthEntry(path: string, registry: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = await readAuthFile(path);
  let removed = false;
  const helper = file.credHelpers[registry];
  if (helper && !registry.includes('/')) removed = await helperErase(helper, registry, env);
  if (Object.prototype.hasOwnProperty.call(file.auths, registry)) {
    delete file.auths[registry];
    await saveAuthFile(path, file);
    removed = true;
  }
  return removed;
}

/**
 * Removes every login in path: all `auths` entries, and what each credHelpers helper holds for its
 * registry. The credHelpers routing itself is configuration, not a credential, and stays.
 */
export async function removeAllAuthEntries(path: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = await readAuthFile(path);
  if (!file.exists) return;
  for (const [registry, helper] of Object.entries(file.credHelpers)) await helperErase(helper, registry, env);
  file.auths = {};
  await saveAuthFile(path, file);
}
