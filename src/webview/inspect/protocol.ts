// The typed messages between the Inspect panel (extension) and its webview. Shared by both sides;
// no vscode and no DOM here. Registry data travels only in messages, never inside the page's HTML
// or scripts.

export interface InspectView {
  reference: string;
  digest: string;
  mediaType: string;
  created: string | null;
  platform: string;
  totalSize: number;
  /** The index's platforms when the reference names a multi-platform image. */
  /** `size`: the platform image's config plus layers; undefined when its manifest could not be read. */
  platforms: { platform: string; digest: string; size: number | undefined; shown: boolean }[];
  layers: { digest: string; mediaType: string; size: number }[];
  labels: [string, string][];
  env: string[];
  history: { created: string; createdBy: string; emptyLayer: boolean }[];
}

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
export type InspectRequest = { type: 'ready' } | { type: 'openRaw'; what: 'manifest' | 'config' } | { type: 'copy'; text: string } | { type: 'openSbom'; blob: string };

/** Extension -> webview. The Supply chain section arrives after the rest (it takes more requests). */
export type InspectNotification = { type: 'show'; view: InspectView } | { type: 'error'; message: string } | { type: 'supplyChain'; rows: SupplyChainRowView[]; error: string | undefined };

export function isInspectRequest(value: unknown): value is InspectRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; what?: unknown; text?: unknown };
  const blob = (value as { blob?: unknown }).blob;
  return m.type === 'ready' || (m.type === 'openRaw' && (m.what === 'manifest' || m.what === 'config')) || (m.type === 'copy' && typeof m.text === 'string') || (m.type === 'openSbom' && typeof blob === 'string');
}
