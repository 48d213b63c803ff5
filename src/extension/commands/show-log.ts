import type { Command } from './command';
import { commandIds } from './command-ids';

/** The extension's log (requests, retries, failures with the registry's own words), from the palette. */
export const showLogCommand: Command = {
  id: commandIds.showLog,
  title: 'Show Log',
  run(ctx) {
    ctx.log.show();
  },
};
