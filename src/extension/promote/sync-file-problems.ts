// What is wrong with a `*.regx-sync.yaml` file, each problem placed on the text it is about: the
// core's validator and reader name a path (`sources[1].tags.semver`), found here in the YAML's own
// nodes. No editor API, so it is tested on its own.
import { isMap, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { parseSyncConfig, SyncConfigError } from '../../core/sync/config';
import type { NativeSyncConfig } from '../../core/sync/config';
import { validateSyncConfig } from '../../core/sync/config-validate';

export interface FileProblem {
  message: string;
  /** Character offsets in the text. */
  start: number;
  end: number;
}

/** `sources[1].tags.semver` / `registries["quay.io"].credentials` -> its keys and indexes. */
export function pathKeys(path: string): Array<string | number> {
  const keys: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push(m[3] as string);
  }
  return keys;
}

/** The text range of the deepest node `keys` reaches (a missing key: the map that lacks it). */
export function rangeOf(doc: Document, keys: ReadonlyArray<string | number>): [number, number] {
  let node: unknown = doc.contents;
  let best: [number, number] = [0, 0];
  const rangeOfNode = (n: unknown): [number, number] | undefined => {
    const r = (n as Node | null)?.range;
    return r ? [r[0], r[1]] : undefined;
  };
  best = rangeOfNode(node) ?? best;
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      // The key itself is where the eye goes for a wrong value's name; the value for a wrong value.
      best = rangeOfNode(pair.value) ?? rangeOfNode(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (!item) break;
      best = rangeOfNode(item) ?? best;
      node = item;
    } else break;
  }
  return best;
}

/** Every problem of a sync file (YAML, structure, meaning), or the config when there are none. */
export function checkSyncFile(text: string, file: string): { problems: FileProblem[]; config?: NativeSyncConfig } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0)
    return { problems: doc.errors.map((e) => ({ message: e.message.split('\n')[0] as string, start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) })) };
  const place = (path: string, message: string): FileProblem => {
    const [start, end] = rangeOf(doc, pathKeys(path));
    // A whole block is a lot of red: its first line is enough.
    const nl = text.indexOf('\n', start);
    return { message: path ? `${path}: ${message}` : message, start, end: nl > start && nl < end ? nl : Math.max(end, start + 1) };
  };
  const structural = validateSyncConfig(doc.toJS());
  if (structural.length > 0) return { problems: structural.map((p) => place(p.path, p.message)) };
  try {
    return { problems: [], config: parseSyncConfig(text, file) };
  } catch (err) {
    if (err instanceof SyncConfigError) return { problems: err.problems.map((p) => place(p.path, p.message)) };
    return { problems: [{ message: (err as Error).message, start: 0, end: 1 }] };
  }
}
