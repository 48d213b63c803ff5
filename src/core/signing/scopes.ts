// The names containers/image looks a Docker image up by, most specific first, in registries.d and in
// the `docker` transport scopes of a policy: the identity (name with tag or digest), the repository,
// each parent namespace up to the host (port included), then wildcards of the host name without its
// port (`*.example.com`, `*.com`). Shared by registries-d.ts and the policy evaluation so both agree.
import { RegxError } from '../errors';
import { referenceName } from '../reference/reference';
import type { ImageReference } from '../reference/reference';

/** `registry/repo:tag` or `registry/repo@digest` (a reference with both is refused, as the docker transport does). */
export function dockerIdentity(ref: ImageReference): string {
  if (ref.tag !== undefined && ref.digest !== undefined)
    throw new RegxError(
      'invalid-reference',
      `a Docker reference with both a tag and a digest (${referenceName(ref)}:${ref.tag}@${ref.digest}) is not supported here`,
    );
  const name = referenceName(ref);
  if (ref.digest !== undefined) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? 'latest'}`;
}

/** The repository, its parent namespaces, the host, then `*.` wildcards of the host name. */
export function dockerNamespaces(ref: ImageReference): string[] {
  const out: string[] = [];
  let name = referenceName(ref);
  for (;;) {
    out.push(name);
    const slash = name.lastIndexOf('/');
    if (slash < 0) break;
    name = name.slice(0, slash);
  }
  // containers/image cuts at the first ':' (an IPv6 host has no dotted wildcards to offer anyway).
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  for (;;) {
    const dot = name.indexOf('.');
    if (dot < 0) break;
    name = name.slice(dot + 1);
    out.push(`*.${name}`);
  }
  return out;
}

/** The identity first, then the namespaces: the order a scope table is searched in. */
export function dockerLookupNames(ref: ImageReference): string[] {
  return [dockerIdentity(ref), ...dockerNamespaces(ref)];
}
