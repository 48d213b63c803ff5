// The one HTTP transport of the core: registries, token servers and OpenShift API servers all go
// through it. One undici Agent per client (keep-alive pools per origin, so blob redirects to storage
// hosts get their own), TLS as the user set it, a connect/header timeout, an idle timeout between body
// chunks, an overall deadline per request (a body that trickles a byte every few seconds still ends),
// bounded whole-body reads, and retries with backoff for idempotent requests. Failures come out typed:
// TLS trouble with the chain the server presented, network trouble as unreachable / timeout /
// connection-lost. It never looks at status codes beyond "retry or not"; meaning is the caller's job.
import type { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import { CancelledError, ManifestTooLargeError, NetworkError, RegxError } from '../errors';
import { backoffDelay, defaultRetryPolicy, isRetryableNetworkError, isRetryableStatus, parseRetryAfter, sleep } from './retry';
import type { RetryPolicy } from './retry';
import { certificateErrorCode, connectTlsOptions, tlsErrorFor } from './tls';
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
  /** The whole exchange, body included, must end within this many ms (0: no deadline). Default: the client's. */
  deadlineMs?: number;
  /** Called before each retry, e.g. so a caller can log it. */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export interface HttpClientOptions {
  tls?: TlsSettings;
  /** Connect and response-header timeout, ms. */
  timeoutMs?: number;
  /** Idle time allowed between body chunks, ms. */
  bodyTimeoutMs?: number;
  /** Default overall deadline of one request, body included, ms (0: none). */
  deadlineMs?: number;
  retry?: RetryPolicy;
  userAgent?: string;
  /** Connections per origin (several blobs move at once). */
  connections?: number;
  /** Paces requests (a rate limit) and is told of 429s, so one answer can slow every request to the registry. */
  gate?: RequestGate;
}

/** A registry's pace, shared by clients (src/core/sync/throttle.ts). */
export interface RequestGate {
  /** Resolves when the next request may be sent. */
  wait(signal?: AbortSignal): Promise<void>;
  /** The registry answered 429: hold requests for `retryAfterMs` (undefined: it did not say). */
  backOff(retryAfterMs: number | undefined): void;
}

export const userAgent = 'regx/0.1 (registry-explorer)';

/** Long enough for any manifest, token or API answer on a slow link; short enough that a trickling server ends. */
export const defaultDeadlineMs = 5 * 60_000;

/**
 * The deadline of a request that moves a blob of `size` bytes (negative: unknown): the default deadline
 * plus the time the blob takes at 32 KiB/s, so a slow link still finishes and a trickling server still ends.
 */
export function transferDeadlineMs(size: number): number {
  const assumed = size >= 0 ? size : 64 * 1024 * 1024 * 1024;
  return defaultDeadlineMs + Math.ceil(assumed / (32 * 1024)) * 1000;
}

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
      if (this.options.gate) {
        try {
          await this.options.gate.wait(req.signal);
        } catch (err) {
          if (req.signal?.aborted) throw new CancelledError();
          throw err;
        }
      }
      const deadline = this.deadline(req);
      let res: Dispatcher.ResponseData;
      try {
        const body = typeof req.body === 'function' ? req.body() : req.body;
        res = await this.dispatcher.request({
          origin: req.url.origin,
          path: req.url.pathname + req.url.search,
          method: req.method,
          headers: { 'user-agent': this.options.userAgent ?? userAgent, ...req.headers },
          body,
          signal: deadline?.signal ?? req.signal,
        });
      } catch (err) {
        deadline?.clear();
        if (req.signal?.aborted) throw new CancelledError();
        const certCode = certificateErrorCode(err);
        if (certCode) throw await tlsErrorFor(req.url, certCode, err, this.options.tls?.servername);
        if (attempt < attempts && isRetryableNetworkError(err)) {
          const delay = backoffDelay(this.retry, attempt);
          req.onRetry?.(attempt, describeNetworkError(err), delay);
          await sleep(delay, req.signal).catch(() => undefined);
          continue;
        }
        throw networkErrorFor(req.url, err);
      }
      if (res.statusCode === 429) this.options.gate?.backOff(parseRetryAfter(res.headers['retry-after']));
      if (attempt < attempts && isRetryableStatus(res.statusCode)) {
        await res.body.dump().catch(() => undefined);
        deadline?.clear();
        const delay = backoffDelay(this.retry, attempt, parseRetryAfter(res.headers['retry-after']));
        req.onRetry?.(attempt, `HTTP ${res.statusCode}`, delay);
        await sleep(delay, req.signal).catch(() => undefined);
        continue;
      }
      // The deadline keeps running while the caller reads the body; it is cleared once the body is done.
      if (deadline) res.body.once('close', deadline.clear);
      return res;
    }
  }

  /**
   * An AbortSignal that fires at the request's deadline with a NetworkError('timeout') as its reason
   * (undici hands that reason to whoever is waiting, head or body), joined with the caller's signal.
   */
  private deadline(req: HttpRequest): { signal: AbortSignal; clear: () => void } | undefined {
    const ms = req.deadlineMs ?? this.options.deadlineMs ?? defaultDeadlineMs;
    if (!ms || !Number.isFinite(ms)) return undefined;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new NetworkError(`${req.method} ${req.url.host}${req.url.pathname} did not finish within ${formatMs(ms)}`, { reason: 'timeout' }));
    }, ms);
    timer.unref();
    const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
    return { signal, clear: () => clearTimeout(timer) };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Reads a body whole, refusing it (before reading, when Content-Length says so) past `limit` bytes.
 * Errors while reading are typed: a timeout or a broken connection is a NetworkError.
 */
export async function readBody(
  res: Dispatcher.ResponseData,
  limit: number,
  tooLarge: (size: number) => Error = (size) => new ManifestTooLargeError(size, limit),
  url?: URL,
): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    throw tooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.body.destroy();
        throw tooLarge(size);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    throw bodyError(err, url);
  }
  return Buffer.concat(chunks);
}

/** An error met while a body was read, typed: our own errors pass through, undici's become NetworkErrors. */
export function bodyError(err: unknown, url?: URL): unknown {
  if (err instanceof RegxError) return err;
  if ((err as { name?: string })?.name === 'AbortError') return new CancelledError();
  if (isRetryableNetworkError(err)) return networkErrorFor(url, err, 'while reading the answer');
  return err;
}

const timeoutCodes = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const lostCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** A failed connection as a typed error: `timeout`, `connection-lost` or `unreachable`. */
export function networkErrorFor(url: URL | undefined, err: unknown, when = ''): NetworkError {
  if (err instanceof NetworkError) return err;
  const codes = errorCodes(err);
  const reason = codes.some((c) => timeoutCodes.has(c)) ? 'timeout' : codes.some((c) => lostCodes.has(c)) ? 'connection-lost' : 'unreachable';
  const where = url ? url.host : 'the server';
  const verb = reason === 'timeout' ? `${where} timed out` : reason === 'connection-lost' ? `${where} closed the connection` : `cannot reach ${where}`;
  return new NetworkError(`${verb}${when ? ` ${when}` : ''}: ${describeNetworkError(err)}`, { cause: err, reason });
}

export function describeNetworkError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
    else if (typeof code === 'string' && !parts.includes(code)) parts.push(code);
  }
  return parts.join(': ') || String(err);
}
