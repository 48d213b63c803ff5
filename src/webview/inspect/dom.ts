// The few DOM helpers every section of the Inspect page uses. Text goes in through textContent
// only, so nothing a registry sends is ever parsed as HTML.
import type { InspectRequest } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const host = acquireVsCodeApi();

export const post = (message: InspectRequest): void => host.postMessage(message);

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K];
export function el(tag: string, text?: string, className?: string): HTMLElement;
export function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** A titled section with the count of what it lists; `id` lets tests and links find it. */
export function section(id: string, title: string, count?: number): HTMLElement {
  const s = el('section');
  s.id = `section-${id}`;
  const h = el('h2', title);
  if (count !== undefined) h.append(' ', el('vscode-badge', String(count)));
  s.append(h);
  return s;
}

export function button(label: string, message: InspectRequest, secondary = false): HTMLElement {
  const b = el('vscode-button', label);
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', () => post(message));
  return b;
}

/** What goes in a cell: text, or an element (a link) already built. */
export type Cell = string | Node;

/**
 * A plain table: the browser sizes each column to its content (a digest column as wide as a
 * digest, a size column as wide as a size), and long text wraps only in the columns marked `wrap`.
 */
export function table(
  id: string,
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: { wrap?: readonly number[]; numeric?: readonly number[] } = {},
): HTMLElement {
  const t = el('table', undefined, 'grid');
  t.id = id;
  const head = el('thead');
  const headRow = el('tr');
  for (const c of columns) {
    const th = el('th', c);
    th.scope = 'col';
    headRow.append(th);
  }
  head.append(headRow);
  const body = el('tbody');
  for (const r of rows) {
    const row = el('tr');
    r.forEach((cell, i) => {
      const td = el('td', undefined, [options.wrap?.includes(i) ? 'wrap' : 'nowrap', options.numeric?.includes(i) ? 'num' : ''].join(' ').trim());
      td.append(cell);
      row.append(td);
    });
    body.append(row);
  }
  t.append(head, body);
  // A panel narrower than a digest scrolls the table sideways rather than breaking digests apart.
  const scroller = el('div', undefined, 'table-scroll');
  scroller.append(t);
  return scroller;
}

/** A definition list of name/value pairs (the summary, the run settings). */
export function definitions(className: string, pairs: readonly (readonly [string, Cell])[]): HTMLElement {
  const dl = el('dl', undefined, className);
  for (const [k, v] of pairs) {
    const dd = el('dd', undefined, 'mono');
    dd.append(v);
    dl.append(el('dt', k), dd);
  }
  return dl;
}
