// What the Inspect panel shows, computed from the core's inspect result. Pure, unit-tested.
import type { InspectedImage } from '../../core/image/inspect';
import { formatPlatform } from '../../core/image/platform';
import { DOCKER_REFERENCE_TYPE } from '../../core/supply-chain/kinds';
import type { InspectView } from '../../webview/inspect/protocol';

/** `imageSizes`: config plus layers of each platform's image, by digest (an index's descriptors only give manifest byte counts). */
export function inspectView(reference: string, image: InspectedImage, imageSizes: ReadonlyMap<string, number | undefined> = new Map()): InspectView {
  const { info, manifest, config } = image;
  const platform = formatPlatform({ os: config.os ?? info.Os, architecture: config.architecture ?? info.Architecture, ...(config.variant ? { variant: config.variant } : {}) });
  return {
    reference,
    digest: info.Digest,
    mediaType: image.rawMediaType,
    created: info.Created,
    platform,
    totalSize: manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0),
    // BuildKit's attestation manifests are referrers (the Supply chain section), not platforms.
    platforms: (image.index?.manifests ?? []).filter((d) => d.annotations?.[DOCKER_REFERENCE_TYPE] !== 'attestation-manifest').map((d) => ({
      platform: d.platform ? formatPlatform(d.platform) : 'unknown',
      digest: d.digest,
      size: d.digest === image.manifestDigest ? manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0) : imageSizes.get(d.digest),
      shown: d.digest === image.manifestDigest,
    })),
    layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
    labels: Object.entries(info.Labels ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    env: info.Env ?? [],
    history: (config.history ?? []).map((h) => ({ created: h.created ?? '', createdBy: h.created_by ?? '', emptyLayer: h.empty_layer === true })),
  };
}
