// An image's size as `podman images` counts it: its config plus its layers (compressed, as stored),
// not the byte count of its manifest. An index has no one size: its images differ.
import type { RegistryClient } from '../registry/client';
import { isIndexMediaType } from './mediatypes';
import type { ImageManifest } from './mediatypes';

/** Config plus layers of a manifest's bytes, or undefined for an index or a manifest without them (schema 1). */
export function manifestImageSize(bytes: Buffer, mediaType: string): number | undefined {
  if (isIndexMediaType(mediaType)) return undefined;
  let json: Partial<ImageManifest>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Partial<ImageManifest>;
  } catch {
    return undefined;
  }
  if (!json.config || !Array.isArray(json.layers)) return undefined;
  const sizes = [json.config.size, ...json.layers.map((l) => l.size)];
  // Hostile input: a size that is not a non-negative safe integer makes the total meaningless.
  if (!sizes.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  return sizes.reduce((sum, n) => sum + n, 0);
}

/** The size of the image `reference` names in `repository` (one manifest read, verified against a digest reference). */
export async function imageSize(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<number | undefined> {
  const m = await client.getManifest(repository, reference, signal);
  return manifestImageSize(m.bytes, m.mediaType);
}
