import * as vscode from 'vscode';
import { parseNormalizedReference } from '../../core/reference/reference';
import { imageReferenceName } from '../../core/reference/tag-or-digest';
import { orCancel } from './command';
import { isNode } from './refresh';

/** The image a command acts on: registry host, repository, and a tag or a digest. */
export interface ImageTarget {
  readonly host: string;
  readonly repository: string;
  /** A tag, or a digest (contains ':'). */
  readonly reference: string;
  /** Set when the command was run on a tag row. */
  readonly tag: string | undefined;
}

export function imageName(target: ImageTarget): string {
  return imageReferenceName(target.host, target.repository, target.reference);
}

function isImageTarget(value: unknown): value is ImageTarget {
  const v = value as Partial<ImageTarget> | null;
  return typeof v === 'object' && v !== null && typeof v.host === 'string' && typeof v.repository === 'string' && typeof v.reference === 'string';
}

/** A tag or platform row, an ImageTarget (from another command), or else a reference the user types. */
export async function imageArgument(node: unknown, title: string): Promise<ImageTarget> {
  if (isImageTarget(node)) return node;
  if (isNode(node) && (node.kind === 'tag' || node.kind === 'platform')) {
    return {
      host: node.registry.host,
      repository: node.repository,
      reference: node.kind === 'platform' ? node.digest : node.tag,
      tag: node.kind === 'tag' ? node.tag : undefined,
    };
  }
  const typed = orCancel(
    await vscode.window.showInputBox({
      title,
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
  return { host: ref.registry, repository: ref.repository, reference: ref.digest ?? ref.tag!, tag: ref.digest ? undefined : ref.tag };
}
