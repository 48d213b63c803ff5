import type { Command } from './command';

/** From the Local Images title bar, or the row that says no engine answered (Retry). */
export const refreshLocalImagesCommand: Command = {
  id: 'registryExplorer.refreshLocalImages',
  title: 'Refresh Local Images',
  run(ctx) {
    ctx.local.refresh();
  },
};
