// Drag and drop between the Local Images view and the Registries view. A local image dropped on a
// registry or repository row pushes it there; a tag dropped on the Local Images view pulls it. Both
// run the commands (Push to Registry, Pull into Local Images), which always ask before writing.
import * as vscode from 'vscode';
import { parseNormalizedReference } from '../../core/reference/reference';
import type { CopyDestination } from '../commands/copy-image';
import { RegistriesDragAndDrop } from '../tree/drag-and-drop';
import type { Node } from '../tree/nodes';
import { registriesViewId } from '../tree/registries-tree';
import { localImagesViewId } from './local-images-tree';
import type { LocalImageNode, LocalNode } from './local-nodes';
import { commandIds } from '../commands/command-ids';

/** VS Code's mime type for items dragged out of a tree view: the view id, lowercased. */
const localMime = `application/vnd.code.tree.${localImagesViewId.toLowerCase()}`;
const registriesMime = `application/vnd.code.tree.${registriesViewId.toLowerCase()}`;
export const pushLocalImageCommandId = commandIds.pushLocalImage;
export const pullIntoLocalImagesCommandId = commandIds.pullIntoLocalImages;

/** Where a local image goes when dropped on a registry row (its own repository path) or a repository row. */
export function dropDestination(image: LocalImageNode, target: Node): CopyDestination | undefined {
  if (image.row.tag === undefined || (target.kind !== 'registry' && target.kind !== 'repository')) return undefined;
  const name = parseNormalizedReference(`${image.row.repository}:${image.row.tag}`);
  return { host: target.registry.host, repository: target.kind === 'repository' ? target.repository : name.repository, tag: image.row.tag };
}

/**
 * The rows dragged out of a tree. Within one view VS Code hands back the objects handleDrag set.
 * From another view it hands two items under the source view's mime type: first the workbench's
 * own `{id, itemHandles}` (handles only that view's extension host can resolve), then the JSON of
 * what handleDrag set. `DataTransfer.get` returns only the first, so every item is read and the
 * first that holds rows wins.
 */
export async function draggedRows<T>(data: vscode.DataTransfer, mime: string): Promise<readonly T[] | undefined> {
  const items: vscode.DataTransferItem[] = [];
  data.forEach((item, type) => {
    if (type === mime) items.push(item);
  });
  for (const item of items) {
    if (Array.isArray(item.value)) return item.value as T[];
    try {
      const parsed: unknown = JSON.parse(await item.asString());
      if (Array.isArray(parsed)) return parsed as T[];
    } catch {
      // Not JSON (the workbench's empty placeholder): try the next item.
    }
  }
  return undefined;
}

export class LocalImagesDragAndDrop implements vscode.TreeDragAndDropController<LocalNode> {
  readonly dragMimeTypes = [localMime];
  readonly dropMimeTypes = [registriesMime];

  handleDrag(source: readonly LocalNode[], data: vscode.DataTransfer): void {
    const images = source.filter((n) => n.kind === 'localImage');
    if (images.length) data.set(localMime, new vscode.DataTransferItem(images));
  }

  /** Tags of the Registries view dropped anywhere on this view: pulled, one at a time, each asked. */
  async handleDrop(_target: LocalNode | undefined, data: vscode.DataTransfer): Promise<void> {
    for (const node of (await draggedRows<Node>(data, registriesMime)) ?? []) {
      if (node.kind === 'tag') await vscode.commands.executeCommand(pullIntoLocalImagesCommandId, node, { dropped: true });
    }
  }
}

/** The Registries view's drag and drop, also taking local images dropped on a registry or repository. */
export class RegistriesAndLocalDragAndDrop extends RegistriesDragAndDrop {
  override readonly dropMimeTypes = [registriesMime, localMime];

  override async handleDrop(target: Node | undefined, data: vscode.DataTransfer): Promise<void> {
    const dragged = await draggedRows<LocalNode>(data, localMime);
    if (!dragged) return super.handleDrop(target, data);
    if (!target) return;
    for (const node of dragged) {
      if (node.kind !== 'localImage') continue;
      const destination = dropDestination(node, target);
      if (destination) await vscode.commands.executeCommand(pushLocalImageCommandId, node, destination);
    }
  }
}
