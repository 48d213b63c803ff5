// The Inspect webview: asks for its data once loaded ("ready"), then draws it with DOM calls and
// textContent only, so nothing a registry sends is ever parsed as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import { formatSize } from '../../extension/format';
import type { InspectNotification, InspectRequest, InspectView, SupplyChainRowView } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const host = acquireVsCodeApi();
const post = (message: InspectRequest): void => host.postMessage(message);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K];
function el(tag: string, text?: string, className?: string): HTMLElement;
function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function section(title: string, count?: number): HTMLElement {
  const s = el('section');
  const h = el('h2', title);
  if (count !== undefined) {
    const badge = el('vscode-badge', String(count));
    h.append(' ', badge);
  }
  s.append(h);
  return s;
}

function table(columns: string[], rows: string[][], id: string): HTMLElement {
  const t = el('vscode-table');
  t.id = id;
  t.setAttribute('zebra', '');
  t.setAttribute('bordered-columns', '');
  t.setAttribute('responsive', '');
  const header = el('vscode-table-header');
  header.slot = 'header';
  for (const c of columns) header.append(el('vscode-table-header-cell', c));
  const body = el('vscode-table-body');
  body.slot = 'body';
  for (const r of rows) {
    const row = el('vscode-table-row');
    for (const cell of r) row.append(el('vscode-table-cell', cell, 'mono'));
    body.append(row);
  }
  t.append(header, body);
  return t;
}

function summary(view: InspectView): HTMLElement {
  const dl = el('dl', undefined, 'summary');
  const add = (k: string, v: string): void => {
    dl.append(el('dt', k), el('dd', v, 'mono'));
  };
  add('Reference', view.reference);
  add('Digest', view.digest);
  add('Media type', view.mediaType);
  add('Created', view.created ?? 'unknown');
  add('OS/Arch', view.platform);
  add('Total size', `${formatSize(view.totalSize)} (${view.totalSize} bytes, config and ${view.layers.length} layer${view.layers.length === 1 ? '' : 's'})`);
  return dl;
}

function render(view: InspectView): void {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  const head = el('header');
  head.append(el('h1', view.reference));
  const actions = el('div', undefined, 'actions');
  const button = (label: string, message: InspectRequest, secondary = false): HTMLElement => {
    const b = el('vscode-button', label);
    if (secondary) b.setAttribute('secondary', '');
    b.addEventListener('click', () => post(message));
    return b;
  };
  actions.append(button('Open raw manifest', { type: 'openRaw', what: 'manifest' }), button('Open config', { type: 'openRaw', what: 'config' }, true), button('Copy digest reference', { type: 'copy', text: `${view.reference.replace(/[:@][^/]*$/, '')}@${view.digest}` }, true));
  head.append(actions);
  root.append(head, summary(view));

  if (view.platforms.length) {
    const s = section('Platforms', view.platforms.length);
    s.append(table(['Platform', 'Digest', 'Size', ''], view.platforms.map((p) => [p.platform, p.digest, p.size === undefined ? 'unknown' : formatSize(p.size), p.shown ? 'shown below' : '']), 'platforms'));
    root.append(s);
  }
  const layers = section('Layers', view.layers.length);
  layers.append(table(['#', 'Digest', 'Media type', 'Size'], view.layers.map((l, i) => [String(i + 1), l.digest, l.mediaType, formatSize(l.size)]), 'layers'));
  root.append(layers);

  const labels = section('Labels', view.labels.length);
  labels.append(view.labels.length ? table(['Label', 'Value'], view.labels, 'labels') : el('p', 'No labels.', 'empty'));
  root.append(labels);

  const env = section('Environment', view.env.length);
  if (view.env.length) {
    const list = el('ul', undefined, 'mono');
    for (const e of view.env) list.append(el('li', e));
    env.append(list);
  } else env.append(el('p', 'No environment variables.', 'empty'));
  root.append(env);

  const history = section('History', view.history.length);
  history.append(view.history.length ? table(['Created', 'Created by', ''], view.history.map((h) => [h.created, h.createdBy, h.emptyLayer ? 'empty layer' : '']), 'history') : el('p', 'No history.', 'empty'));
  root.append(history);
  // Filled in when the extension has read what refers to the image.
  const supply = section('Supply chain');
  supply.id = 'supply-chain';
  supply.append(el('p', 'Reading what refers to this image...', 'empty'));
  root.append(supply);
}

function renderSupplyChain(rows: SupplyChainRowView[], error: string | undefined): void {
  const old = document.getElementById('supply-chain');
  if (!old) return;
  const s = section('Supply chain', rows.length);
  s.id = 'supply-chain';
  if (error) s.append(el('p', `Could not read what refers to this image: ${error}`, 'error'));
  else if (!rows.length) s.append(el('p', 'Nothing refers to this image (no signatures, SBOMs, provenance or other artifacts).', 'empty'));
  else {
    s.append(table(['Kind', 'Item', 'Details', 'Digest'], rows.map((r) => [r.group, `${'  '.repeat(r.depth)}${r.depth ? '↳ ' : ''}${r.label}`, r.description, r.digest]), 'supply-chain-table'));
    const sboms = rows.filter((r) => r.sbomBlob);
    if (sboms.length) {
      const actions = el('div', undefined, 'actions');
      for (const r of sboms) {
        const b = el('vscode-button', `Open SBOM: ${r.label} (${r.group})`);
        b.setAttribute('secondary', '');
        b.addEventListener('click', () => post({ type: 'openSbom', blob: r.sbomBlob as string }));
        actions.append(b);
      }
      s.append(actions);
    }
  }
  old.replaceWith(s);
}

window.addEventListener('message', (event: MessageEvent<InspectNotification>) => {
  const message = event.data;
  if (message.type === 'show') render(message.view);
  else if (message.type === 'supplyChain') renderSupplyChain(message.rows, message.error);
  else if (message.type === 'error') document.getElementById('root')!.replaceChildren(el('p', message.message, 'error'));
});
post({ type: 'ready' });
