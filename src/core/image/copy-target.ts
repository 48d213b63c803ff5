// What a copy to a registry tag would do, found before anything is written: the digest the source
// names, and what the destination tag names now. The editor states this plan and asks before a
// tag is moved to another image; a copy to a tag that already names the source writes nothing.
import type { RegistryClient } from '../registry/client';

export interface CopyEnd {
  readonly client: RegistryClient;
  readonly repository: string;
  /** A tag, or (source only) a digest. */
  readonly reference: string;
}

/** The destination tag: not there yet, already naming the source's image, or naming another one. */
export type CopyTargetState =
  { readonly kind: 'new' } | { readonly kind: 'same' } | { readonly kind: 'replace'; readonly currentDigest: string; readonly currentMediaType: string };

export interface CopyTarget {
  readonly sourceDigest: string;
  readonly sourceMediaType: string;
  readonly state: CopyTargetState;
}

/**
 * HEADs the source and the destination manifest at once. Only a copy that keeps digests (no
 * conversion) is planned here: then "same digest" means "same image, nothing to write".
 */
export async function copyTarget(source: CopyEnd, destination: CopyEnd, signal?: AbortSignal): Promise<CopyTarget> {
  const [src, dst] = await Promise.all([
    source.client.headManifest(source.repository, source.reference, signal),
    destination.client.headManifest(destination.repository, destination.reference, signal),
  ]);
  if (!src) {
    // headManifest answers undefined for a 404; a missing source is an error, not a plan.
    const m = await source.client.getManifest(source.repository, source.reference, signal);
    return plan(m.digest, m.mediaType, dst);
  }
  return plan(src.digest, src.mediaType, dst);
}

function plan(sourceDigest: string, sourceMediaType: string, current: { digest: string; mediaType: string } | undefined): CopyTarget {
  if (!current) return { sourceDigest, sourceMediaType, state: { kind: 'new' } };
  if (current.digest === sourceDigest) return { sourceDigest, sourceMediaType, state: { kind: 'same' } };
  return { sourceDigest, sourceMediaType, state: { kind: 'replace', currentDigest: current.digest, currentMediaType: current.mediaType } };
}
