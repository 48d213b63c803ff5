// The Supply chain rows of the Registries tree as plain data, built whole when a tag (or a platform) is
// opened: Supply chain -> Signatures / SBOMs / Provenance / Attestations / one group per other artifact
// type -> one row per thing found. Rows carry what they show; the tree only walks them.
import type { ConfiguredRegistry } from '../registry-settings';
import type { SignatureState } from './signature-states';

export type SupplyGroupKind = 'signatures' | 'sboms' | 'provenance' | 'attestations' | 'artifacts';

/** One thing found (a signature, an SBOM, provenance...), as its row shows it. */
export interface SupplyItemNode {
  readonly kind: 'supplyItem';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly repository: string;
  readonly itemKind: 'signature' | 'sbom' | 'provenance' | 'attestation' | 'artifact';
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** The referrer manifest's digest. */
  readonly digest: string;
  /** An SBOM's blob, which opens as a document. */
  readonly sbomBlob: string | undefined;
  /** A signature's state against the trust policy (undefined for other items). */
  readonly state?: SignatureState;
  /** What refers to this one in turn (a signature of an SBOM). */
  readonly children: readonly SupplyItemNode[];
}

export interface SupplyGroupNode {
  readonly kind: 'supplyGroup';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly group: SupplyGroupKind;
  readonly label: string;
  readonly items: readonly SupplyItemNode[];
}

export interface SupplyChainNode {
  readonly kind: 'supplyChain';
  readonly id: string;
  readonly registry: ConfiguredRegistry;
  readonly repository: string;
  /** The image (or index, or platform image) everything here refers to. */
  readonly subject: string;
  /** "2 signatures · 1 SBOM · 1 provenance". */
  readonly description: string;
  readonly groups: readonly SupplyGroupNode[];
}

export type SupplyNode = SupplyChainNode | SupplyGroupNode | SupplyItemNode;
