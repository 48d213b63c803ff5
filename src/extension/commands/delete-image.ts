import * as vscode from 'vscode';
import { NotFoundError } from '../../core/errors';
import { verifiedManifestDigest } from '../../core/image/delete';
import { runPool } from '../../core/image/pool';
import type { RegistryClient } from '../../core/registry/client';
import type { Command } from './command';
import { imageArgument, imageName } from './image-argument';

/** Every tag of the repository that names `digest`: registries delete by digest, so all of them go. */
async function tagsNaming(client: RegistryClient, repository: string, digest: string, concurrency: number): Promise<string[]> {
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
 * Deletes an image after a modal confirmation that names every tag sharing its digest. A registry
 * with deletion disabled answers 405/UNSUPPORTED; the core turns that into a message that says so.
 */
export const deleteImageCommand: Command = {
  id: 'registryExplorer.deleteImage',
  title: 'Delete Image',
  async run(ctx, node) {
    const image = await imageArgument(node, 'Delete Image');
    const client = ctx.clients.for(image.host);
    // The digest from the manifest's own bytes, not a header: only what was asked about is deleted.
    const digest = await verifiedManifestDigest(client, image.repository, image.reference);
    if (!digest) throw new NotFoundError(`${imageName(image)}: no such image (manifest unknown)`);
    const tags = await tagsNaming(client, image.repository, digest, ctx.config.concurrency);
    const name = `${image.host}/${image.repository}@${digest}`;
    const detail = tags.length > 1
      ? `Registries delete by digest, so every tag naming this image goes with it: ${tags.join(', ')}.`
      : tags.length === 1
        ? `The tag ${tags[0]} goes with it.`
        : 'No tag names this image.';
    const confirm = tags.length > 1 ? `Delete Image and ${tags.length} Tags` : 'Delete Image';
    const choice = await vscode.window.showWarningMessage(`Delete ${name}?`, { modal: true, detail }, confirm);
    if (choice !== confirm) return;
    await client.deleteManifest(image.repository, digest);
    ctx.log.info(`deleted ${name} (tags ${tags.join(', ') || 'none'})`);
    ctx.tree.refreshWhere(image.host, image.repository);
    vscode.window.setStatusBarMessage(`Deleted ${name}`, 5000);
  },
};
