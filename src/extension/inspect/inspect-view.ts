// What the Inspect panel shows, computed from the core's inspect result. Pure, unit-tested.
import type { InspectedImage } from '../../core/image/inspect';
import type { ImageIndex } from '../../core/image/mediatypes';
import { formatPlatform } from '../../core/image/platform';
import { DOCKER_REFERENCE_TYPE } from '../../core/supply-chain/kinds';
import { formatPercent, formatSize } from '../format';
import type { ImageView, IndexView, LayerChart, RunConfig } from '../../webview/inspect/protocol';
import { webLink } from './web-link';

/** Where the image lives: `reference` is what the page's title says, `digestReference` what Copy gives. */
export interface ViewNames {
  readonly reference: string;
  /** `host/repository`, to which `@digest` is added. */
  readonly repositoryName: string;
}

export function inspectView(names: ViewNames, image: InspectedImage): ImageView {
  const { info, manifest, config } = image;
  const platform = formatPlatform({
    os: config.os ?? info.Os,
    architecture: config.architecture ?? info.Architecture,
    ...(config.variant ? { variant: config.variant } : {}),
  });
  const history = historyRows(image);
  return {
    kind: 'image',
    reference: names.reference,
    digestReference: `${names.repositoryName}@${info.Digest}`,
    digest: info.Digest,
    mediaType: image.rawMediaType,
    created: info.Created,
    platform,
    totalSize: manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0),
    run: runConfig(image),
    layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
    chart: layerChart(
      manifest.layers.map((l) => l.size),
      (layer) => history.find((h) => h.layer === layer)?.createdBy,
    ),
    labels: Object.entries(info.Labels ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value, link: webLink(value) !== undefined })),
    env: info.Env ?? [],
    history,
  };
}

/** The config's run settings, as `podman image inspect` lists them under Config. */
export function runConfig(image: Pick<InspectedImage, 'config'>): RunConfig {
  const c = image.config.config ?? {};
  const keys = (o: Record<string, unknown> | null | undefined): string[] => Object.keys(o ?? {}).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return {
    entrypoint: Array.isArray(c.Entrypoint) ? c.Entrypoint.map(String) : null,
    cmd: Array.isArray(c.Cmd) ? c.Cmd.map(String) : null,
    user: typeof c.User === 'string' ? c.User : '',
    workingDir: typeof c.WorkingDir === 'string' ? c.WorkingDir : '',
    exposedPorts: keys(c.ExposedPorts),
    volumes: keys(c.Volumes),
    stopSignal: typeof c.StopSignal === 'string' ? c.StopSignal : '',
  };
}

/**
 * History steps, each with the layer it made. Steps that made no layer say `empty_layer`; the others
 * match the layers in order, but only when their count equals the layer count (a history edited by
 * hand, or squashed, matches nothing, and then no step claims a layer).
 */
export function historyRows(image: Pick<InspectedImage, 'config' | 'manifest'>): ImageView['history'] {
  const steps = image.config.history ?? [];
  const matches = steps.filter((h) => h.empty_layer !== true).length === image.manifest.layers.length;
  let layer = 0;
  return steps.map((h) => {
    const emptyLayer = h.empty_layer === true;
    if (!emptyLayer) layer++;
    return { created: h.created ?? '', createdBy: h.created_by ?? '', emptyLayer, layer: matches && !emptyLayer ? layer : undefined };
  });
}

/** Bars for layer sizes: each one's share of the image's layers, its length against the largest. */
export function layerChart(sizes: readonly number[], createdBy: (layer: number) => string | undefined = () => undefined): LayerChart {
  const known = sizes.map((s) => (Number.isSafeInteger(s) && s > 0 ? s : 0));
  const total = known.reduce((a, b) => a + b, 0);
  const largest = Math.max(0, ...known);
  const bars = known.map((size, i) => ({
    layer: i + 1,
    size,
    percent: total ? (size / total) * 100 : 0,
    width: largest ? (size / largest) * 100 : 0,
    createdBy: createdBy(i + 1),
  }));
  if (!bars.length) return { bars, summary: 'No layers.' };
  const top = bars.reduce((a, b) => (b.size > a.size ? b : a));
  const summary =
    `${bars.length} layer${bars.length === 1 ? '' : 's'}, ${formatSize(total)} in all` +
    (bars.length > 1 && total ? `; the largest is layer ${top.layer}, ${formatSize(top.size)} (${formatPercent(top.percent)} of the image's layers).` : '.');
  return { bars, summary };
}

/** Buildkit stores SBOM and provenance attestations in the index beside the images, on platform unknown/unknown. */
function isAttestation(annotations: Record<string, string> | undefined): boolean {
  return annotations?.[DOCKER_REFERENCE_TYPE] === 'attestation-manifest';
}

/** `sizes`: config plus layers of each platform's image, by digest (an index's descriptors only give manifest byte counts). */
export function indexView(names: ViewNames, digest: string, mediaType: string, index: ImageIndex, sizes: ReadonlyMap<string, number | undefined>): IndexView {
  return {
    kind: 'index',
    reference: names.reference,
    digestReference: `${names.repositoryName}@${digest}`,
    digest,
    mediaType,
    platforms: index.manifests.map((d) => ({
      platform: d.platform ? formatPlatform(d.platform) : 'unknown',
      digest: d.digest,
      mediaType: d.mediaType,
      size: sizes.get(d.digest),
      attestation: isAttestation(d.annotations),
    })),
  };
}
