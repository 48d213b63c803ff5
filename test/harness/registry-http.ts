// Direct HTTP access to a test registry from a test, with its CA trusted and its auth handled, so a test can
// check the registry's real state (or push an in-memory image) without going through the code under test.
import { readFileSync } from 'node:fs';
import { Agent, Headers, fetch as undiciFetch } from 'undici';
import type { RequestInit, Response } from 'undici';
import type { BuiltImage } from './images';
import type { TestRegistry } from './registry';
import type { TokenAccess } from './token-issuer';

const agents = new Map<string, Agent>();

function agentFor(caFile: string): Agent {
  let a = agents.get(caFile);
  if (!a) agents.set(caFile, (a = new Agent({ connect: { ca: readFileSync(caFile) } })));
  return a;
}

/** The repository named by a /v2/NAME/(manifests|blobs|tags)/... path, if any. */
function repositoryOf(path: string): string | undefined {
  return /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(path)?.[1];
}

/**
 * fetch() against the registry as an all-powerful client: trusts its CA, sends Basic credentials for htpasswd
 * registries, and for token registries a token minted directly by its issuer (not recorded in issuer.requests)
 * with every action on the repository in the path (or the catalog).
 */
export async function registryFetch(reg: TestRegistry, pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(pathOrUrl, reg.url);
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) {
    if (reg.tokenIssuer) {
      const repo = repositoryOf(url.pathname);
      const access: TokenAccess[] = repo
        ? [{ type: 'repository', name: repo, actions: ['pull', 'push', 'delete', '*'] }]
        : [{ type: 'registry', name: 'catalog', actions: ['*'] }];
      headers.set('authorization', `Bearer ${reg.tokenIssuer.issue(reg.username ?? 'harness', access)}`);
    } else if (reg.username !== undefined) {
      headers.set('authorization', `Basic ${Buffer.from(`${reg.username}:${reg.password ?? ''}`).toString('base64')}`);
    }
  }
  return undiciFetch(url, { ...init, headers, ...(reg.caFile && reg.tls ? { dispatcher: agentFor(reg.caFile) } : {}) });
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<void> {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
}

/** Uploads one blob (monolithic POST + PUT) unless the repository already has it. */
export async function pushBlob(reg: TestRegistry, repository: string, digest: string, data: Buffer): Promise<void> {
  const head = await registryFetch(reg, `/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  if (head.status === 200) return;
  const start = await registryFetch(reg, `/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, [202], `start upload of ${digest} to ${repository}`);
  const location = new URL(start.headers.get('location') ?? '', reg.url);
  location.searchParams.set('digest', digest);
  const put = await registryFetch(reg, location.toString(), {
    method: 'PUT',
    body: data,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
  });
  await expectStatus(put, [201], `upload of ${digest} to ${repository}`);
}

/** Pushes an in-memory image over the registry API (blobs, then the manifest under `reference`). */
export async function pushImage(reg: TestRegistry, repository: string, reference: string, image: BuiltImage): Promise<void> {
  for (const [digest, data] of image.blobs) await pushBlob(reg, repository, digest, data);
  const res = await registryFetch(reg, `/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    body: image.manifest,
    headers: { 'content-type': image.manifestMediaType },
  });
  await expectStatus(res, [201], `manifest ${repository}:${reference}`);
  const got = res.headers.get('docker-content-digest');
  if (got !== image.manifestDigest) throw new Error(`registry stored ${repository}:${reference} as ${got}, expected ${image.manifestDigest}`);
}

/** Pushes the images by digest, then an OCI index of them (with their platforms) under each tag; returns the index's digest. */
export async function pushIndex(reg: TestRegistry, repository: string, tags: string | string[], images: BuiltImage[]): Promise<string> {
  for (const image of images) await pushImage(reg, repository, image.manifestDigest, image);
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    manifests: images.map((i) => ({ mediaType: i.manifestMediaType, digest: i.manifestDigest, size: i.manifestSize, platform: i.platform })),
  });
  let digest = '';
  for (const tag of typeof tags === 'string' ? [tags] : tags) {
    const res = await registryFetch(reg, `/v2/${repository}/manifests/${tag}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
    await expectStatus(res, [201], `index ${repository}:${tag}`);
    digest = res.headers.get('docker-content-digest') ?? '';
  }
  return digest;
}

/** Closes the pooled connections (call from after() if a test file used registryFetch against TLS registries). */
export async function closeRegistryAgents(): Promise<void> {
  await Promise.all([...agents.values()].map((a) => a.close()));
  agents.clear();
}
