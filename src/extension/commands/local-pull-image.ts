import * as vscode from 'vscode';
import { NotFoundError } from '../../core/errors';
import { copyImage } from '../../core/image/copy';
import { inspectImage } from '../../core/image/inspect';
import { localLocation } from '../local/local-copy';
import { shortImageId } from '../local/local-listing';
import { localPullPlan } from '../local/push-plan';
import type { Command } from './command';
import { confirmPlan, CopyCancelled, copyWithProgress } from './copy-image';
import { imageArgument, imageName } from './image-argument';
import { commandIds } from './command-ids';
import { referenceParts } from '../../core/reference/tag-or-digest';

/**
 * Copies a registry image into the local engine's store under its registry name, as podman pull
 * names it (one platform: this machine's, from a multi-platform index). The local name is read
 * first: naming the same image already, nothing is written; naming another, the user is asked.
 * A drop always asks.
 */
export const pullIntoLocalImagesCommand: Command = {
  id: commandIds.pullIntoLocalImages,
  title: 'Pull into Local Images',
  async run(ctx, node, how) {
    const source = await imageArgument(node, 'Pull into Local Images');
    const dropped = typeof how === 'object' && how !== null && (how as { dropped?: unknown }).dropped === true;
    const engine = await ctx.local.engine();
    const from = imageName(source);
    const location = localLocation(engine, await ctx.local.storeOf(engine), from);
    const to = `${from} in ${engine.engine.startsWith('Podman') ? "podman's" : "Docker's"} store`;
    const [remote, local] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${from}` }, () =>
      Promise.all([
        inspectImage(ctx.clients.for(source.host), source.repository, source.reference, { noTags: true }),
        engine.inspectImage(from).catch((error: unknown) => {
          if (error instanceof NotFoundError || (error as { reason?: string }).reason === 'not-found') return undefined;
          throw error;
        }),
      ]),
    );
    const plan = localPullPlan(remote.manifest.config.digest, local?.id);
    ctx.log.info(
      `pull plan: ${from} (image ${plan.sourceDigest}) -> ${engine.engine}: ${plan.state.kind === 'replace' ? `replaces ${plan.state.currentDigest}` : plan.state.kind === 'same' ? 'already there' : 'new name'}`,
    );
    if (
      !(await confirmPlan(
        plan,
        from,
        to,
        source.tag ?? source.reference,
        dropped,
        (line) => ctx.log.info(line),
        `After the pull it names image ${shortImageId(plan.sourceDigest)} (the pulled image's ID).`,
      ))
    )
      return undefined;
    const result = await copyWithProgress(`Pulling ${from} into Local Images`, (options) =>
      copyImage({ transport: 'docker', ref: { registry: source.host, repository: source.repository, ...referenceParts(source.reference) } }, location, {
        srcClient: ctx.clients.for(source.host),
        multiArch: 'system',
        ...options,
      }),
    ).catch((error: unknown) => {
      if (error instanceof CopyCancelled) {
        ctx.local.refresh();
        void vscode.window.showInformationMessage(`Pull of ${from} cancelled.`);
      }
      throw error instanceof CopyCancelled ? error.cause : error;
    });
    ctx.log.info(`pulled ${from} into ${engine.engine}: ${result.bytes} bytes`);
    ctx.local.refresh();
    void vscode.window.showInformationMessage(`Pulled ${from} into Local Images (image ${shortImageId(plan.sourceDigest)}).`);
    return result;
  },
};
