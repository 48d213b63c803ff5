// Dry Run and Sync of a `*.regx-sync.yaml` file (the CodeLens and palette commands); the file's problems
// and CodeLens are sync-file.ts's, registered at activation.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { cancelled } from '../commands/command';
import { ignoredFileSettings, runPlan, runSummary } from './run-plan';
import { planView, SYNC_FILE } from './sync-file';
import { checkSyncFile } from './sync-file-problems';

async function fileTargets(uri: unknown) {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target || !SYNC_FILE.test(target.path)) throw new Error('Open a *.regx-sync.yaml file first.');
  const doc = await vscode.workspace.openTextDocument(target);
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
