import type { Command } from './command';
import { isNode } from './refresh';
import { commandIds } from './command-ids';

/** The action of an error row: load what failed again. */
export const retryCommand: Command = {
  id: commandIds.retry,
  title: 'Retry',
  run(ctx, node) {
    ctx.tree.refresh(isNode(node) ? node : undefined);
  },
};
