import * as vscode from 'vscode';
import { imageSize } from '../../core/image/image-size';
import { inspectImage } from '../../core/image/inspect';
import { runPool } from '../../core/image/pool';
import { DOCKER_REFERENCE_TYPE } from '../../core/supply-chain/kinds';
import type { InspectedImage } from '../../core/image/inspect';
import { isInspectRequest } from '../../webview/inspect/protocol';
import type { InspectNotification, InspectRequest, SupplyChainRowView } from '../../webview/inspect/protocol';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { copyText, pageHtml, panelError } from '../webview-panel';
import { inspectView } from './inspect-view';
import { supplyChainRows } from '../supply-chain/inspect-rows';

export const inspectViewType = 'registryExplorer.inspect';

/**
 * One webview per inspected reference. The page holds no registry data: it loads, says "ready",
 * and receives the view as a message. CSP `default-src 'none'`, scripts only with this page's nonce,
 * resources only from the bundle.
 */
export class InspectPanel extends Disposable {
  private static readonly open = new Map<string, InspectPanel>();
  private readonly panel: vscode.WebviewPanel;
  private readonly image: Promise<InspectedImage>;

  static show(ctx: Ctx, host: string, repository: string, reference: string): void {
    const name = `${host}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const known = InspectPanel.open.get(name);
    if (known) {
      known.panel.reveal();
      return;
    }
    const panel = ctx.own(new InspectPanel(ctx, name, host, repository, reference));
    InspectPanel.open.set(name, panel);
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly name: string,
    private readonly host: string,
    private readonly repository: string,
    private readonly reference: string,
  ) {
    super();
    const root = ctx.extension.extensionUri;
    this.panel = this.register(
      vscode.window.createWebviewPanel(inspectViewType, `Inspect ${repository.split('/').pop()}${reference.includes(':') ? '@' + reference.slice(reference.indexOf(':') + 1, reference.indexOf(':') + 13) : ':' + reference}`, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
      }),
    );
    this.image = inspectImage(ctx.clients.for(host), repository, reference);
    this.image.catch(() => undefined);
    this.register(this.panel.webview.onDidReceiveMessage((m: unknown) => isInspectRequest(m) && void this.handle(m)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => InspectPanel.open.delete(this.name) });
    // A closed panel is dropped by the context too, not kept until the extension deactivates.
    this.register({ dispose: () => ctx.disown(this) });
    this.panel.webview.html = this.html();
  }

  /** Config plus layers of each platform image of an index (one manifest read each, a few at a time). */
  private async platformSizes(): Promise<Map<string, number | undefined>> {
    const image = await this.image;
    const sizes = new Map<string, number | undefined>();
    const others = (image.index?.manifests ?? []).filter((d) => d.digest !== image.manifestDigest && d.annotations?.[DOCKER_REFERENCE_TYPE] !== 'attestation-manifest');
    const client = this.ctx.clients.for(this.host);
    await runPool(others, this.ctx.config.concurrency, async (d, signal) => {
      sizes.set(d.digest, await imageSize(client, this.repository, d.digest, signal).catch((error: unknown) => {
        this.ctx.log.warn(`inspect ${this.name}: no size for ${d.digest}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }));
    });
    return sizes;
  }

  private supplyChain: Promise<SupplyChainRowView[] | undefined> | undefined;

  /** The Supply chain section, sent once read (the tree's reading of the same image is reused). */
  private async postSupplyChain(): Promise<void> {
    this.supplyChain ??= this.image.then(async (image) => supplyChainRows(this.host, this.repository, image.info.Digest, await this.ctx.tree.supplyChains.get(this.host, this.repository, image.info.Digest)));
    try {
      this.post({ type: 'supplyChain', rows: (await this.supplyChain) ?? [], error: undefined });
    } catch (error) {
      this.supplyChain = undefined;
      this.post({ type: 'supplyChain', rows: [], error: panelError(this.ctx, `inspect ${this.name}: supply chain`, error) });
    }
  }

  private post(message: InspectNotification): void {
    void this.panel.webview.postMessage(message);
  }

  private async handle(message: InspectRequest): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this.post({ type: 'show', view: inspectView(this.name, await this.image, await this.platformSizes()) });
          void this.postSupplyChain();
          return;
        case 'openSbom': {
          // Only a blob this panel listed: the page names nothing else to read.
          const rows = await this.supplyChain;
          if (!rows?.some((r) => r.sbomBlob === message.blob)) return;
          await this.ctx.rawDocuments.open({ host: this.host, repository: this.repository, reference: message.blob, part: 'sbom' });
          return;
        }
        case 'openRaw': {
          const image = await this.image;
          await this.ctx.rawDocuments.show({ host: this.host, repository: this.repository, reference: this.reference, part: message.what }, message.what === 'manifest' ? image.rawManifest : image.rawConfig);
          return;
        }
        case 'copy':
          await copyText(message.text);
          return;
      }
    } catch (error) {
      this.post({ type: 'error', message: `Could not inspect ${this.name}: ${panelError(this.ctx, `inspect ${this.name}`, error)}` });
    }
  }

  private html(): string {
    const root = this.ctx.extension.extensionUri;
    return pageHtml(this.panel.webview, {
      script: vscode.Uri.joinPath(root, 'dist', 'webview', 'inspect.js'),
      style: vscode.Uri.joinPath(root, 'media', 'inspect.css'),
      title: 'Inspect',
      images: true,
    });
  }
}

