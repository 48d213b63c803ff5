// What the local engine says about an image (its inspect), as a read-only JSON document among the
// extension's other read-only documents (raw-documents.ts): `registry-explorer://local/podman/localhost/app:1.0`,
// one per image name; the tab shows `app:1.0`, the breadcrumbs the engine and repository. A document
// restored after a reload asks the engine again. The Inspect webview reads registries only; a local
// image has no registry manifest to show.
import * as vscode from 'vscode';
import type { LocalEngine } from '../../core/local/engine';
import { rawScheme } from '../inspect/raw-documents';
import type { RawDocuments } from '../inspect/raw-documents';

export const localImageAuthority = 'local';

export function localDocumentUri(engine: string, reference: string): vscode.Uri {
  return vscode.Uri.from({ scheme: rawScheme, authority: localImageAuthority, path: `/${engine}/${reference}` });
}

async function inspectText(engine: LocalEngine, reference: string): Promise<string> {
  return `${JSON.stringify(await engine.inspectImage(reference), null, 2)}\n`;
}

/** Opens what the engine says about `reference` beside the active editor. */
export async function showLocalImageDocument(documents: RawDocuments, engine: LocalEngine, engineName: string, reference: string): Promise<void> {
  await documents.showText(localDocumentUri(engineName, reference), await inspectText(engine, reference), 'json');
}

/** Lets a document restored after a reload ask the engine again. */
export function registerLocalImageDocuments(documents: RawDocuments, engine: () => Promise<LocalEngine>): void {
  documents.registerReader(localImageAuthority, async (uri) => inspectText(await engine(), uri.path.slice(uri.path.indexOf('/', 1) + 1)));
}
