import * as vscode from 'vscode';
import { withoutRegistry } from '../registry-settings';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { commandIds } from './command-ids';

export const removeRegistryCommand: Command = {
  id: commandIds.removeRegistry,
  title: 'Remove Registry',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Remove Registry', allowOther: false });
    const loggedIn = ctx.logins.hosts.includes(host);
    const remove = 'Remove';
    const choice = await vscode.window.showWarningMessage(
      `Remove ${host} from the Registries view?`,
      { modal: true, detail: loggedIn ? 'Its login in this editor is forgotten too. Nothing on the registry changes.' : 'Nothing on the registry changes.' },
      remove,
    );
    if (choice !== remove) return;
    if (loggedIn) await ctx.logins.remove(host);
    await ctx.config.updateRegistries((list) => withoutRegistry(list, host));
    ctx.log.info(`removed registry ${host}`);
  },
};
