// Where a copy reads from: any transport's location opened as an ImageSource (image-source.ts), an
// OCI layout folder's (`oci:`) here, the others' in their own modules.
import type { RegistryClient } from '../registry/client';
import { maxManifestBytes } from '../registry/client';
import { NotFoundError, UsageError } from '../errors';
import type { ImageLocation } from '../reference/transport';
import { maxConfigBytes } from './limits';
import { manifestMediaType } from './mediatypes';
import type { Descriptor } from './mediatypes';
import { OciLayout, REF_NAME_ANNOTATION } from './oci-layout';
import { dirSource } from './dir-transport';
import { ociArchiveSource } from './oci-archive';
import { dockerArchiveSource } from './docker-archive';
import { isLocalLocation, localSource } from '../local/local-transport';
import type { LocalEngine } from '../local/engine';
import { registrySource } from './image-source';
import type { ImageSource, ManifestBytes } from './image-source';

export type { ImageSource, ManifestBytes } from './image-source';
export { readSmallBlob, registrySource } from './image-source';

export async function layoutSource(loc: Extract<ImageLocation, { transport: 'oci' }>): Promise<ImageSource> {
  const layout = await OciLayout.open(loc.path);
  let entry: Descriptor;
  if (loc.sourceIndex !== undefined) {
    const index = await layout.readIndex();
    const at = index.manifests[loc.sourceIndex];
    if (!at) throw new NotFoundError(`OCI layout ${loc.path} has ${index.manifests.length} images; there is no @${loc.sourceIndex}`);
    entry = at;
  } else entry = await layout.resolve(loc.tag);
  const read = async (desc: Descriptor): Promise<ManifestBytes> => {
    const bytes = await layout.readBlob(desc.digest, maxManifestBytes, 'manifest');
    return { bytes, digest: desc.digest, mediaType: desc.mediaType || manifestMediaType(bytes, undefined), descriptor: desc };
  };
  return {
    name: loc.path,
    tag: loc.tag ?? entry.annotations?.[REF_NAME_ANNOTATION],
    top: () => read(entry),
    manifest: (desc) => read(desc),
    openBlob: (desc) => layout.openBlob(desc.digest),
    readBlob: (desc) => layout.readBlob(desc.digest, maxConfigBytes, 'blob'),
  };
}

/** `localEngine`: a connection to a local source's engine already under way, used instead of a new one. */
export async function openSource(
  loc: ImageLocation,
  client: RegistryClient | undefined,
  signal?: AbortSignal,
  localEngine?: Promise<LocalEngine>,
): Promise<ImageSource> {
  if (loc.transport === 'oci') return layoutSource(loc);
  if (loc.transport === 'dir') return dirSource(loc);
  if (loc.transport === 'oci-archive') return ociArchiveSource(loc);
  if (loc.transport === 'docker-archive') return dockerArchiveSource(loc);
  if (isLocalLocation(loc)) return localSource(loc, { signal, engine: localEngine });
  if (!client) throw new UsageError(`no registry client for ${loc.ref.registry}`);
  return registrySource(client, loc);
}
