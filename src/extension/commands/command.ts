import * as vscode from 'vscode';
import { CancelledError, RegxError } from '../../core/errors';
import type { Ctx } from '../ctx';
import type { CommandId } from './command-ids';

/** One palette or context-menu command. `id` must be declared in package.json (scripts/check-commands.mjs). */
export interface Command {
  readonly id: CommandId;
  /** Human name for error messages, as the palette shows it. */
  readonly title: string;
  run(ctx: Ctx, ...args: unknown[]): unknown;
}

/** The user closed a prompt: stop quietly. */
export function cancelled(): never {
  throw new CancelledError();
}

/** Returns the value, or stops the command quietly when the user dismissed the prompt (undefined). */
export function orCancel<T>(value: T | undefined): T {
  if (value === undefined) cancelled();
  return value;
}

function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'AbortError');
}

/**
 * The one wrapper around every command: logs the start and the failure, shows the registry's
 * own message with an "Open Log" action, and says nothing when the user cancelled.
 */
export function guarded(ctx: Ctx, command: Command): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    ctx.log.debug(`command ${command.id}`);
    try {
      return await command.run(ctx, ...args);
    } catch (error) {
      if (isCancellation(error)) {
        ctx.log.debug(`command ${command.id} cancelled`);
        return undefined;
      }
      const message = ctx.log.redact(error instanceof Error ? error.message : String(error));
      ctx.log.error(`${command.title} failed${error instanceof RegxError ? ` (${error.reason})` : ''}: ${message}`, error);
      void vscode.window.showErrorMessage(`${command.title}: ${message}`, 'Open Log').then((choice) => {
        if (choice === 'Open Log') ctx.log.show();
      });
      return undefined;
    }
  };
}
