// The Inspect panel's Supply chain section: the tree's rows for the image and for each of its
// platforms, flattened into one table. Pure, no vscode.
import { formatPlatform } from '../../core/image/platform';
import type { SubjectNode } from '../../core/supply-chain/discover';
import type { SupplyChainRowView } from '../../webview/inspect/protocol';
import type { ConfiguredRegistry } from '../registry-settings';
import { flattenRows, supplyChainRow } from './rows';
import type { DescribedItems, SignatureChecks, SimpleSignatures } from './rows';

/** `checks(subject)`: the signature states of what refers to one subject (the image, or a platform of it). */
export function supplyChainRows(
  host: string,
  repository: string,
  digest: string,
  found: { discovery: { root: SubjectNode }; items: DescribedItems },
  checks?: (subject: SubjectNode) => SignatureChecks,
  simple?: SimpleSignatures,
): SupplyChainRowView[] {
  const registry = { host, label: host } as ConfiguredRegistry;
  const out: SupplyChainRowView[] = [];
  const add = (subject: SubjectNode, platform: string | undefined): void => {
    const row = supplyChainRow(
      { id: `inspect:${digest}/${subject.digest}`, registry, repository },
      subject.digest,
      subject.referrers,
      found.items,
      checks?.(subject),
      platform ? undefined : simple,
    );
    if (!row) return;
    for (const { group, row: r, depth } of flattenRows(row)) {
      out.push({
        group: platform ? `${group} (${platform})` : group,
        label: r.label,
        description: r.description,
        digest: r.digest,
        depth,
        sbomBlob: r.sbomBlob,
      });
    }
  };
  add(found.discovery.root, undefined);
  for (const m of found.discovery.root.manifests) add(m, m.platform ? formatPlatform(m.platform) : m.digest.slice(0, 19));
  return out;
}
