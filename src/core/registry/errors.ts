// Turns a registry's failure answer into a typed error with the registry's own code and message.
import type { Dispatcher } from 'undici';
import { AuthenticationError, NotFoundError, RegistryError } from '../errors';

interface OciErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
}

/** The URL as we may show it: no userinfo, no query (upload URLs carry state tokens there). */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export async function readErrorBody(res: Dispatcher.ResponseData): Promise<{ code?: string; message?: string }> {
  let text = '';
  try {
    text = (await res.body.text()).slice(0, 64 * 1024);
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as OciErrorBody;
    const first = parsed.errors?.[0];
    if (first) {
      const messages = (parsed.errors ?? []).map((e) => e.message ?? e.code).filter(Boolean);
      return { code: first.code, message: messages.join('; ') };
    }
  } catch {
    // Not JSON: a proxy's HTML page or plain text; keep a short first line of it.
  }
  const line = text.trim().split('\n')[0]?.slice(0, 200);
  return { message: line || undefined };
}

const notFoundCodes = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN', 'NOT_FOUND']);

export async function registryErrorFor(res: Dispatcher.ResponseData, method: string, url: URL, registry: string): Promise<Error> {
  const { code, message } = method === 'HEAD' ? {} : await readErrorBody(res);
  const detail = message ?? `HTTP ${res.statusCode}`;
  if (res.statusCode === 404 || (code && notFoundCodes.has(code))) return new NotFoundError(`${detail} (${method} ${displayUrl(url)})`, displayUrl(url));
  if (res.statusCode === 401) return new AuthenticationError(`${registry} refused the credentials: ${detail}`, registry);
  if (res.statusCode === 403) return new RegistryError(`${registry} denied the request: ${detail} (${method} ${displayUrl(url)})`, 403, code ?? 'DENIED', displayUrl(url));
  return new RegistryError(`${registry} answered ${res.statusCode}${code ? ` ${code}` : ''}: ${detail} (${method} ${displayUrl(url)})`, res.statusCode, code, displayUrl(url));
}
