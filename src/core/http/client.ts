// The HTTP transport for one registry: one undici Agent (keep-alive pools per origin, so blob
// redirects to storage hosts get their own), TLS as the user set it, timeouts, and retries with
// backoff for idempotent requests. It never looks at status codes beyond "retry or not"; meaning
// is the registry client's job.
import type { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import { CancelledError, NetworkError, TlsError } from '../errors';
import { backoffDelay, defaultRetryPolicy, isRetryableNetworkError, isRetryableStatus, parseRetryAfter, sleep } from './retry';
import type { RetryPolicy } from './retry';
import { certificateErrorCode, connectTlsOptions } from './tls';
import type { TlsSettings } from './tls';
import { undici } from './undici';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  /** A Buffer or string is resent as is on a retry; a stream factory is called once per attempt. */
  body?: Buffer | string | (() => Readable);
  /** Defaults to true for GET, HEAD, PUT and DELETE. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Called before each retry, e.g. so a caller can log it. */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export interface HttpClientOptions {
  tls?: TlsSettings;
  /** Connect and header timeout, ms. */
  timeoutMs?: number;
  /** Idle time allowed between body chunks, ms. */
  bodyTimeoutMs?: number;
  retry?: RetryPolicy;
  userAgent?: string;
  /** Connections per origin (several blobs move at once). */
  connections?: number;
}

export const userAgent = 'regx/0.1 (registry-explorer)';

/**
 * undici gives a connection back to its pool a tick after the response body has ended, so a request
 * sent at once opens another connection (TCP setup, a parser, on a TLS registry a handshake). Awaited
 * after a body was read to the end where the next request follows in sequence (the ping, then the
 * manifest; a tag's GET, then its PUTs), so that request reuses the connection.
 */
export function connectionReleased(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class HttpClient {
  readonly dispatcher: Agent;
  private readonly retry: RetryPolicy;
  private readonly options: HttpClientOptions;

  constructor(options: HttpClientOptions = {}) {
    this.options = options;
    this.retry = options.retry ?? defaultRetryPolicy;
    const timeout = options.timeoutMs ?? 30_000;
    this.dispatcher = new (undici().Agent)({
      // Connect (TCP and TLS handshake) gets less than a whole answer, as Go's TLSHandshakeTimeout.
      connect: { ...connectTlsOptions(options.tls ?? {}), timeout: Math.min(timeout, 10_000) },
      connections: options.connections ?? 16,
      headersTimeout: timeout,
      bodyTimeout: options.bodyTimeoutMs ?? 120_000,
      keepAliveTimeout: 30_000,
    });
  }

  get tlsVerify(): boolean {
    return this.options.tls?.verify !== false;
  }

  async send(req: HttpRequest): Promise<Dispatcher.ResponseData> {
    const idempotent = req.idempotent ?? ['GET', 'HEAD', 'PUT', 'DELETE'].includes(req.method);
    const attempts = idempotent ? this.retry.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw new CancelledError();
      let res: Dispatcher.ResponseData;
      try {
        const body = typeof req.body === 'function' ? req.body() : req.body;
        res = await this.dispatcher.request({
          origin: req.url.origin,
          path: req.url.pathname + req.url.search,
          method: req.method,
          headers: { 'user-agent': this.options.userAgent ?? userAgent, ...req.headers },
          body,
          signal: req.signal,
        });
      } catch (err) {
        if (req.signal?.aborted) throw new CancelledError();
        const certCode = certificateErrorCode(err);
        if (certCode) throw tlsErrorFor(req.url, certCode, err);
        if (attempt < attempts && isRetryableNetworkError(err)) {
          const delay = backoffDelay(this.retry, attempt);
          req.onRetry?.(attempt, describeNetworkError(err), delay);
          await sleep(delay, req.signal).catch(() => undefined);
          continue;
        }
        throw new NetworkError(`cannot reach ${req.url.host}: ${describeNetworkError(err)}`, { cause: err });
      }
      if (attempt < attempts && isRetryableStatus(res.statusCode)) {
        await res.body.dump().catch(() => undefined);
        const delay = backoffDelay(this.retry, attempt, parseRetryAfter(res.headers['retry-after']));
        req.onRetry?.(attempt, `HTTP ${res.statusCode}`, delay);
        await sleep(delay, req.signal).catch(() => undefined);
        continue;
      }
      return res;
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function describeNetworkError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
    else if (typeof code === 'string' && !parts.includes(code)) parts.push(code);
  }
  return parts.join(': ') || String(err);
}

function tlsErrorFor(url: URL, code: string, cause: unknown): TlsError {
  const what =
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
      ? `the TLS certificate of ${url.host} is not valid for that name`
      : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
        ? `the TLS certificate of ${url.host} is expired or not yet valid`
        : `the TLS certificate of ${url.host} is signed by an authority that is not trusted`;
  return new TlsError(
    `${what} (${code}). Trust its CA with --cert-dir DIR (a folder holding the CA as ca.crt) or the registry's CA file setting, ` +
      `or turn verification off for this registry only with --tls-verify=false`,
    url.host,
    { cause },
  );
}
