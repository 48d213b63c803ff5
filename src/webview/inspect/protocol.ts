// The typed messages between the Inspect panel (extension) and its webview. Shared by both sides;
// no vscode and no DOM here. Registry data travels only in messages, never inside the page's HTML
// or scripts.

/** How the image runs, as `podman image inspect` shows its Config. Empty strings and lists when unset. */
export interface RunConfig {
  entrypoint: string[] | null;
  cmd: string[] | null;
  user: string;
  workingDir: string;
  exposedPorts: string[];
  volumes: string[];
  stopSignal: string;
}

/** One bar of the layer-size chart. */
export interface LayerBar {
  /** 1-based, base layer first. */
  layer: number;
  size: number;
  /** Of the image's layers together, 0-100. */
  percent: number;
  /** Bar length relative to the largest layer, 0-100 (the largest fills the row). */
  width: number;
  /** The history step that made it, when the history accounts for every layer. */
  createdBy: string | undefined;
}

export interface LayerChart {
  bars: LayerBar[];
  /** The chart in one sentence, for screen readers and as its caption. */
  summary: string;
}

export interface Label {
  key: string;
  value: string;
  /** An http(s) URL: drawn as a link the extension opens. */
  link: boolean;
}

export interface ImageView {
  kind: 'image';
  reference: string;
  /** `host/repository@sha256:...`. */
  digestReference: string;
  digest: string;
  mediaType: string;
  created: string | null;
  platform: string;
  totalSize: number;
  run: RunConfig;
  layers: { digest: string; mediaType: string; size: number }[];
  chart: LayerChart;
  labels: Label[];
  env: string[];
  /** `layer`: which layer (1-based) the step made; undefined for an empty layer or when the history does not match the layers. */
  history: { created: string; createdBy: string; emptyLayer: boolean; layer: number | undefined }[];
}

export interface PlatformRow {
  platform: string;
  digest: string;
  mediaType: string;
  /** The platform image's config plus layers; undefined when its manifest could not be read. */
  size: number | undefined;
  /** An attestation (SBOM, provenance) stored beside the images, not a runnable platform. */
  attestation: boolean;
}

/** A multi-platform image: its platforms, each one click from its own Inspect. */
export interface IndexView {
  kind: 'index';
  reference: string;
  digestReference: string;
  digest: string;
  mediaType: string;
  platforms: PlatformRow[];
}

export type InspectView = ImageView | IndexView;

/** One row of the Supply chain section: what the tree's Supply chain branch shows, flattened. */
export interface SupplyChainRowView {
  /** "Signatures", "SBOMs", "Provenance"... with the platform for a platform's own. */
  group: string;
  label: string;
  /** Ends with where it was found (referrers API, tag schema, cosign tag, BuildKit). */
  description: string;
  digest: string;
  /** Referrers of a referrer are indented under it. */
  depth: number;
  /** An SBOM's blob: the row offers to open it. */
  sbomBlob: string | undefined;
}

/** Webview -> extension. */
export type InspectRequest =
  | { type: 'ready' }
  | { type: 'retry' }
  | { type: 'openLog' }
  | { type: 'openRaw'; what: 'manifest' | 'config' }
  | { type: 'copy'; text: string }
  | { type: 'openLink'; url: string }
  | { type: 'inspectPlatform'; digest: string }
  | { type: 'openSbom'; blob: string };

/** Extension -> webview. */
/** The Supply chain section arrives after the rest (it takes more requests). */
export type InspectNotification =
  { type: 'show'; view: InspectView } | { type: 'error'; message: string } | { type: 'supplyChain'; rows: SupplyChainRowView[]; error: string | undefined };

export function isInspectRequest(value: unknown): value is InspectRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; what?: unknown; text?: unknown; url?: unknown; digest?: unknown; blob?: unknown };
  switch (m.type) {
    case 'ready':
    case 'retry':
    case 'openLog':
      return true;
    case 'openRaw':
      return m.what === 'manifest' || m.what === 'config';
    case 'copy':
      return typeof m.text === 'string';
    case 'openLink':
      return typeof m.url === 'string';
    case 'inspectPlatform':
      return typeof m.digest === 'string';
    case 'openSbom':
      return typeof m.blob === 'string';
    default:
      return false;
  }
}
