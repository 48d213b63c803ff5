// Plans and runs a promotion (or a sync file) with the core's sync, in the editor: registries are
// reached with the user's own settings and logins (a workspace file never says where credentials go
// or whether TLS is checked), progress shows per image and can be cancelled, and the Sync Plan view
// holds what was planned and what each image did.
import * as vscode from 'vscode';
import type { RegistryClient } from '../../core/registry/client';
import { runSync } from '../../core/sync/run';
import type { SyncResult, SyncTarget } from '../../core/sync/run';
import type { SyncEvent } from '../../core/sync/types';
import type { Ctx } from '../ctx';
import type { PlanView } from './plan-view';
import { syncPlanViewId } from './plan-view';
import { registriesForCopy } from '../supply-chain/trust-settings';

export interface PlanRunOptions {
  title: string;
  dryRun: boolean;
  /** Remove the tags the plan marks for removal (only from a sync file whose sources ask for it). */
  prune?: boolean;
  /** Images at once touching one registry, by host (a sync file's `concurrency`). */
  perRegistry?: (host: string) => number;
  /** A client of its own for a destination host (a cluster project's registry, with the cluster token). */
  destination?: (host: string) => RegistryClient | undefined;
}

/** Settings a workspace file may hold that the editor does not take from it. */
export function ignoredFileSettings(targets: readonly SyncTarget[]): boolean {
  const endpoints = targets.flatMap((t) => [t.spec.endpoint, ...t.destinations.map((d) => d.endpoint)]);
  return endpoints.some((e) => e && (e.tlsVerify !== undefined || e.certDir !== undefined || e.authFile !== undefined || e.credentials !== undefined));
}

export async function runPlan(ctx: Ctx, view: PlanView, targets: readonly SyncTarget[], opts: PlanRunOptions): Promise<SyncResult> {
  const clients = { source: (host: string) => ctx.clients.for(host), destination: (host: string) => opts.destination?.(host) ?? ctx.clients.for(host) };
  // GPG simple signatures travel with each image, as in Copy Image To (registries.d says where they are stored).
  const registries = await registriesForCopy(ctx.config.registriesDirectory);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: opts.title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let planned = 0;
    let done = 0;
    const onEvent = (e: SyncEvent): void => {
      if (e.event === 'failed') {
        const message = ctx.log.redact(e.message);
        ctx.log.warn(`${e.source} -> ${e.destination ?? '?'}: ${message} (${e.reason})`);
        e = { ...e, message };
      }
      if (e.event === 'planned') {
        planned++;
        progress.report({ message: `checked ${planned} image${planned === 1 ? '' : 's'}` });
        return;
      }
      if (e.event === 'copied' || e.event === 'skipped' || e.event === 'failed' || e.event === 'pruned') {
        done++;
        progress.report({ message: `${done} of ${planned} done`, increment: planned ? 100 / planned : undefined });
      }
      view.update(e);
    };
    try {
      const result = await runSync(targets, {
        clients,
        registries,
        all: true,
        dryRun: opts.dryRun,
        prune: opts.prune,
        keepGoing: true,
        perRegistry: opts.perRegistry,
        signal: abort.signal,
        onEvent,
      });
      if (opts.dryRun) {
        view.title = opts.title;
        view.show(result);
        // The view is hidden until there is a plan to show (it would only take room from the trees).
        await vscode.commands.executeCommand('setContext', 'registryExplorer.syncPlanShown', true);
        await vscode.commands.executeCommand(`${syncPlanViewId}.focus`);
      } else if (!opts.prune) view.keptPrunes();
      return result;
    } catch (err) {
      if (!opts.dryRun && abort.signal.aborted) view.stopped();
      throw err;
    } finally {
      sub.dispose();
    }
  });
}

/** One line for a finished run: what happened, in the editor's words. */
export function runSummary(result: SyncResult): string {
  const parts = [`${result.copied} copied`, `${result.skipped} unchanged`];
  if (result.pruned) parts.push(`${result.pruned} removed`);
  if (result.failures.length) parts.push(`${result.failures.length} failed (see the Sync Plan view)`);
  if (result.notRun) parts.push(`${result.notRun} not run`);
  return parts.join(', ');
}
