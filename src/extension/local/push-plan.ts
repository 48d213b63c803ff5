// What a push of a local image or a pull into the local store would do, found before anything is
// written. Digests cannot be compared across the two (a push compresses layers, so the pushed
// manifest's digest is new): the image's config digest, which is its local ID, is compared instead.
// Pure of vscode, as copy-target.ts is.
import type { CopyTarget } from '../../core/image/copy-target';
import { isIndexMediaType } from '../../core/image/mediatypes';
import type { RegistryClient } from '../../core/registry/client';
import { imageIdDigest } from './local-listing';

/**
 * Pushing the local image `imageId` to `repository:tag`: a new tag; "same" when the tag names an
 * image with that config (the same image, pushed before); else the tag would be replaced.
 */
export async function localPushPlan(client: RegistryClient, repository: string, tag: string, imageId: string, signal?: AbortSignal): Promise<CopyTarget> {
  const sourceDigest = imageIdDigest(imageId);
  const sourceMediaType = 'application/vnd.oci.image.config.v1+json';
  const current = await client.headManifest(repository, tag, signal);
  if (!current) return { sourceDigest, sourceMediaType, state: { kind: 'new' } };
  const replace: CopyTarget = { sourceDigest, sourceMediaType, state: { kind: 'replace', currentDigest: current.digest, currentMediaType: current.mediaType } };
  if (isIndexMediaType(current.mediaType)) return replace;
  const manifest = await client.getManifest(repository, current.digest, signal);
  return configDigestOf(manifest.bytes) === sourceDigest ? { sourceDigest, sourceMediaType, state: { kind: 'same' } } : replace;
}

/**
 * Pulling an image whose config digest is `configDigest` to a local name that names `localImageId`
 * now (undefined: the name is free).
 */
export function localPullPlan(configDigest: string, localImageId: string | undefined): CopyTarget {
  const sourceMediaType = 'application/vnd.oci.image.config.v1+json';
  if (localImageId === undefined) return { sourceDigest: configDigest, sourceMediaType, state: { kind: 'new' } };
  const current = imageIdDigest(localImageId);
  if (current === configDigest) return { sourceDigest: configDigest, sourceMediaType, state: { kind: 'same' } };
  return { sourceDigest: configDigest, sourceMediaType, state: { kind: 'replace', currentDigest: current, currentMediaType: sourceMediaType } };
}

function configDigestOf(bytes: Buffer): string | undefined {
  try {
    const digest = (JSON.parse(bytes.toString('utf8')) as { config?: { digest?: unknown } }).config?.digest;
    return typeof digest === 'string' ? digest : undefined;
  } catch {
    return undefined;
  }
}
