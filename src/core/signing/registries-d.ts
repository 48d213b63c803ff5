// registries.d (containers-registries.d(5)): where simple signatures of a Docker image are read and
// written ("lookaside" stores) and whether sigstore signatures go to registry attachments. Read as
// containers/image reads it: every `*.yaml` in one folder merged, a `default-docker` or a `docker`
// namespace defined twice is an error, the most specific namespace with a setting wins (identity,
// repository, parent namespaces, host, `*.` host wildcards), `sigstore`/`sigstore-staging` are the
// old names of `lookaside`/`lookaside-staging`, and with nothing configured signatures live under
// /var/lib/containers/sigstore (root) or ~/.local/share/containers/sigstore.
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegxError } from '../errors';
import { yaml } from '../openshift/yaml';
import { parseDigest } from '../image/digest';
import type { ImageReference } from '../reference/reference';
import { dockerIdentity, dockerNamespaces } from './scopes';

export interface RegistryNamespace {
  lookaside?: string;
  lookasideStaging?: string;
  /** Deprecated names of the two above; read when those are absent. */
  sigstore?: string;
  sigstoreStaging?: string;
  useSigstoreAttachments?: boolean;
}

export interface RegistriesConfig {
  defaultDocker?: RegistryNamespace;
  docker: Map<string, RegistryNamespace>;
  /** The folder read ('' when none was), for messages. */
  dir: string;
}

export const SYSTEM_REGISTRIES_D = '/etc/containers/registries.d';
const USER_REGISTRIES_D = '.config/containers/registries.d';
/** A registries.d file larger than this is not a configuration file. */
const MAX_FILE = 1 << 20;
const MAX_FILES = 1000;

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** The folder containers/image reads: the one given, else ~/.config/containers/registries.d if it exists, else /etc/containers/registries.d. */
export async function registriesDirPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (explicit) return explicit;
  const user = join(home(env), USER_REGISTRIES_D);
  try {
    await fsp.stat(user);
    return user;
  } catch {
    return SYSTEM_REGISTRIES_D;
  }
}

function configError(file: string, message: string): RegxError {
  return new RegxError('usage', `signature storage configuration ${file}: ${message}`);
}

function namespaceOf(v: unknown, file: string, where: string): RegistryNamespace {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw configError(file, `${where} is not a map`);
  const out: RegistryNamespace = {};
  const str = (key: string): string | undefined => {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string') throw configError(file, `${where}.${key} is not a string`);
    return x;
  };
  out.lookaside = str('lookaside');
  out.lookasideStaging = str('lookaside-staging');
  out.sigstore = str('sigstore');
  out.sigstoreStaging = str('sigstore-staging');
  const att = (v as Record<string, unknown>)['use-sigstore-attachments'];
  if (att !== undefined && att !== null) {
    if (typeof att !== 'boolean') throw configError(file, `${where}.use-sigstore-attachments is not true or false`);
    out.useSigstoreAttachments = att;
  }
  return out;
}

/** Parses one registries.d file's text; `file` names it in errors. */
export function parseRegistriesFile(text: string, file: string): { defaultDocker?: RegistryNamespace; docker: Map<string, RegistryNamespace> } {
  let doc: unknown;
  try {
    doc = yaml().parse(text, { version: '1.1', maxAliasCount: 100 }) as unknown;
  } catch (err) {
    throw configError(file, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const out: { defaultDocker?: RegistryNamespace; docker: Map<string, RegistryNamespace> } = { docker: new Map() };
  if (doc === null || doc === undefined) return out;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw configError(file, 'the document is not a map');
  const d = doc as Record<string, unknown>;
  if (d['default-docker'] !== undefined && d['default-docker'] !== null) out.defaultDocker = namespaceOf(d['default-docker'], file, 'default-docker');
  const docker = d.docker;
  if (docker !== undefined && docker !== null) {
    if (typeof docker !== 'object' || Array.isArray(docker)) throw configError(file, 'docker is not a map of namespaces');
    for (const [name, ns] of Object.entries(docker as Record<string, unknown>)) out.docker.set(name, namespaceOf(ns, file, `docker "${name}"`));
  }
  return out;
}

/** Reads and merges every `*.yaml` of `dir`; a folder that does not exist is an empty configuration. */
export async function loadRegistriesConfig(dir: string): Promise<RegistriesConfig> {
  const merged: RegistriesConfig = { docker: new Map(), dir };
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return merged;
    throw new RegxError('usage', `cannot read the registries.d folder ${dir}: ${(err as Error).message}`);
  }
  let defaultFrom = '';
  const from = new Map<string, string>();
  const yamlFiles = names.filter((n) => n.endsWith('.yaml')).sort();
  if (yamlFiles.length > MAX_FILES) throw new RegxError('too-large', `the registries.d folder ${dir} holds more than ${MAX_FILES} files`);
  for (const name of yamlFiles) {
    const path = join(dir, name);
    const st = await fsp.stat(path);
    if (!st.isFile()) continue;
    if (st.size > MAX_FILE) throw configError(path, `larger than ${MAX_FILE} bytes`);
    const parsed = parseRegistriesFile(await fsp.readFile(path, 'utf8'), path);
    if (parsed.defaultDocker) {
      if (merged.defaultDocker) throw configError(path, `"default-docker" is defined both in ${defaultFrom} and ${path}`);
      merged.defaultDocker = parsed.defaultDocker;
      defaultFrom = path;
    }
    for (const [ns, cfg] of parsed.docker) {
      if (merged.docker.has(ns)) throw configError(path, `"docker" namespace "${ns}" is defined both in ${from.get(ns)} and ${path}`);
      merged.docker.set(ns, cfg);
      from.set(ns, path);
    }
  }
  return merged;
}

/** The namespaces that apply to `ref`, most specific first, then default-docker. */
function applicable(config: RegistriesConfig, ref: ImageReference): RegistryNamespace[] {
  const out: RegistryNamespace[] = [];
  for (const name of [dockerIdentity(ref), ...dockerNamespaces(ref)]) {
    const ns = config.docker.get(name);
    if (ns) out.push(ns);
  }
  if (config.defaultDocker) out.push(config.defaultDocker);
  return out;
}

function topLevel(ns: RegistryNamespace, write: boolean): string | undefined {
  if (write) {
    if (ns.lookasideStaging) return ns.lookasideStaging;
    if (ns.sigstoreStaging) return ns.sigstoreStaging;
  }
  return ns.lookaside || ns.sigstore || undefined;
}

/** Where containers/image keeps signatures when registries.d names no store. */
export function builtinLookaside(env: NodeJS.ProcessEnv = process.env, euid: number = process.geteuid?.() ?? 0): string {
  return euid === 0 ? 'file:///var/lib/containers/sigstore' : `file://${join(home(env), '.local/share/containers/sigstore')}`;
}

export interface LookasideBase {
  /** The store's URL for this repository (`<top>/<repository path>`), without a trailing slash. */
  url: URL;
  /** Whether registries.d named it (false: the built-in default). */
  configured: boolean;
}

/** The lookaside URL for `ref`'s repository, for writing when `write` (staging preferred). */
export function lookasideBase(config: RegistriesConfig, ref: ImageReference, write: boolean, env: NodeJS.ProcessEnv = process.env): LookasideBase {
  let top: string | undefined;
  for (const ns of applicable(config, ref)) {
    top = topLevel(ns, write);
    if (top) break;
  }
  const configured = top !== undefined;
  let url: URL;
  try {
    url = new URL(top ?? builtinLookaside(env));
  } catch {
    throw new RegxError('usage', `invalid signature storage URL ${top} in ${config.dir}`);
  }
  const repo = ref.repository;
  if (repo.split('/').some((c) => c === '' || c === '.' || c === '..'))
    throw new RegxError('invalid-reference', `unexpected path elements in ${ref.repository} for signature storage`);
  // Appended as containers/image appends it (a top level ending in '/' gives '//', harmless for files).
  url.pathname = `${url.pathname}/${repo}`;
  return { url, configured };
}

/** `<base>@<algorithm>=<hex>/signature-<n>` (n from 1), containers/image's lookaside layout. */
export function lookasideSignatureUrl(base: URL, manifestDigest: string, n: number): URL {
  const d = parseDigest(manifestDigest);
  if (!Number.isInteger(n) || n < 1) throw new RegxError('usage', `signature index ${n} is not a positive whole number`);
  const u = new URL(base.href);
  u.pathname = `${base.pathname}@${d.algorithm}=${d.encoded}/signature-${n}`;
  return u;
}

/** Whether sigstore signatures of `ref` are read from and written to registry attachments (cosign `.sig` tags). */
export function useSigstoreAttachments(config: RegistriesConfig, ref: ImageReference): boolean {
  for (const ns of applicable(config, ref)) if (ns.useSigstoreAttachments !== undefined) return ns.useSigstoreAttachments;
  return false;
}
