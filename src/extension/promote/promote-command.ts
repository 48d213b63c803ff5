// "Promote..." on a tag, a repository or a registry row: pick where to (a registry and a path in it),
// which tags (a repository's or a registry's: all, a pattern, a version range, the newest N), see the
// plan in the Sync Plan view, then confirm and watch each image land (or fail, with its reason).
import * as vscode from 'vscode';
import { parseNormalizedReference, withTag } from '../../core/reference/reference';
import { syncDestination } from '../../core/sync/naming';
import type { SyncTarget } from '../../core/sync/run';
import { parseRange } from '../../core/sync/semver';
import { goRegExp } from '../../core/sync/tag-filter';
import type { SourceSpec, TagSelection } from '../../core/sync/types';
import { cancelled, orCancel } from '../commands/command';
import { pickRegistry } from '../commands/pick-registry';
import type { Ctx } from '../ctx';
import type { RegistryNode, RepositoryNode, TagNode } from '../tree/nodes';
import { runPlan, runSummary } from './run-plan';
import { planView } from './sync-file';

type Row = TagNode | RepositoryNode | RegistryNode;

const MAX_REPOSITORIES = 1000;

function isRow(v: unknown): v is Row {
  const kind = (v as { kind?: unknown } | null)?.kind;
  return kind === 'tag' || kind === 'repository' || kind === 'registry';
}

/** Which tags of a repository (or of every repository of a registry) to promote. */
async function askTags(what: string): Promise<{ select: TagSelection; newest?: number }> {
  type Item = vscode.QuickPickItem & { pick: 'all' | 'regex' | 'semver' | 'newest' };
  const picked = orCancel(
    await vscode.window.showQuickPick<Item>(
      [
        { label: 'All tags', pick: 'all' },
        { label: 'Tags matching a pattern', description: 'e.g. ^v1\\.', pick: 'regex' },
        { label: 'Versions in a range', description: 'e.g. >=1.2 <2', pick: 'semver' },
        { label: 'The newest versions', description: 'the N highest version tags', pick: 'newest' },
      ],
      { title: `Promote ${what}: which tags?`, ignoreFocusOut: true },
    ),
  );
  const ask = (prompt: string, check: (v: string) => string | undefined) =>
    vscode.window.showInputBox({ title: `Promote ${what}`, prompt, ignoreFocusOut: true, validateInput: (v) => check(v.trim()) }).then((v) => orCancel(v).trim());
  const valid = (f: () => unknown) => {
    try {
      f();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  switch (picked.pick) {
    case 'all':
      return { select: { kind: 'all' } };
    case 'regex':
      return { select: { kind: 'regex', pattern: await ask('A regular expression the tags must match (unanchored: add ^ and $)', (v) => (v ? valid(() => goRegExp(v)) : 'Enter a pattern')) } };
    case 'semver':
      return { select: { kind: 'semver', range: await ask('A version range, e.g. >=1.2 <2 or ~1.4', (v) => valid(() => parseRange(v))) } };
    default: {
      const n = await ask('How many of the highest versions', (v) => (/^[1-9]\d{0,4}$/.test(v) ? undefined : 'A whole number from 1'));
      return { select: { kind: 'all' }, newest: Number(n) };
    }
  }
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
  if (repositories.length > MAX_REPOSITORIES) throw new Error(`${host} lists ${repositories.length} repositories; promote at most ${MAX_REPOSITORIES} at once (pick a repository row instead).`);
  return repositories.map((r) => ({ ref: parseNormalizedReference(`${host}/${r}`), select, newest, excludeReferrerTags: true }));
}

/** The path under the destination registry: the repository keeps its last name under it (as sync names it). */
async function askPath(host: string, suggestion: string): Promise<string> {
  const path = orCancel(
    await vscode.window.showInputBox({
      title: `Promote to ${host}`,
      prompt: 'Path under which the repositories go (each keeps its own name); empty for the top level',
      value: suggestion,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' || /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(v.trim()) ? undefined : 'Lowercase path components separated by /, e.g. team/prod'),
    }),
  );
  return path.trim();
}

/** "Promote..." on a tree row (src/extension/commands/promote.ts declares the command). */
export async function promote(ctx: Ctx, arg: unknown): Promise<void> {
  {
    if (!isRow(arg)) throw new Error('Run Promote from a registry, repository or tag row.');
    const host = await pickRegistry(ctx, undefined, { title: 'Promote to which registry?', allowOther: true });
    const namespace = arg.kind === 'registry' ? '' : arg.repository.includes('/') ? arg.repository.slice(0, arg.repository.lastIndexOf('/')) : '';
    const path = await askPath(host, namespace);
    const prefix = path ? `${host}/${path}` : host;
    const abort = new AbortController();
    const sources = await sourcesOf(ctx, arg, abort.signal);
    const targets: SyncTarget[] = sources.map((spec) => ({ spec, destinations: [{ map: (src) => syncDestination(src, prefix, false), host }] }));
    const what = arg.kind === 'tag' ? `${arg.repository}:${arg.tag}` : arg.kind === 'repository' ? arg.repository : arg.registry.host;
    const plan = await runPlan(ctx, planView(ctx), targets, { title: `Planning the promotion of ${what} to ${prefix}`, dryRun: true });
    const copies = plan.plan.filter((p) => p.action === 'copy').length;
    if (plan.plan.length === 0 && plan.failures.length > 0) throw new Error(`${plan.failures[0]?.message ?? 'nothing to promote'} (see the Sync Plan view)`);
    if (copies === 0) {
      void vscode.window.showInformationMessage(`${what}: every image is at ${prefix} already${plan.failures.length ? `; ${plan.failures.length} could not be checked (see the Sync Plan view)` : ''}.`);
      return;
    }
    const go: vscode.MessageItem = { title: 'Promote' };
    const choice = await vscode.window.showWarningMessage(`Copy ${copies} image${copies === 1 ? '' : 's'} to ${prefix}?`, { modal: true, detail: `${plan.plan.length - copies} are there already. The Sync Plan view lists each one.` }, go);
    if (choice !== go) cancelled();
    const result = await runPlan(ctx, planView(ctx), targets, { title: `Promoting ${what} to ${prefix}`, dryRun: false });
    const summary = `${what} to ${prefix}: ${runSummary(result)}.`;
    if (result.failures.length) void vscode.window.showWarningMessage(summary);
    else void vscode.window.showInformationMessage(summary);
  }
}
