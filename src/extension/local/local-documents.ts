// What the local engine says about an image (its inspect), as a read-only JSON document of its own
// scheme: one per image name, never dirty. A document restored after a reload asks the engine again.
// The Inspect webview reads registries only; a local image has no registry manifest to show.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { LocalEngine } from '../../core/local/engine';

export const localScheme = 'registry-explorer-local';

/** `registry-explorer-local:/podman/localhost/app:1.0`: the tab shows `app:1.0`, the breadcrumbs the engine and repository. */
export function localDocumentUri(engine: string, reference: string): vscode.Uri {
  return vscode.Uri.from({ scheme: localScheme, path: `/${engine}/${reference}` });
}

export class LocalDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly known = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly engine: () => Promise<LocalEngine>) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(localScheme, this));
    this.register(vscode.workspace.onDidCloseTextDocument((doc) => doc.uri.scheme === localScheme && this.known.delete(doc.uri.toString())));
  }

  /** Opens what the engine says about `reference` beside the active editor. */
  async show(engineName: string, reference: string): Promise<void> {
    const uri = localDocumentUri(engineName, reference);
    const text = await this.read(reference);
    const before = this.known.get(uri.toString());
    this.known.set(uri.toString(), text);
    if (before !== undefined && before !== text) this.changed.fire(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.known.get(uri.toString());
    if (known !== undefined) return known;
    const reference = uri.path.slice(uri.path.indexOf('/', 1) + 1);
    const text = await this.read(reference);
    this.known.set(uri.toString(), text);
    return text;
  }

  private async read(reference: string): Promise<string> {
    const details = await (await this.engine()).inspectImage(reference);
    return `${JSON.stringify(details, null, 2)}\n`;
  }
}
