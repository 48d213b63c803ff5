import * as vscode from 'vscode';
import { registerCommands } from './commands/register';
import { Ctx } from './ctx';
import { RegistriesAndLocalDragAndDrop } from './local/local-drag-and-drop';
import type * as HandlersModule from './commands/handlers';
import type { Launcher } from './launcher';
import { clustersViewId } from './openshift/clusters-tree';
import { registriesViewId } from './tree/registries-tree';
import { registerSyncFiles } from './promote/sync-file';

let ctx: Ctx | undefined;

/** Called by the launcher (dist/extension.js, src/extension/launcher.ts), which loaded this bundle and loads the others. */
export function activate(context: vscode.ExtensionContext, launcher: Launcher): void {
  const started = performance.now();
  const load = launcher.report;
  ctx = new Ctx(context, () => launcher.load('extension-commands') as typeof HandlersModule);
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
  ctx.log.info(
    `activated in ${(performance.now() - started).toFixed(1)} ms (bundle loaded in ${load.ms.toFixed(1)} ms: read ${load.readMs.toFixed(1)}, compile ${load.compileMs.toFixed(1)}, run ${load.runMs.toFixed(1)}; code cache: ${load.cache})`,
  );
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
