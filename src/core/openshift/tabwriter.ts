// Column alignment as Go's text/tabwriter does it with the settings oc's describers use
// (minwidth 0, tabwidth 8, padding 1, padchar '\t', no flags): cells end at '\t'; a column block is a run
// of consecutive lines that have a cell in that column; every cell of a block is padded with tabs to the
// block's widest cell + 1, rounded up to a multiple of 8. The text after a line's last tab is not a cell.
// Reimplemented from the documented algorithm so `oc describe` output can be reproduced byte for byte.

const tabwidth = 8;
const padding = 1;

function width(s: string): number {
  // Go counts runes (code points), not UTF-16 units.
  return [...s].length;
}

export function alignTabs(text: string): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const pad = (textw: number, cellw: number): string => {
    const rounded = Math.ceil(cellw / tabwidth) * tabwidth;
    return '\t'.repeat(Math.ceil((rounded - textw) / tabwidth));
  };

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i] as string[];
      let s = '';
      cells.forEach((c, j) => {
        s += c;
        if (j < widths.length && j < cells.length - 1) s += pad(width(c), widths[j] as number);
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= (lines[cur] as string[]).length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let w = 0;
      for (; cur < line1; cur++) {
        const cells = lines[cur] as string[];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column] as string) + padding);
      }
      widths.push(w);
      format(line0, cur);
      widths.pop();
      line0 = cur;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n');
}
