// Content digests as the OCI image spec defines them (`algorithm:encoded`), and a hasher that
// checks bytes while they stream past. Only sha256 and sha512 are accepted: they are the two the
// spec registers, and a digest we cannot verify must never be trusted (or used as a file name).
import { createHash, type Hash } from 'node:crypto';
import { DigestMismatchError, InvalidDigestError, SizeMismatchError } from '../errors';

const ENCODED: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha512';
  encoded: string;
}

export function parseDigest(digest: string): ParsedDigest {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const pattern = ENCODED[algorithm];
  if (colon <= 0 || !pattern || !pattern.test(encoded)) throw new InvalidDigestError(digest);
  return { algorithm: algorithm as ParsedDigest['algorithm'], encoded };
}

export function digestOf(bytes: Uint8Array, algorithm: ParsedDigest['algorithm'] = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws DigestMismatchError naming `what` unless `bytes` hash to `expected`. */
export function verifyBytes(bytes: Uint8Array, expected: string, what: string): void {
  const actual = digestOf(bytes, parseDigest(expected).algorithm);
  if (actual !== expected) throw new DigestMismatchError(expected, actual, what);
}

/**
 * Hashes bytes as they pass and counts them. `check()` at the end says whether they matched the
 * expected digest (and size, when known); callers decide what to do before the last bytes leave.
 */
export class StreamVerifier {
  private readonly hash: Hash;
  private readonly algorithm: ParsedDigest['algorithm'];
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
