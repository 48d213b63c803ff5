// The Registries tree as plain tagged data. Nodes are turned into TreeItems only in
// getTreeItem (tree-items.ts), so they stay cheap to create and easy to test.
import type { ConfiguredRegistry } from '../registry-settings';

export interface RegistryNode {
  readonly kind: 'registry';
  readonly registry: ConfiguredRegistry;
}

export type Node = RegistryNode;
