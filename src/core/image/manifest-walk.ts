// What a manifest points at, read from its original bytes: the child manifests of an index, the
// config and layers of an image. Everything here came from a registry or a file, so descriptors are
// checked for shape before any of them is used to name a request or a path.
import { ManifestTooLargeError, RegxError } from '../errors';
import { maxConfigBytes } from './limits';
import type { Descriptor } from './mediatypes';
import { isIndexMediaType, MediaType } from './mediatypes';

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
  return typeof d.digest === 'string' && typeof d.size === 'number' && Number.isSafeInteger(d.size) && d.size >= 0 && (d.mediaType === undefined || typeof d.mediaType === 'string');
}

function bad(what: string): never {
  throw new RegxError('manifest-invalid', `invalid manifest: ${what}`);
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isDescriptor)) bad(`"${field}" is not a list of descriptors`);
  return value;
}

const FOREIGN_LAYER_TYPES = new Set(['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'application/vnd.oci.image.layer.nondistributable.v1.tar']);

function isForeign(d: Descriptor): boolean {
  return FOREIGN_LAYER_TYPES.has(d.mediaType) && (d.urls?.length ?? 0) > 0;
}

export function manifestRefs(bytes: Buffer, mediaType: string): ManifestRefs {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    bad('not JSON');
  }
  if (!parsed || typeof parsed !== 'object') bad('not a JSON object');
  if (isIndexMediaType(mediaType) || (mediaType !== MediaType.dockerSchema1Signed && mediaType !== MediaType.dockerSchema1 && Array.isArray(parsed.manifests) && !parsed.config)) {
    return { manifests: descriptors(parsed.manifests, 'manifests'), blobs: [] };
  }
  if (mediaType === MediaType.dockerSchema1Signed || mediaType === MediaType.dockerSchema1) {
    // Schema 1 names layers only by digest; sizes are unknown until fetched.
    const layers = Array.isArray(parsed.fsLayers) ? (parsed.fsLayers as { blobSum?: unknown }[]) : bad('"fsLayers" is missing');
    const seen = new Set<string>();
    const blobs: Descriptor[] = [];
    for (const l of layers) {
      if (typeof l?.blobSum !== 'string') bad('an fsLayers entry has no blobSum');
      if (!seen.has(l.blobSum)) blobs.push({ mediaType: 'application/vnd.docker.container.image.rootfs.diff+x-gtar', digest: l.blobSum, size: -1 });
      seen.add(l.blobSum);
    }
    return { manifests: [], blobs };
  }
  const blobs: Descriptor[] = [];
  if (parsed.config !== undefined) {
    if (!isDescriptor(parsed.config)) bad('"config" is not a descriptor');
    // Refused while planning, before any blob moves: containers/image reads configs whole and caps them.
    if (parsed.config.size > maxConfigBytes) throw new ManifestTooLargeError(parsed.config.size, maxConfigBytes, `config ${parsed.config.digest}`);
    blobs.push(parsed.config);
  }
  blobs.push(...descriptors(parsed.layers, 'layers').filter((d) => !isForeign(d)));
  return { manifests: [], blobs };
}
