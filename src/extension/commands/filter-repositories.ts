import * as vscode from 'vscode';
import { orCancel } from './command';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { commandIds } from './command-ids';

export const filterRepositoriesCommand: Command = {
  id: commandIds.filterRepositories,
  title: 'Filter Repositories',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Filter Repositories', allowOther: false });
    const filter = orCancel(
      await vscode.window.showInputBox({
        title: `Filter Repositories of ${host}`,
        prompt: 'Show repositories whose path contains this text (empty: all)',
        value: ctx.tree.filter(host) ?? '',
        ignoreFocusOut: true,
      }),
    );
    await ctx.tree.setFilter(host, filter.trim() || undefined);
  },
};

export const clearFilterCommand: Command = {
  id: commandIds.clearFilter,
  title: 'Clear Filter',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Clear Filter', allowOther: false });
    await ctx.tree.setFilter(host, undefined);
  },
};
