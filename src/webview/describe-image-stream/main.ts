// The Describe Image Stream webview: says "ready", receives what `oc describe is` shows as data, and
// draws it with DOM calls and textContent only, so nothing a cluster sends is ever parsed as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import './style.css';
import type { DescribedTag } from '../../core/openshift/describe';
import type { DescribeNotification, DescribeRequest, DescribeView } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const host = acquireVsCodeApi();
const post = (message: DescribeRequest): void => host.postMessage(message);

function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function button(label: string, message: DescribeRequest, secondary = false): HTMLElement {
  const b = el('vscode-button', label);
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', () => post(message));
  return b;
}

function summary(view: DescribeView): HTMLElement {
  const m = view.model;
  const dl = el('dl', undefined, 'summary');
  const add = (k: string, v: string | HTMLElement): void => {
    const dd = el('dd', undefined, 'mono');
    // Labels and annotations are one per line, as oc prints them.
    if (typeof v === 'string') dd.style.whiteSpace = 'pre-wrap';
    dd.append(v);
    dl.append(el('dt', k), dd);
  };
  add('Name', m.name);
  if (m.namespace) add('Namespace', m.namespace);
  if (m.createdAge) add('Created', `${m.createdAge}${m.created ? ` (${m.created})` : ''}`);
  const labels = Object.entries(m.labels);
  add('Labels', labels.length ? labels.map(([k, v]) => `${k}=${v}`).join('\n') : '<none>');
  if (m.description) add('Description', m.description);
  const annotations = Object.entries(m.annotations);
  add('Annotations', annotations.length ? annotations.map(([k, v]) => `${k}=${v}`).join('\n') : '<none>');
  const repo = (spec: string | undefined, label: string): HTMLElement => {
    const row = el('span', undefined, 'repo');
    row.append(el('span', spec ?? '<none>'));
    if (spec) row.append(button(label, { type: 'copy', text: spec }, true));
    return row;
  };
  add('Image Repository', m.imageRepository || '<none>');
  add('Internal repository', repo(m.internalRepository, 'Copy pull spec'));
  add('Public repository', repo(m.publicRepository, 'Copy pull spec'));
  add('Image Lookup', `local=${m.lookupLocal}`);
  add('Unique Images', String(m.uniqueImages));
  add('Tags', String(m.tagCount));
  return dl;
}

function tag(t: DescribedTag): HTMLElement {
  const s = el('section', undefined, t.failures.length ? 'tag failed' : 'tag');
  s.dataset.tag = t.tag;
  s.append(el('h3', t.heading, 'mono'), el('div', t.sourceLine, 'source mono'));
  for (const n of t.notes) s.append(el('div', n, 'note'));
  if (t.description) s.append(el('div', t.description));
  if (t.categories.length) s.append(el('div', `Tags: ${t.categories.join(', ')}`));
  if (t.supports.length) s.append(el('div', `Supports: ${t.supports.join(', ')}`));
  if (t.exampleRepo) s.append(el('div', `Example Repo: ${t.exampleRepo}`));
  if (t.importing) s.append(el('div', '~ importing latest image ...', 'note'));
  for (const f of t.failures) s.append(el('div', `${f.text} (${f.age})`, 'failure mono'));
  if (t.history.length) {
    const list = el('ul', undefined, 'history mono');
    for (const h of t.history) {
      const li = el('li');
      li.append(el('span', h.current ? '*' : ''), el('span', h.dockerImageReference), el('span', h.showImageId ? `${h.age}  ${h.image}` : h.age, 'age'));
      list.append(li);
    }
    s.append(list);
  }
  return s;
}

function render(view: DescribeView): void {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  const head = el('header');
  head.append(el('h1', `${view.model.namespace ? `${view.model.namespace}/` : ''}${view.model.name}`), el('span', view.cluster, 'subtitle'));
  const actions = el('div', undefined, 'actions');
  actions.append(
    button('Open as oc describe text', { type: 'openText' }),
    button('Open JSON', { type: 'openJson' }, true),
    button('Open YAML', { type: 'openYaml' }, true),
    button('Refresh', { type: 'refresh' }, true),
  );
  root.append(head, actions, summary(view));
  const tags = el('section');
  tags.id = 'tags';
  const h = el('h2', 'Tags ');
  h.append(el('vscode-badge', String(view.model.tags.length)));
  tags.append(h);
  if (view.model.tags.length === 0) tags.append(el('p', '<none>'));
  for (const t of view.model.tags) tags.append(tag(t));
  root.append(tags);
}

window.addEventListener('message', (event: MessageEvent<DescribeNotification>) => {
  const message = event.data;
  if (message.type === 'show') render(message.view);
  else if (message.type === 'error') document.getElementById('root')!.replaceChildren(el('p', message.message, 'error'));
});
post({ type: 'ready' });
