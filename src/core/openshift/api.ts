// The REST client for one OpenShift/Kubernetes API server, as one user, on the core's one transport:
// the cluster's CA (verification on; off only when the kubeconfig's cluster entry says
// insecure-skip-tls-verify), the bearer token, and failures turned into typed errors carrying the
// server's own `Status` message. The token is only ever put in the Authorization header: never in a
// message, URL or log line.
import { HttpClient, readBody } from '../http/client';
import { KubernetesError, sanitizeRemoteText } from '../errors';
import type { ClusterConnection, KubeConfig } from './kubeconfig';
import { loadKubeconfig, normalizeServerUrl, resolveContext } from './kubeconfig';
import type { Status } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The largest API answer read (a project's image streams with long histories stay far below). */
const maxApiBody = 64 * 1024 * 1024;

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

export class OpenShiftClient {
  readonly server: string;
  private readonly http: HttpClient;
  private readonly token: string | undefined;

  constructor(
    readonly connection: ClusterConnection,
    opts: { timeoutMs?: number } = {},
  ) {
    this.server = normalizeServerUrl(connection.server);
    this.token = connection.token;
    const timeout = opts.timeoutMs ?? 30_000;
    this.http = new HttpClient({
      // A kubeconfig's certificate-authority is the whole trust for the cluster, as with oc (not added to the system roots).
      tls: {
        verify: !connection.insecure,
        caPem: connection.caPem,
        caPemOnly: true,
        certPem: connection.clientCertPem,
        keyPem: connection.clientKeyPem,
        servername: connection.tlsServerName,
      },
      timeoutMs: timeout,
      bodyTimeoutMs: timeout,
      connections: 8,
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
    await this.http.close();
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
    const res = await this.http.send({ method, url, headers, body, signal: opts.signal });
    const text = (await readBody(res, maxApiBody, undefined, url)).toString('utf8');
    return { status: res.statusCode, headers: res.headers, text };
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
  const fallback =
    res.status === 401
      ? 'Unauthorized'
      : `the server answered ${res.status} to ${method} ${path}${res.text && !res.text.startsWith('<') ? `: ${sanitizeRemoteText(res.text.slice(0, 200).trim())}` : ''}`;
  return new KubernetesError(status?.message ? sanitizeRemoteText(status.message) : fallback, res.status, status?.reason, path, status?.details);
}

/** Path segment encoding for names that may hold ':' or '@' (istag `is:tag`, `system:image-puller`). */
export function seg(name: string): string {
  // Go's url.PathEscape keeps ':' and '@' as they are; so do we, so paths read like oc's.
  return encodeURIComponent(name).replace(/%3A/gi, ':').replace(/%40/g, '@');
}
