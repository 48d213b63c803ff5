// Content digests as the OCI image spec defines them (`algorithm:encoded`), and a hasher that
// checks bytes while they stream past. sha256, sha384 and sha512 are accepted (the ones a real
// skopeo links in): a digest we cannot verify must never be trusted, put in a URL or used as a
// file name, so anything else is refused.
import { createHash, type Hash } from 'node:crypto';
import { DigestMismatchError, InvalidDigestError, SizeMismatchError } from '../errors';
import { MediaType } from './mediatypes';
import { schema1Payload } from './schema1';

const ENCODED: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha384: /^[a-f0-9]{96}$/,
  sha512: /^[a-f0-9]{128}$/,
};

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  encoded: string;
}

export function parseDigest(digest: string): ParsedDigest {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const pattern = ENCODED[algorithm];
  if (colon <= 0 || !Object.hasOwn(ENCODED, algorithm) || !pattern || !pattern.test(encoded)) throw new InvalidDigestError(digest);
  return { algorithm: algorithm as DigestAlgorithm, encoded };
}

export function isSupportedDigest(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A digest a server named in a header (Docker-Content-Digest): the value when it is a well-formed
 * digest of a supported algorithm, else undefined. Nothing else from a header is ever put in a URL.
 */
export function headerDigest(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  const trimmed = one?.trim();
  return trimmed && isSupportedDigest(trimmed) ? trimmed : undefined;
}

export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws DigestMismatchError naming `what` unless `bytes` hash to `expected`. */
export function verifyBytes(bytes: Uint8Array, expected: string, what: string): void {
  const actual = digestOf(bytes, parseDigest(expected).algorithm);
  if (actual !== expected) throw new DigestMismatchError(expected, actual, what);
}

/**
 * The digest that names a manifest: the hash of its bytes, except for a signed Docker schema 1
 * manifest, which is named by its payload (the bytes with the JWS signatures taken out), as
 * registries and skopeo name it. `mediaType` is the kind the body was found to be.
 */
export function manifestDigest(bytes: Buffer, mediaType: string, algorithm: DigestAlgorithm = 'sha256'): string {
  return digestOf(mediaType === MediaType.dockerSchema1Signed ? schema1Payload(bytes) : bytes, algorithm);
}

/**
 * Throws unless the manifest `bytes` are the ones `expected` names, whatever its algorithm
 * (InvalidDigestError for a malformed or unsupported digest, DigestMismatchError for other bytes).
 */
export function verifyManifestBytes(bytes: Buffer, mediaType: string, expected: string, what: string): void {
  const actual = manifestDigest(bytes, mediaType, parseDigest(expected).algorithm);
  if (actual !== expected) throw new DigestMismatchError(expected, actual, what);
}

/**
 * Hashes bytes as they pass and counts them. `check()` at the end says whether they matched the
 * expected digest (and size, when known); callers decide what to do before the last bytes leave.
 */
export class StreamVerifier {
  private readonly hash: Hash;
  private readonly algorithm: DigestAlgorithm;
  bytes = 0;

  constructor(
    readonly expected: string,
    readonly expectedSize: number | undefined,
    readonly what: string,
  ) {
    this.algorithm = parseDigest(expected).algorithm;
    this.hash = createHash(this.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      throw new SizeMismatchError(this.what, this.expectedSize, `more than ${this.expectedSize}`);
    }
    this.hash.update(chunk);
  }

  /** Throws when the bytes seen so far are not the whole blob or do not hash to `expected`. */
  check(): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      throw new SizeMismatchError(this.what, this.expectedSize, String(this.bytes));
    }
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) throw new DigestMismatchError(this.expected, actual, this.what);
  }
}

/**
 * Passes `source` through while hashing it, but holds back the last chunk until the whole stream is
 * checked: a blob that does not match its digest (or size) throws before its final bytes are sent,
 * so a registry receiving the stream never sees a complete body and can never commit it.
 */
export async function* verifiedChunks(source: AsyncIterable<Uint8Array>, verifier: StreamVerifier): AsyncGenerator<Uint8Array> {
  let held: Uint8Array | undefined;
  for await (const chunk of source) {
    verifier.update(chunk);
    if (held) yield held;
    held = chunk;
  }
  verifier.check();
  if (held) yield held;
}
