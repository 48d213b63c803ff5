// The Registries tree as plain tagged data. Nodes become TreeItems only in getTreeItem
// (tree-items.ts). The tree keeps one object per id so that a change event for a node (a tag
// whose size arrived) reaches the row VS Code already shows.
import type { ConfiguredRegistry } from '../registry-settings';
import type { SupplyChainNode, SupplyNode } from '../supply-chain/nodes';

/** Where a registry's login comes from, never the secret. */
export interface LoginInfo {
  readonly username: string;
  readonly source: string;
  /** Made in this editor (so Log Out applies), rather than read from auth.json or a helper. */
  readonly ownLogin: boolean;
}

export interface RegistryNode {
  readonly kind: 'registry';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly login: LoginInfo | undefined;
  readonly filter: string | undefined;
}

export interface NamespaceNode {
  readonly kind: 'namespace';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly namespace: string;
  /** Repositories already known to be in it (from the catalog); undefined for a watched namespace. */
  readonly repositories: readonly string[] | undefined;
}

export interface RepositoryNode {
  readonly kind: 'repository';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly repository: string;
  /** Listed because the user asked to watch it, not from the catalog. */
  readonly watched: boolean;
  /** Set when shown under its namespace's row, which then need not repeat the namespace. */
  readonly namespace: string | undefined;
  /** The text its tag rows must contain (Filter Tags...); read live when the row is drawn, never stored here. */
  readonly tagFilter?: string;
}

export interface TagNode {
  readonly kind: 'tag';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly repository: string;
  readonly tag: string;
}

export interface PlatformNode {
  readonly kind: 'platform';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly platform: string;
  /** The image's config plus layers (not the platform manifest's own byte count); undefined when unknown. */
  readonly imageSize: number | undefined;
  /** What refers to this platform's image, when anything does. */
  readonly supplyChain?: SupplyChainNode;
}

export type PagedNode = RegistryNode | RepositoryNode;

export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly id: string;
  readonly parent: PagedNode;
  /** Tags already received and not shown yet; undefined when only the registry knows what is left. */
  readonly left: number | undefined;
}

/** What the user can do about a failure, offered as inline actions on the error row. */
export type ErrorAction = 'signIn' | 'trust' | 'retry' | 'watch';

export interface ErrorNode {
  readonly kind: 'error';
  readonly id: string;
  readonly parent: Node;
  readonly registry: ConfiguredRegistry;
  readonly message: string;
  readonly detail: string;
  readonly actions: readonly ErrorAction[];
}

/** A row that only says something ("No tags", "This registry does not list its repositories"). */
export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly message: string;
  readonly actions: readonly ErrorAction[];
}

export type Node = RegistryNode | NamespaceNode | RepositoryNode | TagNode | PlatformNode | LoadMoreNode | ErrorNode | MessageNode | SupplyNode;

/** Facts about a tag fetched after the tag list, a few at a time. */
export interface TagDetails {
  readonly digest: string;
  readonly mediaType: string;
  readonly isIndex: boolean;
  /** Config plus layers (image), or undefined for an index (its platforms differ). */
  readonly size: number | undefined;
  readonly created: string | undefined;
  readonly platforms: readonly { digest: string; platform: string }[];
  readonly error: string | undefined;
  /** Something refers to the image (signatures, SBOMs...): its row opens onto a Supply chain branch. */
  readonly refers?: boolean;
}
