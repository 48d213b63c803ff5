import * as vscode from 'vscode';
import { copyImage } from '../../core/image/copy';
import { parseNormalizedReference } from '../../core/reference/reference';
import { abbreviatedDigest } from '../format';
import { localLocation } from '../local/local-copy';
import { rowReference } from '../local/local-listing';
import { localPushPlan } from '../local/push-plan';
import type { Command } from './command';
import { askDestination, confirmPlan, CopyCancelled, copyWithProgress, reportCancelled } from './copy-image';
import type { CopyDestination } from './copy-image';
import { inspectImageCommand } from './inspect-image';
import { localImageArgument } from './local-image-argument';
import { commandIds } from './command-ids';

function isDestination(value: unknown): value is CopyDestination {
  const v = value as Partial<CopyDestination> | null;
  return typeof v === 'object' && v !== null && typeof v.host === 'string' && typeof v.repository === 'string' && typeof v.tag === 'string';
}

/**
 * Pushes a local image to a registry, repository and tag the user picks (or drops it on), the
 * way Copy Image To copies: the destination tag is read first and the plan confirmed (a tag naming
 * another image is replaced only on an explicit click), progress shows layers and bytes and can
 * cancel, the manifest goes last. The layers are compressed on the way, as podman push does, so
 * the pushed digest is not the local store's; the plan compares images by their config instead.
 * podman pushes the image itself when that is the same push (the copy engine decides, and says so in the log).
 */
export const pushLocalImageCommand: Command = {
  id: commandIds.pushLocalImage,
  title: 'Push to Registry',
  async run(ctx, node, destination) {
    const image = await localImageArgument(ctx, node, 'Push to Registry');
    const engine = await ctx.local.engine();
    const from = rowReference(image.row);
    const location = localLocation(engine, await ctx.local.storeOf(engine), from);
    const named = image.row.tag === undefined ? undefined : parseNormalizedReference(from);
    const dropped = isDestination(destination);
    const { host, repository, tag } = dropped
      ? destination
      : await askDestination(
          ctx,
          { host: named?.registry ?? image.engine, repository: named?.repository ?? '', reference: image.row.tag ?? 'latest', tag: image.row.tag ?? 'latest' },
          'Push',
        );
    const to = `${host}/${repository}:${tag}`;
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${to}` }, () =>
      localPushPlan(ctx.clients.for(host), repository, tag, image.row.image.id),
    );
    ctx.log.info(
      `push plan: ${from} (image ${plan.sourceDigest}) -> ${to}: ${plan.state.kind === 'replace' ? `replaces ${plan.state.currentDigest}` : plan.state.kind === 'same' ? 'already there' : 'new tag'}`,
    );
    if (
      !(await confirmPlan(
        plan,
        from,
        to,
        tag,
        dropped,
        (line) => ctx.log.info(line),
        'After the push it names the pushed image, whose layers are compressed on the way (a new digest).',
      ))
    )
      return undefined;
    ctx.log.info(`pushing ${from} from ${engine.engine} to ${to}`);
    const result = await copyWithProgress(`Pushing ${from} to ${to}`, (options) =>
      copyImage(
        location,
        { transport: 'docker', ref: { registry: host, repository, tag } },
        {
          dstClient: ctx.clients.for(host),
          onRetry: (what, attempt, reason) => ctx.log.warn(`push: retrying ${what} (attempt ${attempt}): ${reason}`),
          onLocalRoute: (route) =>
            ctx.log.info(
              route.by === 'engine-push'
                ? `push: ${engine.engine} pushes ${from} from its store itself`
                : `push: exporting ${from} from the store, regx pushes it: ${route.why}`,
            ),
          ...options,
        },
      ),
    ).catch(async (error: unknown) => {
      if (error instanceof CopyCancelled) await reportCancelled(ctx, plan, host, repository, tag);
      throw error instanceof CopyCancelled ? error.cause : error;
    });
    ctx.log.info(
      result.pushedBy
        ? `pushed ${from} to ${to} by ${result.pushedBy}: ${result.blobsCopied} blobs, ${result.bytes} bytes (${result.digest})`
        : `pushed ${from} to ${to}: ${result.blobsCopied} blobs copied, ${result.blobsSkipped} skipped, ${result.layersCompressed} layers compressed, ${result.bytes} bytes (${result.digest})`,
    );
    ctx.tree.refreshWhere(host, repository);
    const reference = `${host}/${repository}@${result.digest}`;
    void vscode.window
      .showInformationMessage(
        `Pushed ${from} to ${to} (${abbreviatedDigest(result.digest)}; layers compressed, so not the local digest).`,
        'Inspect',
        'Copy Reference',
      )
      .then(async (choice) => {
        if (choice === 'Copy Reference') await vscode.env.clipboard.writeText(reference);
        if (choice === 'Inspect') await vscode.commands.executeCommand(inspectImageCommand.id, { host, repository, reference: result.digest, tag: undefined });
      });
    return result;
  },
};
