import * as vscode from 'vscode';
import { rowReference, shortImageId } from '../local/local-listing';
import { cancelled } from './command';
import type { Command } from './command';
import { localImageArgument } from './local-image-argument';
import { commandIds } from './command-ids';

/**
 * Removes a local image's name, or the image when it has no other name, after a modal question
 * whose focused button keeps the image (Enter removes nothing). An image a container uses is refused by
 * the engine, whose message says so.
 */
export const removeLocalImageCommand: Command = {
  id: commandIds.removeLocalImage,
  title: 'Remove Local Image',
  async run(ctx, node) {
    const image = await localImageArgument(ctx, node, 'Remove Local Image');
    const reference = rowReference(image.row);
    const others = image.row.image.names.filter((n) => n !== reference);
    const id = shortImageId(image.row.image.id);
    const untagOnly = image.row.tag !== undefined && others.length > 0;
    // First and not the close affordance: the button a modal focuses, so Enter removes nothing (as in Copy Image To).
    const keep: vscode.MessageItem = { title: untagOnly ? 'Keep Name' : 'Keep Image' };
    const remove: vscode.MessageItem = { title: untagOnly ? 'Remove Name' : 'Remove Image' };
    const choice = await vscode.window.showWarningMessage(
      untagOnly
        ? `Remove the name ${reference} from image ${id}?`
        : `Remove ${reference === id ? `image ${id}` : `${reference} (image ${id})`} from ${image.engine}'s store?`,
      {
        modal: true,
        detail: untagOnly
          ? `The image stays, with its other names: ${others.join(', ')}.`
          : 'Its layers are deleted too, unless another image uses them. An image a container uses cannot be removed.',
      },
      keep,
      remove,
    );
    if (choice !== remove) cancelled();
    const engine = await ctx.local.engine();
    await engine.removeImage(untagOnly || image.row.tag !== undefined ? reference : image.row.image.id);
    ctx.log.info(`removed ${reference} (image ${image.row.image.id}) from ${engine.engine}`);
    ctx.local.refresh();
    vscode.window.setStatusBarMessage(untagOnly ? `Removed the name ${reference}` : `Removed ${reference}`, 5000);
  },
};
