// What follows a repository in an image reference: a tag or a digest. A tag's grammar has no colon
// and a digest always has one (`sha256:...`), so the raw string decides; code that needs to know
// which it holds asks this type instead of looking for a colon itself.

export type TagOrDigest = { readonly kind: 'tag'; readonly tag: string } | { readonly kind: 'digest'; readonly digest: string };

export function tagOrDigest(reference: string): TagOrDigest {
  return reference.includes(':') ? { kind: 'digest', digest: reference } : { kind: 'tag', tag: reference };
}

export function isDigest(reference: string): boolean {
  return tagOrDigest(reference).kind === 'digest';
}

/** `:tag` or `@sha256:...`, what joins it to a repository name. */
export function referenceSuffix(reference: string | TagOrDigest): string {
  const r = typeof reference === 'string' ? tagOrDigest(reference) : reference;
  return r.kind === 'tag' ? `:${r.tag}` : `@${r.digest}`;
}

/** `host/repository:tag` or `host/repository@sha256:...`. */
export function imageReferenceName(host: string, repository: string, reference: string | TagOrDigest): string {
  return `${host}/${repository}${referenceSuffix(reference)}`;
}

/** The `{ tag }` or `{ digest }` part of an ImageReference. */
export function referenceParts(reference: string | TagOrDigest): { tag: string } | { digest: string } {
  const r = typeof reference === 'string' ? tagOrDigest(reference) : reference;
  return r.kind === 'tag' ? { tag: r.tag } : { digest: r.digest };
}

/** A short form for titles: the tag, or the digest's first 12 hex characters (`@abcdef012345`). */
export function shortReferenceSuffix(reference: string | TagOrDigest): string {
  const r = typeof reference === 'string' ? tagOrDigest(reference) : reference;
  return r.kind === 'tag' ? `:${r.tag}` : `@${r.digest.slice(r.digest.indexOf(':') + 1, r.digest.indexOf(':') + 13)}`;
}
