import * as vscode from 'vscode';
import type { CopyDestination } from '../commands/copy-image';
import type { ImageTarget } from '../commands/image-argument';
import type { Node } from './nodes';
import { registriesViewId } from './registries-tree';
import { commandIds } from '../commands/command-ids';

/** VS Code's mime type for items dragged out of a tree view: the view id, lowercased. */
const treeMime = `application/vnd.code.tree.${registriesViewId.toLowerCase()}`;
const copyImageCommandId = commandIds.copyImage;

/**
 * Dragging a tag (or a platform) onto a registry copies it there under the same repository path
 * and tag; onto a repository, into that repository under the same tag. The copy itself is the
 * Copy Image command, so it logs, shows progress and reports errors the same way.
 */
export class RegistriesDragAndDrop implements vscode.TreeDragAndDropController<Node> {
  readonly dragMimeTypes = [treeMime];
  readonly dropMimeTypes = [treeMime];

  handleDrag(source: readonly Node[], data: vscode.DataTransfer): void {
    const images = source.filter((n) => n.kind === 'tag' || n.kind === 'platform');
    if (images.length) data.set(treeMime, new vscode.DataTransferItem(images));
  }

  async handleDrop(target: Node | undefined, data: vscode.DataTransfer): Promise<void> {
    const dragged = data.get(treeMime)?.value as readonly Node[] | undefined;
    if (!target || !dragged || (target.kind !== 'registry' && target.kind !== 'repository')) return;
    for (const node of dragged) {
      if (node.kind !== 'tag' && node.kind !== 'platform') continue;
      const source: ImageTarget = {
        host: node.registry.host,
        repository: node.repository,
        reference: node.kind === 'platform' ? node.digest : node.tag,
        tag: node.kind === 'tag' ? node.tag : undefined,
      };
      const destination: CopyDestination = {
        host: target.registry.host,
        repository: target.kind === 'repository' ? target.repository : node.repository,
        tag: node.tag,
      };
      if (destination.host === source.host && destination.repository === source.repository) continue;
      await vscode.commands.executeCommand(copyImageCommandId, source, destination);
    }
  }
}
