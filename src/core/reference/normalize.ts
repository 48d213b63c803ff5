// Docker's "familiar name" rules: how `redis` becomes `docker.io/library/redis` and back.
// These are string rules on an already lexically plausible name; the grammar check comes after.

/** The registry name Docker Hub images carry in references (not the API host, see registry-host.ts). */
export const DOCKER_HUB = 'docker.io';
/** The old "Docker Index" name; still accepted and folded into docker.io. */
export const LEGACY_DOCKER_HUB = 'index.docker.io';
/** Docker Hub's namespace for official images: `redis` is `library/redis`. */
export const OFFICIAL_NAMESPACE = 'library/';
export const DEFAULT_TAG = 'latest';

/**
 * Splits a familiar name (possibly with `:tag` / `@digest` still attached to the path) into a
 * registry and the rest. The first segment is a registry only if it is `localhost`, has a `.`
 * or `:`, or has capitals (paths cannot); otherwise the whole name lives on Docker Hub.
 */
export function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  // A single segment is always a Docker Hub official image, even `localhost` or `example.com`:
  // this is how Distribution behaves (with a FIXME of its own), kept for compatibility.
  if (slash < 0) return { domain: DOCKER_HUB, remainder: OFFICIAL_NAMESPACE + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === 'localhost') [domain, remainder] = [first, rest];
  else if (first === LEGACY_DOCKER_HUB) [domain, remainder] = [DOCKER_HUB, rest];
  else if (/[.:]/.test(first)) [domain, remainder] = [first, rest];
  else if (first.toLowerCase() !== first) [domain, remainder] = [first, rest];
  else [domain, remainder] = [DOCKER_HUB, name];
  // `docker.io/redis` is the official image too; other registries have no such namespace.
  if (domain === DOCKER_HUB && !remainder.includes('/')) remainder = OFFICIAL_NAMESPACE + remainder;
  return { domain, remainder };
}

/** The shortest name Docker would show: no `docker.io/`, and no `library/` for an official image. */
export function familiarizeName(registry: string, repository: string): { registry: string; repository: string } {
  if (registry !== DOCKER_HUB) return { registry, repository };
  let path = repository;
  // Only a one-level official name is shortened: `library/a/b` stays as written.
  if (path.startsWith(OFFICIAL_NAMESPACE) && !path.slice(OFFICIAL_NAMESPACE.length).includes('/')) path = path.slice(OFFICIAL_NAMESPACE.length);
  return { registry: '', repository: path };
}
