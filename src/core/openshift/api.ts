// The REST client for one OpenShift/Kubernetes API server, as one user: undici with the cluster's CA
// (verification on; off only when the kubeconfig's cluster entry says insecure-skip-tls-verify), the
// bearer token, and failures turned into typed errors carrying the server's own `Status` message.
// The token is only ever put in the Authorization header: never in a message, URL or log line.
import { createHash } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import type { Agent, Dispatcher } from 'undici';
import { KubernetesError, NetworkError, TlsError, UntrustedCertificateError } from '../errors';
import { undici } from '../http/undici';
import type { ClusterConnection, KubeConfig } from './kubeconfig';
import { loadKubeconfig, normalizeServerUrl, resolveContext } from './kubeconfig';
import type { Status } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  /** Default `application/json`; a merge patch uses `application/merge-patch+json`. */
  contentType?: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Node's codes for a certificate that does not chain to a trusted CA (trusting the CA fixes these). */
const untrustedCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
/** Other certificate failures: trusting the CA would not help (wrong host, expired, ...). */
const otherTlsCodes = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED']);

/** The most telling error code in a cause chain: a certificate code if there is one, else the first code. */
function errorCode(err: unknown): string | undefined {
  let first: string | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (untrustedCodes.has(code) || otherTlsCodes.has(code)) return code;
    first ??= code;
  }
  return first;
}

export class OpenShiftClient {
  readonly server: string;
  private readonly dispatcher: Agent;
  private readonly token: string | undefined;

  constructor(readonly connection: ClusterConnection, opts: { timeoutMs?: number } = {}) {
    this.server = normalizeServerUrl(connection.server);
    this.token = connection.token;
    const timeout = opts.timeoutMs ?? 30_000;
    this.dispatcher = new (undici().Agent)({
      connect: {
        timeout,
        rejectUnauthorized: !connection.insecure,
        ...(connection.caPem ? { ca: connection.caPem } : {}),
        ...(connection.clientCertPem && connection.clientKeyPem ? { cert: connection.clientCertPem, key: connection.clientKeyPem } : {}),
        ...(connection.tlsServerName ? { servername: connection.tlsServerName } : {}),
      },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  }

  /** A client for a kubeconfig context (by default the current one of the merged KUBECONFIG). */
  static fromKubeconfig(config: KubeConfig = loadKubeconfig(), contextName?: string): OpenShiftClient {
    return new OpenShiftClient(resolveContext(config, contextName));
  }

  /** The same server and TLS settings with another token (login, or the OAuth flow that has none yet). */
  withToken(token: string | undefined): OpenShiftClient {
    return new OpenShiftClient({ ...this.connection, token });
  }

  /** The bearer token this client sends (what `oc whoami -t` prints); no request is made. */
  bearerToken(): string | undefined {
    return this.token;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  get<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.json<T>('GET', path, opts);
  }
  post<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.json<T>('POST', path, { ...opts, body });
  }
  put<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.json<T>('PUT', path, { ...opts, body });
  }
  patch<T>(path: string, body: unknown, contentType = 'application/merge-patch+json', opts?: RequestOptions): Promise<T> {
    return this.json<T>('PATCH', path, { ...opts, body, contentType });
  }
  delete<T = Status>(path: string, opts?: RequestOptions): Promise<T> {
    return this.json<T>('DELETE', path, opts);
  }

  /** A JSON call: 2xx bodies are parsed; anything else throws a KubernetesError with the server's message. */
  async json<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.jsonWithStatus<T>(method, path, opts)).body;
  }

  /** As json(), keeping the status (201 Created vs 200 OK). */
  async jsonWithStatus<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const res = await this.raw(method, path, opts);
    if (res.status < 200 || res.status > 299) throw statusError(res, method, path);
    return { status: res.status, body: (res.text ? JSON.parse(res.text) : {}) as T };
  }

  /** One request with no interpretation of the status; network and TLS failures are typed. */
  async raw(method: Method, path: string, opts: RequestOptions & { bearer?: boolean; url?: string } = {}): Promise<RawResponse> {
    const url = new URL(opts.url ?? this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'regx/0.1 (registry-explorer)', ...opts.headers };
    if (this.token && opts.bearer !== false) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(url, { method, headers, body, dispatcher: this.dispatcher, signal: opts.signal });
    } catch (e) {
      throw await this.transportError(e, url);
    }
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }

  private async transportError(e: unknown, url: URL): Promise<Error> {
    const code = errorCode(e);
    const host = url.host;
    if (code && untrustedCodes.has(code)) {
      const presented = await presentedCa(url, this.connection.tlsServerName).catch(() => undefined);
      const fp = presented ? ` (SHA-256 fingerprint ${presented.fingerprint256})` : '';
      return new UntrustedCertificateError(
        `the server ${host} uses a certificate signed by an unknown authority${fp}: trust this CA for the cluster, or turn off TLS verification for it explicitly`,
        host,
        presented?.pem,
        presented?.fingerprint256,
        { cause: e },
      );
    }
    if (code && otherTlsCodes.has(code)) {
      const why = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'is not valid for this host name' : code === 'CERT_HAS_EXPIRED' ? 'has expired' : `was refused (${code})`;
      return new TlsError(`the TLS certificate of ${host} ${why}: fix the server URL or the certificate, or turn off TLS verification for this cluster explicitly`, host, { cause: e });
    }
    if ((e as { name?: string }).name === 'AbortError') return e as Error;
    return new NetworkError(`cannot reach ${url.origin}: ${code ?? (e as Error).message}`, { cause: e });
  }
}

/** Turns a failure answer into a KubernetesError, with the Status message when the body is one. */
export function statusError(res: RawResponse, method: string, path: string): KubernetesError {
  let status: Partial<Status> | undefined;
  try {
    const parsed = JSON.parse(res.text) as Partial<Status>;
    if (parsed && parsed.kind === 'Status') status = parsed;
  } catch {
    // not JSON: an HTML error page from a proxy, or plain text
  }
  const fallback = res.status === 401 ? 'Unauthorized' : `the server answered ${res.status} to ${method} ${path}${res.text && !res.text.startsWith('<') ? `: ${res.text.slice(0, 200).trim()}` : ''}`;
  return new KubernetesError(status?.message || fallback, res.status, status?.reason, path, status?.details);
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/**
 * The top certificate of the chain a server presents (its root CA when the server sends it, else the
 * highest intermediate), fetched with verification off only to show it to the user, never to talk to it.
 */
export function presentedCa(url: URL, servername?: string): Promise<{ pem: string; fingerprint256: string; subject: string }> {
  return new Promise((resolvePromise, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 443);
    const isIp = /^[\d.]+$/.test(host) || host.includes(':');
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, servername: servername ?? (isIp ? undefined : host) }, () => {
      let cert = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
      for (let i = 0; i < 10 && cert.issuerCertificate && cert.issuerCertificate !== cert && cert.issuerCertificate.raw; i++) cert = cert.issuerCertificate;
      socket.end();
      if (!cert.raw) return reject(new Error('no certificate'));
      const fingerprint256 = createHash('sha256').update(cert.raw).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
      resolvePromise({ pem: toPem(cert.raw), fingerprint256, subject: String(cert.subject?.CN ?? '') });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

/** Path segment encoding for names that may hold ':' or '@' (istag `is:tag`, `system:image-puller`). */
export function seg(name: string): string {
  // Go's url.PathEscape keeps ':' and '@' as they are; so do we, so paths read like oc's.
  return encodeURIComponent(name).replace(/%3A/gi, ':').replace(/%40/g, '@');
}
