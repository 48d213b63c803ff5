import { showLocalImageDocument } from '../local/local-documents';
import { rowReference } from '../local/local-listing';
import type { Command } from './command';
import { localImageArgument } from './local-image-argument';
import { commandIds } from './command-ids';

/** What the engine says about the image (architecture, layers' diff IDs, labels, env), as read-only JSON. */
export const inspectLocalImageCommand: Command = {
  id: commandIds.inspectLocalImage,
  title: 'Inspect Local Image',
  async run(ctx, node) {
    const image = await localImageArgument(ctx, node, 'Inspect Local Image');
    await showLocalImageDocument(ctx.rawDocuments, await ctx.local.engine(), image.engine, rowReference(image.row));
  },
};
