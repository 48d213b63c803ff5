// Reading blobs from a registry: HEAD to learn whether a repository has one, GET as a stream
// (redirects to storage are followed by the client). Bytes are verified by whoever consumes the
// stream (see image/digest.ts), because only the consumer can stop before the last byte is used.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { SizeMismatchError } from '../errors';
import { transferDeadlineMs } from '../http/client';
import type { RegistryClient } from './client';
import { registryErrorFor } from './errors';

export function blobPath(repository: string, digest: string): string {
  return `/v2/${repository}/blobs/${digest}`;
}

/** A typed error for a failure answer to `method path` (path may be an absolute upload URL). */
export async function failureFor(client: RegistryClient, res: Dispatcher.ResponseData, method: string, path: string): Promise<Error> {
  return registryErrorFor(res, method, new URL(path, await client.baseUrl()), client.registry);
}

/** The blob's size when `repository` has it, undefined when it does not. */
export async function headBlob(client: RegistryClient, repository: string, digest: string, signal?: AbortSignal): Promise<number | undefined> {
  const path = blobPath(repository, digest);
  const res = await client.request({ method: 'HEAD', path, repository, signal });
  await res.body.dump().catch(() => undefined);
  if (res.statusCode === 404) return undefined;
  if (res.statusCode < 200 || res.statusCode >= 300) throw await failureFor(client, res, 'HEAD', path);
  const length = Number(res.headers['content-length']);
  return Number.isFinite(length) ? length : -1;
}

/**
 * The blob's bytes as a stream, unverified. `size` (from the descriptor; negative when unknown) is
 * checked against Content-Length up front so a wrong blob fails before any byte moves.
 */
export async function openBlob(client: RegistryClient, repository: string, digest: string, size: number, signal?: AbortSignal): Promise<Readable> {
  const path = blobPath(repository, digest);
  const res = await client.request({ method: 'GET', path, repository, signal, deadlineMs: transferDeadlineMs(size) });
  if (res.statusCode !== 200) throw await failureFor(client, res, 'GET', path);
  const length = Number(res.headers['content-length']);
  if (size >= 0 && Number.isFinite(length) && length !== size) {
    res.body.destroy();
    throw new SizeMismatchError(`blob ${digest} in ${repository}`, size, `${length} (Content-Length)`);
  }
  return res.body;
}
