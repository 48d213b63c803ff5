import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { describeImageStream, getImageStream, imageStreamModel } from '../../core/openshift';
import type { ImageStream } from '../../core/openshift';
import { isDescribeRequest } from '../../webview/describe-image-stream/protocol';
import type { DescribeNotification, DescribeRequest } from '../../webview/describe-image-stream/protocol';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';

export const describeViewType = 'registryExplorer.describeImageStream';

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
    this.panel = this.register(vscode.window.createWebviewPanel(describeViewType, `Image Stream ${name}`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist] }));
    this.stream = this.fetch();
    this.register(this.panel.webview.onDidReceiveMessage((m: unknown) => isDescribeRequest(m) && void this.handle(m)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => DescribePanel.open.delete(this.key) });
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
        case 'openJson': {
          const stream = await this.stream;
          const content = message.type === 'openText' ? describeImageStream(stream) : JSON.stringify(stream, null, 2) + '\n';
          const doc = await vscode.workspace.openTextDocument({ language: message.type === 'openText' ? 'plaintext' : 'json', content });
          await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
          return;
        }
        case 'copy':
          await vscode.env.clipboard.writeText(message.text);
          vscode.window.setStatusBarMessage(`Copied ${message.text}`, 4000);
          return;
      }
    } catch (error) {
      const text = this.ctx.log.redact(error instanceof Error ? error.message : String(error));
      this.ctx.log.error(`describe ${this.key}: ${text}`, error);
      this.post({ type: 'error', message: `Could not describe ${this.namespace}/${this.name}: ${text}` });
    }
  }

  private html(dist: vscode.Uri): string {
    const webview = this.panel.webview;
    const nonce = randomUUID().replace(/-/g, '');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'describe-image-stream.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'describe-image-stream.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}" nonce="${nonce}">
<title>Image Stream</title>
</head>
<body>
<main id="root"><p>Loading...</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
