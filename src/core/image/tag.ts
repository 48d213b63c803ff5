// `regx tag`: give an image more tags in its repository. Only the manifest moves (GET it once, PUT
// its exact bytes under each new tag); the registry already holds every blob it points at.
import { UsageError } from '../errors';
import { anchoredTagRegexp } from '../reference/grammar';
import type { RegistryClient } from '../registry/client';

export interface TagResult {
  digest: string;
  mediaType: string;
  tags: string[];
}

export async function tagImage(
  client: RegistryClient,
  repository: string,
  source: string,
  newTags: readonly string[],
  signal?: AbortSignal,
): Promise<TagResult> {
  if (newTags.length === 0) throw new UsageError('name at least one new tag');
  for (const t of newTags)
    if (!anchoredTagRegexp.test(t)) throw new UsageError(`invalid tag "${t}": up to 128 letters, digits, _ . -, not starting with . or -`);
  const manifest = await client.getManifest(repository, source, signal);
  for (const t of newTags) await client.putManifest(repository, t, manifest.bytes, manifest.mediaType, signal);
  return { digest: manifest.digest, mediaType: manifest.mediaType, tags: [...newTags] };
}
