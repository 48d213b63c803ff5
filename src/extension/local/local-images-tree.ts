import * as vscode from 'vscode';
import type { LocalEngine, LocalImage } from '../../core/local/engine';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { describeEngineFailure } from './engine-failure';
import type { EngineSituation } from './engine-failure';
import { groupByRepository } from './local-listing';
import type { LocalImageRecord, LocalTagRow } from './local-listing';
import type { LocalImageNode, LocalNode, LocalRepositoryNode } from './local-nodes';
import { localTreeItem } from './local-tree-items';

export const localImagesViewId = 'registryExplorer.localImages';

type Listing = { readonly engine: LocalEngine; readonly images: readonly LocalImageRecord[] } | { readonly failure: unknown };

/** The engine's list row as the view shows it; a zero date (an engine that gave none) is no date. */
export function localImageRecord(image: LocalImage): LocalImageRecord {
  const created = image.created.getTime() > 0 ? image.created.toISOString() : undefined;
  return { id: image.id, names: image.repoTags, size: image.size, created };
}

/** "podman" or "docker": the engine whose store a row is in. */
export function engineName(engine: LocalEngine): 'podman' | 'docker' {
  return engine.engine.startsWith('Podman') ? 'podman' : 'docker';
}

/**
 * The local engine's images, grouped by repository. The list is read once per refresh; getChildren
 * never throws: when no engine answers, the rows say so and how to start one, and a click retries.
 */
export class LocalImagesTree extends Disposable implements vscode.TreeDataProvider<LocalNode> {
  private readonly changed = this.register(new vscode.EventEmitter<LocalNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly changedDescription = this.register(new vscode.EventEmitter<string | undefined>());
  /** What the view's title bar shows next to its name: the engine that answered. */
  readonly onDidChangeDescription = this.changedDescription.event;
  private listing: Promise<Listing> | undefined;
  private generation = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly engine: () => Promise<LocalEngine>,
    private readonly situation: (detail: string) => EngineSituation,
    private readonly forgetEngine: () => void,
  ) {
    super();
  }

  /** Lists again (after a push, pull or remove, or from the title bar). */
  refresh(): void {
    this.generation++;
    this.listing = undefined;
    this.changed.fire(undefined);
  }

  getTreeItem(node: LocalNode): vscode.TreeItem {
    return localTreeItem(node, Date.now());
  }

  async getChildren(node?: LocalNode): Promise<LocalNode[]> {
    if (node?.kind === 'localRepository') return node.rows.map((row) => this.imageNode(node, row));
    if (node) return [];
    const listing = await (this.listing ??= this.list());
    if ('failure' in listing) {
      const detail = listing.failure instanceof Error ? listing.failure.message : String(listing.failure);
      const failure = describeEngineFailure(this.situation(detail));
      this.changedDescription.fire(undefined);
      return [
        { kind: 'localEngineDown', id: 'local:down', message: failure.message, detail: failure.detail },
        { kind: 'localMessage', id: 'local:hint', message: failure.hint, detail: failure.startCommand },
      ];
    }
    const name = engineName(listing.engine);
    this.changedDescription.fire(listing.engine.engine);
    const groups = groupByRepository(listing.images);
    if (groups.length === 0) return [{ kind: 'localMessage', id: 'local:empty', message: `No images in ${name}'s store`, detail: undefined }];
    return groups.map((g) => ({ kind: 'localRepository', id: `local:repo:${g.repository}`, repository: g.repository, rows: g.rows, engine: name }));
  }

  private imageNode(parent: LocalRepositoryNode, row: LocalTagRow): LocalImageNode {
    return { kind: 'localImage', id: `local:image:${parent.repository}:${row.tag ?? row.image.id}`, row, engine: parent.engine };
  }

  private async list(): Promise<Listing> {
    const generation = this.generation;
    try {
      const engine = await this.engine();
      const images = (await engine.listImages()).map(localImageRecord);
      this.ctx.log.info(`local images: ${images.length} in ${engine.engine} at ${engine.socketPath}`);
      return { engine, images };
    } catch (failure) {
      this.ctx.log.warn(`local images: ${failure instanceof Error ? failure.message : String(failure)}`);
      // The socket may have gone away: the next refresh connects afresh (to whatever answers then).
      if (generation === this.generation) this.forgetEngine();
      return { failure };
    }
  }
}
