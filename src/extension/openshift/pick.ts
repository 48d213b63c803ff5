// What an OpenShift command is about: taken from the tree row it was run on, else asked for, one
// question at a time (a single choice is taken without asking).
import * as vscode from 'vscode';
import { listImageStreams } from '../../core/openshift';
import type { ClusterContextInfo } from '../../core/openshift';
import { orCancel } from '../commands/command';
import type { Ctx } from '../ctx';
import type { ClusterTreeNode } from './cluster-nodes';
import { commandIds } from '../commands/command-ids';

export function isClusterNode(value: unknown): value is ClusterTreeNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'id' in value && ('contextName' in value || 'context' in value);
}

function contextOf(arg: unknown): string | undefined {
  if (!isClusterNode(arg)) return undefined;
  if (arg.kind === 'cluster') return arg.context.contextName;
  return 'contextName' in arg ? arg.contextName : undefined;
}

export function namespaceOf(arg: unknown): string | undefined {
  if (!isClusterNode(arg)) return undefined;
  if (arg.kind === 'project') return arg.project.name;
  return 'namespace' in arg ? arg.namespace : undefined;
}

/** The kubeconfig context to use: the row's, the only one, or the one the user picks (current first). */
export async function pickCluster(ctx: Ctx, arg: unknown, title: string): Promise<ClusterContextInfo> {
  const contexts = ctx.openshift.contexts();
  const fromArg = contextOf(arg);
  const known = fromArg ? contexts.find((c) => c.contextName === fromArg) : undefined;
  if (known) return known;
  if (contexts.length === 0) {
    const logIn = 'Log In to Cluster';
    void vscode.window
      .showInformationMessage(`${title}: the kubeconfig has no cluster yet.`, logIn)
      .then((c) => c === logIn && vscode.commands.executeCommand(commandIds.logInToCluster));
    throw new vscode.CancellationError();
  }
  if (contexts.length === 1) return contexts[0] as ClusterContextInfo;
  const picked = orCancel(
    await vscode.window.showQuickPick(
      contexts.map((c) => ({
        label: c.label,
        description: [c.namespace, c.current ? 'current' : undefined].filter(Boolean).join(' · '),
        detail: c.contextName,
        context: c,
      })),
      { title, placeHolder: 'Which cluster?', ignoreFocusOut: true },
    ),
  );
  return picked.context;
}

/** The project: the row's, else picked from those the user may see (the context's namespace first). */
export async function pickProject(ctx: Ctx, cluster: ClusterContextInfo, arg: unknown, title: string): Promise<string> {
  const fromArg = namespaceOf(arg);
  if (fromArg) return fromArg;
  const projects = await ctx.openshift.projects(cluster.contextName);
  if (projects.length === 1) return projects[0]!.name;
  const items = projects.map((p) => ({
    label: p.name,
    description: [p.displayName, p.name === cluster.namespace ? 'current' : undefined].filter(Boolean).join(' · '),
  }));
  items.sort((a, b) => Number(b.label === cluster.namespace) - Number(a.label === cluster.namespace));
  if (items.length === 0) {
    return orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: 'Project (namespace)',
        value: cluster.namespace,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a project'),
      }),
    ).trim();
  }
  return orCancel(await vscode.window.showQuickPick(items, { title, placeHolder: 'Which project?', ignoreFocusOut: true })).label;
}

/** The image stream: the row's, else picked from the project's streams. */
export async function pickImageStream(ctx: Ctx, cluster: ClusterContextInfo, namespace: string, arg: unknown, title: string): Promise<string> {
  if (isClusterNode(arg) && arg.kind === 'imagestream') return arg.name;
  if (isClusterNode(arg) && (arg.kind === 'imagestreamtag' || arg.kind === 'history')) return arg.stream;
  const streams = await listImageStreams(ctx.openshift.client(cluster.contextName), namespace);
  if (streams.length === 0) throw new vscode.CancellationError();
  return orCancel(
    await vscode.window.showQuickPick(
      streams.map((s) => ({ label: s.metadata.name })),
      { title, placeHolder: 'Which image stream?', ignoreFocusOut: true },
    ),
  ).label;
}

/** A Kubernetes object name (DNS subdomain), as image streams and secrets need. */
export function validObjectName(v: string): string | undefined {
  const name = v.trim();
  if (!name) return 'Enter a name';
  if (name.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name))
    return 'Lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Shows a follow-up: the tree is redrawn so it shows what the command changed. */
export function refreshClusters(ctx: Ctx, node?: ClusterTreeNode): void {
  ctx.openshift.tree.refresh(node);
}
