// TreeItems of the Supply chain rows. An SBOM row opens its document on click.
import * as vscode from 'vscode';
import type { SupplyNode } from './nodes';
import type { SignatureState } from './signature-states';
import { commandIds } from '../commands/command-ids';

export const openSbomCommandId = commandIds.openSbom;

const groupIcons = { signatures: 'workspace-trusted', sboms: 'checklist', provenance: 'git-commit', attestations: 'note', artifacts: 'file-binary' } as const;
const itemIcons = { signature: 'key', sbom: 'file-code', provenance: 'git-commit', attestation: 'note', artifact: 'file-binary' } as const;

function signatureIcon(state: SignatureState): vscode.ThemeIcon {
  switch (state) {
    case 'verified':
      return new vscode.ThemeIcon('verified-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'invalid':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'unverified':
      return new vscode.ThemeIcon('unverified');
    case 'checking':
      return new vscode.ThemeIcon('loading~spin');
    case 'not verified':
      return new vscode.ThemeIcon(itemIcons.signature);
  }
}

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
      item.iconPath = node.state ? signatureIcon(node.state) : new vscode.ThemeIcon(itemIcons[node.itemKind]);
      item.collapsibleState = node.children.length ? C.Collapsed : C.None;
      if (node.sbomBlob) item.command = { command: openSbomCommandId, title: 'Open SBOM', arguments: [node] };
      return item;
  }
}
