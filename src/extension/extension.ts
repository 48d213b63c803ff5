import * as vscode from 'vscode';
import { registerCommands } from './commands/register';
import { Ctx } from './ctx';
import { clustersViewId } from './openshift/clusters-tree';
import { RegistriesDragAndDrop } from './tree/drag-and-drop';
import { registriesViewId } from './tree/registries-tree';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  ctx.tree.view = ctx.own(vscode.window.createTreeView(registriesViewId, { treeDataProvider: ctx.tree, showCollapseAll: true, dragAndDropController: new RegistriesDragAndDrop(), canSelectMany: true }));
  ctx.own(vscode.window.createTreeView(clustersViewId, { treeDataProvider: ctx.openshift.tree, showCollapseAll: true }));
  registerCommands(ctx);
  ctx.log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
