// From the registry named in a reference to the host the HTTP layer talks to. References name
// Docker Hub `docker.io`, but its Distribution API lives at registry-1.docker.io.
import { isIPv6 } from 'node:net';
import { InvalidReferenceError } from '../errors';
import { anchoredDomainRegexp } from './grammar';
import { DOCKER_HUB, LEGACY_DOCKER_HUB } from './normalize';

export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** docker.io under any of the names people and config files use for it. */
export function isDockerHub(registry: string): boolean {
  const host = registry.toLowerCase();
  return host === DOCKER_HUB || host === LEGACY_DOCKER_HUB || host === DOCKER_HUB_API_HOST;
}

/** The host[:port] that serves the registry's /v2/ API. */
export function registryApiHost(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_API_HOST : registry;
}

/**
 * Host and port of a registry name; `hostname` has no IPv6 brackets (what TLS SNI and DNS want).
 * Throws for a port outside 1-65535 or a bracketed value that is not an IPv6 address: the grammar
 * lets both through on purpose and leaves the check to whoever connects.
 */
export function splitHostPort(registry: string): { hostname: string; port?: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::([0-9]+))?$/.exec(registry);
  if (!m || !anchoredDomainRegexp.test(registry))
    throw new InvalidReferenceError(`invalid registry "${registry}": expected a host with an optional port, like quay.io or localhost:5000`, registry);
  const host = m[1] as string;
  let hostname = host;
  if (host.startsWith('[')) {
    hostname = host.slice(1, -1);
    if (!isIPv6(hostname)) throw new InvalidReferenceError(`invalid registry "${registry}": ${hostname} is not an IPv6 address`, registry);
  }
  if (m[2] === undefined) return { hostname };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new InvalidReferenceError(`invalid registry "${registry}": port ${m[2]} is out of range`, registry);
  return { hostname, port };
}

/**
 * `https://host[:port]` for the registry's API (http only when the user chose an insecure
 * registry). Validates host and port first, so a bad name fails as a reference error here and
 * not as a URL error deep in the HTTP layer.
 */
export function registryOrigin(registry: string, insecureHttp = false): string {
  const host = registryApiHost(registry);
  splitHostPort(host);
  return `${insecureHttp ? 'http' : 'https'}://${host}`;
}

/**
 * The registry name to store and compare (settings, logins): scheme and a trailing `/`, `/v1/` or
 * `/v2/` removed (people paste URLs and docker's config has `https://index.docker.io/v1/`), Docker
 * Hub's aliases folded into docker.io. Any other path is refused rather than silently dropped.
 */
export function normalizeRegistryName(input: string): string {
  const host = input
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/(?:v[12]\/?)?$/, '');
  if (!anchoredDomainRegexp.test(host)) {
    throw new InvalidReferenceError(`invalid registry "${input}": expected a host with an optional port, like quay.io or localhost:5000`, input);
  }
  splitHostPort(host);
  return isDockerHub(host) ? DOCKER_HUB : host;
}
