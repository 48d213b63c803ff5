import type { Command } from './command';

/** The extension's log (requests, retries, failures with the registry's own words), from the palette. */
export const showLogCommand: Command = {
  id: 'registryExplorer.showLog',
  title: 'Show Log',
  run(ctx) {
    ctx.log.show();
  },
};
