import * as vscode from 'vscode';
import { contextValue } from './context-value';
import type { Node } from './nodes';

export function toTreeItem(node: Node): vscode.TreeItem {
  switch (node.kind) {
    case 'registry': {
      const r = node.registry;
      const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `registry:${r.host}`;
      item.description = r.label === r.host ? undefined : r.host;
      item.iconPath = new vscode.ThemeIcon('server');
      item.tooltip = r.host;
      item.contextValue = contextValue(node);
      return item;
    }
  }
}
