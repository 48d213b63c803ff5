// Turns a registry's failure answer into a typed error with the registry's own code and message.
import type { Dispatcher } from 'undici';
import { AuthenticationError, NotFoundError, RegistryError, sanitizeRemoteText } from '../errors';

interface OciErrorBody {
  errors?: { code?: unknown; message?: unknown; detail?: unknown }[];
}

/** The URL as we may show it: no userinfo, no query (upload URLs carry state tokens there). */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** What a registry said in an error body. `message` reads as skopeo prints it: `unauthorized: authentication required`. */
export interface RegistrySaid {
  code?: string;
  message?: string;
}

/** An OCI error code as Distribution's client spells it in text: MANIFEST_UNKNOWN -> "manifest unknown". */
function codeWords(code: string): string {
  return code.toLowerCase().replace(/_/g, ' ');
}

export async function readErrorBody(res: Dispatcher.ResponseData): Promise<RegistrySaid> {
  let text = '';
  try {
    // Bounded: an error body is a few hundred bytes; a hostile one may be endless.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= 64 * 1024) {
        res.body.destroy();
        break;
      }
    }
    text = Buffer.concat(chunks)
      .toString('utf8')
      .slice(0, 64 * 1024);
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as OciErrorBody;
    const errors = Array.isArray(parsed.errors) ? parsed.errors.slice(0, 10) : [];
    const first = errors[0];
    if (first) {
      const messages = errors.map((e) => {
        const code = typeof e.code === 'string' ? e.code : undefined;
        const message = typeof e.message === 'string' ? e.message : undefined;
        return code && message ? `${codeWords(code)}: ${message}` : (message ?? (code ? codeWords(code) : undefined));
      });
      const code = typeof first.code === 'string' ? sanitizeRemoteText(first.code, 100) : undefined;
      // One line per distinct message: Distribution repeats the same one for each missing blob.
      return { code, message: sanitizeRemoteText([...new Set(messages.filter(Boolean))].join('; '), 500) || undefined };
    }
  } catch {
    // Not JSON: a proxy's HTML page or plain text; keep a short first line of it.
  }
  const line = text.trim().split('\n')[0]?.slice(0, 200);
  return { message: line ? sanitizeRemoteText(line, 200) : undefined };
}

const notFoundCodes = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN', 'NOT_FOUND']);

export async function registryErrorFor(res: Dispatcher.ResponseData, method: string, url: URL, registry: string): Promise<Error> {
  const { code, message } = method === 'HEAD' ? {} : await readErrorBody(res);
  const detail = message ?? `HTTP ${res.statusCode}`;
  const said = { serverCode: code, serverMessage: message };
  if (res.statusCode === 404 || (code && notFoundCodes.has(code))) return new NotFoundError(`${detail} (${method} ${displayUrl(url)})`, displayUrl(url), said);
  if (res.statusCode === 401) return new AuthenticationError(`${registry} refused the credentials: ${detail}`, registry, 'auth-refused', said);
  if (res.statusCode === 403)
    return new RegistryError(`${registry} denied the request: ${detail} (${method} ${displayUrl(url)})`, 403, code ?? 'DENIED', displayUrl(url), {
      serverMessage: message,
    });
  return new RegistryError(`${registry} answered ${res.statusCode}: ${detail} (${method} ${displayUrl(url)})`, res.statusCode, code, displayUrl(url), {
    serverMessage: message,
  });
}
