// What a sync works on: where images come from (a repository and which of its tags), how each
// registry is reached, and the plan entries and events a run reports.
import type { ImageReference } from '../reference/reference';
import type { PlatformWanted } from '../image/platform';
import type { KeepReferrers } from '../supply-chain/carry';

/** How one registry is reached, as a sync config file may set it per registry. Unset fields keep the caller's defaults. */
export interface EndpointSettings {
  tlsVerify?: boolean;
  certDir?: string;
  credentials?: { username: string; password: string };
  /** An auth.json (or a mounted .dockerconfigjson) to read this registry's credentials from. */
  authFile?: string;
}

/** Which images of an index a source's sync copies: all of it (digests kept), or some platforms. */
export type PlatformChoice = 'all' | PlatformWanted[];

/** Which tags of a repository to sync. */
export type TagSelection =
  | { kind: 'all' }
  /** Tags or digests, as listed (skopeo's `images`). */
  | { kind: 'list'; refs: string[] }
  | { kind: 'regex'; pattern: string }
  | { kind: 'semver'; range: string }
  /** Tags matching both, when both are given (native config). */
  | { kind: 'match'; regex?: string; semver?: string }
  /** The one image the source reference names (a tag or a digest). */
  | { kind: 'image' };

export interface SourceSpec {
  /** The repository (no tag) or, for `image`, the image reference. */
  ref: ImageReference;
  select: TagSelection;
  endpoint?: EndpointSettings;
  /** After `select` (native config): the N highest versions, semver order; tags that are not versions are left out. */
  newest?: number;
  /** Native config: which images of an index (default: the run's choice). */
  platforms?: PlatformChoice;
  /** Native config: what refers to each image and travels with it (default: everything). */
  referrers?: KeepReferrers;
  /** Native config: a listing leaves out referrer tags (cosign's, the referrers tag schema's); they travel as referrers. */
  excludeReferrerTags?: boolean;
  /** Native config: destination tags this source no longer selects may be removed (when the run allows it). */
  prune?: boolean;
}

/** One image to sync: a source tag or digest and the destination reference it goes to. */
export interface SyncImage {
  source: ImageReference;
  destination: ImageReference;
  sourceEndpoint?: EndpointSettings;
  destinationEndpoint?: EndpointSettings;
  platforms?: PlatformChoice;
  referrers?: KeepReferrers;
}

export type PlanAction = 'copy' | 'skip';

/** A destination tag no source selects any more, in a repository whose sources allow pruning. */
export interface PruneEntry {
  destination: ImageReference;
  digest: string;
  destinationEndpoint?: EndpointSettings;
}

export interface PlanEntry extends SyncImage {
  /** The digest the destination will name (the source's, or its platform image's). */
  digest?: string;
  action: PlanAction;
  /** The image's config plus layers, when the manifest copied is one image (not an index). */
  size?: number;
}

/** What travelled with an image or was added to it, when anything did. */
export interface CarriedWith {
  /** Referrers (signatures, attestations, other artifacts) stored at the destination. */
  referrersCarried?: number;
  /** GPG simple signatures stored in the destination's signature store. */
  signaturesCarried?: number;
  /** Signatures made by the run's signers. */
  signed?: number;
}

/** `docker://registry/repo:tag`: how events and plans name images. */
export type ImageName = string;

export type SyncEvent =
  | { event: 'planned'; source: ImageName; destination: ImageName; digest?: string; action: PlanAction }
  | { event: 'planned'; destination: ImageName; digest: string; action: 'prune' }
  | { event: 'started'; source: ImageName; destination: ImageName; digest?: string }
  | ({
      event: 'copied';
      source: ImageName;
      destination: ImageName;
      digest: string;
      bytes: number;
      blobsCopied: number;
      blobsSkipped: number;
      blobsMounted: number;
      ms: number;
    } & CarriedWith)
  | ({ event: 'skipped'; source: ImageName; destination: ImageName; digest: string } & CarriedWith)
  /** A destination tag its sources no longer select: planned as `prune`, removed only when the run allows it. */
  | { event: 'pruned'; destination: ImageName; digest: string }
  | { event: 'failed'; source: ImageName; destination?: ImageName; reason: string; message: string; phase: 'list' | 'plan' | 'copy' | 'prune' };
