import * as vscode from 'vscode';
import { withRegistry, withWatchedRepository } from '../registry-settings';
import { orCancel } from './command';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { commandIds } from './command-ids';

const repositoryPath = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\/?$/;

/** For registries that do not list their catalog: name a repository (ns/app) or a namespace (ns/). */
export const addRepositoryToWatchCommand: Command = {
  id: commandIds.addRepositoryToWatch,
  title: 'Add Repository to Watch',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Add Repository to Watch', allowOther: false });
    const repository = orCancel(
      await vscode.window.showInputBox({
        title: `Watch a Repository on ${host}`,
        prompt: 'Repository path (team/app), or a namespace ending in / (team/)',
        placeHolder: 'team/app',
        ignoreFocusOut: true,
        validateInput: (v) => (repositoryPath.test(v.trim()) ? undefined : 'Lowercase path components separated by /, e.g. team/app or team/'),
      }),
    ).trim();
    const known = ctx.config.registries.some((r) => r.host === host);
    await ctx.config.updateRegistries((list) => withWatchedRepository(known ? list : withRegistry(list, { url: host }), host, repository));
    ctx.log.info(`watching ${host}/${repository}`);
  },
};
