// The flags every registry-facing verb takes, with skopeo's spellings, and the client they build.
// Copy takes them twice, with `src-` and `dest-` prefixes; `--authfile` is shared.
import { parseCredsFlag, resolveCredentials } from '../core/auth/credentials';
import { UsageError } from '../core/errors';
import type { ImageLocation } from '../core/reference/transport';
import { hasTransportPrefix, parseImageLocation } from '../core/reference/transport';
import type { ImageReference } from '../core/reference/reference';
import { registryApiHost } from '../core/reference/registry-host';
import { RegistryClient } from '../core/registry/client';
import type { RegistryClientOptions } from '../core/registry/client';
import { flagBool, flagString } from './args';
import type { FlagSpec, ParsedArgs } from './args';
import type { CliIO } from './io';
import { noteRegistrySide } from './remedies';

export function registryFlagSpecs(prefix = ''): FlagSpec[] {
  return [
    { name: `${prefix}creds`, kind: 'string', help: 'USERNAME:PASSWORD for the registry' },
    { name: `${prefix}username`, kind: 'string', help: 'username for the registry' },
    { name: `${prefix}password`, kind: 'string', help: 'password for the registry (prefer --creds or a login)' },
    { name: `${prefix}no-creds`, kind: 'boolean', help: 'access the registry anonymously' },
    { name: `${prefix}registry-token`, kind: 'string', help: 'a bearer token to send as is' },
    { name: `${prefix}tls-verify`, kind: 'boolean', help: 'verify TLS certificates (default true); false also allows plain HTTP' },
    { name: `${prefix}cert-dir`, kind: 'string', help: 'folder with ca.crt (and client.cert/client.key) for this registry' },
  ];
}

export const authFileFlag: FlagSpec = {
  name: 'authfile',
  kind: 'string',
  help: 'auth.json to read credentials from (default: the containers auth.json chain)',
};
export const debugFlag: FlagSpec = { name: 'debug', kind: 'boolean', help: 'print where credentials came from and retries, with secrets redacted' };

export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const shown = specs.filter((s) => !s.hidden);
  const names = shown.map((s) => `${s.short ? `-${s.short}, ` : ''}--${s.name}${s.kind === 'boolean' ? '' : ' VALUE'}`);
  const width = Math.max(0, ...names.map((n) => n.length));
  return shown.map((s, i) => `  ${(names[i] as string).padEnd(width)}  ${s.help ?? ''}`).join('\n');
}

/** Parses an image argument: any transport we support; a bare reference is read as docker://, as `regx ref` does. */
export function imageLocationArg(value: string | undefined, what: string): ImageLocation {
  if (!value) throw new UsageError(`missing ${what}: expected docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST]`);
  return parseImageLocation(hasTransportPrefix(value) ? value : `docker://${value}`);
}

/** Parses a docker:// (or bare) reference argument; the error names the argument. */
export function dockerReferenceArg(value: string | undefined, what: string): ImageReference {
  const location = imageLocationArg(value, what);
  if (location.transport !== 'docker') throw new UsageError(`${what} must be a docker:// reference, not ${location.transport}:`);
  return location.ref;
}

export function clientFor(
  registry: string,
  repository: string | undefined,
  p: ParsedArgs,
  io: CliIO,
  prefix = '',
  extra: Pick<RegistryClientOptions, 'gate'> = {},
): RegistryClient {
  const creds = flagString(p, `${prefix}creds`);
  const username = flagString(p, `${prefix}username`);
  const password = flagString(p, `${prefix}password`);
  const noCreds = flagBool(p, `${prefix}no-creds`, false);
  const token = flagString(p, `${prefix}registry-token`);
  if (noCreds && (creds || username || token))
    throw new UsageError(`--${prefix}no-creds cannot be combined with --${prefix}creds, --${prefix}username or --${prefix}registry-token`);
  if (creds && (username || password)) throw new UsageError(`--${prefix}creds and --${prefix}username/--${prefix}password cannot be used together`);
  const explicit = creds
    ? parseCredsFlag(creds, `--${prefix}creds`)
    : username
      ? { username, password: password ?? '', source: `--${prefix}username` }
      : undefined;
  const debug = flagBool(p, 'debug', io.globals?.debug ?? false) ? (m: string) => io.stderr.write(`debug: ${m}\n`) : undefined;
  const authFile = flagString(p, 'authfile');
  noteRegistrySide(io.registrySides, registry, prefix);
  noteRegistrySide(io.registrySides, registryApiHost(registry), prefix);
  return new RegistryClient(registry, {
    tlsVerify: flagBool(p, `${prefix}tls-verify`, true),
    certDir: flagString(p, `${prefix}cert-dir`),
    bearerToken: token,
    credentials: noCreds || token ? undefined : () => resolveCredentials(registry, repository, { explicit, authFile, env: io.env, debug }),
    onRetry: debug ? (what, attempt, reason, delay) => debug(`${what}: ${reason}, retry ${attempt} in ${Math.round(delay)} ms`) : undefined,
    ...extra,
  });
}
