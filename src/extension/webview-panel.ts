// What the Inspect and Describe Image Stream webviews share: the page shell with its CSP, and the
// two things a page asks its panel for (copy, show an error). The pages hold
// no registry or cluster data: they load, say "ready", and get their view as a message.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export interface PageAssets {
  script: vscode.Uri;
  style: vscode.Uri;
  title: string;
  /** Allow images from the bundle (the inspect page shows icons from media/). */
  images?: boolean;
}

/**
 * The HTML of a page: CSP `default-src 'none'`, scripts only with this page's nonce, styles, fonts
 * (and, when asked, images) only from the extension's own files.
 */
export function pageHtml(webview: vscode.Webview, assets: PageAssets): string {
  const nonce = randomUUID().replace(/-/g, '');
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    ...(assets.images ? [`img-src ${webview.cspSource}`] : []),
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(assets.style).toString()}" nonce="${nonce}">
<title>${assets.title}</title>
</head>
<body>
<main id="root"><p>Loading...</p></main>
<script nonce="${nonce}" src="${webview.asWebviewUri(assets.script).toString()}"></script>
</body>
</html>`;
}

export async function copyText(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 4000);
}

/** Logs a failed page request and returns the text the page shows: redacted, so no secret reaches it. */
export function panelError(ctx: Ctx, logPrefix: string, error: unknown): string {
  const text = ctx.log.redact(error instanceof Error ? error.message : String(error));
  ctx.log.error(`${logPrefix}: ${text}`, error);
  return text;
}
