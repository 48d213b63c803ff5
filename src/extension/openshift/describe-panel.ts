import * as vscode from 'vscode';
import { getImageStream, imageStreamModel } from '../../core/openshift';
import type { ImageStream } from '../../core/openshift';
import { isDescribeRequest } from '../../webview/describe-image-stream/protocol';
import type { DescribeNotification, DescribeRequest } from '../../webview/describe-image-stream/protocol';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { copyText, pageHtml, panelError } from '../webview-panel';
import { showImageStreamDocument } from './image-stream-documents';

// A webview's type, not a command (the command that opens it is commandIds.describeImageStream).
export const describeViewType = 'registryExplorer.imageStreamDescription';

/**
 * One webview per image stream, showing what `oc describe is NAME -n NS` prints. The page holds no
 * cluster data: it loads, says "ready", and receives the model as a message. CSP `default-src 'none'`,
 * scripts and styles only with this page's nonce or from the bundle in dist/.
 */
export class DescribePanel extends Disposable {
  private static readonly open = new Map<string, DescribePanel>();
  private readonly panel: vscode.WebviewPanel;
  private stream: Promise<ImageStream>;

  static show(ctx: Ctx, contextName: string, namespace: string, name: string): void {
    const key = `${contextName}/${namespace}/${name}`;
    const known = DescribePanel.open.get(key);
    if (known) {
      known.panel.reveal();
      known.reload();
      return;
    }
    DescribePanel.open.set(key, ctx.own(new DescribePanel(ctx, key, contextName, namespace, name)));
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly key: string,
    private readonly contextName: string,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    super();
    const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    this.panel = this.register(
      vscode.window.createWebviewPanel(describeViewType, `Image Stream ${name}`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist] }),
    );
    this.stream = this.fetch();
    this.register(this.panel.webview.onDidReceiveMessage((m: unknown) => isDescribeRequest(m) && void this.handle(m)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => DescribePanel.open.delete(this.key) });
    // A closed panel is dropped by the context too, not kept until the extension deactivates.
    this.register({ dispose: () => ctx.disown(this) });
    this.panel.webview.html = this.html(dist);
  }

  private fetch(): Promise<ImageStream> {
    const p = getImageStream(this.ctx.openshift.client(this.contextName), this.namespace, this.name);
    p.catch(() => undefined);
    return p;
  }

  private reload(): void {
    this.stream = this.fetch();
    void this.handle({ type: 'ready' });
  }

  private post(message: DescribeNotification): void {
    void this.panel.webview.postMessage(message);
  }

  private async handle(message: DescribeRequest): Promise<void> {
    try {
      switch (message.type) {
        case 'ready': {
          const cluster = this.ctx.openshift.context(this.contextName)?.label ?? this.contextName;
          this.post({ type: 'show', view: { cluster, model: imageStreamModel(await this.stream) } });
          return;
        }
        case 'refresh':
          this.reload();
          return;
        case 'openText':
        case 'openJson':
        case 'openYaml': {
          const format = ({ openText: 'describe', openJson: 'json', openYaml: 'yaml' } as const)[message.type];
          await showImageStreamDocument(
            this.ctx.rawDocuments,
            { contextName: this.contextName, namespace: this.namespace, name: this.name, format },
            await this.stream,
          );
          return;
        }
        case 'copy':
          await copyText(message.text);
          return;
      }
    } catch (error) {
      this.post({ type: 'error', message: `Could not describe ${this.namespace}/${this.name}: ${panelError(this.ctx, `describe ${this.key}`, error)}` });
    }
  }

  private html(dist: vscode.Uri): string {
    return pageHtml(this.panel.webview, {
      script: vscode.Uri.joinPath(dist, 'describe-image-stream.js'),
      style: vscode.Uri.joinPath(dist, 'describe-image-stream.css'),
      title: 'Image Stream',
    });
  }
}
