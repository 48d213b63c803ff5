// The Local Images view as plain tagged data; rows become TreeItems only in local-tree-items.ts.
import type { LocalTagRow } from './local-listing';

export interface LocalRepositoryNode {
  readonly kind: 'localRepository';
  readonly id: string;
  readonly repository: string;
  readonly rows: readonly LocalTagRow[];
  readonly engine: 'podman' | 'docker';
}

/** One name of a local image (or the image itself, when it has none). */
export interface LocalImageNode {
  readonly kind: 'localImage';
  readonly id: string;
  readonly row: LocalTagRow;
  /** The engine that listed it, for labels and the copy's source transport. */
  readonly engine: 'podman' | 'docker';
}

/** No engine answered: says so, and a click retries. */
export interface LocalEngineDownNode {
  readonly kind: 'localEngineDown';
  readonly id: string;
  readonly message: string;
  readonly detail: string;
}

/** A row that only says something: how to start an engine, "No images". */
export interface LocalMessageNode {
  readonly kind: 'localMessage';
  readonly id: string;
  readonly message: string;
  readonly detail: string | undefined;
}

export type LocalNode = LocalRepositoryNode | LocalImageNode | LocalEngineDownNode | LocalMessageNode;

export function isLocalNode(value: unknown): value is LocalNode {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof value === 'object' && value !== null && typeof kind === 'string' && kind.startsWith('local') && 'id' in value;
}
