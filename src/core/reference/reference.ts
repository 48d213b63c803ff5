// Image references with Distribution's grammar and Docker's normalization, so that a name means
// here exactly what it means to docker, podman and skopeo: `redis` is docker.io/library/redis,
// `localhost:5000/a` is on localhost, `[::1]:5000/repo` is IPv6 loopback. Every failure is an
// InvalidReferenceError carrying Distribution's own message (or go-digest's for digests), and it
// happens here, before anything touches the network.
import { InvalidReferenceError } from '../errors';
import { validateDigest } from './digest';
import { anchoredDigestRegexp, anchoredIdentifierRegexp, anchoredNameRegexp, anchoredTagRegexp, referenceRegexp } from './grammar';
import { DEFAULT_TAG, familiarizeName, splitDockerDomain } from './normalize';

export { DOCKER_HUB, DEFAULT_TAG } from './normalize';
export { isValidDigest, validateDigest, digestAlgorithms } from './digest';
export { DOCKER_HUB_API_HOST, isDockerHub, normalizeRegistryName, registryApiHost, registryOrigin, splitHostPort } from './registry-host';

/**
 * A parsed reference. `registry` is the domain as written (after normalization, `docker.io` for
 * Docker Hub); it is '' only for the non-normalizing parsers given a name without a domain.
 */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** What parseAnyReference returns for a bare digest or image id: no name at all. */
export interface DigestOnlyReference {
  digest: string;
}

/** Longest repository path (without the domain) Distribution accepts. */
export const REPOSITORY_NAME_MAX_LENGTH = 255;

export const ERR_INVALID_FORMAT = 'invalid reference format';
export const ERR_TAG_INVALID_FORMAT = 'invalid tag format';
export const ERR_DIGEST_INVALID_FORMAT = 'invalid digest format';
export const ERR_NAME_UPPERCASE = 'repository name must be lowercase';
export const ERR_NAME_EMPTY = 'repository name must have at least one component';
export const ERR_NAME_TOO_LONG = `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters`;
export const ERR_NAME_NOT_CANONICAL = 'repository name must be canonical';

function fail(message: string, input: string): never {
  throw new InvalidReferenceError(message, input);
}

/**
 * Lowercases the way Go's strings.ToLower does: one code point to one code point. JavaScript's
 * full case mapping turns U+0130 into two code points where Go gives a plain `i`, which would
 * change which error a name gets.
 */
function goToLower(s: string): string {
  return s.replace(/\u0130/g, 'i').toLowerCase();
}

/** Builds the object without keys for absent parts, so results compare equal however they were made. */
function makeReference(registry: string, repository: string, tag: string | undefined, digest: string | undefined): ImageReference {
  const ref: ImageReference = { registry, repository };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

function parseGrammar(s: string, original: string): ImageReference {
  if (s === '') fail(ERR_NAME_EMPTY, original);
  const m = referenceRegexp.exec(s);
  if (!m) {
    // Telling "has capitals" apart from "malformed" is the one hint worth the second match.
    const lower = goToLower(s);
    if (lower !== s && referenceRegexp.test(lower)) fail(ERR_NAME_UPPERCASE, original);
    fail(ERR_INVALID_FORMAT, original);
  }
  const name = m[1] as string;
  const nameMatch = anchoredNameRegexp.exec(name);
  const registry = nameMatch?.[1] ?? '';
  const repository = nameMatch ? (nameMatch[2] as string) : name;
  // The limit is on the path only: a long registry host does not count against it.
  if (repository.length > REPOSITORY_NAME_MAX_LENGTH) fail(ERR_NAME_TOO_LONG, original);
  const digest = m[3];
  if (digest) validateDigest(digest, original);
  return makeReference(registry, repository, m[2], digest);
}

/**
 * Distribution's `Parse`: the grammar only, no normalization. `redis` stays `redis` (registry ''),
 * `docker.io/redis` keeps its path `redis`.
 */
export function parseReference(input: string): ImageReference {
  return parseGrammar(input, input);
}

/**
 * Distribution's `ParseNormalizedNamed`: the reference as docker understands a user's input,
 * `redis` -> docker.io/library/redis, `index.docker.io/x/y` -> docker.io/x/y. No default tag.
 */
export function parseNormalizedReference(input: string): ImageReference {
  // A 64-hex string is an image id to docker; refusing it as a name keeps the two apart.
  if (anchoredIdentifierRegexp.test(input)) fail(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`, input);
  const { domain, remainder } = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  if (goToLower(remote) !== remote) fail(`${ERR_INVALID_FORMAT}: repository name (${remote}) must be lowercase`, input);
  return parseGrammar(`${domain}/${remainder}`, input);
}

/** Distribution's `ParseNamed`: accepts only input already in full canonical form (`docker.io/library/redis`, not `redis`). */
export function parseCanonicalReference(input: string): ImageReference {
  const ref = parseNormalizedReference(input);
  if (formatReference(ref) !== input) fail(ERR_NAME_NOT_CANONICAL, input);
  return ref;
}

/**
 * Distribution's `ParseDockerRef`: what docker pulls. A name alone gets `:latest`; a reference with
 * both tag and digest keeps only the digest, since the digest is what will be fetched.
 */
export function parseDockerRef(input: string): ImageReference {
  const ref = parseNormalizedReference(input);
  if (ref.tag !== undefined && ref.digest !== undefined) return withDigest(trimNamed(ref), ref.digest);
  return withDefaultTag(ref);
}

/** Distribution's `ParseAnyReference`: an image id (64 hex) or a digest stands alone; anything else is a normalized name. */
export function parseAnyReference(input: string): ImageReference | DigestOnlyReference {
  if (anchoredIdentifierRegexp.test(input)) return { digest: `sha256:${input}` };
  try {
    validateDigest(input);
    return { digest: input };
  } catch {
    return parseNormalizedReference(input);
  }
}

export function isImageReference(ref: ImageReference | DigestOnlyReference): ref is ImageReference {
  return 'repository' in ref;
}

/** Distribution's `WithName`: a name without tag or digest, not normalized. */
export function parseName(name: string): ImageReference {
  const m = anchoredNameRegexp.exec(name);
  if (!m) fail(ERR_INVALID_FORMAT, name);
  const repository = m[2] as string;
  if (repository.length > REPOSITORY_NAME_MAX_LENGTH) fail(ERR_NAME_TOO_LONG, name);
  return { registry: m[1] ?? '', repository };
}

/** Distribution's `WithTag`: replaces the tag, keeps any digest. */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  if (!anchoredTagRegexp.test(tag)) fail(ERR_TAG_INVALID_FORMAT, tag);
  return makeReference(ref.registry, ref.repository, tag, ref.digest);
}

/**
 * Distribution's `WithDigest`: replaces the digest, keeps any tag. Like the Go function it checks
 * only the digest's shape; parse a full reference to have go-digest's checks too.
 */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  if (!anchoredDigestRegexp.test(digest)) fail(ERR_DIGEST_INVALID_FORMAT, digest);
  return makeReference(ref.registry, ref.repository, ref.tag, digest);
}

/** Drops tag and digest. */
export function trimNamed(ref: ImageReference): ImageReference {
  return { registry: ref.registry, repository: ref.repository };
}

export function isNameOnly(ref: ImageReference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

/** Distribution's `TagNameOnly`: `:latest` when there is neither tag nor digest. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return isNameOnly(ref) ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** `registry/repository`, or just the repository when there is no registry. */
export function referenceName(ref: ImageReference): string {
  return ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
}

/** "registry/repo[:tag][@digest]": the full form, which every parser here reads back unchanged. */
export function formatReference(ref: ImageReference): string {
  return referenceName(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** The name as docker shows it: docker.io/library/redis -> redis, docker.io/a/b -> a/b, others unchanged. */
export function familiarName(ref: ImageReference): string {
  return referenceName(familiarizeName(ref.registry, ref.repository));
}

/** familiarName with the tag and digest: docker.io/library/redis:7 -> redis:7. */
export function familiarString(ref: ImageReference): string {
  return formatReference({ ...ref, ...familiarizeName(ref.registry, ref.repository) });
}

export function isValidTag(tag: string): boolean {
  return anchoredTagRegexp.test(tag);
}
