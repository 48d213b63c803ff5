// Digest validation as opencontainers/go-digest does it, with the algorithms a real skopeo binary
// has linked in (sha256, sha384, sha512: all hex, lowercase, fixed length). The three messages are
// go-digest's own, so a user who pastes a bad digest reads what docker and skopeo would say.
import { InvalidReferenceError } from '../errors';

export const DIGEST_INVALID_FORMAT = 'invalid checksum digest format';
export const DIGEST_INVALID_LENGTH = 'invalid checksum digest length';
export const DIGEST_UNSUPPORTED = 'unsupported digest algorithm';

/** Hex length of each supported algorithm's value. */
const hexLength: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/** The general digest shape: an algorithm of lowercase parts joined by `.+_-`, then an encoded value. */
const anchoredDigestShape = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Why `digest` is not a usable digest, or undefined when it is. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon < 0 || colon === digest.length - 1) return DIGEST_INVALID_FORMAT;
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const length = hexLength.get(algorithm);
  // An unknown algorithm is "unsupported" only if the string is otherwise a digest; garbage is a format error.
  if (length === undefined) return anchoredDigestShape.test(digest) ? DIGEST_UNSUPPORTED : DIGEST_INVALID_FORMAT;
  if (encoded.length !== length) return DIGEST_INVALID_LENGTH;
  return /^[a-f0-9]+$/.test(encoded) ? undefined : DIGEST_INVALID_FORMAT;
}

/** Throws InvalidReferenceError with go-digest's message when `digest` is not valid. */
export function validateDigest(digest: string, input: string = digest): void {
  const problem = digestProblem(digest);
  if (problem) throw new InvalidReferenceError(problem, input);
}

export function isValidDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

export function digestAlgorithms(): string[] {
  return [...hexLength.keys()];
}
