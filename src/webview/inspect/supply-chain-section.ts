// The Supply chain section of the Inspect page: a placeholder drawn with the rest of the page, then
// replaced when the extension has read what refers to the image (that takes more requests).
import { el, post, section, table } from './dom';
import type { SupplyChainRowView } from './protocol';

const sectionId = 'section-supply-chain';

/** Drawn with the page; supplyChainSection replaces it. */
export function supplyChainPlaceholder(): HTMLElement {
  const s = section('supply-chain', 'Supply chain');
  s.append(el('p', 'Reading what refers to this image...', 'empty'));
  return s;
}

export function renderSupplyChain(rows: readonly SupplyChainRowView[], error: string | undefined): void {
  const old = document.getElementById(sectionId);
  if (!old) return;
  const s = section('supply-chain', 'Supply chain', rows.length);
  if (error) s.append(el('p', `Could not read what refers to this image: ${error}`, 'error'));
  else if (!rows.length) s.append(el('p', 'Nothing refers to this image (no signatures, SBOMs, provenance or other artifacts).', 'empty'));
  else {
    s.append(
      table(
        'supply-chain-table',
        ['Kind', 'Item', 'Details', 'Digest'],
        rows.map((r) => [r.group, `${'  '.repeat(r.depth)}${r.depth ? '↳ ' : ''}${r.label}`, r.description, r.digest]),
        { wrap: [2] },
      ),
    );
    const sboms = rows.filter((r): r is SupplyChainRowView & { sbomBlob: string } => r.sbomBlob !== undefined);
    if (sboms.length) {
      const actions = el('div', undefined, 'actions');
      for (const r of sboms) {
        const b = el('vscode-button', `Open SBOM: ${r.label} (${r.group})`);
        b.setAttribute('secondary', '');
        b.addEventListener('click', () => post({ type: 'openSbom', blob: r.sbomBlob }));
        actions.append(b);
      }
      s.append(actions);
    }
  }
  old.replaceWith(s);
}
