import type { Node } from '../tree/nodes';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** From the view's title: everything. From a row: that registry or repository only. */
export const refreshCommand: Command = {
  id: commandIds.refresh,
  title: 'Refresh',
  run(ctx, node) {
    ctx.tree.refresh(isNode(node) ? node : undefined);
  },
};

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'kind' in value && 'id' in value;
}
