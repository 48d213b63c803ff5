// The typed messages between the Describe Image Stream panel and its webview. Shared by both sides;
// no vscode and no DOM here. Cluster data travels only in messages, never in the page's HTML or scripts.
import type { DescribedImageStream } from '../../core/openshift/describe';

export interface DescribeView {
  /** `developer @ api.crc.testing:6443`. */
  cluster: string;
  model: DescribedImageStream;
}

/** Webview -> extension. */
export type DescribeRequest =
  { type: 'ready' } | { type: 'copy'; text: string } | { type: 'openText' } | { type: 'openJson' } | { type: 'openYaml' } | { type: 'refresh' };

/** Extension -> webview. */
export type DescribeNotification = { type: 'show'; view: DescribeView } | { type: 'error'; message: string };

export function isDescribeRequest(value: unknown): value is DescribeRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; text?: unknown };
  return (
    m.type === 'ready' ||
    m.type === 'openText' ||
    m.type === 'openJson' ||
    m.type === 'openYaml' ||
    m.type === 'refresh' ||
    (m.type === 'copy' && typeof m.text === 'string')
  );
}
