import type { Command } from './command';
import { isNode } from './refresh';
import { commandIds } from './command-ids';

export const loadMoreCommand: Command = {
  id: commandIds.loadMore,
  title: 'Load More',
  async run(ctx, node) {
    if (isNode(node) && node.kind === 'loadMore') await ctx.tree.loadMore(node.parent);
  },
};
