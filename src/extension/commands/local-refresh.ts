import type { Command } from './command';
import { commandIds } from './command-ids';

/** From the Local Images title bar, or the row that says no engine answered (Retry). */
export const refreshLocalImagesCommand: Command = {
  id: commandIds.refreshLocalImages,
  title: 'Refresh Local Images',
  run(ctx) {
    ctx.local.refresh();
  },
};
