// The reference grammar of Distribution (github.com/distribution/reference), rebuilt from its
// productions so that every test case of the Go package gives the same verdict and the same
// captured parts here. Go's regexp and JavaScript's both pick the leftmost-first alternative, so
// capture groups split a reference the same way in both.
//
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [domain "/"] path-component ["/" path-component]*
//   domain     := host [":" port]     host := domain-name | "[" IPv6 "]"

/** One run of lowercase letters and digits: the atom of a repository path. */
const alphanumeric = '[a-z0-9]+';
/** Between atoms: one period, one or two underscores, or any number of dashes. */
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;

/** A DNS label, case kept (hosts may be written in capitals; paths may not). */
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
/** Bracketed IPv6, compressed or not; zone ids (`%eth0`) and embedded IPv4 are deliberately refused. */
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const host = `(?:${domainName}|${ipv6address})`;
const optionalPort = '(?::[0-9]+)?';
/** A registry host with an optional port: `quay.io`, `localhost:5000`, `[::1]:5000`. */
export const domainAndPort = `${host}${optionalPort}`;

/** Tags as Docker has always accepted them: a word character, then up to 127 word characters, dots or dashes. */
export const tagPattern = '[\\w][\\w.-]{0,127}';
/**
 * The digest shape the reference grammar accepts. It is looser than what go-digest then validates
 * (any case of hex, 32 or more digits), which is why a well-shaped but wrong digest gets
 * go-digest's more precise message rather than "invalid reference format".
 */
export const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
/** A bare 64-hex image id, which Docker refuses as a repository name to keep ids and names apart. */
const identifier = '([a-f0-9]{64})';

const namePattern = `(?:${domainAndPort}/)?${remoteName}`;

/** Groups: 1 name, 2 tag, 3 digest. */
export const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
/** Groups: 1 domain (may be undefined), 2 path. */
export const anchoredNameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
export const anchoredTagRegexp = new RegExp(`^${tagPattern}$`);
export const anchoredDigestRegexp = new RegExp(`^${digestPattern}$`);
export const anchoredIdentifierRegexp = new RegExp(`^${identifier}$`);
export const anchoredDomainRegexp = new RegExp(`^${domainAndPort}$`);

/**
 * A lone segment shaped like a registry: `localhost`, a dotted host or an IPv6 address, with an
 * optional port. Distribution would read `registry.example.com` as the Docker Hub image
 * library/registry.example.com; the docker transport refuses that guess when there is no port-like
 * tag (see requireRepository in transport.ts).
 */
export const registryOnlyRegexp = new RegExp(`^(?:localhost|${domainNameComponent}(?:\\.${domainNameComponent})+|${ipv6address})${optionalPort}$`);

/**
 * An image name in an OCI layout's index (the `org.opencontainers.image.ref.name` annotation), as
 * containers/image checks it: components of letters and digits joined by `-._:@+` or `--`, split by `/`.
 */
const ociSeparator = '(?:[-._:@+]|--)';
const ociComponent = `(?:[A-Za-z0-9]+(?:${ociSeparator}[A-Za-z0-9]+)*)`;
export const ociRefNameRegexp = new RegExp(`^${ociComponent}(?:/${ociComponent})*$`);
