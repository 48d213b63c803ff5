import type { Command } from './command';
import { isNode } from './refresh';

/** The action of an error row: load what failed again. */
export const retryCommand: Command = {
  id: 'registryExplorer.retry',
  title: 'Retry',
  run(ctx, node) {
    ctx.tree.refresh(isNode(node) ? node : undefined);
  },
};
