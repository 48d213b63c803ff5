// The clusters a kubeconfig knows, as tree nodes ("user @ server", namespace), and whether a server is
// OpenShift (it serves the image.openshift.io API group) rather than plain Kubernetes.
import { KubernetesError } from '../errors';
import type { OpenShiftClient } from './api';
import type { KubeConfig } from './kubeconfig';

export interface ClusterContextInfo {
  contextName: string;
  clusterName: string;
  server: string;
  /** The user part of the kubeconfig user name (`developer` of `developer/api-crc-testing:6443`). */
  user: string;
  namespace?: string;
  current: boolean;
  /** `developer @ api.crc.testing:6443` */
  label: string;
}

/** One entry per context that names a cluster with a server, current context first, then by name. */
export function listClusterContexts(config: KubeConfig): ClusterContextInfo[] {
  const out: ClusterContextInfo[] = [];
  for (const ctx of config.contexts) {
    const cluster = config.clusters.find((c) => c.name === ctx.cluster);
    if (!cluster?.server) continue;
    const user = ctx.user.split('/')[0] || ctx.user;
    let host = cluster.server;
    try {
      host = new URL(cluster.server).host;
    } catch {
      // keep the server text as is
    }
    out.push({
      contextName: ctx.name,
      clusterName: cluster.name,
      server: cluster.server,
      user,
      namespace: ctx.namespace,
      current: ctx.name === config.currentContext,
      label: `${user} @ ${host}`,
    });
  }
  return out.sort((a, b) => (a.current !== b.current ? (a.current ? -1 : 1) : a.contextName < b.contextName ? -1 : a.contextName > b.contextName ? 1 : 0));
}

/** True when the server has the OpenShift image API; false on a plain Kubernetes server (404). */
export async function isOpenShift(client: OpenShiftClient): Promise<boolean> {
  try {
    await client.get('/apis/image.openshift.io/v1');
    return true;
  } catch (e) {
    if (e instanceof KubernetesError && e.status === 404) return false;
    // 403: discovery refused, but the group exists (a 404 would say it does not).
    if (e instanceof KubernetesError && e.status === 403) return true;
    throw e;
  }
}
