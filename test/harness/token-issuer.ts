// A small Bearer token service for Distribution's `auth: token` mode (the Docker token protocol):
// it authenticates Basic credentials or the OAuth2 POST form, and signs RS256 JWTs the real registry verifies.
// Every request is recorded so tests can assert on what a client asked for (scopes, GET vs POST, account).
import { X509Certificate, createPrivateKey, createHash, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sharedCerts } from './certs';
import { makeTempDir } from './temp';
import { run } from './tools';

export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenIssuerOptions {
  /** The only account accepted (Basic or POST form). Without it, any credentials are accepted. */
  username?: string;
  password?: string;
  /** What a request without credentials gets: a token with an empty access list (default), or 401. */
  anonymous?: 'empty' | 'deny';
  /** `expires_in` in seconds (default 300); Distribution also checks the JWT `exp`, set from this. */
  expiresIn?: number;
  /** Which fields carry the token in the GET answer (default both `token` and `access_token`). */
  responseFields?: 'both' | 'token' | 'access_token';
  /** Serve over HTTPS with the shared test CA (for realm-downgrade tests). Default plain HTTP. */
  tls?: boolean;
  /** `aud` / the registry's `service` (default "regx-test-registry"). */
  service?: string;
  /** `iss` / the registry's `issuer` (default "regx-test-issuer"). */
  issuer?: string;
  /** Which actions an account gets for one requested scope; default: all requested (anonymous: none). */
  grant?: (account: string | undefined, requested: TokenAccess) => string[];
  /**
   * How the JWT header names the signing key: `x5c` (the certificate, default), `kid` (libtrust fingerprint of the
   * public key, matched against the rootcertbundle's keys) or both. Distribution 2.8.2 accepts all three (checked
   * here by running it; a wrong kid gets 401).
   */
  keyHeader?: 'x5c' | 'kid' | 'both';
}

export interface TokenRequestRecord {
  method: string;
  path: string;
  /** Query parameters, every value kept (`scope` may repeat). */
  query: Record<string, string[]>;
  post: boolean;
  /** The POST form fields (password and refresh_token values are replaced by "***"). */
  form?: Record<string, string>;
  grantType?: string;
  /** Account named by Basic credentials or the POST form (checked or not). */
  account?: string;
  authenticated: boolean;
  /** The scope strings asked for, as sent (`repository:name:pull,push`). */
  scopes: string[];
  status: number;
}

export interface TokenIssuer {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** The realm the registry advertises: URL + /token. */
  realm: string;
  service: string;
  issuer: string;
  tls: boolean;
  /** PEM certificate whose key signs tokens: the registry's `rootcertbundle`. */
  signingCertFile: string;
  /** CA that signed the HTTPS certificate, when tls. */
  caFile?: string;
  requests: TokenRequestRecord[];
  /** Sets the accepted account (e.g. to change the password mid-test). */
  setCredentials(username: string | undefined, password: string | undefined): void;
  /** Signs a token directly (for tests that need a token without the HTTP dance). */
  issue(subject: string, access: TokenAccess[], expiresIn?: number): string;
  clearRequests(): void;
  stop(): Promise<void>;
}

/** Parses `type:name:actions` (name may hold ':' e.g. never for repositories, but be lenient). */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** libtrust's key id: SHA-256 of the DER public key, first 240 bits, base32, in 4-character groups. */
export function libtrustKeyId(publicKeyDer: Buffer): string {
  const sum = createHash('sha256').update(publicKeyDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of sum) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join(':') ?? out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? { user: decoded, pass: '' } : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

/** Starts a token issuer on 127.0.0.1 at a free port (the OS picks it). */
export async function startTokenIssuer(opts: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const dir = makeTempDir('token');
  const keyFile = join(dir, 'token.key');
  const signingCertFile = join(dir, 'token.pem');
  const r = await run(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', signingCertFile, '-days', '3', '-subj', '/CN=regx-test-token-signer'],
    { cwd: dir },
  );
  if (r.code !== 0) throw new Error(`openssl could not make the token signing key: ${r.stderr.trim()}`);
  const key: KeyObject = createPrivateKey(readFileSync(keyFile));
  const cert = new X509Certificate(readFileSync(signingCertFile));
  const keyHeader = opts.keyHeader ?? 'x5c';
  const header: Record<string, unknown> = { typ: 'JWT', alg: 'RS256' };
  if (keyHeader !== 'kid') header.x5c = [cert.raw.toString('base64')];
  if (keyHeader !== 'x5c') header.kid = libtrustKeyId(cert.publicKey.export({ type: 'spki', format: 'der' }));

  const service = opts.service ?? 'regx-test-registry';
  const issuer = opts.issuer ?? 'regx-test-issuer';
  const defaultExpiry = opts.expiresIn ?? 300;
  let username = opts.username;
  let password = opts.password;
  const refreshTokens = new Map<string, string>();
  const requests: TokenRequestRecord[] = [];

  const issue = (subject: string, access: TokenAccess[], expiresIn = defaultExpiry): string => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: subject, aud: service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), key))}`;
  };

  const grantFor = (account: string | undefined, scopes: string[]): TokenAccess[] =>
    scopes.flatMap((s) => {
      const wanted = parseScope(s);
      if (!wanted) return [];
      const actions = opts.grant ? opts.grant(account, wanted) : account === undefined ? [] : wanted.actions;
      return actions.length ? [{ ...wanted, actions }] : [];
    });

  const accepts = (user: string, pass: string): boolean => (username === undefined || user === username) && (password === undefined || pass === password);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string[]> = {};
    for (const [k, v] of u.searchParams) (query[k] ??= []).push(v);
    const post = req.method === 'POST';
    const rec: TokenRequestRecord = { method: req.method ?? '', path: u.pathname, query, post, authenticated: false, scopes: [], status: 0 };
    requests.push(rec);
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      rec.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...extra });
      res.end(JSON.stringify(body));
    };
    if (u.pathname !== '/token') return reply(404, { error: 'not_found' });
    if (post) {
      const form = new URLSearchParams(await readBody(req));
      const grantType = form.get('grant_type') ?? '';
      rec.grantType = grantType;
      rec.form = Object.fromEntries([...form].map(([k, v]) => [k, k === 'password' || k === 'refresh_token' ? '***' : v]));
      rec.scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      let account: string | undefined;
      if (grantType === 'password') {
        account = form.get('username') ?? '';
        rec.account = account;
        if (!accepts(account, form.get('password') ?? '')) return reply(401, { error: 'invalid_grant' });
      } else if (grantType === 'refresh_token') {
        account = refreshTokens.get(form.get('refresh_token') ?? '');
        rec.account = account;
        if (account === undefined) return reply(401, { error: 'invalid_grant' });
      } else {
        return reply(400, { error: 'unsupported_grant_type' });
      }
      rec.authenticated = true;
      const refresh = randomUUID();
      refreshTokens.set(refresh, account);
      const token = issue(account, grantFor(account, rec.scopes));
      return reply(200, {
        access_token: token,
        expires_in: defaultExpiry,
        issued_at: new Date().toISOString(),
        refresh_token: refresh,
        scope: rec.scopes.join(' '),
      });
    }
    if (req.method !== 'GET') return reply(405, { error: 'method_not_allowed' });
    rec.scopes = (query.scope ?? []).flatMap((s) => s.split(' ')).filter(Boolean);
    const basic = parseBasic(req.headers.authorization);
    let account: string | undefined;
    if (basic) {
      rec.account = basic.user;
      if (!accepts(basic.user, basic.pass)) {
        return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }, { 'www-authenticate': 'Basic realm="regx-test-token"' });
      }
      rec.authenticated = true;
      account = basic.user;
    } else if (opts.anonymous === 'deny') {
      return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'credentials required' }] }, { 'www-authenticate': 'Basic realm="regx-test-token"' });
    }
    const token = issue(account ?? '', grantFor(account, rec.scopes));
    const body: Record<string, unknown> = { expires_in: defaultExpiry, issued_at: new Date().toISOString() };
    if (opts.responseFields !== 'access_token') body.token = token;
    if (opts.responseFields !== 'token') body.access_token = token;
    if (account !== undefined && query.offline_token?.[0] === 'true') {
      const refresh = randomUUID();
      refreshTokens.set(refresh, account);
      body.refresh_token = refresh;
    }
    return reply(200, body);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  };
  let server: Server;
  let caFile: string | undefined;
  if (opts.tls) {
    const certs = await sharedCerts();
    caFile = certs.caFile;
    server = createHttpsServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) }, listener);
  } else {
    server = createHttpServer(listener);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Do not keep the test process alive just for this server.
  server.unref();
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    tls: Boolean(opts.tls),
    signingCertFile,
    caFile,
    requests,
    setCredentials(u, p) {
      username = u;
      password = p;
    },
    issue,
    clearRequests() {
      requests.length = 0;
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
