import * as vscode from 'vscode';
import { tagImage } from '../../core/image/tag';
import { anchoredTagRegexp } from '../../core/reference/grammar';
import { orCancel } from './command';
import type { Command } from './command';
import { imageArgument, imageName } from './image-argument';
import { commandIds } from './command-ids';

/** More tags for an image in its repository: a manifest-only PUT per tag, no blob moves. */
export const tagImageCommand: Command = {
  id: commandIds.tagImage,
  title: 'Tag Image',
  async run(ctx, node) {
    const image = await imageArgument(node, 'Tag Image');
    const typed = orCancel(
      await vscode.window.showInputBox({
        title: `Tag ${imageName(image)}`,
        prompt: 'New tags, separated by spaces or commas',
        placeHolder: 'stable 1.0',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const tags = v.split(/[\s,]+/).filter(Boolean);
          if (tags.length === 0) return 'Name at least one tag';
          const bad = tags.find((t) => !anchoredTagRegexp.test(t));
          return bad ? `"${bad}" is not a valid tag: up to 128 letters, digits, _ . - (not starting with . or -)` : undefined;
        },
      }),
    );
    const tags = typed.split(/[\s,]+/).filter(Boolean);
    const result = await tagImage(ctx.clients.for(image.host), image.repository, image.reference, tags);
    ctx.log.info(`tagged ${imageName(image)} (${result.digest}) as ${result.tags.join(', ')}`);
    ctx.tree.refreshWhere(image.host, image.repository);
    vscode.window.setStatusBarMessage(`Tagged ${image.repository} as ${result.tags.join(', ')}`, 5000);
  },
};
