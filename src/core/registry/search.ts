// Finding repositories on registries that refuse `_catalog`, through the search APIs of the two
// that have one: Quay (`/api/v1/find/repositories`, `/api/v1/repository?namespace=`) and Harbor
// (`/api/v2.0/search`, `/api/v2.0/projects/P/repositories`). Everywhere else the user names the
// repositories to watch.
import type { Credentials } from '../auth/credentials';
import { RegistryError } from '../errors';
import type { RegistryClient } from './client';
import { readBody } from '../http/client';
import { registryErrorFor } from './errors';

export type SearchApi = 'quay' | 'harbor';

export interface RepositorySearchPage {
  /** Full repository paths (`namespace/name`), as the Distribution API names them. */
  repositories: string[];
  /** What to pass back for the next page; undefined on the last one. */
  next?: string;
}

const pageSize = 100;

async function getJson<T>(
  client: RegistryClient,
  path: string,
  credentials: Credentials | undefined,
  signal?: AbortSignal,
): Promise<{ body: T; link?: string }> {
  const url = new URL(path, await client.baseUrl(signal));
  // Harbor's API takes the user's own Basic credentials (a registry token is not for it); Quay's
  // takes OAuth application tokens only, so it is asked anonymously and answers with public repositories.
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials && !credentials.identityToken)
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const res = await client.http.send({ method: 'GET', url, headers, signal });
  if (res.statusCode < 200 || res.statusCode >= 300) throw await registryErrorFor(res, 'GET', url, client.registry);
  const bytes = await readBody(res, 8 * 1024 * 1024);
  try {
    return { body: JSON.parse(bytes.toString('utf8')) as T, link: res.headers.link as string | undefined };
  } catch {
    throw new RegistryError(
      `${client.registry} answered ${url.pathname} with something that is not JSON: is it really ${path.startsWith('/api/v1') ? 'Quay' : 'Harbor'}?`,
      res.statusCode,
      'BAD_RESPONSE',
      url.pathname,
    );
  }
}

interface QuayRepository {
  kind?: string;
  name: string;
  namespace: { name: string } | string;
}

function quayPath(r: QuayRepository): string {
  return `${typeof r.namespace === 'string' ? r.namespace : r.namespace.name}/${r.name}`;
}

/** Repositories whose name matches `query`, a page at a time (page numbers as strings). */
export async function searchRepositories(
  client: RegistryClient,
  api: SearchApi,
  query: string,
  next?: string,
  signal?: AbortSignal,
): Promise<RepositorySearchPage> {
  if (api === 'quay') {
    const page = Number(next ?? 1);
    const { body } = await getJson<{ results?: QuayRepository[]; has_additional?: boolean }>(
      client,
      `/api/v1/find/repositories?query=${encodeURIComponent(query)}&page=${page}`,
      undefined,
      signal,
    );
    const repositories = (body.results ?? []).filter((r) => (r.kind ?? 'repository') === 'repository').map(quayPath);
    return { repositories, next: body.has_additional ? String(page + 1) : undefined };
  }
  const credentials = await client.credentials();
  const { body } = await getJson<{ repository?: { repository_name: string }[] }>(
    client,
    `/api/v2.0/search?q=${encodeURIComponent(query)}`,
    credentials,
    signal,
  );
  return { repositories: (body.repository ?? []).map((r) => r.repository_name) };
}

/** The repositories of one namespace (a Quay organization or user, a Harbor project). */
export async function namespaceRepositories(
  client: RegistryClient,
  api: SearchApi,
  namespace: string,
  next?: string,
  signal?: AbortSignal,
): Promise<RepositorySearchPage> {
  if (api === 'quay') {
    const token = next ? `&next_page=${encodeURIComponent(next)}` : '';
    const { body } = await getJson<{ repositories?: QuayRepository[]; next_page?: string }>(
      client,
      `/api/v1/repository?namespace=${encodeURIComponent(namespace)}${token}`,
      undefined,
      signal,
    );
    return { repositories: (body.repositories ?? []).map(quayPath), next: body.next_page || undefined };
  }
  const page = Number(next ?? 1);
  const credentials = await client.credentials();
  const { body, link } = await getJson<{ name: string }[]>(
    client,
    `/api/v2.0/projects/${encodeURIComponent(namespace)}/repositories?page=${page}&page_size=${pageSize}`,
    credentials,
    signal,
  );
  const list = Array.isArray(body) ? body : [];
  // Harbor sends a Link with rel="next" when there is more; a full page without one is read as more too.
  const more = (link !== undefined && /rel="?next"?/.test(link)) || list.length === pageSize;
  return { repositories: list.map((r) => r.name), next: more && list.length ? String(page + 1) : undefined };
}
