import type { Command } from './command';

export const refreshCommand: Command = {
  id: 'registryExplorer.refresh',
  title: 'Refresh',
  run(ctx) {
    ctx.tree.refresh();
  },
};
