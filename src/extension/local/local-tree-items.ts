import * as vscode from 'vscode';
import { formatAge, formatSize } from '../format';
import { asErrorRow, asMessageRow } from '../tree/status-rows';
import { rowReference, shortImageId, untaggedRepository } from './local-listing';
import type { LocalNode } from './local-nodes';
import { commandIds } from '../commands/command-ids';

export const refreshLocalImagesCommandId = commandIds.refreshLocalImages;

/**
 * contextValue tokens of the Local Images rows (matched in package.json with
 * `viewItem =~ /(^|\s)token(\s|$)/`): `localImage` on every image row, `tagged` when it has a name.
 */
export function localContextValue(node: LocalNode): string {
  if (node.kind === 'localImage') return node.row.tag === undefined ? 'localImage' : 'localImage tagged';
  if (node.kind === 'localEngineDown') return 'localEngineDown retry';
  return node.kind;
}

export function localTreeItem(node: LocalNode, now: number): vscode.TreeItem {
  const item = new vscode.TreeItem('', vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = localContextValue(node);
  switch (node.kind) {
    case 'localRepository':
      item.label = node.repository;
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
      item.iconPath = new vscode.ThemeIcon(node.repository === untaggedRepository ? 'circle-slash' : 'package');
      item.description = `${node.rows.length} image${node.rows.length === 1 ? '' : 's'}`;
      return item;
    case 'localImage': {
      const { row } = node;
      const image = row.image;
      const id = shortImageId(image.id);
      const size = image.size === undefined ? undefined : formatSize(image.size);
      const age = formatAge(image.created, now);
      item.label = row.tag ?? id;
      item.iconPath = new vscode.ThemeIcon(row.tag === undefined ? 'circle-outline' : 'tag');
      item.description = [row.tag === undefined ? undefined : id, size, age].filter(Boolean).join(' · ');
      item.tooltip = [
        rowReference(row) === id ? undefined : rowReference(row),
        `Image ID ${image.id.slice(image.id.indexOf(':') + 1)}`,
        size,
        image.created ? `created ${image.created}` : undefined,
        image.names.length > 1 ? `Also named: ${image.names.filter((n) => n !== rowReference(row)).join(', ')}` : undefined,
        `in ${node.engine}'s store`,
      ]
        .filter(Boolean)
        .join('\n');
      return item;
    }
    case 'localEngineDown':
      return asErrorRow(item, node.message, node.detail, { command: refreshLocalImagesCommandId, title: 'Retry' });
    case 'localMessage':
      return asMessageRow(item, node.message, node.detail);
  }
}
