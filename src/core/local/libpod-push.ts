// podman pushing one of its images to a registry itself: libpod's `POST /images/{name}/push`, as
// `podman push` does it through the API (the same containers/image code as skopeo, reading the store
// directly and compressing while it uploads). regx hands it exactly what regx would use: the
// credentials regx found for that registry in the `X-Registry-Auth` header (never the URL, never a
// log), and TLS verification on or off as regx has it for that registry. With no credentials the
// header carries an empty set, so podman pushes anonymously instead of using logins of its own.
// podman 4.3 answers 200 at once and then streams JSON lines: `{"stream": "Copying blob ...\n"}` as
// it goes, and `{"error": "..."}` when it fails; the push runs in the request's context, so closing
// the connection (a cancel) stops it.
import type { Readable } from 'node:stream';
import { AuthenticationError, CancelledError, NetworkError, NotFoundError, RegxError, TlsError, sanitizeRemoteText } from '../errors';
import type { ErrorReason } from '../errors';
import { unixRequest } from './unix-http';

export interface EnginePushOptions {
  /** `registry/repository:tag`. */
  destination: string;
  tlsVerify: boolean;
  /** What regx would log in with; undefined: anonymously. */
  credentials?: { username: string; password: string };
  compressionFormat: 'gzip' | 'zstd';
  /** Each progress line of the engine's, control characters stripped ("Copying blob sha256:..."). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** The longest progress or error line read (podman's are a few hundred bytes). */
const maxLine = 1024 * 1024;

/**
 * The `X-Registry-Auth` value: base64url (with padding, as Go's URLEncoding reads it) of one Docker
 * AuthConfig, or of an empty map when there are no credentials.
 */
export function registryAuthHeader(credentials: { username: string; password: string } | undefined): string {
  const json = credentials ? JSON.stringify({ username: credentials.username, password: credentials.password }) : '{}';
  return Buffer.from(json, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function reasonOf(message: string, hadCredentials: boolean): ErrorReason {
  if (/unauthorized|authentication required|incorrect username or password|\b401\b/i.test(message)) return hadCredentials ? 'auth-refused' : 'auth-required';
  if (/\bdenied\b|forbidden|\b403\b/i.test(message)) return 'denied';
  if (/x509: certificate signed by unknown authority|certificate is not trusted|unknown certificate authority/i.test(message)) return 'tls-untrusted';
  if (/x509: certificate is (valid for|not valid for)|doesn't contain any IP SANs/i.test(message)) return 'tls-hostname';
  if (/x509: certificate has expired|certificate is not yet valid/i.test(message)) return 'tls-expired';
  if (/x509:|tls:|server gave HTTP response to HTTPS client/i.test(message)) return 'tls-failed';
  if (/image not known|no such image|name unknown|repository name not known/i.test(message)) return 'not-found';
  if (/toomanyrequests|too many requests|\b429\b/i.test(message)) return 'rate-limited';
  if (/i\/o timeout|deadline exceeded|handshake timeout|timed out/i.test(message)) return 'timeout';
  if (/connection refused|no such host|network is unreachable|no route to host|server misbehaving/i.test(message)) return 'unreachable';
  if (/connection reset|broken pipe|unexpected EOF|\bEOF\b/.test(message)) return 'connection-lost';
  if (/\b5\d\d\b|internal server error|service unavailable|bad gateway/i.test(message)) return 'server-error';
  return 'bad-response';
}

/** podman's failure as one of regx's typed errors, its message (control characters stripped) kept. */
export function enginePushError(engine: string, what: string, registry: string, raw: string, hadCredentials: boolean): RegxError {
  const said = sanitizeRemoteText(raw, 600);
  const message = `${engine}: ${what}: ${said}`;
  const reason = reasonOf(said, hadCredentials);
  const options = { serverMessage: said };
  switch (reason) {
    case 'auth-required':
    case 'auth-refused':
      return new AuthenticationError(message, registry, reason, options);
    case 'tls-untrusted':
    case 'tls-hostname':
    case 'tls-expired':
    case 'tls-failed':
      return new TlsError(message, registry, { reason });
    case 'not-found':
      return new NotFoundError(message, undefined, options);
    case 'timeout':
    case 'unreachable':
    case 'connection-lost':
      return new NetworkError(message, { reason });
    default:
      return new RegxError(reason, message, options);
  }
}

/** Reads the engine's JSON lines, one at a time, each bounded. */
async function* lines(body: Readable): AsyncGenerator<string> {
  let pending = '';
  for await (const chunk of body) {
    pending += (chunk as Buffer).toString('utf8');
    if (pending.length > maxLine && !pending.includes('\n')) throw new RegxError('too-large', `a line of the engine's push progress exceeds ${maxLine} bytes`);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim()) yield line;
    }
  }
  if (pending.trim()) yield pending;
}

/**
 * Has the libpod API at `socketPath` push `name` from its store to `options.destination`. Resolves
 * when podman says the push is done; throws its failure as a typed error, or CancelledError.
 */
export async function pushThroughLibpod(
  socketPath: string,
  libpod: string,
  engine: string,
  name: string,
  registry: string,
  options: EnginePushOptions,
): Promise<void> {
  const query = new URLSearchParams({
    destination: options.destination,
    tlsVerify: String(options.tlsVerify),
    // Progress lines rather than one answer at the end; the failure then comes as a line.
    quiet: 'false',
    compressionFormat: options.compressionFormat,
    // Signatures in the store are not pushed: regx's own route does not carry them either.
    removeSignatures: 'true',
  });
  const what = `pushing ${name} to ${options.destination}`;
  const hadCredentials = options.credentials !== undefined;
  try {
    const res = await unixRequest(socketPath, {
      method: 'POST',
      path: `${libpod}/images/${encodeURIComponent(name)}/push?${query.toString()}`,
      headers: { 'x-registry-auth': registryAuthHeader(options.credentials) },
      signal: options.signal,
      headTimeoutMs: 60_000,
    });
    if (res.status !== 200) {
      let raw = '';
      for await (const line of lines(res.body)) raw += line;
      let said = raw;
      try {
        said = String((JSON.parse(raw) as { message?: unknown }).message ?? raw);
      } catch {
        // not JSON: the raw text
      }
      const err = enginePushError(engine, what, registry, said || `HTTP ${res.status}`, hadCredentials);
      throw res.status === 404 && err.reason === 'bad-response' ? new NotFoundError(err.message, undefined, { serverMessage: err.serverMessage }) : err;
    }
    for await (const line of lines(res.body)) {
      let entry: { stream?: unknown; error?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        throw new RegxError('bad-response', `${engine}: ${what}: the engine's progress is not JSON: ${sanitizeRemoteText(line, 200)}`);
      }
      if (typeof entry.error === 'string' && entry.error) throw enginePushError(engine, what, registry, entry.error, hadCredentials);
      if (typeof entry.stream === 'string') {
        const text = sanitizeRemoteText(entry.stream.trim(), 400);
        if (text) options.onLine?.(text);
      }
    }
  } catch (err) {
    if (options.signal?.aborted) throw new CancelledError();
    if (err instanceof RegxError) throw err;
    // The connection broke mid-push: the engine stopped (or died) before saying how it ended.
    throw new NetworkError(`${engine}: ${what}: the engine's connection ended before the push did: ${(err as Error).message}`, {
      reason: 'connection-lost',
      cause: err,
    });
  }
  if (options.signal?.aborted) throw new CancelledError();
}
