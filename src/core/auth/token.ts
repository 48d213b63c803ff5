// Bearer token exchange (the Distribution token spec and its OAuth2 variant), a per-scope cache,
// and scope strings. Rules follow Distribution's client (internal/client/auth/session.go) and
// containers/image (docker/docker_client.go): GET with Basic auth by default; POST with
// grant_type=refresh_token when an identity token is held; minimum lifetime 60 s.
import { AuthenticationError, NetworkError, RegistryError, RegxError, TlsError, sanitizeRemoteText } from '../errors';
import type { HttpClient } from '../http/client';
import { readBody } from '../http/client';
import type { Challenge } from './challenge';
import type { Credentials } from './credentials';
import { redact } from './redact';

export interface BearerToken {
  token: string;
  /** epoch ms */
  expiresAt: number;
}

export interface FetchBearerTokenOptions {
  challenge: Challenge;
  scopes: string[];
  credentials?: Credentials;
  /** The registry client's transport (its TLS settings, timeouts and retries serve the token server too). */
  http: HttpClient;
  /** https://host:port of the registry: a realm that downgrades https to http is refused. */
  registryUrl: string;
  signal?: AbortSignal;
  /** OAuth2 client_id; the spec makes it required for POST. */
  clientId?: string;
  /** Use the OAuth2 password grant (POST) for username/password too, falling back to GET where unsupported. */
  oauth?: boolean;
  /** Clock, for tests of expiry arithmetic. */
  now?: () => number;
}

/** The token spec's default and minimum lifetime (containers/image minimumTokenLifetimeSeconds). */
export const MIN_TOKEN_LIFETIME_SECONDS = 60;
/** containers/image iolimits.MaxAuthTokenBodySize. */
const MAX_TOKEN_BODY = 1 << 20;
const DEFAULT_CLIENT_ID = 'regx';

/** A token realm we refuse to follow: it would send credentials in clear text, or it is not a URL. */
export class TokenRealmError extends AuthenticationError {}

function registryHost(registryUrl: string): string {
  try {
    return new URL(registryUrl).host;
  } catch {
    return registryUrl;
  }
}

/** "repository:name:pull,push" */
export function scopeFor(repository: string, actions: ('pull' | 'push' | 'delete' | '*')[]): string {
  return `repository:${repository}:${[...new Set(actions)].join(',')}`;
}

/** The scope for `_catalog`. */
export const CATALOG_SCOPE = 'registry:catalog:*';

/** Scopes named by a challenge (`scope="a b"`, space-separated), e.g. on an insufficient_scope 401. */
export function challengeScopes(challenge: Challenge): string[] {
  return (challenge.params.scope ?? '').split(' ').filter(Boolean);
}

/** The token server's own words, if it sent any (OCI `errors`, OAuth2 `error_description`, `details`). */
function serverMessage(text: string): string | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const errs = o.errors;
    if (Array.isArray(errs) && errs[0] && typeof (errs[0] as { message?: unknown }).message === 'string') return (errs[0] as { message: string }).message;
    for (const k of ['error_description', 'details', 'message', 'error']) if (typeof o[k] === 'string') return o[k] as string;
  } catch {
    /* not JSON */
  }
  return undefined;
}

interface Exchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

function buildGet(realm: URL, service: string | undefined, scopes: string[], creds: Credentials | undefined): Exchange {
  const url = new URL(realm);
  const headers: Record<string, string> = {};
  if (creds?.username) url.searchParams.append('account', creds.username);
  if (service) url.searchParams.append('service', service);
  for (const s of scopes) url.searchParams.append('scope', s);
  if (creds?.username && creds.password) {
    headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
  }
  return { method: 'GET', url, headers };
}

function buildPost(realm: URL, service: string | undefined, scopes: string[], creds: Credentials, clientId: string): Exchange {
  const form = new URLSearchParams();
  // The OAuth2 variant of the spec takes one space-delimited scope, as Distribution's client sends it.
  if (scopes.length) form.set('scope', scopes.join(' '));
  if (service) form.set('service', service);
  form.set('client_id', clientId);
  if (creds.identityToken) {
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', creds.identityToken);
  } else {
    form.set('grant_type', 'password');
    form.set('username', creds.username);
    form.set('password', creds.password);
  }
  return { method: 'POST', url: new URL(realm), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
}

interface RawAnswer {
  status: number;
  text: string;
}

async function send(ex: Exchange, opts: FetchBearerTokenOptions, registry: string): Promise<RawAnswer> {
  const where = `${ex.url.protocol}//${ex.url.host}`;
  try {
    const res = await opts.http.send({
      method: ex.method,
      url: ex.url,
      headers: { ...ex.headers, accept: 'application/json' },
      body: ex.body,
      signal: opts.signal,
    });
    const text = (
      await readBody(
        res,
        MAX_TOKEN_BODY,
        (size) =>
          new RegxError('too-large', `token server ${where} for registry ${registry} answered ${size} bytes, more than the ${MAX_TOKEN_BODY}-byte limit`),
        ex.url,
      )
    ).toString('utf8');
    return { status: res.statusCode, text };
  } catch (err) {
    // The transport's errors name the host; say it is the token server, and for which registry.
    // The same error (its reason, and for an untrusted CA the presented certificate) with the context in front.
    if (err instanceof TlsError || err instanceof NetworkError) err.message = `token server ${where} for registry ${registry}: ${err.message}`;
    throw err;
  }
}

function parseToken(text: string, now: number, registry: string, host: string): BearerToken {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AuthenticationError(`token server ${host} for registry ${registry} answered something that is not JSON`, registry);
  }
  const token = typeof o.token === 'string' && o.token ? o.token : typeof o.access_token === 'string' ? o.access_token : '';
  if (!token) throw new AuthenticationError(`token server ${host} for registry ${registry} answered without a token`, registry);
  let lifetime = typeof o.expires_in === 'number' && Number.isFinite(o.expires_in) ? o.expires_in : 0;
  if (lifetime < MIN_TOKEN_LIFETIME_SECONDS) lifetime = MIN_TOKEN_LIFETIME_SECONDS;
  const issued = typeof o.issued_at === 'string' ? Date.parse(o.issued_at) : NaN;
  const issuedAt = Number.isNaN(issued) ? now : issued;
  return { token, expiresAt: issuedAt + lifetime * 1000 };
}

function refused(status: number, text: string, ex: Exchange, registry: string, creds: Credentials | undefined): Error {
  const host = ex.url.host;
  const said = serverMessage(text);
  const detail = said ? ` (${sanitizeRemoteText(said, 200)})` : '';
  if (status === 401 || status === 403) {
    let what: string;
    if (creds?.identityToken && ex.method === 'POST') what = `refused the identity token from ${creds.source}`;
    else if (creds?.username) what = `refused the username/password for "${creds.username}" from ${creds.source}`;
    else what = 'requires credentials';
    return new AuthenticationError(`registry ${registry}: token server ${host} ${what}${detail}`, registry, creds ? 'auth-refused' : 'auth-required', {
      serverMessage: said && sanitizeRemoteText(said, 200),
    });
  }
  const safeUrl = `${ex.url.protocol}//${ex.url.host}${ex.url.pathname}`;
  return new RegistryError(`registry ${registry}: token server ${host} answered HTTP ${status} to ${ex.method}${detail}`, status, undefined, safeUrl, {
    serverMessage: said && sanitizeRemoteText(said, 200),
  });
}

/**
 * Fetches a Bearer token for scopes from the realm in challenge. Errors name the registry and
 * the token server, never the password or a token.
 */
export async function fetchBearerToken(opts: FetchBearerTokenOptions): Promise<BearerToken> {
  const registry = registryHost(opts.registryUrl);
  const realmText = opts.challenge.params.realm;
  if (!realmText) throw new TokenRealmError(`registry ${registry} asked for a Bearer token but named no token server (no realm in WWW-Authenticate)`, registry);
  let realm: URL;
  try {
    realm = new URL(realmText);
  } catch {
    throw new TokenRealmError(`registry ${registry} named a token server that is not a URL: ${redact(realmText).slice(0, 200)}`, registry);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new TokenRealmError(`registry ${registry} named a token server with an unsupported scheme ${realm.protocol}`, registry);
  }
  if (realm.protocol === 'http:' && opts.registryUrl.startsWith('https:')) {
    throw new TokenRealmError(
      `registry ${registry} is reached over https but sends clients to an http token server (${realm.host}); refusing, because that would send credentials in clear text. Fix the registry's token realm, or reach the registry over http if it is a test registry`,
      registry,
    );
  }
  const service = opts.challenge.params.service || undefined;
  const creds = opts.credentials;
  const now = opts.now ?? Date.now;
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const hasBasic = !!(creds?.username && creds.password);

  let ex: Exchange;
  if (creds && (creds.identityToken || (opts.oauth && hasBasic))) {
    ex = buildPost(realm, service, opts.scopes, creds, clientId);
    const answer = await send(ex, opts, registry);
    if (answer.status >= 200 && answer.status < 300) return parseToken(answer.text, now(), registry, realm.host);
    // A token server without the OAuth2 endpoint: the plain GET still works with a password.
    const unsupported = answer.status === 404 || answer.status === 405 || answer.status === 501;
    if (!(unsupported && hasBasic)) throw refused(answer.status, answer.text, ex, registry, creds);
  }
  ex = buildGet(realm, service, opts.scopes, creds);
  const answer = await send(ex, opts, registry);
  if (answer.status >= 200 && answer.status < 300) return parseToken(answer.text, now(), registry, realm.host);
  throw refused(answer.status, answer.text, ex, registry, creds);
}

/** Tokens per registry+scope, dropped a little before they expire so a request never carries a dead one. */
export class TokenCache {
  private readonly tokens = new Map<string, BearerToken>();
  constructor(
    private readonly marginMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A stable key: registry, account and the scopes in any order. */
  static key(registry: string, scopes: readonly string[], account = ''): string {
    return `${registry}\n${account}\n${[...new Set(scopes)].sort().join(' ')}`;
  }

  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (this.now() >= t.expiresAt - this.marginMs) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  set(key: string, t: BearerToken): void {
    this.tokens.set(key, t);
  }

  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}
