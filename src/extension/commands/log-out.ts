import * as vscode from 'vscode';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { commandIds } from './command-ids';

export const logOutCommand: Command = {
  id: commandIds.logOut,
  title: 'Log Out',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Log Out', allowOther: false, among: ctx.logins.hosts });
    const { removedHere, removedFromAuthFile } = await ctx.logins.remove(host);
    const remaining = await ctx.logins.credentials(host).catch(() => undefined);
    ctx.log.info(`logged out of ${host}${removedFromAuthFile ? ' (and removed it from auth.json)' : ''}`);
    if (remaining) {
      // The login podman/docker made stays theirs to remove; say so instead of pretending.
      void vscode.window.showInformationMessage(
        `${removedHere ? `Logged out of ${host} here. ` : ''}${host} still has a login for ${remaining.username} from ${remaining.source}; remove it with \`podman logout ${host}\`.`,
      );
    } else {
      void vscode.window.showInformationMessage(removedHere || removedFromAuthFile ? `Logged out of ${host}.` : `There was no login for ${host}.`);
    }
  },
};
