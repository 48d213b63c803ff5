import * as vscode from 'vscode';
import { getImageStream, imageStreamModel, listImageStreams, listRegistryGrants } from '../../core/openshift';
import { Disposable } from '../disposable';
import { describeClusterFailure } from './cluster-failure';
import type {
  ClusterErrorNode,
  ClusterMessageNode,
  ClusterNode,
  ClusterTreeNode,
  ImageStreamNode,
  ImageStreamTagNode,
  ProjectNode,
  RegistryAccessNode,
} from './cluster-nodes';
import { grantRows } from './cluster-rows';
import { clusterTreeItem } from './cluster-tree-items';
import type { OpenShift } from './openshift';
import { clusterId, errorId, imageStreamId, imageStreamTagId, messageId, projectId, registryAccessId, roleGrantId, tagHistoryId } from '../tree/ids';

export const clustersViewId = 'registryExplorer.clusters';
/** A redraw asks for the children right away; rows older than this are listed again. */
const reuseWithinMs = 5_000;

/**
 * Cluster (kubeconfig context) -> project -> image stream -> tag -> history, and a "Registry access"
 * row per project. Every expansion asks the server again, so what is shown is what the cluster has
 * now; getChildren never throws: a failure is a row with the server's message and what to do.
 */
export class ClustersTree extends Disposable implements vscode.TreeDataProvider<ClusterTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ClusterTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** The OpenShift-or-not answer per context, once known, for the cluster row's description. */
  private readonly kinds = new Map<string, boolean>();
  /** Children just listed for a cluster row that is being redrawn for its description (see clusterChildren). */
  private readonly redrawn = new Map<string, { rows: ClusterTreeNode[]; at: number }>();

  constructor(private readonly openshift: OpenShift) {
    super();
  }

  /** Redraws a row (its children are fetched again), or everything. */
  refresh(node?: ClusterTreeNode): void {
    this.redrawn.clear();
    if (!node || node.kind === 'cluster' || node.kind === 'clusterError' || node.kind === 'clusterMessage') {
      // `kinds` stays: the row is redrawn a second time only when discovery gives another answer.
      this.changed.fire(undefined);
      return;
    }
    this.changed.fire(node);
  }

  getTreeItem(node: ClusterTreeNode): vscode.TreeItem {
    return clusterTreeItem(node, node.kind === 'cluster' ? this.kinds.get(node.context.contextName) : undefined);
  }

  async getChildren(node?: ClusterTreeNode): Promise<ClusterTreeNode[]> {
    try {
      return await this.children(node);
    } catch (error) {
      const where = node?.kind === 'cluster' ? node.context.contextName : node && 'contextName' in node ? node.contextName : undefined;
      return [this.errorRow(node?.id ?? 'root', where, error)];
    }
  }

  private async children(node: ClusterTreeNode | undefined): Promise<ClusterTreeNode[]> {
    if (!node) {
      return this.openshift.contexts().map((context) => ({ kind: 'cluster', id: clusterId(context.contextName), context }));
    }
    switch (node.kind) {
      case 'cluster':
        return this.clusterChildren(node);
      case 'project':
        return this.projectChildren(node);
      case 'imagestream':
        return this.streamChildren(node);
      case 'imagestreamtag':
        return this.historyChildren(node);
      case 'registryAccess':
        return this.accessChildren(node);
      default:
        return [];
    }
  }

  private async clusterChildren(node: ClusterNode): Promise<ClusterTreeNode[]> {
    const reused = this.redrawn.get(node.id);
    this.redrawn.delete(node.id);
    if (reused && Date.now() - reused.at < reuseWithinMs) return reused.rows;
    const name = node.context.contextName;
    const openshift = await this.openshift.isOpenShift(name);
    const rows = await this.projectRows(node, openshift);
    const wasNotOpenShift = this.kinds.get(name) === false;
    this.kinds.set(name, openshift);
    // Only "Kubernetes, not OpenShift" shows in the description: an OpenShift cluster's row stays as drawn.
    if (wasNotOpenShift !== !openshift) {
      // The row's description says what kind of server it is, so the row is redrawn; VS Code then
      // asks for its children again, and gets these rows, not a second listing of the projects.
      this.redrawn.set(node.id, { rows, at: Date.now() });
      setTimeout(() => this.changed.fire(node), 0);
    }
    return rows;
  }

  private async projectRows(node: ClusterNode, openshift: boolean): Promise<ClusterTreeNode[]> {
    const name = node.context.contextName;
    if (!openshift)
      return [this.message(`${node.id}:not-openshift`, 'Not an OpenShift cluster: the server has no image.openshift.io API', node.context.server)];
    const projects = await this.openshift.projects(name);
    if (projects.length === 0) return [this.message(`${node.id}:no-projects`, 'No projects you can see', undefined)];
    return projects.map((project) => ({ kind: 'project', id: projectId(name, project.name), contextName: name, project }));
  }

  private async projectChildren(node: ProjectNode): Promise<ClusterTreeNode[]> {
    const ns = node.project.name;
    const access: RegistryAccessNode = { kind: 'registryAccess', id: registryAccessId(node.contextName, ns), contextName: node.contextName, namespace: ns };
    const streams = await listImageStreams(this.openshift.client(node.contextName), ns);
    const rows: ClusterTreeNode[] = streams.map((s): ImageStreamNode => ({
      kind: 'imagestream',
      id: imageStreamId(node.contextName, ns, s.metadata.name),
      contextName: node.contextName,
      namespace: ns,
      name: s.metadata.name,
      tagCount: imageStreamModel(s).tagCount,
    }));
    if (rows.length === 0) rows.push(this.message(`${node.id}:no-streams`, 'No image streams', undefined));
    return [access, ...rows];
  }

  private async streamChildren(node: ImageStreamNode): Promise<ClusterTreeNode[]> {
    const stream = await getImageStream(this.openshift.client(node.contextName), node.namespace, node.name);
    const model = imageStreamModel(stream);
    if (model.tags.length === 0) return [this.message(`${node.id}:no-tags`, 'No tags', undefined)];
    return model.tags.map((tag): ImageStreamTagNode => ({
      kind: 'imagestreamtag',
      id: imageStreamTagId(node.contextName, node.namespace, node.name, tag.tag),
      contextName: node.contextName,
      namespace: node.namespace,
      stream: node.name,
      tag,
    }));
  }

  private historyChildren(node: ImageStreamTagNode): ClusterTreeNode[] {
    return node.tag.history.map((item, i) => ({
      kind: 'history',
      id: tagHistoryId(node.id, i, item.image),
      contextName: node.contextName,
      namespace: node.namespace,
      stream: node.stream,
      tag: node.tag.tag,
      item,
    }));
  }

  private async accessChildren(node: RegistryAccessNode): Promise<ClusterTreeNode[]> {
    const grants = await listRegistryGrants(this.openshift.client(node.contextName), node.namespace);
    const rows = grantRows(grants);
    if (rows.length === 0)
      return [this.message(`${node.id}:none`, 'No registry roles granted', 'Users with admin or edit in this project push and pull anyway; view only pulls.')];
    return rows.map((r) => ({
      kind: 'roleGrant',
      id: roleGrantId(node.id, r.binding, r.text.label),
      contextName: node.contextName,
      namespace: node.namespace,
      role: r.role,
      binding: r.binding,
      subject: r.subject,
    }));
  }

  private message(id: string, message: string, detail: string | undefined): ClusterMessageNode {
    return { kind: 'clusterMessage', id: messageId('cluster', id), message, detail };
  }

  private errorRow(parentId: string, contextName: string | undefined, error: unknown): ClusterErrorNode {
    const label = contextName ? (this.openshift.context(contextName)?.label ?? contextName) : 'the kubeconfig';
    const failure = describeClusterFailure(error, label);
    this.openshift.log.warn(`${parentId}: ${failure.detail}`);
    return { kind: 'clusterError', id: errorId(parentId), contextName, message: failure.message, detail: failure.detail, actions: failure.actions };
  }
}
