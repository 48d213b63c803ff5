// What a manifest points at, read from its original bytes: the child manifests of an index, the
// config and layers of an image. Everything here came from a registry or a file, so descriptors are
// checked for shape before any of them is used to name a request or a path, and a missing required
// field is a clear 'manifest-invalid' error, never a TypeError further on.
import { ManifestInvalidError, ManifestTooLargeError, RegxError } from '../errors';
import { parseDigest } from './digest';
import { maxConfigBytes } from './limits';
import type { Descriptor, ImageIndex, ImageManifest } from './mediatypes';
import { isImageManifestMediaType, isIndexMediaType, MediaType } from './mediatypes';
import { schema1Image, schema1Payload } from './schema1';
import { parseJsonObject } from './json-object';

export interface ManifestRefs {
  /** Child manifests (an index's entries). */
  manifests: Descriptor[];
  /** Blobs: config first, then layers. Foreign layers (with `urls`) are left out, as skopeo does. */
  blobs: Descriptor[];
}

/** A descriptor read from untrusted JSON: digest a string, size a non-negative safe integer. */
export function isDescriptor(value: unknown): value is Descriptor {
  if (!value || typeof value !== 'object') return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.digest === 'string' &&
    typeof d.size === 'number' &&
    Number.isSafeInteger(d.size) &&
    d.size >= 0 &&
    (d.mediaType === undefined || typeof d.mediaType === 'string')
  );
}

function bad(what: string): never {
  throw new ManifestInvalidError(`invalid manifest: ${what}`);
}

/** The descriptor at `where`, checked: a supported digest, a size, a media type when there is one. */
function descriptorAt(value: unknown, where: string): Descriptor {
  if (!value || typeof value !== 'object' || Array.isArray(value)) bad(`${where} is not a descriptor`);
  const d = value as Record<string, unknown>;
  if (typeof d.digest !== 'string') bad(`${where} has no digest`);
  if (typeof d.size !== 'number') bad(`${where} has no size`);
  if (!Number.isSafeInteger(d.size) || d.size < 0) bad(`${where} has an impossible size (${d.size})`);
  if (d.mediaType !== undefined && typeof d.mediaType !== 'string') bad(`${where} has a mediaType that is not a string`);
  // A digest we cannot verify names nothing: refused here, before it reaches a URL or a path.
  parseDigest(d.digest);
  return value as Descriptor;
}

function descriptorList(value: unknown, field: string): Descriptor[] {
  if (value === undefined || value === null) bad(`"${field}" is missing`);
  if (!Array.isArray(value)) bad(`"${field}" is not a list`);
  return value.map((d, i) => descriptorAt(d, `"${field}"[${i}]`));
}

function parseObject(bytes: Buffer): Record<string, unknown> {
  return parseJsonObject(bytes, bad);
}

/** An image manifest (OCI or Docker schema 2) with its required fields checked: a config descriptor and a list of layers. */
export function parseImageManifest(bytes: Buffer): ImageManifest {
  const m = parseObject(bytes);
  descriptorAt(m.config, '"config"');
  descriptorList(m.layers, 'layers');
  return m as unknown as ImageManifest;
}

/** An index (OCI or Docker list) with its required list of descriptors checked. */
export function parseImageIndex(bytes: Buffer): ImageIndex {
  const m = parseObject(bytes);
  descriptorList(m.manifests, 'manifests');
  return m as unknown as ImageIndex;
}

const FOREIGN_LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
]);

function isForeign(d: Descriptor): boolean {
  return FOREIGN_LAYER_TYPES.has(d.mediaType) && (d.urls?.length ?? 0) > 0;
}

/**
 * What a manifest of kind `mediaType` (as manifestMediaType found it) points at. A signed schema 1
 * manifest is read from its signed payload only: what follows it in the body names nothing.
 */
export function manifestRefs(bytes: Buffer, mediaType: string): ManifestRefs {
  if (isIndexMediaType(mediaType)) return { manifests: parseImageIndex(bytes).manifests, blobs: [] };
  if (isImageManifestMediaType(mediaType)) {
    const m = parseImageManifest(bytes);
    // Refused while planning, before any blob moves: containers/image reads configs whole and caps them.
    if (m.config.size > maxConfigBytes) throw new ManifestTooLargeError(m.config.size, maxConfigBytes, `config ${m.config.digest}`);
    return { manifests: [], blobs: [m.config, ...m.layers.filter((d) => !isForeign(d))] };
  }
  if (mediaType === MediaType.dockerSchema1Signed || mediaType === MediaType.dockerSchema1) {
    const image = schema1Image(mediaType === MediaType.dockerSchema1Signed ? schema1Payload(bytes) : bytes);
    // Schema 1 names layers only by digest; sizes are unknown until fetched.
    const blobs: Descriptor[] = [];
    for (const digest of new Set(image.layers)) {
      parseDigest(digest);
      blobs.push({ mediaType: 'application/vnd.docker.container.image.rootfs.diff+x-gtar', digest, size: -1 });
    }
    return { manifests: [], blobs };
  }
  throw new RegxError('unsupported', `manifest type ${mediaType} is not supported (only OCI and Docker schema 2 images and indexes, and Docker schema 1)`);
}
