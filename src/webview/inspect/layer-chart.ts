// The one picture that says where an image's weight is: a bar per layer, base first, each as long
// as its size against the largest layer's, labelled with its size and share. Plain HTML and CSS
// (widths set through the CSSOM, which the page's CSP allows); the bars are decoration for the
// text beside them, and the caption says the same in a sentence for screen readers.
import { formatPercent, formatSize } from '../../extension/format';
import { el } from './dom';
import type { LayerChart } from './protocol';

export function layerChart(chart: LayerChart): HTMLElement {
  const figure = el('figure', undefined, 'layer-chart');
  figure.id = 'layer-chart';
  const caption = el('figcaption', chart.summary);
  caption.id = 'layer-chart-summary';
  figure.setAttribute('aria-labelledby', caption.id);
  const list = el('ol', undefined, 'bars');
  for (const bar of chart.bars) {
    const item = el('li', undefined, 'bar-row');
    item.dataset.layer = String(bar.layer);
    const name = el('span', `#${bar.layer}`, 'bar-name');
    const track = el('span', undefined, 'bar-track');
    track.setAttribute('aria-hidden', 'true');
    const fill = el('span', undefined, 'bar-fill');
    // At least a sliver, so a tiny layer still shows where it is.
    fill.style.width = `${bar.size > 0 ? Math.max(bar.width, 0.5).toFixed(2) : 0}%`;
    track.append(fill);
    const value = el('span', `${formatSize(bar.size)} (${formatPercent(bar.percent)})`, 'bar-value mono');
    item.append(name, track, value);
    if (bar.createdBy) item.title = bar.createdBy;
    list.append(item);
  }
  figure.append(caption, list);
  return figure;
}
