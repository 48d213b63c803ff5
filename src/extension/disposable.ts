import type * as vscode from 'vscode';

/** Owns what it registers: every listener, provider and child object goes away with its owner. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  /** Stops owning `item` without disposing it (it went away by itself, e.g. a closed panel). */
  protected release(item: vscode.Disposable): void {
    const i = this.owned.indexOf(item);
    if (i >= 0) this.owned.splice(i, 1);
  }

  dispose(): void {
    this.disposed = true;
    // Last registered first: children may depend on what was registered before them.
    for (const item of this.owned.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // One failing disposer must not keep the others alive.
      }
    }
  }
}
