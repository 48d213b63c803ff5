import * as vscode from 'vscode';
import { copyImage } from '../../core/image/copy';
import type { CopyProgress } from '../../core/image/copy';
import { anchoredTagRegexp } from '../../core/reference/grammar';
import { formatSize } from '../format';
import { orCancel } from './command';
import type { Command } from './command';
import { imageArgument, imageName } from './image-argument';
import type { ImageTarget } from './image-argument';
import { inspectImageCommand } from './inspect-image';
import { pickRegistry } from './pick-registry';

const repositoryPath = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function progressMessage(p: CopyProgress): string {
  if (p.phase === 'resolving') return 'reading the source manifest';
  if (p.phase === 'manifests') return 'pushing the manifest';
  return `layers ${p.blobsDone}/${p.blobsTotal} · ${formatSize(p.bytesDone)} of ${formatSize(p.bytesTotal)}`;
}

/** Where a copy goes; given by a drop on the tree, else asked for. */
export interface CopyDestination {
  readonly host: string;
  readonly repository: string;
  readonly tag: string;
}

function isDestination(value: unknown): value is CopyDestination {
  const v = value as Partial<CopyDestination> | null;
  return typeof v === 'object' && v !== null && typeof v.host === 'string' && typeof v.repository === 'string' && typeof v.tag === 'string';
}

async function askDestination(ctx: Parameters<Command['run']>[0], source: ImageTarget): Promise<CopyDestination> {
  const host = await pickRegistry(ctx, undefined, { title: `Copy ${imageName(source)} to...`, allowOther: true });
  const repository = orCancel(
    await vscode.window.showInputBox({
      title: `Copy to ${host}`,
      prompt: 'Destination repository',
      value: source.repository,
      ignoreFocusOut: true,
      validateInput: (v) => (repositoryPath.test(v.trim()) ? undefined : 'Lowercase path components separated by /, e.g. team/app'),
    }),
  ).trim();
  const tag = orCancel(
    await vscode.window.showInputBox({
      title: `Copy to ${host}/${repository}`,
      prompt: 'Destination tag',
      value: source.tag ?? 'latest',
      ignoreFocusOut: true,
      validateInput: (v) => (anchoredTagRegexp.test(v.trim()) ? undefined : 'Up to 128 letters, digits, _ . - (not starting with . or -)'),
    }),
  ).trim();
  return { host, repository, tag };
}

/**
 * Copies an image to a registry, repository and tag the user picks (or drops it on), with the core copy engine:
 * blobs stream registry to registry, the manifest goes last (digest preserved). The notification
 * shows layers and bytes and can cancel; the destination's rows refresh at the end.
 */
export const copyImageCommand: Command = {
  id: 'registryExplorer.copyImage',
  title: 'Copy Image To',
  async run(ctx, node, destination) {
    const source = await imageArgument(node, 'Copy Image');
    const { host: target, repository, tag } = isDestination(destination) ? destination : await askDestination(ctx, source);
    const from = imageName(source);
    const to = `${target}/${repository}:${tag}`;
    ctx.log.info(`copying ${from} to ${to}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Copying ${from} to ${to}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let done = 0;
      return copyImage(
        { transport: 'docker', ref: { registry: source.host, repository: source.repository, ...(source.reference.includes(':') ? { digest: source.reference } : { tag: source.reference }) } },
        { transport: 'docker', ref: { registry: target, repository, tag } },
        {
          srcClient: ctx.clients.for(source.host),
          dstClient: ctx.clients.for(target),
          signal: abort.signal,
          onRetry: (what, attempt, reason) => ctx.log.warn(`copy: retrying ${what} (attempt ${attempt}): ${reason}`),
          onProgress: (p) => {
            const now = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 0;
            progress.report({ message: progressMessage(p), increment: Math.max(0, now - done) });
            done = Math.max(done, now);
          },
        },
      );
    });
    ctx.log.info(`copied ${from} to ${to}: ${result.noop ? 'already there' : `${result.blobsCopied} blobs copied, ${result.blobsSkipped} skipped, ${result.blobsMounted} mounted, ${result.bytes} bytes`} (${result.digest})`);
    ctx.tree.refreshWhere(target, repository);
    const reference = `${target}/${repository}@${result.digest}`;
    void vscode.window
      .showInformationMessage(result.noop ? `${to} already had ${from}.` : `Copied ${from} to ${to}.`, 'Inspect', 'Copy Reference')
      .then(async (choice) => {
        if (choice === 'Copy Reference') await vscode.env.clipboard.writeText(reference);
        if (choice === 'Inspect') await vscode.commands.executeCommand(inspectImageCommand.id, { host: target, repository, reference: result.digest, tag: undefined });
      });
    return result;
  },
};
