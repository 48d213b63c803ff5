import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import type { Node } from './nodes';
import { toTreeItem } from './tree-items';

export const registriesViewId = 'registryExplorer.registries';

export class RegistriesTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    super();
    this.register(ctx.config.onDidChange((c) => c.registries && this.refresh()));
  }

  refresh(node?: Node): void {
    this.changed.fire(node);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return toTreeItem(node);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.ctx.config.registries.map((registry) => ({ kind: 'registry', registry }));
    return [];
  }
}
