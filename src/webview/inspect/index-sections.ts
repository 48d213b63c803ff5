// The sections of a multi-platform image's Inspect page: what the index is, and its platforms,
// each row opening that platform's own Inspect.
import { formatSize, shortDigest } from '../../extension/format';
import { definitions, el, post, section, table } from './dom';
import type { IndexView } from './protocol';

export type IndexSection = (view: IndexView) => HTMLElement | undefined;

export const indexSummarySection: IndexSection = (view) =>
  definitions('summary', [
    ['Reference', view.reference],
    ['Digest', view.digest],
    ['Media type', view.mediaType],
    ['Platforms', String(view.platforms.filter((p) => !p.attestation).length)],
  ]);

export const platformsSection: IndexSection = (view) => {
  const s = section('platforms', 'Platforms', view.platforms.length);
  s.append(el('p', 'Select a platform to inspect its image.', 'hint'));
  const rows = view.platforms.map((p) => {
    const link = el('a', p.attestation ? `${p.platform} (attestation)` : p.platform);
    link.href = '#';
    link.title = `Inspect ${p.digest}`;
    link.className = 'platform-link';
    link.addEventListener('click', (event) => {
      event.preventDefault();
      post({ type: 'inspectPlatform', digest: p.digest });
    });
    const digest = el('span', shortDigest(p.digest), 'mono');
    digest.title = p.digest;
    return [link, p.size === undefined ? 'unknown' : formatSize(p.size), digest];
  });
  const t = table('platforms', ['Platform', 'Size', 'Digest'], rows, { numeric: [1] });
  // The whole row opens the platform, for a mouse; the link in it is what the keyboard reaches.
  t.querySelectorAll('tbody tr').forEach((row, i) => {
    row.classList.add('clickable');
    row.addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('a')) return;
      const digest = view.platforms[i]?.digest;
      if (digest) post({ type: 'inspectPlatform', digest });
    });
  });
  s.append(t);
  return s;
};
