// HTTP over a unix socket, the only way podman's and Docker's APIs are reached. Node's http client
// speaks it natively (`socketPath`); this adds what every caller needs: a deadline for the answer's
// head, a bound on JSON bodies, and typed errors naming the socket.
import * as http from 'node:http';
import type { Readable } from 'node:stream';
import { RegxError, sanitizeRemoteText } from '../errors';

export interface UnixRequest {
  method?: string;
  /** Path and query, e.g. `/v4.0.0/libpod/images/json`. */
  path: string;
  headers?: Record<string, string>;
  /** A request body streamed as it is produced (an image archive to load). */
  body?: Readable | Buffer;
  /** Deadline for the response's status line and headers, in ms. Bodies are bounded by the caller. */
  headTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface UnixResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/** Largest JSON answer read into memory (an image list of thousands of images stays far below it). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

export function unixRequest(socketPath: string, req: UnixRequest): Promise<UnixResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const r = http.request(
      {
        socketPath,
        path: req.path,
        method: req.method ?? 'GET',
        // The engines ignore Host, but HTTP/1.1 requires one.
        headers: { host: 'd', ...req.headers },
        signal: req.signal,
      },
      (res) => {
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      },
    );
    const timer = setTimeout(() => {
      r.destroy(
        new RegxError(
          'timeout',
          `the engine at ${socketPath} did not answer ${req.method ?? 'GET'} ${req.path.split('?')[0]} within ${Math.round((req.headTimeoutMs ?? 0) / 1000)} s`,
        ),
      );
    }, req.headTimeoutMs ?? 30_000);
    r.on('error', (err) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(err instanceof RegxError || (err as Error).name === 'AbortError' ? err : socketError(socketPath, err));
    });
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (err) => r.destroy(err));
      req.body.pipe(r);
    }
  });
}

function socketError(socketPath: string, err: unknown): RegxError {
  const code = (err as NodeJS.ErrnoException).code;
  const what =
    code === 'ENOENT'
      ? 'no socket there'
      : code === 'ECONNREFUSED'
        ? 'nothing listens there'
        : code === 'EACCES'
          ? 'permission denied'
          : (err as Error).message;
  return new RegxError(code === 'ECONNRESET' || code === 'EPIPE' ? 'connection-lost' : 'unreachable', `engine socket ${socketPath}: ${what}`, { cause: err });
}

/** Reads a whole body, refusing more than `limit` bytes. */
export async function readBody(body: Readable, limit = MAX_JSON_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += (chunk as Buffer).length;
    if (n > limit) {
      body.destroy();
      throw new RegxError('too-large', `the engine's answer exceeds ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The engine's own error message from a failed answer: both APIs send `{"message": ...}` (libpod adds `cause`). */
export async function engineMessage(res: UnixResponse): Promise<string> {
  const text = (await readBody(res.body, 1024 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
  try {
    const j = JSON.parse(text) as { message?: unknown; cause?: unknown };
    if (typeof j.message === 'string') return sanitizeRemoteText(j.message, 400);
  } catch {
    // not JSON: fall through to the raw text
  }
  return sanitizeRemoteText(text, 400);
}

export async function readJson<T>(res: UnixResponse): Promise<T> {
  const buf = await readBody(res.body);
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw new RegxError('bad-response', `the engine answered with malformed JSON`, { cause: err });
  }
}
