import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { addRegistryCommand } from './add-registry';
import { guarded } from './command';
import type { Command } from './command';
import { refreshCommand } from './refresh';

/** Every command the extension has; scripts/check-commands.mjs compares this with package.json. */
export const commands: readonly Command[] = [addRegistryCommand, refreshCommand];

export function registerCommands(ctx: Ctx): void {
  for (const command of commands) ctx.own(vscode.commands.registerCommand(command.id, guarded(ctx, command)));
}
