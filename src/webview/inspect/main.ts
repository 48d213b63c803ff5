// The Inspect webview: asks for its data once loaded ("ready"), then draws it section by section.
// A section is a function of the view (image-sections.ts, index-sections.ts); the lists below say
// which appear, in order, so a new section is one function and one line here.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { button, el, post } from './dom';
import { envSection, historySection, labelsSection, layersSection, runSection, summarySection } from './image-sections';
import type { ImageSection } from './image-sections';
import { indexSummarySection, platformsSection } from './index-sections';
import type { IndexSection } from './index-sections';
import type { InspectNotification, InspectView } from './protocol';
import { renderSupplyChain, supplyChainPlaceholder } from './supply-chain-section';

const imageSections: readonly ImageSection[] = [summarySection, runSection, layersSection, labelsSection, envSection, historySection, supplyChainPlaceholder];
const indexSections: readonly IndexSection[] = [indexSummarySection, platformsSection, supplyChainPlaceholder];

function header(view: InspectView): HTMLElement {
  const head = el('header');
  head.append(el('h1', view.reference));
  const actions = el('div', undefined, 'actions');
  actions.append(button('Open raw manifest', { type: 'openRaw', what: 'manifest' }));
  if (view.kind === 'image') actions.append(button('Open config', { type: 'openRaw', what: 'config' }, true));
  actions.append(button('Copy digest reference', { type: 'copy', text: view.digestReference }, true));
  head.append(actions);
  return head;
}

function render(view: InspectView): void {
  const root = document.getElementById('root')!;
  const parts = view.kind === 'image' ? imageSections.map((s) => s(view)) : indexSections.map((s) => s(view));
  root.replaceChildren(header(view), ...parts.filter((p): p is HTMLElement => p !== undefined));
}

/** A failure says what happened and offers what can be done: read again, or see the log. */
function renderError(message: string): void {
  const box = el('div', undefined, 'failure');
  box.setAttribute('role', 'alert');
  const actions = el('div', undefined, 'actions');
  actions.append(button('Retry', { type: 'retry' }), button('Open Log', { type: 'openLog' }, true));
  box.append(el('p', message, 'error'), actions);
  document.getElementById('root')!.replaceChildren(box);
}

window.addEventListener('message', (event: MessageEvent<InspectNotification>) => {
  const message = event.data;
  if (message.type === 'show') render(message.view);
  else if (message.type === 'supplyChain') renderSupplyChain(message.rows, message.error);
  else if (message.type === 'error') renderError(message.message);
});
post({ type: 'ready' });
