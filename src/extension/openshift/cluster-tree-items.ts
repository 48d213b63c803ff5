import * as vscode from 'vscode';
import { subjectLabel } from '../../core/openshift';
import type { ClusterTreeNode } from './cluster-nodes';
import { asErrorRow, asMessageRow } from '../tree/status-rows';
import { historyRow, tagRow } from './cluster-rows';
import { commandIds } from '../commands/command-ids';

/** What clicking an error row does: load it again. */
export const refreshClustersCommandId = commandIds.refreshClusters;

/**
 * contextValue tokens, matched in package.json with `viewItem =~ /(^|\s)token(\s|$)/`: the node kind
 * plus facts menus need (`failedImport`, `current`, the error row's actions).
 */
export function clusterContextValue(node: ClusterTreeNode, openshift?: boolean): string {
  const tokens: string[] = [node.kind];
  if (node.kind === 'cluster' && openshift !== false) tokens.push('openshiftCluster');
  if (node.kind === 'imagestreamtag' && node.tag.failures.length) tokens.push('failedImport');
  if (node.kind === 'history' && node.item.current) tokens.push('current');
  if (node.kind === 'clusterError') tokens.push(...node.actions);
  return tokens.join(' ');
}

export function clusterTreeItem(node: ClusterTreeNode, openshift: boolean | undefined): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  const item = new vscode.TreeItem('', C.None);
  item.id = node.id;
  item.contextValue = clusterContextValue(node, openshift);
  switch (node.kind) {
    case 'cluster': {
      const c = node.context;
      item.label = c.label;
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon(openshift === false ? 'server-environment' : 'cloud');
      item.description = [c.namespace, openshift === false ? 'Kubernetes, not OpenShift' : undefined, c.current ? 'current' : undefined]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = [`Context ${c.contextName}`, `Server ${c.server}`, `User ${c.user}`, c.namespace ? `Project ${c.namespace}` : undefined]
        .filter(Boolean)
        .join('\n');
      return item;
    }
    case 'project':
      item.label = node.project.name;
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon('project');
      item.description = node.project.displayName;
      item.tooltip = [
        node.project.displayName ?? node.project.name,
        node.project.phase,
        node.project.source === 'namespaces' ? 'listed from namespaces (the project API is not available)' : undefined,
      ]
        .filter(Boolean)
        .join('\n');
      return item;
    case 'imagestream':
      item.label = node.name;
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon('layers');
      item.description = `${node.tagCount} tag${node.tagCount === 1 ? '' : 's'}`;
      item.tooltip = `${node.namespace}/${node.name}`;
      return item;
    case 'imagestreamtag': {
      const row = tagRow(node.stream, node.tag);
      item.label = row.label;
      item.description = row.description;
      item.tooltip = row.tooltip;
      item.collapsibleState = node.tag.history.length ? C.Collapsed : C.None;
      item.iconPath = node.tag.failures.length
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : new vscode.ThemeIcon('tag');
      return item;
    }
    case 'history': {
      const row = historyRow(node.item);
      item.label = row.label;
      item.description = row.description;
      item.tooltip = row.tooltip;
      item.iconPath = new vscode.ThemeIcon(node.item.current ? 'circle-filled' : 'history');
      return item;
    }
    case 'registryAccess':
      item.label = 'Registry access';
      item.collapsibleState = C.Collapsed;
      item.iconPath = new vscode.ThemeIcon('shield');
      item.tooltip = `Who may pull from and push to the image streams of ${node.namespace} (system:image-puller, system:image-pusher, registry-viewer, registry-editor)`;
      return item;
    case 'roleGrant':
      item.label = subjectLabel(node.subject);
      item.description = node.binding === node.role ? node.role : `${node.role} (${node.binding})`;
      item.iconPath = new vscode.ThemeIcon(node.subject.kind === 'Group' ? 'organization' : node.subject.kind === 'ServiceAccount' ? 'robot' : 'person');
      item.tooltip = `${node.subject.kind} with ${node.role} in ${node.namespace} (RoleBinding ${node.binding})`;
      return item;
    case 'clusterError':
      return asErrorRow(item, node.message, node.detail, { command: refreshClustersCommandId, title: 'Retry', arguments: [node] });
    case 'clusterMessage':
      return asMessageRow(item, node.message, node.detail);
  }
}
