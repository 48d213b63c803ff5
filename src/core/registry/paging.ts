// The `Link: <...>; rel="next"` header of _catalog and tags/list. The target is resolved against
// the request URL (registries send relative links) and must stay on the same origin: a registry
// must not be able to send our credentials, or us, elsewhere.
import { RegistryError } from '../errors';

export function nextPageUrl(link: string | string[] | undefined, requestUrl: URL, registry: string): string | undefined {
  const values = Array.isArray(link) ? link : link ? [link] : [];
  for (const value of values) {
    for (const m of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
      const params = m[2] ?? '';
      if (!/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) continue;
      let target: URL;
      try {
        target = new URL(m[1] ?? '', requestUrl);
      } catch {
        throw new RegistryError(`${registry} sent an unreadable paging Link: ${m[1]}`, 0, 'BAD_LINK', requestUrl.pathname);
      }
      if (target.origin !== requestUrl.origin) {
        throw new RegistryError(`${registry} sent a paging Link to another host (${target.host}); refusing to follow it`, 0, 'BAD_LINK', requestUrl.pathname);
      }
      return target.pathname + target.search;
    }
  }
  return undefined;
}
