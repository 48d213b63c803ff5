import * as vscode from 'vscode';
import { searchRepositories } from '../../core/registry/search';
import { withWatchedRepository } from '../registry-settings';
import { orCancel } from './command';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { searchApiOf } from '../tree/search-api';
import { commandIds } from './command-ids';

/** Pages of search results read before offering them: enough to pick from, bounded for a vague query. */
const maxPages = 5;

/** Quay and Harbor registries that refuse _catalog: find repositories by name and watch them. */
export const searchRepositoriesCommand: Command = {
  id: commandIds.searchRepositories,
  title: 'Search Repositories',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Search Repositories', allowOther: false });
    const registry = ctx.config.registries.find((r) => r.host === host);
    const api = registry && searchApiOf(registry);
    if (!registry || !api) {
      void vscode.window.showInformationMessage(
        `${host} has no search API that Registry Explorer knows (Quay and Harbor have one); add its repositories with Add Repository to Watch.`,
      );
      return;
    }
    const query = orCancel(
      await vscode.window.showInputBox({ title: `Search Repositories on ${host}`, prompt: 'Part of a repository name', ignoreFocusOut: true }),
    ).trim();
    const client = ctx.clients.for(registry);
    const found: string[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Searching ${host} for "${query}"`, cancellable: true },
      async (_progress, token) => {
        let next: string | undefined;
        for (let page = 0; page < maxPages && !token.isCancellationRequested; page++) {
          const result = await searchRepositories(client, api, query, next);
          found.push(...result.repositories);
          next = result.next;
          if (!next) break;
        }
      },
    );
    if (!found.length) {
      void vscode.window.showInformationMessage(`No repository on ${host} matches "${query}".`);
      return;
    }
    const picked = orCancel(
      await vscode.window.showQuickPick(
        found.map((label) => ({ label })),
        { title: `Watch repositories on ${host}`, canPickMany: true, ignoreFocusOut: true },
      ),
    );
    if (!picked.length) return;
    await ctx.config.updateRegistries((list) => picked.reduce<unknown[]>((l, p) => withWatchedRepository(l, host, p.label), [...list]));
    ctx.log.info(`watching ${picked.map((p) => `${host}/${p.label}`).join(', ')}`);
  },
};
