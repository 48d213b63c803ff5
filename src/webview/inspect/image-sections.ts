// The sections of an image's Inspect page, one function each, top to bottom as main.ts lists them.
// Each takes the view and returns its element (or nothing, when it has nothing to say).
import { formatSize } from '../../extension/format';
import { definitions, el, post, section, table } from './dom';
import type { Cell } from './dom';
import { layerChart } from './layer-chart';
import type { ImageView } from './protocol';

export type ImageSection = (view: ImageView) => HTMLElement | undefined;

export const summarySection: ImageSection = (view) =>
  definitions('summary', [
    ['Reference', view.reference],
    ['Digest', view.digest],
    ['Media type', view.mediaType],
    ['Created', view.created ?? 'unknown'],
    ['OS/Arch', view.platform],
    ['Total size', `${formatSize(view.totalSize)} (${view.totalSize} bytes, config and ${view.layers.length} layer${view.layers.length === 1 ? '' : 's'})`],
  ]);

/** A command line as podman shows it: the JSON array, so quoting and spaces inside arguments stay visible. */
function argv(value: string[] | null): string {
  return value && value.length ? JSON.stringify(value) : '(none)';
}

/** Cmd, Entrypoint, User, WorkingDir, ExposedPorts, Volumes, StopSignal: how the image runs. */
export const runSection: ImageSection = (view) => {
  const s = section('run', 'Run');
  const r = view.run;
  s.append(
    definitions('settings', [
      ['Entrypoint', argv(r.entrypoint)],
      ['Cmd', argv(r.cmd)],
      ['User', r.user || '(none: root)'],
      ['Working dir', r.workingDir || '(none: /)'],
      ['Exposed ports', r.exposedPorts.join(', ') || '(none)'],
      ['Volumes', r.volumes.join(', ') || '(none)'],
      ['Stop signal', r.stopSignal || '(none: SIGTERM)'],
    ]),
  );
  return s;
};

export const layersSection: ImageSection = (view) => {
  const s = section('layers', 'Layers', view.layers.length);
  if (!view.layers.length) {
    s.append(el('p', 'No layers.', 'empty'));
    return s;
  }
  s.append(layerChart(view.chart));
  // Schema 1 layers have no known size or type (-1 and ''): say so rather than draw "-1 B".
  s.append(
    table(
      'layers',
      ['#', 'Digest', 'Media type', 'Size'],
      view.layers.map((l, i) => [String(i + 1), l.digest, l.mediaType || 'unknown', l.size >= 0 ? formatSize(l.size) : 'unknown']),
      { numeric: [0, 3] },
    ),
  );
  return s;
};

/** A label value that is a web address is a link; the extension opens it (the page cannot navigate). */
function labelValue(value: string, link: boolean): Cell {
  if (!link) return value;
  const a = el('a', value);
  a.href = '#';
  a.title = `Open ${value}`;
  a.addEventListener('click', (event) => {
    event.preventDefault();
    post({ type: 'openLink', url: value });
  });
  return a;
}

export const labelsSection: ImageSection = (view) => {
  const s = section('labels', 'Labels', view.labels.length);
  s.append(
    view.labels.length
      ? table(
          'labels',
          ['Label', 'Value'],
          view.labels.map((l) => [l.key, labelValue(l.value, l.link)]),
          { wrap: [1] },
        )
      : el('p', 'No labels.', 'empty'),
  );
  return s;
};

export const envSection: ImageSection = (view) => {
  const s = section('env', 'Environment', view.env.length);
  if (view.env.length) {
    const list = el('ul', undefined, 'mono');
    list.id = 'env';
    for (const e of view.env) list.append(el('li', e));
    s.append(list);
  } else s.append(el('p', 'No environment variables.', 'empty'));
  return s;
};

export const historySection: ImageSection = (view) => {
  const s = section('history', 'History', view.history.length);
  if (!view.history.length) {
    s.append(el('p', 'No history.', 'empty'));
    return s;
  }
  const layerCell = (h: ImageView['history'][number]): Cell =>
    h.emptyLayer ? el('span', 'empty layer', 'tag-empty') : h.layer !== undefined ? `#${h.layer}` : '';
  const t = table(
    'history',
    ['Layer', 'Created', 'Created by'],
    view.history.map((h) => [layerCell(h), h.created, h.createdBy]),
    { wrap: [2] },
  );
  const rows = t.querySelectorAll('tbody tr');
  view.history.forEach((h, i) => h.emptyLayer && rows[i]?.classList.add('empty-layer'));
  s.append(t);
  return s;
};
