// What a repository row offers besides browsing: its name for the clipboard, a filter on its tag rows,
// and deleting it where the registry can.
import * as vscode from 'vscode';
import { NotFoundError } from '../../core/errors';
import { runPool } from '../../core/image/pool';
import type { RepositoryNode } from '../tree/nodes';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { copyText } from './copy-reference';
import { confirmDestructive } from './delete-image';
import { isNode } from './refresh';
import { commandIds } from './command-ids';

function repositoryRow(node: unknown): RepositoryNode {
  if (!isNode(node) || node.kind !== 'repository') throw new vscode.CancellationError();
  return node;
}

export const copyRepositoryNameCommand: Command = {
  id: commandIds.copyRepositoryName,
  title: 'Copy Repository Name',
  async run(_ctx, node) {
    const row = repositoryRow(node);
    await copyText(`${row.registry.host}/${row.repository}`);
  },
};

export const filterTagsCommand: Command = {
  id: commandIds.filterTags,
  title: 'Filter Tags',
  async run(ctx, node) {
    const row = repositoryRow(node);
    const filter = orCancel(
      await vscode.window.showInputBox({
        title: `Filter Tags of ${row.registry.host}/${row.repository}`,
        prompt: 'Show tags that contain this text (empty: all)',
        value: ctx.tree.tagFilter(row.registry.host, row.repository) ?? '',
        ignoreFocusOut: true,
      }),
    );
    await ctx.tree.setTagFilter(row.registry.host, row.repository, filter.trim() || undefined);
  },
};

export const clearTagFilterCommand: Command = {
  id: commandIds.clearTagFilter,
  title: 'Clear Tag Filter',
  async run(ctx, node) {
    const row = repositoryRow(node);
    await ctx.tree.setTagFilter(row.registry.host, row.repository, undefined);
  },
};

/**
 * The registry API has no call that deletes a repository, so this deletes the manifest of every tag
 * (each image once, by digest), after the user types the repository's name. What the registry keeps
 * afterwards (Distribution lists an empty repository until garbage collection) is said up front.
 */
export const deleteRepositoryCommand: Command = {
  id: commandIds.deleteRepository,
  title: 'Delete Repository',
  async run(ctx, node) {
    const row = repositoryRow(node);
    const name = `${row.registry.host}/${row.repository}`;
    const client = ctx.clients.for(row.registry);
    const tags = await client.listTags(row.repository).catch((error: unknown) => {
      if (error instanceof NotFoundError) return [] as string[];
      throw error;
    });
    const digests = new Map<string, string[]>();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the ${tags.length} tags of ${name}` }, () =>
      runPool(tags, ctx.config.concurrency, async (tag, signal) => {
        const digest = (await client.headManifest(row.repository, tag, signal))?.digest;
        if (digest) digests.set(digest, [...(digests.get(digest) ?? []), tag]);
      }),
    );
    if (digests.size === 0) {
      void vscode.window.showInformationMessage(`${name} has no tagged images: there is nothing to delete.`);
      return;
    }
    const confirm = 'Delete Repository...';
    const choice = await confirmDestructive(
      ctx.log,
      `Delete every image of ${name}?`,
      `The registry API has no call that deletes a repository, so each of its ${digests.size} image${digests.size === 1 ? '' : 's'} is deleted by digest, with all ${tags.length} tag${tags.length === 1 ? '' : 's'} (${[...digests.values()].flat().sort().slice(0, 20).join(', ')}${tags.length > 20 ? ', ...' : ''}). A Distribution registry may list the empty repository until its garbage collection runs.`,
      'Keep Repository',
      confirm,
    );
    if (choice !== confirm) cancelled();
    const typed = await vscode.window.showInputBox({
      title: `Delete ${name}`,
      prompt: `Type ${row.repository} to delete all its images`,
      ignoreFocusOut: true,
      validateInput: (v) => (v === row.repository ? undefined : `Type ${row.repository} exactly`),
    });
    if (typed !== row.repository) cancelled();
    let deleted = 0;
    const failed: string[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${name}` }, async (progress) => {
      for (const [digest, named] of digests) {
        try {
          await client.deleteManifest(row.repository, digest);
          deleted++;
          ctx.log.info(`deleted ${name}@${digest} (tags ${named.join(', ')})`);
        } catch (error) {
          // Deletion disabled fails the first one the same way as every other: stop there.
          if (deleted === 0) throw error;
          failed.push(`${digest}: ${error instanceof Error ? error.message : String(error)}`);
        }
        progress.report({ message: `${deleted} of ${digests.size} images`, increment: 100 / digests.size });
      }
    });
    ctx.tree.refreshWhere(row.registry.host, row.repository);
    if (failed.length) {
      ctx.log.error(`deleting ${name}: ${failed.length} images were not deleted:\n${failed.join('\n')}`);
      void vscode.window.showWarningMessage(`Deleted ${deleted} of ${digests.size} images of ${name}; ${failed.length} could not be deleted (see the log).`);
      return;
    }
    void vscode.window.showInformationMessage(
      `Deleted ${name}: ${deleted} image${deleted === 1 ? '' : 's'} and ${tags.length} tag${tags.length === 1 ? '' : 's'}.`,
    );
  },
};
