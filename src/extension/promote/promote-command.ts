// "Promote..." on a tag, a repository or a registry row: pick where to (a registry and a path in it, or an
// OpenShift project's internal registry), which tags (a tag's new name; a repository's or a registry's: all,
// a pattern, a version range, the newest N) and whether tags the source no longer has go, see the plan in
// the Sync Plan view, then confirm and watch each image land (or fail, with its reason).
import * as vscode from 'vscode';
import { parseNormalizedReference, withTag } from '../../core/reference/reference';
import type { ImageReference } from '../../core/reference/reference';
import { syncDestination } from '../../core/sync/naming';
import type { SyncTarget } from '../../core/sync/run';
import { parseRange } from '../../core/sync/semver';
import { goRegExp } from '../../core/sync/tag-filter';
import type { PruneEntry, SourceSpec, TagSelection } from '../../core/sync/types';
import { cancelled, orCancel } from '../commands/command';
import type { Ctx } from '../ctx';
import type { RegistryNode, RepositoryNode, TagNode } from '../tree/nodes';
import { pickDestination, resolveDestination } from './destination';
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

/** The tag one image gets at the destination (its own by default). */
async function askTag(tag: string): Promise<string> {
  const typed = orCancel(
    await vscode.window.showInputBox({
      title: `Promote :${tag}`,
      prompt: 'Destination tag',
      value: tag,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[\w][\w.-]{0,127}$/.test(v.trim()) ? undefined : 'A tag: letters, digits, _ . -, at most 128, not starting with . or -'),
    }),
  );
  return typed.trim();
}

/**
 * Whether tags at the destination that the source no longer has go too. Off unless chosen, and offered
 * only when every tag is promoted: with a filter, "not selected" would also take tags the source still has.
 */
async function askPrune(what: string): Promise<boolean> {
  type Item = vscode.QuickPickItem & { prune: boolean };
  const picked = orCancel(
    await vscode.window.showQuickPick<Item>(
      [
        { label: 'Copy only', description: 'tags only the destination has stay', prune: false },
        { label: 'Also delete destination tags the source no longer has', description: 'shown in the plan; asks before deleting', prune: true },
      ],
      { title: `Promote ${what}: tags the source no longer has?`, ignoreFocusOut: true },
    ),
  );
  return picked.prune;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Asks before writing. The first button (the one Enter takes) never deletes: with tags to delete it is
 * "Copy Only" (or "Keep Tags" when there is nothing to copy), and deleting is a second, named button.
 */
async function confirmRun(copies: number, unchanged: number, prunes: readonly PruneEntry[], to: string): Promise<{ prune: boolean }> {
  const detail = `${unchanged} ${unchanged === 1 ? 'is' : 'are'} there already. The Sync Plan view lists each one.`;
  if (prunes.length === 0) {
    const go: vscode.MessageItem = { title: 'Promote' };
    if ((await vscode.window.showWarningMessage(`Copy ${plural(copies, 'image')} to ${to}?`, { modal: true, detail }, go)) !== go) cancelled();
    return { prune: false };
  }
  const names = prunes.slice(0, 5).map((p) => `${p.destination.repository}:${p.destination.tag ?? ''}`);
  const more = prunes.length > names.length ? ` and ${prunes.length - names.length} more` : '';
  const del: vscode.MessageItem = { title: copies ? `Copy and Delete ${plural(prunes.length, 'Tag')}` : `Delete ${plural(prunes.length, 'Tag')}` };
  const safe: vscode.MessageItem = { title: copies ? 'Copy Only' : 'Keep Tags' };
  const message = copies ? `Copy ${plural(copies, 'image')} to ${to} and delete ${plural(prunes.length, 'tag')} the source no longer has?` : `Delete ${plural(prunes.length, 'tag')} from ${to} that the source no longer has?`;
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: `To delete: ${names.join(', ')}${more}. A registry deletes the image a tag names. ${detail}` }, safe, del);
  if (choice === del) return { prune: true };
  if (choice === safe && copies) return { prune: false };
  return cancelled();
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
      void vscode.window.showInformationMessage(`${what}: every image is at ${to} already${plan.failures.length ? `; ${plan.failures.length} could not be checked (see the Sync Plan view)` : ''}.`);
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
