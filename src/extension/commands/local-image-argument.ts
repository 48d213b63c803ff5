import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { engineName, localImageRecord } from '../local/local-images-tree';
import { groupByRepository, rowReference, shortImageId } from '../local/local-listing';
import { isLocalNode } from '../local/local-nodes';
import type { LocalImageNode } from '../local/local-nodes';
import { orCancel } from './command';

/** A Local Images row, or else one the user picks from the engine's images (from the palette). */
export async function localImageArgument(ctx: Ctx, node: unknown, title: string): Promise<LocalImageNode> {
  if (isLocalNode(node) && node.kind === 'localImage') return node;
  const engine = await ctx.local.engine();
  const engineKind = engineName(engine);
  const rows = groupByRepository((await engine.listImages()).map(localImageRecord)).flatMap((g) => g.rows);
  if (rows.length === 0) throw new vscode.CancellationError();
  const chosen = orCancel(
    await vscode.window.showQuickPick(
      rows.map((row) => ({ label: rowReference(row), description: shortImageId(row.image.id), row })),
      { title, placeHolder: `Which image in ${engineKind}'s store?`, ignoreFocusOut: true },
    ),
  );
  return { kind: 'localImage', id: `local:image:${chosen.row.repository}:${chosen.row.tag ?? chosen.row.image.id}`, row: chosen.row, engine: engineKind };
}
