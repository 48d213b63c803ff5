// Some platforms of a multi-platform image: a new index that lists only the images for the platforms
// asked for (and the attestation manifests that describe them), written the same way on every run so
// its digest is stable and a re-run finds it unchanged. All platforms asked for: the source's own
// index, byte for byte. One image that is not an index is copied as it is.
import { createHash } from 'node:crypto';
import { isIndexMediaType } from '../image/mediatypes';
import type { Descriptor } from '../image/mediatypes';
import type { ManifestBytes } from '../image/copy-source';
import { parseImageIndex } from '../image/manifest-walk';
import { selectPlatform } from '../image/platform';
import type { PlatformWanted } from '../image/platform';

export interface PlatformSubset {
  /** The manifest the destination tag will name. */
  top: ManifestBytes;
  /** The images under it to copy first (by digest); empty when `top` is the source's own manifest. */
  children: Descriptor[];
}

const REFERENCE_DIGEST = 'vnd.docker.reference.digest';

export function platformSubset(source: ManifestBytes, wanted: readonly PlatformWanted[]): PlatformSubset {
  if (!isIndexMediaType(source.mediaType)) return { top: source, children: [] };
  const index = parseImageIndex(source.bytes);
  const picked = new Set(wanted.map((w) => selectPlatform({ ...index, mediaType: source.mediaType }, w).digest));
  // BuildKit's attestation manifests ride along with the image they describe.
  const kept = index.manifests.filter(
    (d) => picked.has(d.digest) || (d.annotations?.[REFERENCE_DIGEST] !== undefined && picked.has(d.annotations[REFERENCE_DIGEST] as string)),
  );
  if (kept.length === index.manifests.length) return { top: source, children: [] };
  const doc = { ...(JSON.parse(source.bytes.toString('utf8')) as Record<string, unknown>), manifests: kept };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { top: { bytes, mediaType: source.mediaType, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` }, children: kept };
}
