import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { guarded } from './command';
import { commandIds } from './command-ids';
import type { CommandId } from './command-ids';
import type { commands } from './handlers';

type Handlers = typeof commands;

/**
 * Registers every command at activation, by id; the handlers themselves are loaded on the first command
 * that runs (ctx.handlers()), so activation neither reads nor compiles them.
 */
export function registerCommands(ctx: Ctx): void {
  let handlers: { [I in CommandId]?: (...args: unknown[]) => Promise<unknown> } | undefined;
  const handler = (id: CommandId): ((...args: unknown[]) => Promise<unknown>) => {
    if (!handlers) {
      const loaded = ctx.handlers().commands;
      handlers = {};
      // Registered under the key, the id the compiler checked; a handler whose own id differs is a bug worth failing on.
      for (const [key, command] of Object.entries(loaded) as [CommandId, Handlers[CommandId]][]) {
        if (command.id !== key) throw new Error(`command ${key} is handled by ${command.id}`);
        handlers[key] = guarded(ctx, command);
      }
    }
    const found = handlers[id];
    if (!found) throw new Error(`command ${id} has no handler`);
    return found;
  };
  for (const id of Object.values(commandIds)) ctx.own(vscode.commands.registerCommand(id, (...args: unknown[]) => handler(id)(...args)));
}
