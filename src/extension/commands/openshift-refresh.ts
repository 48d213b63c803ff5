import { isClusterNode } from '../openshift/pick';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** From the view's title: the kubeconfig is read again. From a row: that row, loaded again. */
export const refreshClustersCommand: Command = {
  id: commandIds.refreshClusters,
  title: 'Refresh Clusters',
  run(ctx, node) {
    if (isClusterNode(node) && node.kind !== 'cluster' && node.kind !== 'clusterError') ctx.openshift.tree.refresh(node);
    else ctx.openshift.reload();
  },
};
