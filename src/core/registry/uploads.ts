// Pushing blobs (distribution-spec "Pushing blobs"): cross-repository mount, monolithic upload
// (POST for a session, then one PUT with the bytes and `?digest=`; or a single POST with `?digest=`
// where the registry accepts it), and chunked upload (PATCH with Content-Range, chunks no smaller
// than the registry's OCI-Chunk-Min-Length) when a registry refuses a monolithic PUT.
// Every byte is hashed on the way and the last chunk is held back until the digest checks out, so
// a wrong blob aborts the request before the registry could commit it (see image/digest.ts).
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AuthenticationError, RegistryError } from '../errors';
import { transferDeadlineMs } from '../http/client';
import { StreamVerifier, verifiedChunks } from '../image/digest';
import type { Descriptor } from '../image/mediatypes';
import type { RegistryClient } from './client';
import { scopeFor } from '../auth/token';
import { failureFor } from './blobs';

export interface UploadSession {
  repository: string;
  /** Absolute URL of the session, as the registry's last Location said. */
  location: string;
  /** The registry's OCI-Chunk-Min-Length, if it sent one. */
  minChunk?: number;
}

export type UploadMode = 'auto' | 'monolithic' | 'chunked';

export interface PushBlobOptions {
  signal?: AbortSignal;
  /** auto: monolithic, switching to chunked (for this client, from then on) when the registry refuses it. */
  mode?: UploadMode;
  /** Bytes per PATCH in chunked mode (default 8 MiB, raised to the registry's minimum). */
  chunkSize?: number;
  /** Called as bytes leave for the registry. */
  onBytes?: (n: number) => void;
  /** A session already open, e.g. the 202 answer to a mount request. */
  session?: UploadSession;
  /** How errors name the blob, e.g. "layer sha256:... of registry/repo". */
  what?: string;
}

export const DEFAULT_CHUNK_SIZE = 8 << 20;
/** Statuses by which a registry says "not like that" to a monolithic PUT with a body. */
const MONOLITHIC_REFUSED = new Set([400, 405, 411, 413, 415, 416, 501]);
const refusesMonolithic = new WeakSet<RegistryClient>();
const refusesPostWithDigest = new WeakSet<RegistryClient>();
const OCTET = 'application/octet-stream';

async function sessionFrom(client: RegistryClient, repository: string, res: Dispatcher.ResponseData, method: string, path: string): Promise<UploadSession> {
  const location = res.headers.location;
  await res.body.dump().catch(() => undefined);
  if (!location)
    throw new RegistryError(`${client.registry} opened an upload without a Location header (${method} ${path})`, res.statusCode, 'BLOB_UPLOAD_INVALID', path);
  const min = Number(res.headers['oci-chunk-min-length']);
  const session: UploadSession = { repository, location: new URL(String(location), await client.baseUrl()).toString() };
  if (Number.isSafeInteger(min) && min > 0) session.minChunk = min;
  return session;
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.append('digest', digest);
  return url.toString();
}

/** POST /v2/<name>/blobs/uploads/: a fresh upload session. Safe to retry (a lost session is only garbage). */
export async function startUpload(client: RegistryClient, repository: string, signal?: AbortSignal): Promise<UploadSession> {
  const path = `/v2/${repository}/blobs/uploads/`;
  const res = await client.request({ method: 'POST', path, repository, actions: ['pull', 'push'], idempotent: true, signal });
  if (res.statusCode !== 202) throw await failureFor(client, res, 'POST', path);
  return sessionFrom(client, repository, res, 'POST', path);
}

/**
 * Asks the registry to link `digest` from repository `from` into `repository`. undefined: mounted
 * (201). A session: the registry declined (202) and opened an upload to use instead. A token that
 * does not cover pull on `from` also ends in a plain upload session.
 */
export async function mountBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  from: string,
  signal?: AbortSignal,
): Promise<UploadSession | undefined> {
  const path = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  let res: Dispatcher.ResponseData;
  try {
    res = await client.request({ method: 'POST', path, repository, actions: ['pull', 'push'], scopes: [scopeFor(from, ['pull'])], idempotent: true, signal });
  } catch (err) {
    if (err instanceof AuthenticationError) return startUpload(client, repository, signal);
    throw err;
  }
  if (res.statusCode === 201) {
    await res.body.dump().catch(() => undefined);
    return undefined;
  }
  if (res.statusCode === 202) return sessionFrom(client, repository, res, 'POST', path);
  if (res.statusCode === 401 || res.statusCode === 403) {
    await res.body.dump().catch(() => undefined);
    return startUpload(client, repository, signal);
  }
  throw await failureFor(client, res, 'POST', path);
}

/** Drops an unfinished session; best effort, bounded in time, never throws. */
export async function cancelUpload(client: RegistryClient, session: UploadSession): Promise<void> {
  try {
    const res = await client.request({
      method: 'DELETE',
      path: session.location,
      repository: session.repository,
      actions: ['pull', 'push'],
      idempotent: false,
      signal: AbortSignal.timeout(5000),
    });
    await res.body.dump();
  } catch {
    // The registry garbage-collects abandoned uploads itself.
  }
}

/** Wraps `source` so a failure inside it is remembered (undici reports it only as an aborted request). */
function watched(source: AsyncIterable<Uint8Array>, onBytes: ((n: number) => void) | undefined, failed: { error?: unknown }): AsyncGenerator<Uint8Array> {
  return (async function* () {
    try {
      for await (const chunk of source) {
        yield chunk;
        onBytes?.(chunk.length);
      }
    } catch (err) {
      failed.error = err;
      throw err;
    }
  })();
}

async function finished(client: RegistryClient, res: Dispatcher.ResponseData, method: string, path: string, desc: Descriptor): Promise<void> {
  if (res.statusCode < 200 || res.statusCode >= 300) throw await failureFor(client, res, method, path);
  await res.body.dump().catch(() => undefined);
  const served = res.headers['docker-content-digest'];
  if (served && String(served) !== desc.digest) {
    throw new RegistryError(`${client.registry} stored blob ${desc.digest} under digest ${String(served)}`, res.statusCode, 'DIGEST_INVALID', path);
  }
}

function verifierFor(desc: Descriptor, what: string | undefined): StreamVerifier {
  return new StreamVerifier(desc.digest, desc.size >= 0 ? desc.size : undefined, what ?? `blob ${desc.digest}`);
}

/** One PUT carrying the whole blob. 'refused' when the registry does not take monolithic uploads. */
async function putMonolithic(
  client: RegistryClient,
  session: UploadSession,
  desc: Descriptor,
  source: AsyncIterable<Uint8Array>,
  opts: PushBlobOptions,
): Promise<'done' | 'refused'> {
  const failed: { error?: unknown } = {};
  const chunks = watched(verifiedChunks(source, verifierFor(desc, opts.what)), opts.onBytes, failed);
  const path = withDigest(session.location, desc.digest);
  const headers: Record<string, string> = { 'content-type': OCTET };
  if (desc.size >= 0) headers['content-length'] = String(desc.size);
  let res: Dispatcher.ResponseData;
  try {
    res = await client.request({
      method: 'PUT',
      path,
      repository: session.repository,
      actions: ['pull', 'push'],
      headers,
      body: () => Readable.from(chunks, { objectMode: false }),
      idempotent: false,
      signal: opts.signal,
      deadlineMs: transferDeadlineMs(desc.size),
    });
  } catch (err) {
    throw failed.error ?? err;
  }
  if (failed.error) {
    await res.body.dump().catch(() => undefined);
    throw failed.error;
  }
  if (MONOLITHIC_REFUSED.has(res.statusCode) && opts.mode !== 'monolithic') {
    await res.body.dump().catch(() => undefined);
    return 'refused';
  }
  await finished(client, res, 'PUT', path, desc);
  return 'done';
}

/** PATCH chunk after chunk, then a PUT with `?digest=` and no body to close the session. */
async function putChunked(
  client: RegistryClient,
  session: UploadSession,
  desc: Descriptor,
  source: AsyncIterable<Uint8Array>,
  opts: PushBlobOptions,
): Promise<void> {
  const chunkSize = Math.max(opts.chunkSize ?? DEFAULT_CHUNK_SIZE, session.minChunk ?? 0);
  let location = session.location;
  let offset = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const send = async (): Promise<void> => {
    const body = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    const res = await client.request({
      method: 'PATCH',
      path: location,
      repository: session.repository,
      actions: ['pull', 'push'],
      headers: { 'content-type': OCTET, 'content-length': String(body.length), 'content-range': `${offset}-${offset + body.length - 1}` },
      body,
      idempotent: false,
      signal: opts.signal,
      deadlineMs: transferDeadlineMs(body.length),
    });
    if (res.statusCode !== 202) throw await failureFor(client, res, 'PATCH', location);
    const next = res.headers.location;
    await res.body.dump().catch(() => undefined);
    if (next) location = new URL(String(next), location).toString();
    offset += body.length;
    opts.onBytes?.(body.length);
  };
  for await (const chunk of verifiedChunks(source, verifierFor(desc, opts.what))) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= chunkSize) await send();
  }
  if (pendingBytes > 0) await send();
  const path = withDigest(location, desc.digest);
  const res = await client.request({
    method: 'PUT',
    path,
    repository: session.repository,
    actions: ['pull', 'push'],
    headers: { 'content-length': '0' },
    idempotent: false,
    signal: opts.signal,
  });
  await finished(client, res, 'PUT', path, desc);
}

/**
 * Uploads one blob from a stream. `open` is called again only when the registry refuses a
 * monolithic PUT (the first stream is spent by then). On failure the session is cancelled.
 */
export async function pushBlob(
  client: RegistryClient,
  repository: string,
  desc: Descriptor,
  open: () => Promise<AsyncIterable<Uint8Array>>,
  opts: PushBlobOptions = {},
): Promise<void> {
  let session = opts.session ?? (await startUpload(client, repository, opts.signal));
  try {
    const mode = opts.mode ?? 'auto';
    if (mode === 'monolithic' || (mode === 'auto' && !refusesMonolithic.has(client))) {
      if ((await putMonolithic(client, session, desc, await open(), opts)) === 'done') return;
      refusesMonolithic.add(client);
      await cancelUpload(client, session);
      session = await startUpload(client, repository, opts.signal);
    }
    await putChunked(client, session, desc, await open(), opts);
  } catch (err) {
    await cancelUpload(client, session);
    throw err;
  }
}

/**
 * Uploads a blob held in memory (a config, a manifest-sized blob): one POST with `?digest=` where
 * the registry completes uploads that way (201), else the PUT to the session it opened instead;
 * a registry that answered 202 once is not sent the body on POST again.
 */
export async function pushBlobBytes(client: RegistryClient, repository: string, desc: Descriptor, bytes: Buffer, opts: PushBlobOptions = {}): Promise<void> {
  const one = async (): Promise<AsyncIterable<Uint8Array>> => Readable.from([bytes], { objectMode: false });
  if (opts.session || refusesPostWithDigest.has(client) || opts.mode === 'chunked') return pushBlob(client, repository, desc, one, opts);
  // Checked before anything is sent: a wrong blob must not reach the registry even once.
  const check = verifierFor(desc, opts.what);
  check.update(bytes);
  check.check();
  const path = `/v2/${repository}/blobs/uploads/?digest=${encodeURIComponent(desc.digest)}`;
  const res = await client.request({
    method: 'POST',
    path,
    repository,
    actions: ['pull', 'push'],
    headers: { 'content-type': OCTET, 'content-length': String(bytes.length) },
    body: bytes,
    idempotent: false,
    signal: opts.signal,
  });
  if (res.statusCode === 201) {
    await finished(client, res, 'POST', path, desc);
    opts.onBytes?.(bytes.length);
    return;
  }
  if (res.statusCode !== 202) throw await failureFor(client, res, 'POST', path);
  refusesPostWithDigest.add(client);
  const session = await sessionFrom(client, repository, res, 'POST', path);
  return pushBlob(client, repository, desc, one, { ...opts, session });
}
