import type { Command } from './command';
import { isNode } from './refresh';

export const loadMoreCommand: Command = {
  id: 'registryExplorer.loadMore',
  title: 'Load More',
  async run(ctx, node) {
    if (isNode(node) && node.kind === 'loadMore') await ctx.tree.loadMore(node.parent);
  },
};
