// Where skopeo's sync puts each image: the destination prefix joined with the source image's last
// path element (`repo:tag`), or with `--scoped` with its whole normalized reference
// (`registry/path/repo:tag`), joined and cleaned as Go's path.Join does, then read as a normalized
// Docker reference (so a scoped source registry with a port gives an invalid name, as with skopeo).
import { InvalidReferenceError } from '../errors';
import { formatReference, parseNormalizedReference, withDefaultTag } from '../reference/reference';
import type { ImageReference } from '../reference/reference';

/** Go's path.Clean for slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's path.Base: the last element, trailing slashes ignored. */
export function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's path.Join of two elements. */
export function joinPath(a: string, b: string): string {
  if (a === '' && b === '') return '';
  if (a === '') return cleanPath(b);
  if (b === '') return cleanPath(a);
  return cleanPath(`${a}/${b}`);
}

/** The destination reference for `source` under the destination prefix `destination` (a registry and optional path). */
export function syncDestination(source: ImageReference, destination: string, scoped: boolean): ImageReference {
  const full = formatReference(source);
  const joined = joinPath(destination, scoped ? full : basePath(full));
  try {
    return withDefaultTag(parseNormalizedReference(joined));
  } catch (err) {
    throw new InvalidReferenceError(
      `cannot name the destination of ${full} under "${destination}": "${joined}" is not a valid image reference (${(err as Error).message})`,
      joined,
    );
  }
}
