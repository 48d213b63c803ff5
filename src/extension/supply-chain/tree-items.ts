// TreeItems of the Supply chain rows. An SBOM row opens its document on click.
import * as vscode from 'vscode';
import type { SupplyNode } from './nodes';
import { commandIds } from '../commands/command-ids';

export const openSbomCommandId = commandIds.openSbom;

const groupIcons = { signatures: 'workspace-trusted', sboms: 'checklist', provenance: 'git-commit', attestations: 'note', artifacts: 'file-binary' } as const;
const itemIcons = { signature: 'key', sbom: 'file-code', provenance: 'git-commit', attestation: 'note', artifact: 'file-binary' } as const;

export function supplyTreeItem(item: vscode.TreeItem, node: SupplyNode): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'supplyChain':
      item.label = 'Supply chain';
      item.description = node.description;
      item.iconPath = new vscode.ThemeIcon('shield');
      item.collapsibleState = C.Collapsed;
      item.tooltip = `What refers to ${node.subject}: ${node.description}`;
      return item;
    case 'supplyGroup':
      item.label = node.label;
      item.description = String(node.items.length);
      item.iconPath = new vscode.ThemeIcon(groupIcons[node.group]);
      item.collapsibleState = C.Collapsed;
      return item;
    case 'supplyItem':
      item.label = node.label;
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.iconPath = new vscode.ThemeIcon(itemIcons[node.itemKind]);
      item.collapsibleState = node.children.length ? C.Collapsed : C.None;
      if (node.sbomBlob) item.command = { command: openSbomCommandId, title: 'Open SBOM', arguments: [node] };
      return item;
  }
}
