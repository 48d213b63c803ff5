// "Promote..." on a tag, a repository or a registry row: pick where to (a registry and a path in it, or an
// OpenShift project's internal registry), which tags (a tag's new name; a repository's or a registry's: all,
// a pattern, a version range, the newest N) and whether tags the source no longer has go, see the plan in
// the Sync Plan view, then confirm and watch each image land (or fail, with its reason).
import * as vscode from 'vscode';
import { parseNormalizedReference, withTag } from '../../core/reference/reference';
import type { ImageReference } from '../../core/reference/reference';
import { syncDestination } from '../../core/sync/naming';
import type { SyncTarget } from '../../core/sync/run';
import type { SourceSpec } from '../../core/sync/types';
import type { Ctx } from '../ctx';
import type { RegistryNode, RepositoryNode, TagNode } from '../tree/nodes';
import { pickDestination, resolveDestination } from './destination';
import { askPath, askPrune, askTag, askTags, confirmRun } from './promote-questions';
import { runPlan, runSummary } from './run-plan';
import { planView } from './sync-file';

type Row = TagNode | RepositoryNode | RegistryNode;

const MAX_REPOSITORIES = 1000;

function isRow(v: unknown): v is Row {
  const kind = (v as { kind?: unknown } | null)?.kind;
  return kind === 'tag' || kind === 'repository' || kind === 'registry';
}

/** What the row promotes, as sync sources. */
async function sourcesOf(ctx: Ctx, row: Row, signal: AbortSignal): Promise<SourceSpec[]> {
  const host = row.registry.host;
  if (row.kind === 'tag') return [{ ref: withTag(parseNormalizedReference(`${host}/${row.repository}`), row.tag), select: { kind: 'image' } }];
  if (row.kind === 'repository') {
    const { select, newest } = await askTags(`${host}/${row.repository}`);
    return [{ ref: parseNormalizedReference(`${host}/${row.repository}`), select, newest, excludeReferrerTags: true }];
  }
  const { select, newest } = await askTags(`every repository of ${host}`);
  const repositories = await ctx.clients.for(row.registry).listRepositories(1000, signal);
  if (repositories.length > MAX_REPOSITORIES)
    throw new Error(`${host} lists ${repositories.length} repositories; promote at most ${MAX_REPOSITORIES} at once (pick a repository row instead).`);
  return repositories.map((r) => ({ ref: parseNormalizedReference(`${host}/${r}`), select, newest, excludeReferrerTags: true }));
}

/** "Promote..." on a tree row (src/extension/commands/promote.ts declares the command). */
export async function promote(ctx: Ctx, arg: unknown): Promise<void> {
  if (!isRow(arg)) throw new Error('Run Promote from a registry, repository or tag row.');
  const what = arg.kind === 'tag' ? `${arg.repository}:${arg.tag}` : arg.kind === 'repository' ? arg.repository : arg.registry.host;
  const destination = await resolveDestination(ctx, await pickDestination(ctx, `Promote ${what} to...`));
  try {
    const namespace = arg.kind === 'registry' ? '' : arg.repository.includes('/') ? arg.repository.slice(0, arg.repository.lastIndexOf('/')) : '';
    let prefix = destination.prefix;
    if (prefix === undefined) {
      const path = await askPath(destination.host, namespace);
      prefix = path ? `${destination.host}/${path}` : destination.host;
    }
    const tag = arg.kind === 'tag' ? await askTag(arg.tag) : undefined;
    const abort = new AbortController();
    const sources = await sourcesOf(ctx, arg, abort.signal);
    const prune = arg.kind !== 'tag' && sources.every((s) => s.select.kind === 'all' && s.newest === undefined) && (await askPrune(what));
    const under = prefix;
    const map = (src: ImageReference): ImageReference => (tag ? withTag(syncDestination(src, under, false), tag) : syncDestination(src, under, false));
    const targets: SyncTarget[] = sources.map((spec) => ({ spec: { ...spec, prune }, destinations: [{ map, host: destination.host }] }));
    const to = destination.prefix ? `${destination.label} (${prefix})` : prefix;
    const opts = { destination: (host: string) => (host === destination.host ? destination.client : undefined) };
    const plan = await runPlan(ctx, planView(ctx), targets, { ...opts, title: `Promote ${what} to ${to}`, dryRun: true });
    const copies = plan.plan.filter((p) => p.action === 'copy').length;
    if (plan.plan.length === 0 && plan.failures.length > 0) throw new Error(`${plan.failures[0]?.message ?? 'nothing to promote'} (see the Sync Plan view)`);
    if (copies === 0 && plan.prunes.length === 0) {
      void vscode.window.showInformationMessage(
        `${what}: every image is at ${to} already${plan.failures.length ? `; ${plan.failures.length} could not be checked (see the Sync Plan view)` : ''}.`,
      );
      return;
    }
    const confirmed = await confirmRun(copies, plan.plan.length - copies, plan.prunes, to);
    const result = await runPlan(ctx, planView(ctx), targets, { ...opts, title: `Promoting ${what} to ${to}`, dryRun: false, prune: confirmed.prune });
    const summary = `${what} to ${to}: ${runSummary(result)}.`;
    if (result.failures.length) void vscode.window.showWarningMessage(summary);
    else void vscode.window.showInformationMessage(summary);
  } finally {
    void destination.client?.close();
  }
}
