// Docker schema 1 signed manifests (`prettyjws`): libtrust inserts a "signatures" array before the
// manifest's closing brace, and each signature's protected header records where: `formatLength`
// (the bytes of the original JSON kept before it) and `formatTail` (base64url of what followed,
// usually "\n}"). The manifest's digest is that of the original bytes, rebuilt from those two, so
// that signing or re-signing never changes it. This is what registries answer in
// Docker-Content-Digest and what skopeo's manifest-digest prints.
import { ManifestInvalidError } from '../errors';
import { digestOf } from './digest';
import { MediaType } from './mediatypes';

interface SignatureBlock {
  protected?: unknown;
}

function invalid(message: string): never {
  throw new ManifestInvalidError(`schema 1 manifest: ${message}`);
}

/** JOSE's unpadded base64url, as libtrust reads it (newlines and spaces ignored); anything else is refused, not skipped. */
function base64UrlDecode(text: string, what: string): Buffer {
  const s = text.replace(/[\n ]/g, '');
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) invalid(`${what} is not base64url`);
  return Buffer.from(s, 'base64url');
}

function parseObject(bytes: Buffer | string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString());
  } catch (err) {
    invalid(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) invalid(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * True for a manifest that containers/image takes for a signed schema 1 one: no known `mediaType`,
 * `schemaVersion` 1 and a `signatures` member that is not null.
 */
export function isSignedSchema1(bytes: Buffer): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const m = parsed as { mediaType?: unknown; schemaVersion?: unknown; signatures?: unknown };
  const known: string[] = [MediaType.dockerManifest, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.ociIndex];
  if (typeof m.mediaType === 'string' && known.includes(m.mediaType)) return false;
  return m.schemaVersion === 1 && m.signatures !== undefined && m.signatures !== null;
}

/**
 * The signed payload of a schema 1 manifest: the original JSON, without the signatures. Every
 * signature must agree on where they were inserted; a manifest without any is refused (there
 * would be nothing to say where the payload ends).
 */
export function schema1Payload(bytes: Buffer): Buffer {
  const manifest = parseObject(bytes, 'the manifest');
  const blocks = manifest.signatures;
  if (!Array.isArray(blocks)) invalid('"signatures" is not an array');
  if (blocks.length === 0) invalid('"signatures" is empty, so the signed payload cannot be found');
  let length: number | undefined;
  let tail: Buffer | undefined;
  for (const block of blocks as SignatureBlock[]) {
    if (typeof block !== 'object' || block === null || typeof block.protected !== 'string') invalid('a signature has no protected header');
    const header = parseObject(base64UrlDecode(block.protected, 'a protected header'), 'a protected header');
    const formatLength = header.formatLength;
    const formatTail = header.formatTail;
    if (typeof formatLength !== 'number' || !Number.isFinite(formatLength)) invalid('a protected header has no formatLength');
    if (typeof formatTail !== 'string') invalid('a protected header has no formatTail');
    // libtrust reads the number as a float and truncates it.
    const n = Math.trunc(formatLength);
    const t = base64UrlDecode(formatTail, 'formatTail');
    if (length !== undefined && length !== n) invalid('the signatures disagree on formatLength');
    if (tail !== undefined && !tail.equals(t)) invalid('the signatures disagree on formatTail');
    length = n;
    tail = t;
  }
  if (length === undefined || tail === undefined || length < 0 || length > bytes.length) invalid(`formatLength ${String(length)} is outside the manifest's ${bytes.length} bytes`);
  return Buffer.concat([bytes.subarray(0, length), tail]);
}

/**
 * The digest of manifest bytes as registries and skopeo compute it: sha256 of the bytes, except a
 * signed schema 1 manifest, whose digest is that of its payload without the signatures.
 */
export function manifestDigest(bytes: Buffer): string {
  return digestOf(isSignedSchema1(bytes) ? schema1Payload(bytes) : bytes);
}
