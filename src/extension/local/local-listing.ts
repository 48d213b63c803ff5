// The Local Images view's rows, computed from what the engine lists. Pure (no vscode): grouping,
// naming and ordering are unit-tested in plain Node.

/** One image of the local engine as the view needs it, whatever engine listed it. */
export interface LocalImageRecord {
  /** The image ID: the config digest's hex (podman, Docker without the `sha256:` prefix). */
  readonly id: string;
  /** Its names, `repository:tag` (podman: fully qualified; Docker: as tagged). */
  readonly names: readonly string[];
  readonly size: number | undefined;
  /** ISO date, when known. */
  readonly created: string | undefined;
}

/** A name of an image split at its tag; `tag` undefined for an image without a name. */
export interface LocalTagRow {
  readonly repository: string;
  readonly tag: string | undefined;
  readonly image: LocalImageRecord;
}

export interface LocalRepositoryGroup {
  readonly repository: string;
  readonly rows: readonly LocalTagRow[];
}

/** Where images without a name are grouped, as `podman images` prints them. */
export const untaggedRepository = '<none>';

/**
 * Splits `repo:tag` at the tag's colon (not a port's: `127.0.0.1:5000/app:v1`). A name pinned by
 * digest (`repo@sha256:...`) keeps its digest as the tag column, as podman shows `<none>` otherwise.
 */
export function splitName(name: string): { repository: string; tag: string | undefined } {
  const at = name.indexOf('@');
  if (at >= 0) return { repository: name.slice(0, at), tag: undefined };
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name, tag: undefined };
}

let collator: Intl.Collator | undefined;
function naturalOrder(a: string, b: string): number {
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(a, b);
}

/**
 * Groups images by repository: one row per name (an image tagged twice shows twice, as `podman
 * images` does), images without a usable name under `<none>`. Repositories and tags in natural order.
 */
export function groupByRepository(images: readonly LocalImageRecord[]): LocalRepositoryGroup[] {
  const groups = new Map<string, LocalTagRow[]>();
  const add = (row: LocalTagRow): void => {
    const rows = groups.get(row.repository) ?? [];
    rows.push(row);
    groups.set(row.repository, rows);
  };
  for (const image of images) {
    const named = image.names.map(splitName).filter((n) => n.tag !== undefined && n.repository !== untaggedRepository && n.tag !== untaggedRepository);
    if (named.length === 0) add({ repository: untaggedRepository, tag: undefined, image });
    for (const n of named) add({ repository: n.repository, tag: n.tag, image });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === untaggedRepository ? 1 : b === untaggedRepository ? -1 : naturalOrder(a, b)))
    .map(([repository, rows]) => ({ repository, rows: rows.sort((x, y) => naturalOrder(x.tag ?? x.image.id, y.tag ?? y.image.id)) }));
}

/** The 12 hex digits `podman images` shows as IMAGE ID. */
export function shortImageId(id: string): string {
  return id.slice(id.indexOf(':') + 1).slice(0, 12);
}

/** `sha256:HEX` for an ID given with or without its algorithm. */
export function imageIdDigest(id: string): string {
  return id.includes(':') ? id : `sha256:${id}`;
}

/** The name a row stands for: `repository:tag`, or the image ID for an image without a name. */
export function rowReference(row: LocalTagRow): string {
  return row.tag === undefined ? row.image.id.slice(row.image.id.indexOf(':') + 1) : `${row.repository}:${row.tag}`;
}
