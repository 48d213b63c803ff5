import { InspectPanel } from '../inspect/inspect-panel';
import type { Command } from './command';
import { imageArgument } from './image-argument';
import { commandIds } from './command-ids';

/** On a tag or platform row: that image. From the palette: a reference the user types. */
export const inspectImageCommand: Command = {
  id: commandIds.inspectImage,
  title: 'Inspect Image',
  async run(ctx, node) {
    const image = await imageArgument(node, 'Inspect Image');
    InspectPanel.show(ctx, image.host, image.repository, image.reference);
  },
};
