// The local engine for the editor: one connection (podman's API, else Docker's) kept while it
// answers, the Local Images tree over it, and its view. A connection that stops answering is
// dropped, so the next refresh looks again (podman may have been started since, or Docker).
import * as vscode from 'vscode';
import { connectLocalEngine } from '../../core/local/engine';
import type { LocalEngine, LocalStore } from '../../core/local/engine';
import { findPodman } from '../../core/local/podman-service';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { registerLocalImageDocuments } from './local-documents';
import { LocalImagesDragAndDrop } from './local-drag-and-drop';
import { LocalImagesTree, localImagesViewId } from './local-images-tree';
import { configuredSocket, localEngineSection } from './local-settings';

export class LocalImages extends Disposable {
  readonly tree: LocalImagesTree;
  private connection: Promise<LocalEngine> | undefined;
  private store: { engine: LocalEngine; store: Promise<LocalStore | undefined> } | undefined;

  constructor(private readonly ctx: Ctx) {
    super();
    this.tree = this.register(
      new LocalImagesTree(
        ctx,
        () => this.engine(),
        (detail) => ({ configuredSocket: configuredSocket(), podmanInstalled: findPodman() !== undefined, root: process.getuid?.() === 0, detail }),
        () => this.forget(),
      ),
    );
    registerLocalImageDocuments(ctx.rawDocuments, () => this.engine());
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(localEngineSection)) return;
        this.forget();
        this.tree.refresh();
      }),
    );
    this.register({ dispose: () => this.forget() });
  }

  /** The view, with drag and drop to and from the Registries view. */
  createView(): vscode.TreeView<unknown> {
    const view = vscode.window.createTreeView(localImagesViewId, {
      treeDataProvider: this.tree,
      dragAndDropController: new LocalImagesDragAndDrop(),
      canSelectMany: true,
    });
    this.register(this.tree.onDidChangeDescription((d) => (view.description = d)));
    return view as vscode.TreeView<unknown>;
  }

  /**
   * The engine: the socket of the Local Engine: Socket setting, else podman's and Docker's usual
   * sockets. No private podman service is started for the editor: a view that outlives every
   * command would keep it running; the view says how to start podman's own socket instead.
   */
  engine(): Promise<LocalEngine> {
    if (!this.connection) {
      const socketPath = configuredSocket();
      const connecting = connectLocalEngine({ ...(socketPath ? { socketPath } : {}), startService: false });
      this.connection = connecting;
      connecting.then(
        (e) => this.ctx.log.info(`local engine: ${e.engine} at ${e.socketPath}`),
        () => {
          if (this.connection === connecting) this.connection = undefined;
        },
      );
    }
    return this.connection;
  }

  /** Where a podman engine keeps its images (asked once per connection: podman answers it slowly). */
  storeOf(engine: LocalEngine): Promise<LocalStore | undefined> {
    if (this.store?.engine !== engine) {
      const store = engine.store ? Promise.resolve(engine.store) : engine.readStore();
      this.store = { engine, store };
      store.catch(() => (this.store = undefined));
    }
    return this.store.store;
  }

  /** Drops the connection (the engine stopped answering, or the setting changed). */
  forget(): void {
    const known = this.connection;
    this.connection = undefined;
    void known?.then((e) => e.close()).catch(() => undefined);
  }

  refresh(): void {
    this.tree.refresh();
  }
}
