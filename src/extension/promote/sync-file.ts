// `*.regx-sync.yaml` files in the editor: problems marked where they are (the schema's rules and what
// only the reader can tell), a "Dry Run | Sync" CodeLens on the first line, and the Sync Plan view
// both fill. The file says what to promote; registry settings and logins stay the user's own.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { cancelled } from '../commands/command';
import { PlanView, syncPlanViewId } from './plan-view';
import { ignoredFileSettings, runPlan, runSummary } from './run-plan';
import type * as ProblemsModule from './sync-file-problems';
import { commandIds } from '../commands/command-ids';

// The YAML reader loads when a sync file is first checked, not when the extension activates.
type Problems = typeof ProblemsModule;
let problems: Promise<Problems> | undefined;
const checker = (): Promise<Problems> => (problems ??= import('./sync-file-problems.js'));

const SYNC_FILE = /\.regx-sync\.ya?ml$/;
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
    const { checkSyncFile } = await checker();
    const found = checkSyncFile(doc.getText(), doc.uri.path).problems;
    diagnostics.set(
      doc.uri,
      found.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)), p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'regx sync';
        return d;
      }),
    );
  };
  for (const doc of vscode.workspace.textDocuments) void check(doc);
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

async function fileTargets(uri: unknown) {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target || !SYNC_FILE.test(target.path)) throw new Error('Open a *.regx-sync.yaml file first.');
  const doc = await vscode.workspace.openTextDocument(target);
  const { checkSyncFile } = await checker();
  const { problems: found, config } = checkSyncFile(doc.getText(), target.path);
  if (!config)
    throw new Error(`${vscode.workspace.asRelativePath(target)} has ${found.length} problem${found.length === 1 ? '' : 's'}: ${found[0]?.message ?? ''}`);
  return { name: vscode.workspace.asRelativePath(target), config };
}

/** Plans a sync file into the Sync Plan view; writes nothing. */
export async function dryRunSyncFile(ctx: Ctx, uri: unknown): Promise<void> {
  {
    const { name, config } = await fileTargets(uri);
    const result = await runPlan(ctx, planView(ctx), config.targets, {
      title: `Dry run of ${name}`,
      dryRun: true,
      perRegistry: (h) => config.registries.get(h)?.concurrency ?? 4,
    });
    const c = planView(ctx).counts();
    const note = ignoredFileSettings(config.targets) ? ' Registry settings and logins come from your settings, not from the file.' : '';
    void vscode.window.showInformationMessage(
      `${name}: ${c.copy} to copy, ${c.skip} unchanged, ${c.prune} to remove${result.failures.length ? `, ${result.failures.length} failed` : ''}.${note}`,
    );
  }
}

/** Plans a sync file, asks, then runs it (removing tags only when asked to). */
export async function syncFile(ctx: Ctx, uri: unknown): Promise<void> {
  {
    const { name, config } = await fileTargets(uri);
    const perRegistry = (h: string): number => config.registries.get(h)?.concurrency ?? 4;
    const plan = await runPlan(ctx, planView(ctx), config.targets, { title: `Planning ${name}`, dryRun: true, perRegistry });
    const copies = plan.plan.filter((p) => p.action === 'copy').length;
    if (copies === 0 && plan.prunes.length === 0) {
      void vscode.window.showInformationMessage(`${name}: everything is at its destination already.`);
      return;
    }
    const sync: vscode.MessageItem = { title: 'Sync' };
    const syncAndRemove: vscode.MessageItem = { title: `Sync and Remove ${plan.prunes.length} Tags` };
    const choice = await vscode.window.showWarningMessage(
      `Copy ${copies} image${copies === 1 ? '' : 's'} as ${name} says?`,
      {
        modal: true,
        detail: plan.prunes.length
          ? `${plan.prunes.length} destination tags are no longer selected by any source; they are removed only with "${syncAndRemove.title}".`
          : undefined,
      },
      ...(plan.prunes.length ? [sync, syncAndRemove] : [sync]),
    );
    if (!choice) cancelled();
    const result = await runPlan(ctx, planView(ctx), config.targets, { title: `Syncing ${name}`, dryRun: false, prune: choice === syncAndRemove, perRegistry });
    void vscode.window.showInformationMessage(`${name}: ${runSummary(result)}.`);
  }
}
