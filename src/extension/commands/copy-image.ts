import * as vscode from 'vscode';
import { TlsError } from '../../core/errors';
import { copyImage } from '../../core/image/copy';
import type { CopyOptions, CopyProgress, CopyResult } from '../../core/image/copy';
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
import { trustRegistry } from './trust-certificate';
import { chooseTravelling, countTravelling, travellingText } from '../supply-chain/copy-referrers';
import { commandIds } from './command-ids';
import { referenceParts } from '../../core/reference/tag-or-digest';
import { registriesForCopy } from '../supply-chain/trust-settings';

const repositoryPath = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function progressMessage(p: CopyProgress): string {
  if (p.phase === 'resolving') return 'reading the source manifest';
  if (p.phase === 'manifests') return 'pushing the manifest';
  // podman pushing an image itself says when layers are done, not how many bytes moved.
  if (p.bytesTotal === 0) return `layers ${p.blobsDone}/${p.blobsTotal}`;
  return `layers ${p.blobsDone}/${p.blobsTotal} · ${formatSize(p.bytesDone)} of ${formatSize(p.bytesTotal)}`;
}

/** " Signatures, attestations and SBOMs: 3 copied." and what was left behind; nothing when nothing refers. */
/** What travelled: referrers and GPG simple signatures (stored outside the manifests) together. */
function carriedText(
  r: { carried: number; present: number; dropped: number },
  simple: { carried: number; present: number } = { carried: 0, present: 0 },
): string {
  const carried = r.carried + simple.carried;
  const present = r.present + simple.present;
  const parts = [
    carried ? `${carried} copied` : undefined,
    present ? `${present} already there` : undefined,
    r.dropped ? `${r.dropped} left behind` : undefined,
  ].filter(Boolean);
  return parts.length ? ` Signatures, attestations and SBOMs: ${parts.join(', ')}.` : '';
}

/** A copy the user cancelled from its notification; `cause` is what the copy engine threw. */
export class CopyCancelled extends Error {}

/**
 * Runs a copy under a cancellable notification that shows layers and bytes. A cancelled copy ends
 * in CopyCancelled (its cause the engine's error), so the caller can say what the destination names now.
 */
export async function copyWithProgress(title: string, copy: (options: Pick<CopyOptions, 'signal' | 'onProgress'>) => Promise<CopyResult>): Promise<CopyResult> {
  const abort = new AbortController();
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      let done = 0;
      return copy({
        signal: abort.signal,
        onProgress: (p) => {
          const now = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 0;
          progress.report({ message: progressMessage(p), increment: Math.max(0, now - done) });
          done = Math.max(done, now);
        },
      });
    }),
  ).catch((error: unknown) => {
    throw abort.signal.aborted ? new CopyCancelled('cancelled', { cause: error }) : error;
  });
}

/** Where a copy goes; given by a drop on the tree, else asked for. */
export interface CopyDestination {
  readonly host: string;
  readonly repository: string;
  readonly tag: string;
  /** False when the user already chose it (a retry after trusting a certificate): no drop question then. */
  readonly dropped?: boolean;
}

function isDestination(value: unknown): value is CopyDestination {
  const v = value as Partial<CopyDestination> | null;
  return typeof v === 'object' && v !== null && typeof v.host === 'string' && typeof v.repository === 'string' && typeof v.tag === 'string';
}

export async function askDestination(ctx: Parameters<Command['run']>[0], source: ImageTarget, verb = 'Copy'): Promise<CopyDestination> {
  const host = await pickRegistry(ctx, undefined, { title: `${verb} ${imageName(source)} to...`, allowOther: true });
  const repository = orCancel(
    await vscode.window.showInputBox({
      title: `${verb} to ${host}`,
      prompt: 'Destination repository',
      value: source.repository,
      ignoreFocusOut: true,
      validateInput: (v) => (repositoryPath.test(v.trim()) ? undefined : 'Lowercase path components separated by /, e.g. team/app'),
    }),
  ).trim();
  const tag = orCancel(
    await vscode.window.showInputBox({
      title: `${verb} to ${host}/${repository}`,
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
 * a drop is easy to make by accident. Returns false when there is nothing to write. `after` says what
 * the tag names after the copy, when that is not the source's digest (a push compresses layers).
 */
export async function confirmPlan(
  plan: CopyTarget,
  from: string,
  to: string,
  tag: string,
  dropped: boolean,
  log: (line: string) => void,
  after = `After the copy it names ${plan.sourceDigest}.`,
): Promise<boolean> {
  const source = `${from} (${abbreviatedDigest(plan.sourceDigest)})`;
  switch (plan.state.kind) {
    case 'same':
      void vscode.window.showInformationMessage(`${to} already names ${source}: nothing was written.`);
      return false;
    case 'replace': {
      // VS Code focuses a modal's first button that is not the close affordance (that one becomes its Cancel),
      // so Keep is an ordinary first button: an Enter keeps the tag. That includes the Enter that accepted the
      // destination tag, whose keypress can land on this dialog when the plan is read quickly (seen in e2e:
      // answered within 0.1 s). Replacing takes a deliberate click; Escape is VS Code's own Cancel.
      const keep: vscode.MessageItem = { title: `Keep ${tag}` };
      const replace: vscode.MessageItem = { title: 'Replace Tag' };
      const choice = await vscode.window.showWarningMessage(
        `Replace tag ${tag} (${abbreviatedDigest(plan.state.currentDigest)}) with ${source}?`,
        { modal: true, detail: `${to} names ${plan.state.currentDigest} now. ${after} The image it names now keeps only its other tags, if any.` },
        keep,
        replace,
      );
      log(`replace ${to}? answered ${choice?.title ?? '(closed)'}`);
      if (choice !== replace) cancelled();
      return true;
    }
    case 'new': {
      if (!dropped) return true;
      const copy = 'Copy';
      const choice = await vscode.window.showInformationMessage(
        `Copy ${source} to ${to}?`,
        { modal: true, detail: `${to} does not exist yet: the copy creates the tag ${tag}.` },
        copy,
      );
      if (choice !== copy) cancelled();
      return true;
    }
  }
}

/**
 * After the user cancelled a copy: the manifest goes last, so the destination tag should be as it
 * was. It is read again rather than assumed, and the message says what it names.
 */
export async function reportCancelled(ctx: Parameters<Command['run']>[0], plan: CopyTarget, host: string, repository: string, tag: string): Promise<void> {
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
  id: commandIds.copyImage,
  title: 'Copy Image To',
  async run(ctx, node, destination) {
    const source = await imageArgument(node, 'Copy Image');
    const dropped = isDestination(destination) && destination.dropped !== false;
    const { host: target, repository, tag } = isDestination(destination) ? destination : await askDestination(ctx, source);
    try {
      return await copyConfirmed(ctx, source, { host: target, repository, tag }, dropped);
    } catch (error) {
      if (!(error instanceof TlsError)) throw error;
      offerTrust(ctx, error, source, { host: target, repository, tag });
      return undefined;
    }
  },
};

/**
 * A copy that met a certificate the editor does not trust (at either end) offers what a tree row offers:
 * the presented CA by fingerprint, a CA file, or skipping verification for that registry; then copies again
 * (still asking before it replaces a tag).
 */
function offerTrust(ctx: Parameters<Command['run']>[0], error: TlsError, source: ImageTarget, destination: CopyDestination): void {
  const message = ctx.log.redact(error.message);
  ctx.log.error(`Copy Image To failed (${error.reason}): ${message}`);
  const trust = 'Trust Certificate...';
  void vscode.window.showErrorMessage(`Copy Image To: ${message}`, trust, 'Open Log').then(async (choice) => {
    if (choice === 'Open Log') ctx.log.show();
    if (choice !== trust) return;
    try {
      await trustRegistry(ctx, error.host, `The certificate of ${error.host} is not trusted. Trust it, then copy again?`);
    } catch {
      return; // closed: nothing changed
    }
    await vscode.commands.executeCommand(copyImageCommand.id, source, { ...destination, dropped: false } satisfies CopyDestination);
  });
}

async function copyConfirmed(ctx: Parameters<Command['run']>[0], source: ImageTarget, destination: CopyDestination, dropped: boolean): Promise<unknown> {
  const { host: target, repository, tag } = destination;
  const from = imageName(source);
  const to = `${target}/${repository}:${tag}`;
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${to}` }, () =>
    copyTarget(
      { client: ctx.clients.for(source.host), repository: source.repository, reference: source.reference },
      { client: ctx.clients.for(target), repository, reference: tag },
    ),
  );
  ctx.log.info(
    `copy plan: ${from} (${plan.sourceDigest}) -> ${to}: ${plan.state.kind === 'replace' ? `replaces ${plan.state.currentDigest}` : plan.state.kind === 'same' ? 'already there' : 'new tag'}`,
  );
  if (!(await confirmPlan(plan, from, to, tag, dropped, (line) => ctx.log.info(line)))) return undefined;
  // Signatures, attestations and SBOMs go along unless the user leaves them behind.
  const registries = await registriesForCopy(ctx.config.registriesDirectory);
  const travelling = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading what refers to ${from}` }, () =>
    countTravelling(ctx.clients.for(source.host), source.repository, plan.sourceDigest, ctx.config.concurrency, registries),
  );
  const keep = await chooseTravelling(travelling, to);
  ctx.log.info(`copy: ${travellingText(travelling) || 'nothing'} refers to ${from}; keeping signatures: ${keep.signatures}, others: ${keep.others}`);
  ctx.log.info(`copying ${from} to ${to}`);
  const result = await copyWithProgress(`Copying ${from} to ${to}`, (options) =>
    copyImage(
      { transport: 'docker', ref: { registry: source.host, repository: source.repository, ...referenceParts(source.reference) } },
      { transport: 'docker', ref: { registry: target, repository, tag } },
      {
        srcClient: ctx.clients.for(source.host),
        dstClient: ctx.clients.for(target),
        referrers: keep,
        registries,
        onRetry: (what, attempt, reason) => ctx.log.warn(`copy: retrying ${what} (attempt ${attempt}): ${reason}`),
        ...options,
      },
    ),
  ).catch(async (error: unknown) => {
    if (error instanceof CopyCancelled) await reportCancelled(ctx, plan, target, repository, tag);
    throw error instanceof CopyCancelled ? error.cause : error;
  });
  ctx.log.info(
    `copied ${from} to ${to}: ${result.noop ? 'already there' : `${result.blobsCopied} blobs copied, ${result.blobsSkipped} skipped, ${result.blobsMounted} mounted, ${result.bytes} bytes`} (${result.digest})`,
  );
  ctx.tree.refreshWhere(target, repository);
  const reference = `${target}/${repository}@${result.digest}`;
  void vscode.window
    .showInformationMessage(
      `${result.noop ? `${to} already had ${from}.` : `Copied ${from} to ${to}.`}${carriedText(result.referrers, result.simpleSignatures)}`,
      'Inspect',
      'Copy Reference',
    )
    .then(async (choice) => {
      if (choice === 'Copy Reference') await vscode.env.clipboard.writeText(reference);
      if (choice === 'Inspect')
        await vscode.commands.executeCommand(inspectImageCommand.id, { host: target, repository, reference: result.digest, tag: undefined });
    });
  return result;
}
