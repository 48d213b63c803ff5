// The native sync config's structure, checked by hand so each problem names where it is
// (`sources[1].tags.semver: ...`). It holds the same rules as schemas/regx-sync.schema.json (a unit
// test runs both over the same valid and invalid files); what a schema cannot say (a regex that does
// not compile, a range that does not parse, a destination name no destination has) is checked in
// config.ts, also with its path.

export interface ConfigProblem {
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hostRe = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;
const envNameRe = /^[A-Za-z_][A-Za-z0-9_]*$/;
const nameRe = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const platformRe = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

class Checker {
  readonly problems: ConfigProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** Unknown keys are mistakes (a misspelt `semvar` would otherwise sync every tag). */
  keys(v: Obj, path: string, allowed: readonly string[], required: readonly string[] = []): void {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.add(join(path, k), `unknown key (expected ${allowed.join(', ')})`);
    for (const k of required) if (!(k in v)) this.add(join(path, k), 'is required');
  }

  bool(v: unknown, path: string): void {
    if (v !== undefined && typeof v !== 'boolean') this.add(path, 'expected true or false');
  }

  str(v: unknown, path: string, pattern?: RegExp, what = 'a non-empty string'): void {
    if (v === undefined) return;
    if (typeof v !== 'string' || v === '') this.add(path, `expected ${what}`);
    else if (pattern && !pattern.test(v)) this.add(path, `"${v}" is not ${what}`);
  }

  int(v: unknown, path: string, min: number, max: number): void {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.add(path, `expected a whole number from ${min} to ${max}`);
  }

  list(v: unknown, path: string, item: (x: unknown, p: string) => void): void {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0) {
      this.add(path, 'expected a non-empty list');
      return;
    }
    const seen = new Set<string>();
    v.forEach((x, i) => {
      item(x, `${path}[${i}]`);
      const key = JSON.stringify(x);
      if (seen.has(key)) this.add(`${path}[${i}]`, 'listed twice');
      seen.add(key);
    });
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function registry(c: Checker, v: unknown, path: string): void {
  if (!isObj(v)) return c.add(path, 'expected a mapping of registry settings');
  c.keys(v, path, ['tlsVerify', 'certDir', 'concurrency', 'rateLimit', 'authFile', 'credentials']);
  c.bool(v.tlsVerify, join(path, 'tlsVerify'));
  c.str(v.certDir, join(path, 'certDir'));
  c.int(v.concurrency, join(path, 'concurrency'), 1, 256);
  if (v.rateLimit !== undefined && (typeof v.rateLimit !== 'number' || !(v.rateLimit > 0) || v.rateLimit > 10_000))
    c.add(join(path, 'rateLimit'), 'expected requests per second, above 0 and at most 10000');
  c.str(v.authFile, join(path, 'authFile'));
  if (v.credentials !== undefined) credentials(c, v.credentials, join(path, 'credentials'));
}

function credentials(c: Checker, v: unknown, path: string): void {
  if (!isObj(v)) return c.add(path, 'expected username (or usernameFromEnv) and passwordFromEnv or passwordFile');
  if ('password' in v)
    c.add(join(path, 'password'), 'a password is never written in the config: use passwordFromEnv (an environment variable) or passwordFile');
  c.keys(Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'password')), path, ['username', 'usernameFromEnv', 'passwordFromEnv', 'passwordFile']);
  c.str(v.username, join(path, 'username'));
  c.str(v.usernameFromEnv, join(path, 'usernameFromEnv'), envNameRe, 'an environment variable name');
  c.str(v.passwordFromEnv, join(path, 'passwordFromEnv'), envNameRe, 'an environment variable name');
  c.str(v.passwordFile, join(path, 'passwordFile'));
  const one = (a: string, b: string): void => {
    if (a in v && b in v) c.add(path, `give ${a} or ${b}, not both`);
    else if (!(a in v) && !(b in v)) c.add(path, `needs ${a} or ${b}`);
  };
  one('username', 'usernameFromEnv');
  if (!('password' in v)) one('passwordFromEnv', 'passwordFile');
}

function destination(c: Checker, v: unknown, path: string): void {
  if (!isObj(v)) return c.add(path, 'expected a mapping with registry (and optionally name, scoped)');
  c.keys(v, path, ['name', 'registry', 'scoped'], ['registry']);
  c.str(v.name, join(path, 'name'), nameRe, 'a name (letters, digits, ".", "_", "-")');
  c.str(v.registry, join(path, 'registry'));
  c.bool(v.scoped, join(path, 'scoped'));
}

function tags(c: Checker, v: unknown, path: string): void {
  if (!isObj(v)) return c.add(path, 'expected a mapping: list, or regex/semver/newest');
  c.keys(v, path, ['list', 'regex', 'semver', 'newest']);
  c.list(v.list, join(path, 'list'), (x, p) => c.str(x, p, undefined, 'a tag or digest'));
  c.str(v.regex, join(path, 'regex'));
  c.str(v.semver, join(path, 'semver'));
  c.int(v.newest, join(path, 'newest'), 1, 100_000);
  if ('list' in v)
    for (const k of ['regex', 'semver', 'newest']) if (k in v) c.add(join(path, k), 'cannot be combined with list (a list names the tags itself)');
}

function source(c: Checker, v: unknown, path: string): void {
  if (!isObj(v)) return c.add(path, 'expected a mapping with repository');
  c.keys(v, path, ['repository', 'tags', 'platforms', 'referrers', 'signatures', 'destinations', 'prune'], ['repository']);
  c.str(v.repository, join(path, 'repository'));
  if (v.tags !== undefined) tags(c, v.tags, join(path, 'tags'));
  const platforms = v.platforms;
  if (platforms !== undefined && platforms !== 'all') {
    if (!Array.isArray(platforms)) c.add(join(path, 'platforms'), 'expected all or a list of OS/ARCH[/VARIANT]');
    else c.list(platforms, join(path, 'platforms'), (x, p) => c.str(x, p, platformRe, 'a platform OS/ARCH[/VARIANT] (e.g. linux/arm64)'));
  }
  c.bool(v.referrers, join(path, 'referrers'));
  c.bool(v.signatures, join(path, 'signatures'));
  c.bool(v.prune, join(path, 'prune'));
  c.list(v.destinations, join(path, 'destinations'), (x, p) => c.str(x, p, undefined, 'a destination name'));
}

/** Every structural problem of a parsed config, each with its path; none means the shape is right. */
export function validateSyncConfig(doc: unknown): ConfigProblem[] {
  const c = new Checker();
  if (!isObj(doc)) {
    c.add('', 'expected a mapping with version, destinations and sources');
    return c.problems;
  }
  c.keys(doc, '', ['version', 'registries', 'destinations', 'sources'], ['version', 'sources', 'destinations']);
  if ('version' in doc && doc.version !== 1) c.add('version', 'expected 1');
  if (doc.registries !== undefined) {
    if (!isObj(doc.registries)) c.add('registries', 'expected a mapping of registry hosts to settings');
    else
      for (const [host, settings] of Object.entries(doc.registries)) {
        const p = `registries["${host}"]`;
        if (!hostRe.test(host)) c.add(p, `"${host}" is not a registry host (host or host:port)`);
        registry(c, settings, p);
      }
  }
  c.list(doc.destinations, 'destinations', (x, p) => destination(c, x, p));
  c.list(doc.sources, 'sources', (x, p) => source(c, x, p));
  return c.problems;
}
