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

/** Webview -> extension. */
export type InspectRequest = { type: 'ready' } | { type: 'openRaw'; what: 'manifest' | 'config' } | { type: 'copy'; text: string };

/** Extension -> webview. */
export type InspectNotification = { type: 'show'; view: InspectView } | { type: 'error'; message: string };

export function isInspectRequest(value: unknown): value is InspectRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; what?: unknown; text?: unknown };
  return m.type === 'ready' || (m.type === 'openRaw' && (m.what === 'manifest' || m.what === 'config')) || (m.type === 'copy' && typeof m.text === 'string');
}
