// `regx delete`: registries delete manifests by digest, never by tag, so deleting `repo:tag` removes
// the image and with it every other tag that points at the same digest. We resolve the tag first,
// find those other tags (so the user is told what else went), then DELETE by digest.
import { NotFoundError } from '../errors';
import type { RegistryClient } from '../registry/client';
import { runPool } from './pool';

export interface DeleteResult {
  digest: string;
  /** Tags that named the image and are gone with it (the one asked for first, when it was a tag). */
  tags: string[];
}

export async function deleteImage(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<DeleteResult> {
  const name = `${client.registry}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
  const head = await client.headManifest(repository, reference, signal);
  if (!head) throw new NotFoundError(`${name}: no such image (manifest unknown)`);
  const digest = head.digest;
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
  const tags = [...(reference.includes(':') ? [] : [reference]), ...others.filter((t) => sharing.has(t))];
  return { digest, tags };
}
