// The native sync config (`*.regx-sync.yaml`, schemas/regx-sync.schema.json): several sources and
// destinations, tag filters, platforms, referrers, per-registry limits and credentials, prune. Read
// here into sync targets; every problem names its path in the file. Credentials are references (an
// environment variable, a file) resolved only when the run starts, so the file holds no secret.
import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors';
import { parsePlatform } from '../image/platform';
import { isNameOnly, isValidDigest, parseNormalizedReference, withDigest, withTag } from '../reference/reference';
import { syncDestination } from './naming';
import type { DestinationRule, SyncTarget } from './run';
import { parseRange } from './semver';
import { goRegExp } from './tag-filter';
import { validateSyncConfig } from './config-validate';
import type { ConfigProblem } from './config-validate';
import type { EndpointSettings, SourceSpec, TagSelection } from './types';

/** Where a registry's credentials are: names of variables and files, never the secret itself. */
export interface CredentialRefs {
  username?: string;
  usernameFromEnv?: string;
  passwordFromEnv?: string;
  passwordFile?: string;
}

export interface RegistrySettings {
  tlsVerify?: boolean;
  certDir?: string;
  concurrency?: number;
  rateLimit?: number;
  authFile?: string;
  credentials?: CredentialRefs;
}

export interface NativeSyncConfig {
  /** By registry host. */
  registries: Map<string, RegistrySettings>;
  targets: SyncTarget[];
}

interface RawConfig {
  version: 1;
  registries?: Record<string, RegistrySettings>;
  destinations: Array<{ name?: string; registry: string; scoped?: boolean }>;
  sources: Array<{
    repository: string;
    tags?: { list?: string[]; regex?: string; semver?: string; newest?: number };
    platforms?: 'all' | string[];
    referrers?: boolean;
    signatures?: boolean;
    destinations?: string[];
    prune?: boolean;
  }>;
}

export class SyncConfigError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${file}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`);
  }
}

/** Relative paths in the file are relative to the file's folder, so a config travels with its certs. */
function fromFile(baseDir: string, path: string | undefined): string | undefined {
  return path === undefined ? undefined : isAbsolute(path) ? path : resolve(baseDir, path);
}

function settingsEndpoint(s: RegistrySettings | undefined): EndpointSettings | undefined {
  if (!s) return undefined;
  const e: EndpointSettings = {};
  if (s.tlsVerify !== undefined) e.tlsVerify = s.tlsVerify;
  if (s.certDir !== undefined) e.certDir = s.certDir;
  if (s.authFile !== undefined) e.authFile = s.authFile;
  return e;
}

/** The registry host of a REGISTRY[/PATH] destination, as reference normalization reads it. */
function destinationHost(prefix: string): string {
  return parseNormalizedReference(`${prefix.replace(/\/+$/, '')}/x`).registry;
}

/**
 * Reads a native config: YAML, then its structure (config-validate.ts), then what only a reader can
 * check (names, regexes, ranges, platforms, destination names). `file` names the file in messages;
 * relative paths in it resolve against `file`'s folder.
 */
export function parseSyncConfig(text: string, file: string): NativeSyncConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new UsageError(`${file}: ${doc.errors[0]?.message.split('\n')[0]}`);
  const data: unknown = doc.toJS();
  const problems = validateSyncConfig(data);
  if (problems.length > 0) throw new SyncConfigError(file, problems);
  const raw = data as RawConfig;
  const baseDir = dirname(resolve(file));
  const semantic: ConfigProblem[] = [];
  const check = (path: string, f: () => void): void => {
    try {
      f();
    } catch (err) {
      semantic.push({ path, message: (err as Error).message });
    }
  };

  const registries = new Map<string, RegistrySettings>();
  for (const [host, s] of Object.entries(raw.registries ?? {})) {
    const creds = s.credentials ? { ...s.credentials, passwordFile: fromFile(baseDir, s.credentials.passwordFile) } : undefined;
    registries.set(host, { ...s, certDir: fromFile(baseDir, s.certDir), authFile: fromFile(baseDir, s.authFile), credentials: creds });
  }

  const names = new Map<string, number>();
  const rules = raw.destinations.map((d, i) => {
    if (d.name !== undefined) {
      if (names.has(d.name)) semantic.push({ path: `destinations[${i}].name`, message: `"${d.name}" is also destinations[${names.get(d.name)}]'s name` });
      names.set(d.name, i);
    }
    let host = '';
    check(`destinations[${i}].registry`, () => {
      // A tag or digest in the prefix makes `PREFIX/x` no name at all.
      host = destinationHost(d.registry.replace(/^docker:\/\//, ''));
    });
    const prefix = d.registry.replace(/^docker:\/\//, '');
    const endpoint = settingsEndpoint(registries.get(host));
    const rule: DestinationRule = { map: (src) => syncDestination(src, prefix, d.scoped === true), endpoint, host };
    return rule;
  });

  const targets: SyncTarget[] = [];
  raw.sources.forEach((s, i) => {
    const at = `sources[${i}]`;
    let ref;
    try {
      ref = parseNormalizedReference(s.repository.replace(/^docker:\/\//, ''));
      if (!isNameOnly(ref)) throw new Error(`"${s.repository}" names an image: give the repository, and pick tags under tags`);
    } catch (err) {
      semantic.push({ path: `${at}.repository`, message: (err as Error).message });
      return;
    }
    const repo = ref;
    let select: TagSelection = { kind: 'all' };
    const tags = s.tags ?? {};
    if (tags.list) {
      tags.list.forEach((t, j) =>
        check(`${at}.tags.list[${j}]`, () => {
          if (isValidDigest(t)) withDigest(repo, t);
          else withTag(repo, t);
        }),
      );
      select = { kind: 'list', refs: tags.list };
    } else if (tags.regex !== undefined || tags.semver !== undefined) {
      if (tags.regex !== undefined) check(`${at}.tags.regex`, () => goRegExp(tags.regex as string));
      if (tags.semver !== undefined) check(`${at}.tags.semver`, () => parseRange(tags.semver as string));
      select = { kind: 'match', regex: tags.regex, semver: tags.semver };
    }
    const spec: SourceSpec = { ref, select, endpoint: settingsEndpoint(registries.get(ref.registry)), excludeReferrerTags: true };
    if (tags.newest !== undefined) spec.newest = tags.newest;
    if (Array.isArray(s.platforms)) {
      const list = s.platforms;
      check(`${at}.platforms`, () => {
        spec.platforms = list.map((p) => parsePlatform(p));
      });
    } else if (s.platforms === 'all') spec.platforms = 'all';
    spec.referrers = { signatures: s.signatures ?? true, others: s.referrers ?? true };
    if (s.prune) spec.prune = true;
    let chosen: DestinationRule[] = rules;
    if (s.destinations) {
      chosen = [];
      s.destinations.forEach((n, j) => {
        const k = names.get(n);
        if (k === undefined) semantic.push({ path: `${at}.destinations[${j}]`, message: `no destination is named "${n}"` });
        else chosen.push(rules[k] as DestinationRule);
      });
    }
    targets.push({ spec, destinations: chosen });
  });
  if (semantic.length > 0) throw new SyncConfigError(file, semantic);
  return { registries, targets };
}

/** Reads a variable or a file a config names, for a secret: the error names the path, never a value. */
async function secretFrom(refs: CredentialRefs, path: string, env: NodeJS.ProcessEnv): Promise<{ username: string; password: string }> {
  let username = refs.username;
  if (refs.usernameFromEnv !== undefined) {
    username = env[refs.usernameFromEnv];
    if (!username) throw new UsageError(`${path}.usernameFromEnv: the environment variable ${refs.usernameFromEnv} is not set`);
  }
  let password: string | undefined;
  if (refs.passwordFromEnv !== undefined) {
    password = env[refs.passwordFromEnv];
    if (password === undefined || password === '') throw new UsageError(`${path}.passwordFromEnv: the environment variable ${refs.passwordFromEnv} is not set`);
  } else if (refs.passwordFile !== undefined) {
    const file = refs.passwordFile;
    const stat = await fsp.stat(file).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`${path}.passwordFile: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : (err.code ?? 'error')}`);
    });
    if (!stat.isFile() || stat.size > 64 * 1024) throw new UsageError(`${path}.passwordFile: ${file} is not a file of at most 64 KiB`);
    // A mounted secret usually ends with a newline that is not part of the password.
    password = (await fsp.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  }
  return { username: username ?? '', password: password ?? '' };
}

/**
 * The config's targets with each registry's credentials read (from the environment or files) into
 * the endpoints that reach it. Done once, before the run, so a missing variable stops it before any copy.
 */
export async function resolveConfigCredentials(config: NativeSyncConfig, env: NodeJS.ProcessEnv): Promise<SyncTarget[]> {
  const resolved = new Map<string, { username: string; password: string }>();
  for (const [host, s] of config.registries) {
    if (s.credentials) resolved.set(host, await secretFrom(s.credentials, `registries["${host}"].credentials`, env));
  }
  const withCreds = (host: string, e: EndpointSettings | undefined): EndpointSettings | undefined => {
    const c = resolved.get(host);
    return c ? { ...e, credentials: c } : e;
  };
  return config.targets.map((t) => ({
    spec: { ...t.spec, endpoint: withCreds(t.spec.ref.registry, t.spec.endpoint) },
    destinations: t.destinations.map((d) => ({ ...d, endpoint: d.host === undefined ? d.endpoint : withCreds(d.host, d.endpoint) })),
  }));
}
