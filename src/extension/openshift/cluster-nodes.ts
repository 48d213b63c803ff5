// The OpenShift Clusters tree as plain tagged data (no vscode), turned into TreeItems only in
// cluster-tree-items.ts. Every row knows its kubeconfig context, so a command run on it talks to
// the right cluster as the right user.
import type { ClusterContextInfo, DescribedTag, HistoryItem, ProjectInfo, Subject } from '../../core/openshift';

export interface ClusterNode {
  readonly kind: 'cluster';
  readonly id: string;
  readonly context: ClusterContextInfo;
}

interface InContext {
  readonly id: string;
  readonly contextName: string;
}

export interface ProjectNode extends InContext {
  readonly kind: 'project';
  readonly project: ProjectInfo;
}

export interface ImageStreamNode extends InContext {
  readonly kind: 'imagestream';
  readonly namespace: string;
  readonly name: string;
  /** How many tags oc counts for it. */
  readonly tagCount: number;
}

export interface ImageStreamTagNode extends InContext {
  readonly kind: 'imagestreamtag';
  readonly namespace: string;
  readonly stream: string;
  readonly tag: DescribedTag;
}

export interface HistoryNode extends InContext {
  readonly kind: 'history';
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
  readonly item: HistoryItem;
}

export interface RegistryAccessNode extends InContext {
  readonly kind: 'registryAccess';
  readonly namespace: string;
}

export interface RoleGrantNode extends InContext {
  readonly kind: 'roleGrant';
  readonly namespace: string;
  readonly role: string;
  readonly binding: string;
  readonly subject: Subject;
}

/** What the user can do about a failed listing: offered as inline actions on the row. */
export type ClusterAction = 'clusterLogIn' | 'clusterTrust' | 'clusterRetry';

export interface ClusterErrorNode {
  readonly kind: 'clusterError';
  readonly id: string;
  readonly contextName: string | undefined;
  readonly message: string;
  readonly detail: string;
  readonly actions: readonly ClusterAction[];
}

export interface ClusterMessageNode {
  readonly kind: 'clusterMessage';
  readonly id: string;
  readonly message: string;
  readonly detail: string | undefined;
}

export type ClusterTreeNode =
  ClusterNode | ProjectNode | ImageStreamNode | ImageStreamTagNode | HistoryNode | RegistryAccessNode | RoleGrantNode | ClusterErrorNode | ClusterMessageNode;
