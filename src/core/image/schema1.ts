// Docker image manifest schema 1, signed (`application/vnd.docker.distribution.manifest.v1+prettyjws`).
// The bytes a registry serves are a JSON payload with a `signatures` array spliced in before its
// last brace (libtrust's "pretty" JWS). The image is named by the payload, not by the bytes: each
// signature's protected header carries `formatLength` (how many leading bytes of the body belong to
// the payload) and `formatTail` (base64url of the bytes that close it, usually "\n}"). Rebuilding
// the payload from them is how the digest is computed, and what everything else reads: the part of
// the body after `formatLength` is signature material and names nothing.
import { createHash } from 'node:crypto';
import { ManifestInvalidError } from '../errors';
import { MediaType } from './mediatypes';
import { parseJsonObject } from './json-object';

function bad(what: string): never {
  throw new ManifestInvalidError(`invalid schema 1 manifest: ${what}`);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url (no padding, no stray characters): Buffer.from alone skips what it does not understand. */
function base64url(text: string, what: string): Buffer {
  if (!BASE64URL.test(text) || text.length % 4 === 1) bad(`${what} is not base64url`);
  return Buffer.from(text, 'base64url');
}

function jsonObject(bytes: Buffer | string, what: string): Record<string, unknown> {
  return parseJsonObject(bytes, (problem) => bad(`${what} is ${problem}`));
}

/**
 * The signed payload of a schema 1 manifest: the body up to `formatLength`, then `formatTail`.
 * Every signature must agree on both (as libtrust requires); the result must be a JSON object.
 */
export function schema1Payload(bytes: Buffer): Buffer {
  const body = jsonObject(bytes, 'the manifest');
  const signatures = body.signatures;
  if (!Array.isArray(signatures) || signatures.length === 0) bad('it has no signatures');
  let length: number | undefined;
  let tail: Buffer | undefined;
  for (const s of signatures as unknown[]) {
    const prot = s && typeof s === 'object' ? (s as Record<string, unknown>).protected : undefined;
    if (typeof prot !== 'string') bad('a signature has no protected header');
    const header = jsonObject(base64url(prot, 'a protected header'), 'a protected header');
    const formatLength = header.formatLength;
    const formatTail = header.formatTail;
    if (typeof formatLength !== 'number' || !Number.isSafeInteger(formatLength) || formatLength <= 0 || formatLength > bytes.length)
      bad('a protected header has no usable formatLength');
    if (typeof formatTail !== 'string') bad('a protected header has no formatTail');
    const decodedTail = base64url(formatTail, 'formatTail');
    if (length === undefined) length = formatLength;
    else if (length !== formatLength) bad('its signatures disagree on formatLength');
    if (tail === undefined) tail = decodedTail;
    else if (!tail.equals(decodedTail)) bad('its signatures disagree on formatTail');
  }
  const payload = Buffer.concat([bytes.subarray(0, length), tail as Buffer]);
  jsonObject(payload, 'its signed payload');
  return payload;
}

/** The digest naming a signed schema 1 manifest (its payload's), as registries and skopeo give it. */
export function schema1PayloadDigest(bytes: Buffer, algorithm: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(schema1Payload(bytes)).digest('hex')}`;
}

/** One v1 image of the history (`v1Compatibility`), the fields read here. */
export interface Schema1V1Image {
  id?: string;
  parent?: string;
  created?: string;
  author?: string;
  docker_version?: string;
  architecture?: string;
  variant?: string;
  os?: string;
  throwaway?: boolean;
  config?: { Labels?: Record<string, string> | null; Env?: string[] | null; [k: string]: unknown } | null;
}

export interface Schema1Image {
  name?: string;
  tag?: string;
  /** Layer digests from the base up (fsLayers are listed top first), repeated ones included. */
  layers: string[];
  /** The top v1 image (history[0]): where created, architecture, labels and env are read. */
  top: Schema1V1Image;
  /** The top v1 image's JSON text, as the registry stored it. */
  topJson: string;
}

/**
 * What a schema 1 manifest describes, read from `json` (its payload for a signed one). Entries whose
 * v1 id repeats the next one's are one image listed twice (older Docker wrote them so) and are
 * folded into one, as containers/image does.
 */
export function schema1Image(json: Buffer): Schema1Image {
  const m = jsonObject(json, 'the manifest');
  if (m.schemaVersion !== 1) bad('schemaVersion is not 1');
  const fsLayers = m.fsLayers;
  const history = m.history;
  if (!Array.isArray(fsLayers) || fsLayers.length === 0) bad('"fsLayers" is missing or empty');
  if (!Array.isArray(history) || history.length !== fsLayers.length) bad('"history" does not have one entry per fsLayers entry');
  const entries = (fsLayers as unknown[]).map((l, i) => {
    const blobSum = l && typeof l === 'object' ? (l as Record<string, unknown>).blobSum : undefined;
    if (typeof blobSum !== 'string') bad('an fsLayers entry has no blobSum');
    const h = (history as unknown[])[i];
    const text = h && typeof h === 'object' ? (h as Record<string, unknown>).v1Compatibility : undefined;
    if (typeof text !== 'string') bad('a history entry has no v1Compatibility');
    return { blobSum, text, v1: jsonObject(text, 'a v1Compatibility entry') as Schema1V1Image };
  });
  const kept = entries.filter((e, i) => i === entries.length - 1 || typeof e.v1.id !== 'string' || e.v1.id !== entries[i + 1]?.v1.id);
  const first = kept[0] as (typeof kept)[number];
  return {
    name: typeof m.name === 'string' ? m.name : undefined,
    tag: typeof m.tag === 'string' ? m.tag : undefined,
    layers: kept.map((e) => e.blobSum).reverse(),
    top: first.v1,
    topJson: first.text,
  };
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
 * The digest of a manifest file as registries and skopeo compute it: sha256 of the bytes, except a
 * signed schema 1 manifest, whose digest is that of its payload without the signatures.
 */
export function manifestFileDigest(bytes: Buffer): string {
  return isSignedSchema1(bytes) ? schema1PayloadDigest(bytes) : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
