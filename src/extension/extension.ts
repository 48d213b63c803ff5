import * as vscode from 'vscode';
import { registerCommands } from './commands/register';
import { Ctx } from './ctx';
import { RegistriesAndLocalDragAndDrop } from './local/local-drag-and-drop';
import { clustersViewId } from './openshift/clusters-tree';
import { registriesViewId } from './tree/registries-tree';
import { registerSyncFiles } from './promote/sync-file';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  ctx.tree.view = ctx.own(
    vscode.window.createTreeView(registriesViewId, {
      treeDataProvider: ctx.tree,
      showCollapseAll: true,
      dragAndDropController: new RegistriesAndLocalDragAndDrop(),
      canSelectMany: true,
    }),
  );
  ctx.own(ctx.local.createView());
  ctx.own(vscode.window.createTreeView(clustersViewId, { treeDataProvider: ctx.openshift.tree, showCollapseAll: true }));
  registerCommands(ctx);
  registerSyncFiles(ctx);
  ctx.log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
