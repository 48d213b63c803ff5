import * as vscode from 'vscode';
import { copyImage } from '../../core/image/copy';
import type { CopyProgress } from '../../core/image/copy';
import { copyTarget } from '../../core/image/copy-target';
import type { CopyTarget } from '../../core/image/copy-target';
import { anchoredTagRegexp } from '../../core/reference/grammar';
import { abbreviatedDigest, formatSize } from '../format';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { imageArgument, imageName } from './image-argument';
import type { ImageTarget } from './image-argument';
import { inspectImageCommand } from './inspect-image';
import { pickRegistry } from './pick-registry';
import { chooseTravelling, countTravelling, travellingText } from '../supply-chain/copy-referrers';

const repositoryPath = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function progressMessage(p: CopyProgress): string {
  if (p.phase === 'resolving') return 'reading the source manifest';
  if (p.phase === 'manifests') return 'pushing the manifest';
  return `layers ${p.blobsDone}/${p.blobsTotal} · ${formatSize(p.bytesDone)} of ${formatSize(p.bytesTotal)}`;
}

/** " With it: 3 signatures, attestations or SBOMs." and what was left behind; nothing when nothing refers. */
function carriedText(r: { carried: number; present: number; dropped: number }): string {
  const parts = [r.carried ? `${r.carried} copied` : undefined, r.present ? `${r.present} already there` : undefined, r.dropped ? `${r.dropped} left behind` : undefined].filter(Boolean);
  return parts.length ? ` Signatures, attestations and SBOMs: ${parts.join(', ')}.` : '';
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
 * Says what the copy will do before anything is written, and asks where it would move a tag: a
 * destination tag already naming the source is "already there"; one naming another image needs an
 * explicit Replace (Cancel, Escape and closing the dialog write nothing); a drop always asks, since
 * a drop is easy to make by accident. Returns false when there is nothing to write.
 */
async function confirmPlan(plan: CopyTarget, from: string, to: string, tag: string, dropped: boolean): Promise<boolean> {
  const source = `${from} (${abbreviatedDigest(plan.sourceDigest)})`;
  switch (plan.state.kind) {
    case 'same':
      void vscode.window.showInformationMessage(`${to} already names ${source}: nothing was written.`);
      return false;
    case 'replace': {
      // The first button is the one a modal focuses, so Enter keeps the tag: replacing takes a deliberate click.
      const keep: vscode.MessageItem = { title: `Keep ${tag}`, isCloseAffordance: true };
      const replace: vscode.MessageItem = { title: 'Replace Tag' };
      const choice = await vscode.window.showWarningMessage(
        `Replace tag ${tag} (${abbreviatedDigest(plan.state.currentDigest)}) with ${source}?`,
        { modal: true, detail: `${to} names ${plan.state.currentDigest} now. After the copy it names ${plan.sourceDigest}; the image it names now keeps only its other tags, if any.` },
        keep,
        replace,
      );
      if (choice !== replace) cancelled();
      return true;
    }
    case 'new': {
      if (!dropped) return true;
      const copy = 'Copy';
      const choice = await vscode.window.showInformationMessage(`Copy ${source} to ${to}?`, { modal: true, detail: `${to} does not exist yet: the copy creates the tag ${tag}.` }, copy);
      if (choice !== copy) cancelled();
      return true;
    }
  }
}

/**
 * After the user cancelled a copy: the manifest goes last, so the destination tag should be as it
 * was. It is read again rather than assumed, and the message says what it names.
 */
async function reportCancelled(ctx: Parameters<Command['run']>[0], plan: CopyTarget, host: string, repository: string, tag: string): Promise<void> {
  const to = `${host}/${repository}:${tag}`;
  const before = plan.state.kind === 'replace' ? plan.state.currentDigest : undefined;
  let now: string | undefined;
  try {
    now = (await ctx.clients.for(host).headManifest(repository, tag))?.digest;
  } catch (error) {
    ctx.log.warn(`copy cancelled; could not read ${to} again: ${error instanceof Error ? error.message : String(error)}`);
    void vscode.window.showWarningMessage(`Copy cancelled. ${to} could not be read again to check it.`);
    return;
  }
  ctx.log.info(`copy to ${to} cancelled; it names ${now ?? 'nothing'}`);
  if (now === before) {
    void vscode.window.showInformationMessage(`Copy cancelled: nothing was tagged at ${to}${before ? ` (it still names ${abbreviatedDigest(before)})` : ''}.`);
  } else {
    void vscode.window.showWarningMessage(`Copy cancelled after the manifest was written: ${to} names ${now ? abbreviatedDigest(now) : 'nothing'} now.`);
  }
  ctx.tree.refreshWhere(host, repository);
}

/**
 * Copies an image to a registry, repository and tag the user picks (or drops it on), with the core copy engine:
 * blobs stream registry to registry, the manifest goes last (digest preserved). Before that, the
 * destination tag is read and the plan confirmed (confirmPlan). The notification shows layers and
 * bytes and can cancel; the destination's rows refresh at the end.
 */
export const copyImageCommand: Command = {
  id: 'registryExplorer.copyImage',
  title: 'Copy Image To',
  async run(ctx, node, destination) {
    const source = await imageArgument(node, 'Copy Image');
    const dropped = isDestination(destination);
    const { host: target, repository, tag } = dropped ? destination : await askDestination(ctx, source);
    const from = imageName(source);
    const to = `${target}/${repository}:${tag}`;
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${to}` }, () =>
      copyTarget({ client: ctx.clients.for(source.host), repository: source.repository, reference: source.reference }, { client: ctx.clients.for(target), repository, reference: tag }),
    );
    ctx.log.info(`copy plan: ${from} (${plan.sourceDigest}) -> ${to}: ${plan.state.kind === 'replace' ? `replaces ${plan.state.currentDigest}` : plan.state.kind === 'same' ? 'already there' : 'new tag'}`);
    if (!(await confirmPlan(plan, from, to, tag, dropped))) return undefined;
    // Signatures, attestations and SBOMs go along unless the user leaves them behind.
    const travelling = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading what refers to ${from}` }, () =>
      countTravelling(ctx.clients.for(source.host), source.repository, plan.sourceDigest, ctx.config.concurrency),
    );
    const keep = await chooseTravelling(travelling, to);
    ctx.log.info(`copy: ${travellingText(travelling) || 'nothing'} refers to ${from}; keeping signatures: ${keep.signatures}, others: ${keep.others}`);
    ctx.log.info(`copying ${from} to ${to}`);
    const abort = new AbortController();
    const result = await Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Copying ${from} to ${to}`, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      let done = 0;
      return copyImage(
        { transport: 'docker', ref: { registry: source.host, repository: source.repository, ...(source.reference.includes(':') ? { digest: source.reference } : { tag: source.reference }) } },
        { transport: 'docker', ref: { registry: target, repository, tag } },
        {
          srcClient: ctx.clients.for(source.host),
          dstClient: ctx.clients.for(target),
          signal: abort.signal,
          referrers: keep,
          onRetry: (what, attempt, reason) => ctx.log.warn(`copy: retrying ${what} (attempt ${attempt}): ${reason}`),
          onProgress: (p) => {
            const now = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 0;
            progress.report({ message: progressMessage(p), increment: Math.max(0, now - done) });
            done = Math.max(done, now);
          },
        },
      );
    })).catch(async (error: unknown) => {
      if (abort.signal.aborted) await reportCancelled(ctx, plan, target, repository, tag);
      throw error;
    });
    ctx.log.info(`copied ${from} to ${to}: ${result.noop ? 'already there' : `${result.blobsCopied} blobs copied, ${result.blobsSkipped} skipped, ${result.blobsMounted} mounted, ${result.bytes} bytes`} (${result.digest})`);
    ctx.tree.refreshWhere(target, repository);
    const reference = `${target}/${repository}@${result.digest}`;
    void vscode.window
      .showInformationMessage(`${result.noop ? `${to} already had ${from}.` : `Copied ${from} to ${to}.`}${carriedText(result.referrers)}`, 'Inspect', 'Copy Reference')
      .then(async (choice) => {
        if (choice === 'Copy Reference') await vscode.env.clipboard.writeText(reference);
        if (choice === 'Inspect') await vscode.commands.executeCommand(inspectImageCommand.id, { host: target, repository, reference: result.digest, tag: undefined });
      });
    return result;
  },
};
