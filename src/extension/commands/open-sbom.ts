import type { SupplyItemNode } from '../supply-chain/nodes';
import type { Command } from './command';
import { commandIds } from './command-ids';

function isSbomRow(value: unknown): value is SupplyItemNode {
  const v = value as Partial<SupplyItemNode> | null;
  return typeof v === 'object' && v !== null && v.kind === 'supplyItem' && typeof v.sbomBlob === 'string';
}

/** On an SBOM row of a Supply chain branch: the SBOM document, read-only, JSON when it is JSON. */
export const openSbomCommand: Command = {
  id: commandIds.openSbom,
  title: 'Open SBOM',
  async run(ctx, node) {
    if (!isSbomRow(node) || !node.sbomBlob) return;
    const blob = node.sbomBlob;
    await ctx.rawDocuments.open({ host: node.registry.host, repository: node.repository, reference: blob, part: 'sbom' });
  },
};
