// `*.regx-sync.yaml` files in the editor: problems marked where they are (the schema's rules and what
// only the reader can tell), a "Dry Run | Sync" CodeLens on the first line, and the Sync Plan view
// both fill. The file says what to promote; registry settings and logins stay the user's own.
// Running a file (Dry Run, Sync) is in sync-file-run.ts, with the command handlers.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { PlanView, syncPlanViewId } from './plan-view';
import { commandIds } from '../commands/command-ids';

export const SYNC_FILE = /\.regx-sync\.ya?ml$/;
const views = new WeakMap<Ctx, PlanView>();

/** The Sync Plan view of this window (made by registerSyncFiles). */
export function planView(ctx: Ctx): PlanView {
  let v = views.get(ctx);
  if (!v) {
    v = new PlanView();
    views.set(ctx, v);
    ctx.own(v);
  }
  return v;
}

export function registerSyncFiles(ctx: Ctx): void {
  planView(ctx).treeView = ctx.own(vscode.window.createTreeView(syncPlanViewId, { treeDataProvider: planView(ctx) }));
  const diagnostics = ctx.own(vscode.languages.createDiagnosticCollection('regx-sync'));
  const check = async (doc: vscode.TextDocument): Promise<void> => {
    if (!SYNC_FILE.test(doc.uri.path)) return;
    // The reader (and YAML's) come with the command handlers: loaded when a sync file is first checked, not at activation.
    const found = ctx.handlers().checkSyncFile(doc.getText(), doc.uri.path).problems;
    diagnostics.set(
      doc.uri,
      found.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)), p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'regx sync';
        return d;
      }),
    );
  };
  // After activation returns: the first check loads the handlers' bundle, which activation does not need.
  setTimeout(() => vscode.workspace.textDocuments.forEach((doc) => void check(doc)), 0);
  ctx.own(vscode.workspace.onDidOpenTextDocument((doc) => void check(doc)));
  ctx.own(vscode.workspace.onDidChangeTextDocument((e) => void check(e.document)));
  ctx.own(vscode.workspace.onDidCloseTextDocument((doc) => diagnostics.delete(doc.uri)));
  ctx.own(
    vscode.languages.registerCodeLensProvider(
      { pattern: '**/*.regx-sync.{yaml,yml}' },
      {
        provideCodeLenses: (doc) => {
          const top = new vscode.Range(0, 0, 0, 0);
          return [
            new vscode.CodeLens(top, { title: 'Dry Run', command: commandIds.syncFileDryRun, arguments: [doc.uri] }),
            new vscode.CodeLens(top, { title: 'Sync', command: commandIds.syncFile, arguments: [doc.uri] }),
          ];
        },
      },
    ),
  );
}
