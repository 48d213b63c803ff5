// The clusters of the user's kubeconfig, read the way oc reads it, with one REST client per context
// kept until the kubeconfig changes. Owns the OpenShift Clusters tree and the kubeconfig watcher.
import * as vscode from 'vscode';
import { OpenShiftClient, isOpenShift, kubeconfigPaths, listClusterContexts, listProjects, loadKubeconfig, resolveContext } from '../../core/openshift';
import type { ClusterContextInfo, KubeConfig, ProjectInfo } from '../../core/openshift';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { ClustersTree } from './clusters-tree';
import { watchKubeconfig } from './kubeconfig-watcher';

export class OpenShift extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the kubeconfig changed (or was reloaded after a login): contexts and clients are new. */
  readonly onDidChange = this.changed.event;
  private loaded: KubeConfig | undefined;
  private readonly clients = new Map<string, OpenShiftClient>();
  private readonly discovery = new Map<string, Promise<boolean>>();
  readonly tree: ClustersTree;

  constructor(readonly log: Log) {
    super();
    this.tree = this.register(new ClustersTree(this));
    this.register({ dispose: () => this.closeClients() });
  }

  private watching = false;

  /** The merged kubeconfig (throws the core's UsageError for a file that is not YAML). */
  kubeconfig(): KubeConfig {
    // Watched from the first read on, not from activation: until something read it, nothing shows it.
    if (!this.watching) {
      this.watching = true;
      this.register(watchKubeconfig(kubeconfigPaths(process.env), () => this.reload()));
    }
    this.loaded ??= loadKubeconfig({ env: process.env });
    return this.loaded;
  }

  contexts(): ClusterContextInfo[] {
    return listClusterContexts(this.kubeconfig());
  }

  context(contextName: string): ClusterContextInfo | undefined {
    return this.contexts().find((c) => c.contextName === contextName);
  }

  /** The client for a context; its token is registered with the log so no line can ever show it. */
  client(contextName: string): OpenShiftClient {
    const known = this.clients.get(contextName);
    if (known) return known;
    const resolved = resolveContext(this.kubeconfig(), contextName);
    this.log.addSecret(resolved.token);
    const client = new OpenShiftClient(resolved);
    this.clients.set(contextName, client);
    return client;
  }

  /** Whether the context's server serves the OpenShift APIs (asked once per kubeconfig version). */
  isOpenShift(contextName: string): Promise<boolean> {
    let known = this.discovery.get(contextName);
    if (!known) {
      known = isOpenShift(this.client(contextName));
      known.catch(() => this.discovery.delete(contextName));
      this.discovery.set(contextName, known);
    }
    return known;
  }

  projects(contextName: string): Promise<ProjectInfo[]> {
    return listProjects(this.client(contextName));
  }

  /** Reads the kubeconfig again and redraws the tree (after a login here, or a change on disk). */
  reload(): void {
    this.loaded = undefined;
    this.discovery.clear();
    this.closeClients();
    this.log.debug('kubeconfig reloaded');
    this.changed.fire();
    this.tree.refresh();
  }

  private closeClients(): void {
    for (const c of this.clients.values()) void c.close();
    this.clients.clear();
  }
}
