import * as vscode from 'vscode';
import type { Node } from '../tree/nodes';
import { pullCommands } from '../pull-commands';
import type { Command } from './command';
import { isNode } from './refresh';
import { commandIds } from './command-ids';

type ImageRow = Extract<Node, { kind: 'tag' | 'platform' }>;

function imageRow(node: unknown): ImageRow {
  if (!isNode(node) || (node.kind !== 'tag' && node.kind !== 'platform')) throw new vscode.CancellationError();
  return node;
}

function knownDigest(ctx: Parameters<Command['run']>[0], node: ImageRow): string | undefined {
  return node.kind === 'platform' ? node.digest : ctx.tree.tagDetails(node)?.digest || undefined;
}

/** host/repo@sha256:... for a tag or platform row whose digest is known. */
function digestReference(ctx: Parameters<Command['run']>[0], node: unknown): string {
  const row = imageRow(node);
  const digest = knownDigest(ctx, row);
  if (!digest) throw new Error(`the digest of ${row.registry.host}/${row.repository}:${row.tag} is not known yet; try again when the row shows it`);
  return `${row.registry.host}/${row.repository}@${digest}`;
}

/** Puts `text` on the clipboard and says so in the status bar for a few seconds. */
export async function copyText(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 4000);
}

export const copyDigestReferenceCommand: Command = {
  id: commandIds.copyDigestReference,
  title: 'Copy Digest Reference',
  async run(ctx, node) {
    await copyText(digestReference(ctx, node));
  },
};

/**
 * Offers the pull as podman, docker and skopeo type it, by tag and by digest; for a plain-HTTP registry or
 * one whose TLS is not verified, with the flag each tool takes (docker has none: the detail says what instead).
 */
export const copyPullCommandCommand: Command = {
  id: commandIds.copyPullCommand,
  title: 'Copy Pull Command',
  async run(ctx, node) {
    const row = imageRow(node);
    const r = row.registry;
    const commands = pullCommands({
      host: r.host,
      repository: row.repository,
      tag: row.kind === 'tag' ? row.tag : undefined,
      indexTag: row.kind === 'platform' ? row.tag : undefined,
      digest: knownDigest(ctx, row),
      unverified: r.insecureHttp || !r.tlsVerify,
      caFile: r.caFile,
    });
    const picked = await vscode.window.showQuickPick(
      commands.map((c) => ({ label: c.command, description: `${c.tool}, by ${c.by}`, detail: c.detail, command: c.command })),
      { title: 'Copy Pull Command', placeHolder: 'Which tool and reference?', matchOnDescription: true },
    );
    if (picked) await copyText(picked.command);
  },
};
