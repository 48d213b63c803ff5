import * as vscode from 'vscode';
import type { Node } from '../tree/nodes';
import type { Command } from './command';
import { isNode } from './refresh';

/** host/repo@sha256:... for a tag or platform row whose digest is known. */
function digestReference(ctx: Parameters<Command['run']>[0], node: unknown): string {
  if (!isNode(node) || (node.kind !== 'tag' && node.kind !== 'platform')) throw new vscode.CancellationError();
  const digest = node.kind === 'platform' ? node.digest : ctx.tree.tagDetails(node as Extract<Node, { kind: 'tag' }>)?.digest;
  if (!digest) throw new Error(`the digest of ${node.registry.host}/${node.repository}:${node.tag} is not known yet; try again when the row shows it`);
  return `${node.registry.host}/${node.repository}@${digest}`;
}

export const copyDigestReferenceCommand: Command = {
  id: 'registryExplorer.copyDigestReference',
  title: 'Copy Digest Reference',
  async run(ctx, node) {
    const reference = digestReference(ctx, node);
    await vscode.env.clipboard.writeText(reference);
    vscode.window.setStatusBarMessage(`Copied ${reference}`, 4000);
  },
};

export const copyPullCommandCommand: Command = {
  id: 'registryExplorer.copyPullCommand',
  title: 'Copy Pull Command',
  async run(ctx, node) {
    const command = `podman pull ${digestReference(ctx, node)}`;
    await vscode.env.clipboard.writeText(command);
    vscode.window.setStatusBarMessage(`Copied ${command}`, 4000);
  },
};
