// `regx delete`: registries delete manifests by digest, never by tag, so deleting `repo:tag` removes
// the image and with it every other tag that points at the same digest. We resolve the tag first,
// find those other tags (so the user is told what else went), then DELETE by digest.
import { NotFoundError, RegistryError } from '../errors';
import type { RegistryClient } from '../registry/client';
import { parseDigest } from './digest';
import { runPool } from './pool';
import { imageReferenceName, isDigest } from '../reference/tag-or-digest';

/**
 * The digest of the manifest `reference` names in `repository`, learned from the manifest's own
 * bytes (GET, hashed here; checked against the reference when it is a digest), never from a header:
 * a delete must remove what was asked about and nothing a registry or a proxy slips in instead.
 * Undefined when there is no such manifest.
 */
export async function verifiedManifestDigest(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<string | undefined> {
  if (isDigest(reference)) parseDigest(reference);
  try {
    const m = await client.getManifest(repository, reference, signal);
    // getManifest checks a digest reference against the bytes; for a tag it hashed them itself.
    parseDigest(m.digest);
    return m.digest;
  } catch (err) {
    if (err instanceof NotFoundError || (err instanceof RegistryError && err.status === 404)) return undefined;
    throw err;
  }
}

export interface DeleteResult {
  digest: string;
  /** Tags that named the image and are gone with it (the one asked for first, when it was a tag). */
  tags: string[];
}

export async function deleteImage(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<DeleteResult> {
  const name = imageReferenceName(client.registry, repository, reference);
  const digest = await verifiedManifestDigest(client, repository, reference, signal);
  if (!digest) throw new NotFoundError(`${name}: no such image (manifest unknown)`);
  let all: string[] = [];
  try {
    all = await client.listTags(repository, 1000, signal);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const others = all.filter((t) => t !== reference);
  const sharing = new Set<string>();
  await runPool(
    others,
    8,
    async (t, s) => {
      if ((await client.headManifest(repository, t, s))?.digest === digest) sharing.add(t);
    },
    signal,
  );
  await client.deleteManifest(repository, digest, signal);
  const tags = [...(isDigest(reference) ? [] : [reference]), ...others.filter((t) => sharing.has(t))];
  return { digest, tags };
}
