import * as vscode from 'vscode';
import { NotFoundError, TagDeleteUnsupportedError } from '../../core/errors';
import { verifiedManifestDigest } from '../../core/image/delete';
import { runPool } from '../../core/image/pool';
import type { RegistryClient } from '../../core/registry/client';
import { abbreviatedDigest } from '../format';
import type { Log } from '../log';
import type { Command } from './command';
import { imageArgument, imageName } from './image-argument';
import { commandIds } from './command-ids';

/** Every tag of the repository that names `digest`: registries delete by digest, so all of them go. */
export async function tagsNaming(client: RegistryClient, repository: string, digest: string, concurrency: number): Promise<string[]> {
  const tags = await client.listTags(repository).catch((error: unknown) => {
    if (error instanceof NotFoundError) return [] as string[];
    throw error;
  });
  const naming = new Set<string>();
  await runPool(tags, concurrency, async (tag, signal) => {
    if ((await client.headManifest(repository, tag, signal))?.digest === digest) naming.add(tag);
  });
  return tags.filter((t) => naming.has(t)).sort(new Intl.Collator('en', { numeric: true }).compare);
}

/**
 * A modal whose focused button keeps everything, so Enter and Escape never delete. VS Code focuses the first
 * button that is not the close affordance, so the keep button is an ordinary first one (VS Code adds Cancel).
 */
export async function confirmDestructive(log: Log, message: string, detail: string, keepTitle: string, ...choices: string[]): Promise<string | undefined> {
  const keep: vscode.MessageItem = { title: keepTitle };
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, keep, ...choices.map((title) => ({ title })));
  log.info(`${message} answered ${choice?.title ?? '(closed)'}`);
  return choice === keep ? undefined : choice?.title;
}

/**
 * Deletes an image after a modal confirmation that names every tag sharing its digest. From a tag row it
 * offers "Remove Tag X Only" first: registries that remove one tag (Distribution 3, Quay, Zot) keep the
 * image and its other tags; one that deletes by digest only (Distribution 2) refuses, and the user is asked
 * again whether to delete the image with every tag naming it. A registry with deletion disabled answers
 * 405/UNSUPPORTED; the core turns that into a message that says so.
 */
export const deleteImageCommand: Command = {
  id: commandIds.deleteImage,
  title: 'Delete Image',
  async run(ctx, node) {
    const image = await imageArgument(node, 'Delete Image');
    const client = ctx.clients.for(image.host);
    // The digest from the manifest's own bytes, not a header: only what was asked about is deleted.
    const digest = await verifiedManifestDigest(client, image.repository, image.reference);
    if (!digest) throw new NotFoundError(`${imageName(image)}: no such image (manifest unknown)`);
    const tags = await tagsNaming(client, image.repository, digest, ctx.config.concurrency);
    const name = `${image.host}/${image.repository}@${digest}`;
    const detail =
      tags.length > 1
        ? `Registries delete by digest, so every tag naming this image goes with it: ${tags.join(', ')}.`
        : tags.length === 1
          ? `The tag ${tags[0]} goes with it.`
          : 'No tag names this image.';
    const deleteAll = tags.length > 1 ? `Delete Image and ${tags.length} Tags` : 'Delete Image';
    const tag = image.tag;
    if (tag && tags.includes(tag)) {
      const tagOnly = `Remove Tag ${tag} Only`;
      const others = tags.filter((t) => t !== tag);
      const choice = await confirmDestructive(
        ctx.log,
        `Delete ${name}, or remove only its tag ${tag}?`,
        `${tagOnly} keeps the image ${abbreviatedDigest(digest)}${others.length ? ` and its other tags (${others.join(', ')})` : ''}, where the registry can remove a single tag. ${detail}`,
        `Keep ${tag}`,
        tagOnly,
        deleteAll,
      );
      if (choice === undefined) return;
      if (choice === tagOnly) {
        try {
          await client.deleteTag(image.repository, tag);
          ctx.log.info(`removed the tag ${image.host}/${image.repository}:${tag} (the image ${digest} stays)`);
          ctx.tree.refreshWhere(image.host, image.repository);
          vscode.window.setStatusBarMessage(`Removed the tag ${tag}`, 5000);
          return;
        } catch (error) {
          if (!(error instanceof TagDeleteUnsupportedError)) throw error;
          ctx.log.info(`${error.message} (${error.status}${error.serverCode ? ` ${error.serverCode}` : ''}); asking to delete the image instead`);
          const again = await confirmDestructive(
            ctx.log,
            `${image.host} cannot remove the tag ${tag} on its own. Delete ${name}?`,
            `This registry deletes images by digest only. ${detail}`,
            'Keep Image',
            deleteAll,
          );
          if (again !== deleteAll) return;
        }
      }
    } else {
      const choice = await confirmDestructive(ctx.log, `Delete ${name}?`, detail, 'Keep Image', deleteAll);
      if (choice !== deleteAll) return;
    }
    await client.deleteManifest(image.repository, digest);
    ctx.log.info(`deleted ${name} (tags ${tags.join(', ') || 'none'})`);
    ctx.tree.refreshWhere(image.host, image.repository);
    vscode.window.setStatusBarMessage(`Deleted ${name}`, 5000);
  },
};

/**
 * The Delete key in the Registries view. Keybindings cannot match a row's contextValue and get no row
 * argument, so this reads the view's selection and starts Delete Image (with its confirmation) for a tag
 * or platform row; on other rows it does nothing.
 */
export const deleteSelectedCommand: Command = {
  id: commandIds.deleteSelected,
  title: 'Delete Selected Image',
  async run(ctx) {
    const selected = ctx.tree.view?.selection[0];
    if (!selected || (selected.kind !== 'tag' && selected.kind !== 'platform')) return;
    await deleteImageCommand.run(ctx, selected);
  },
};
