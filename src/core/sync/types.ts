// What a sync works on: where images come from (a repository and which of its tags), how each
// registry is reached, and the plan entries and events a run reports.
import type { ImageReference } from '../reference/reference';

/** How one registry is reached, as a sync config file may set it per registry. Unset fields keep the caller's defaults. */
export interface EndpointSettings {
  tlsVerify?: boolean;
  certDir?: string;
  credentials?: { username: string; password: string };
}

/** Which tags of a repository to sync. */
export type TagSelection =
  | { kind: 'all' }
  /** Tags or digests, as listed (skopeo's `images`). */
  | { kind: 'list'; refs: string[] }
  | { kind: 'regex'; pattern: string }
  | { kind: 'semver'; range: string }
  /** The one image the source reference names (a tag or a digest). */
  | { kind: 'image' };

export interface SourceSpec {
  /** The repository (no tag) or, for `image`, the image reference. */
  ref: ImageReference;
  select: TagSelection;
  endpoint?: EndpointSettings;
  /** More filters applied after `select` (native config): newest N by semver order, or the listing's order otherwise. */
  newest?: number;
}

/** One image to sync: a source tag or digest and the destination reference it goes to. */
export interface SyncImage {
  source: ImageReference;
  destination: ImageReference;
  sourceEndpoint?: EndpointSettings;
  destinationEndpoint?: EndpointSettings;
}

export type PlanAction = 'copy' | 'skip';

export interface PlanEntry extends SyncImage {
  /** The digest the destination will name (the source's, or its platform image's). */
  digest?: string;
  action: PlanAction;
}

/** `docker://registry/repo:tag`: how events and plans name images. */
export type ImageName = string;

export type SyncEvent =
  | { event: 'planned'; source: ImageName; destination: ImageName; digest?: string; action: PlanAction }
  | { event: 'started'; source: ImageName; destination: ImageName; digest?: string }
  | { event: 'copied'; source: ImageName; destination: ImageName; digest: string; bytes: number; blobsCopied: number; blobsSkipped: number; blobsMounted: number; ms: number }
  | { event: 'skipped'; source: ImageName; destination: ImageName; digest: string }
  | { event: 'failed'; source: ImageName; destination?: ImageName; reason: string; message: string; phase: 'list' | 'plan' | 'copy' };
