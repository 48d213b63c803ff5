import * as vscode from 'vscode';
import { parseNormalizedReference } from '../../core/reference/reference';
import { InspectPanel } from '../inspect/inspect-panel';
import { orCancel } from './command';
import type { Command } from './command';
import { isNode } from './refresh';

/** On a tag or platform row: that image. From the palette: a reference the user types. */
export const inspectImageCommand: Command = {
  id: 'registryExplorer.inspectImage',
  title: 'Inspect Image',
  async run(ctx, node) {
    if (isNode(node) && (node.kind === 'tag' || node.kind === 'platform')) {
      InspectPanel.show(ctx, node.registry.host, node.repository, node.kind === 'platform' ? node.digest : node.tag);
      return;
    }
    const typed = orCancel(
      await vscode.window.showInputBox({
        title: 'Inspect Image',
        prompt: 'Image reference',
        placeHolder: 'quay.io/team/app:1.0',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            const ref = parseNormalizedReference(v.trim());
            return ref.tag || ref.digest ? undefined : 'Add a tag (:1.0) or a digest (@sha256:...)';
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        },
      }),
    );
    const ref = parseNormalizedReference(typed.trim());
    InspectPanel.show(ctx, ref.registry, ref.repository, ref.digest ?? ref.tag!);
  },
};
