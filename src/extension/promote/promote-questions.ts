// The questions Promote... asks, one at a time: which tags, the path and tag at the destination, whether
// tags the source no longer has go, and the last one before anything is written (whose default never deletes).
import * as vscode from 'vscode';
import { parseRange } from '../../core/sync/semver';
import { goRegExp } from '../../core/sync/tag-filter';
import type { PruneEntry, TagSelection } from '../../core/sync/types';
import { cancelled, orCancel } from '../commands/command';

/** Which tags of a repository (or of every repository of a registry) to promote. */
export async function askTags(what: string): Promise<{ select: TagSelection; newest?: number }> {
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
    vscode.window
      .showInputBox({ title: `Promote ${what}`, prompt, ignoreFocusOut: true, validateInput: (v) => check(v.trim()) })
      .then((v) => orCancel(v).trim());
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
      return {
        select: {
          kind: 'regex',
          pattern: await ask('A regular expression the tags must match (unanchored: add ^ and $)', (v) => (v ? valid(() => goRegExp(v)) : 'Enter a pattern')),
        },
      };
    case 'semver':
      return { select: { kind: 'semver', range: await ask('A version range, e.g. >=1.2 <2 or ~1.4', (v) => valid(() => parseRange(v))) } };
    default: {
      const n = await ask('How many of the highest versions', (v) => (/^[1-9]\d{0,4}$/.test(v) ? undefined : 'A whole number from 1'));
      return { select: { kind: 'all' }, newest: Number(n) };
    }
  }
}

/** The path under the destination registry: the repository keeps its last name under it (as sync names it). */
export async function askPath(host: string, suggestion: string): Promise<string> {
  const path = orCancel(
    await vscode.window.showInputBox({
      title: `Promote to ${host}`,
      prompt: 'Path under which the repositories go (each keeps its own name); empty for the top level',
      value: suggestion,
      ignoreFocusOut: true,
      validateInput: (v) =>
        v.trim() === '' || /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(v.trim())
          ? undefined
          : 'Lowercase path components separated by /, e.g. team/prod',
    }),
  );
  return path.trim();
}

/** The tag one image gets at the destination (its own by default). */
export async function askTag(tag: string): Promise<string> {
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
export async function askPrune(what: string): Promise<boolean> {
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
export async function confirmRun(copies: number, unchanged: number, prunes: readonly PruneEntry[], to: string): Promise<{ prune: boolean }> {
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
  const message = copies
    ? `Copy ${plural(copies, 'image')} to ${to} and delete ${plural(prunes.length, 'tag')} the source no longer has?`
    : `Delete ${plural(prunes.length, 'tag')} from ${to} that the source no longer has?`;
  const choice = await vscode.window.showWarningMessage(
    message,
    { modal: true, detail: `To delete: ${names.join(', ')}${more}. A registry deletes the image a tag names. ${detail}` },
    safe,
    del,
  );
  if (choice === del) return { prune: true };
  if (choice === safe && copies) return { prune: false };
  return cancelled();
}
