// Raw manifests and configs (and other things the extension shows as text, such as an image
// stream's JSON) as read-only documents of their own scheme: one document per reference (opening
// it again shows the same editor), never dirty, nothing to save. A document restored after a
// reload is read again: an image's from the registry, others by the reader of their URI's authority.
import * as vscode from 'vscode';
import { inspectImage } from '../../core/image/inspect';
import { imageReferenceName } from '../../core/reference/tag-or-digest';
import { sbomDocument } from '../../core/supply-chain/content';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';

export const rawScheme = 'registry-explorer';

/** `sbom`: the SBOM a blob holds (the blob's digest is the reference), unwrapped from its in-toto statement. */
export type RawPart = 'manifest' | 'config' | 'sbom';

/** What a raw document shows: the manifest or the config of `reference` (a tag or a digest) in host/repository. */
export interface RawDocumentTarget {
  readonly host: string;
  readonly repository: string;
  readonly reference: string;
  readonly part: RawPart;
}

const configSuffix = ' (config)';
const sbomSuffix = ' (SBOM)';
/** SBOMs run to megabytes; one larger than this is not opened. */
const maxSbomBytes = 64 * 1024 * 1024;

/**
 * `registry-explorer:/host/team/app:v1` for a manifest and `.../app:v1 (config)` for its config:
 * the editor's tab shows the last segment, the image's name and tag (or digest); the breadcrumbs
 * and hover show the registry and repository.
 */
export function rawDocumentUri(target: RawDocumentTarget): vscode.Uri {
  return vscode.Uri.from({
    scheme: rawScheme,
    path: `/${imageReferenceName(target.host, target.repository, target.reference)}${target.part === 'config' ? configSuffix : target.part === 'sbom' ? sbomSuffix : ''}`,
  });
}

export function parseRawDocumentUri(uri: vscode.Uri): RawDocumentTarget | undefined {
  let path = uri.path.slice(1);
  const part: RawPart = path.endsWith(configSuffix) ? 'config' : path.endsWith(sbomSuffix) ? 'sbom' : 'manifest';
  if (part !== 'manifest') path = path.slice(0, -(part === 'config' ? configSuffix : sbomSuffix).length);
  const slash = path.indexOf('/');
  const name = path.slice(slash + 1);
  const at = name.lastIndexOf('@') >= 0 ? name.lastIndexOf('@') : name.lastIndexOf(':');
  if (slash < 0 || at < 0) return undefined;
  return { host: path.slice(0, slash), repository: name.slice(0, at), reference: name.slice(at + 1), part };
}

/** Reads a document of one authority again (after a reload): its text. */
export type DocumentReader = (uri: vscode.Uri, signal: AbortSignal) => Promise<string>;

export type DocumentLanguage = 'json' | 'yaml' | 'plaintext';

export class RawDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly known = new Map<string, string>();
  /** By URI authority; image documents have none. */
  private readonly readers = new Map<string, DocumentReader>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(rawScheme, this));
    // A closed document is read again next time (the tag may name another image by then).
    this.register(vscode.workspace.onDidCloseTextDocument((doc) => doc.uri.scheme === rawScheme && this.known.delete(doc.uri.toString())));
  }

  /** Shows `bytes` (pretty-printed when JSON) as the read-only document of `target`, beside the active editor. */
  async show(target: RawDocumentTarget, bytes: Buffer): Promise<void> {
    await this.showText(rawDocumentUri(target), prettyJson(bytes), 'json');
  }

  /** How documents under `registry-explorer://authority/` are read again after a reload. */
  registerReader(authority: string, read: DocumentReader): void {
    this.readers.set(authority, read);
  }

  /** Shows `text` as the read-only document `uri` (of this scheme), beside the active editor. */
  async showText(uri: vscode.Uri, text: string, language: DocumentLanguage): Promise<void> {
    const before = this.known.get(uri.toString());
    this.known.set(uri.toString(), text);
    // Already open with other bytes (the tag moved since): the open document follows.
    if (before !== undefined && before !== text) this.changed.fire(uri);
    await this.reveal(uri, language);
  }

  /** Opens the document of `target` as the provider reads it (an SBOM: its blob's digest fixes what it holds). */
  async open(target: RawDocumentTarget): Promise<void> {
    await this.reveal(rawDocumentUri(target), undefined);
  }

  /** `language` undefined: JSON when the text parses as JSON (an SPDX tag-value SBOM stays plain text). */
  private async reveal(uri: vscode.Uri, language: DocumentLanguage | undefined): Promise<void> {
    let doc = await vscode.workspace.openTextDocument(uri);
    const wanted = language ?? (isJson(doc.getText()) ? 'json' : undefined);
    if (wanted && doc.languageId !== wanted) doc = await vscode.languages.setTextDocumentLanguage(doc, wanted);
    // Not a preview: the manifest and the config stay open side by side in tabs of their own.
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const known = this.known.get(uri.toString());
    if (known !== undefined) return known;
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    if (uri.authority) {
      const read = this.readers.get(uri.authority);
      const text = read ? await read(uri, abort.signal) : '';
      this.known.set(uri.toString(), text);
      return text;
    }
    const target = parseRawDocumentUri(uri);
    if (!target) return '';
    if (target.part === 'sbom') {
      const blob = await this.ctx.clients.for(target.host).getBlobBytes(target.repository, target.reference, maxSbomBytes, abort.signal);
      const text = prettyJson(sbomDocument(blob));
      this.known.set(uri.toString(), text);
      return text;
    }
    const image = await inspectImage(this.ctx.clients.for(target.host), target.repository, target.reference, { noTags: true, signal: abort.signal });
    const text = prettyJson(target.part === 'manifest' ? image.rawManifest : image.rawConfig);
    this.known.set(uri.toString(), text);
    return text;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function prettyJson(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  } catch {
    return text;
  }
}
