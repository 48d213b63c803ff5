// Where a copy writes to: a repository on a registry or an OCI layout folder. Blobs first, child
// manifests by digest next, and the manifest the reference names last (`commit`): until then the
// destination has no tag for the image, so a copy that fails halfway leaves nothing that points at
// an incomplete image.
import type { RegistryClient } from '../registry/client';
import { headBlob } from '../registry/blobs';
import { cancelUpload, mountBlob, pushBlob, pushBlobBytes } from '../registry/uploads';
import type { PushBlobOptions, UploadMode, UploadSession } from '../registry/uploads';
import type { ImageLocation } from '../reference/transport';
import { DigestMismatchError, UsageError } from '../errors';
import type { Descriptor } from './mediatypes';
import type { ManifestBytes } from './copy-source';
import { OciLayout, REF_NAME_ANNOTATION } from './oci-layout';
import type { ImageReference } from '../reference/reference';
import { dirDestination } from './dir-transport';
import { dockerArchiveDestination } from './docker-archive';
import { ociArchiveDestination } from './oci-archive';
import { isLocalLocation, localDestination } from '../local/local-transport';

export interface BlobWrite {
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  what: string;
  mode?: UploadMode;
  chunkSize?: number;
  /** A session left open by a declined mount. */
  session?: UploadSession;
}

export interface ImageDestination {
  readonly name: string;
  /** The tag or digest the image ends up under. */
  readonly reference: string;
  readonly registry?: { client: RegistryClient; host: string; repository: string };
  /** The digest the destination reference names now, if any. */
  current(signal?: AbortSignal): Promise<string | undefined>;
  hasBlob(desc: Descriptor, signal?: AbortSignal): Promise<boolean>;
  /** Registry destinations only: undefined when mounted, else the session to upload into. */
  mount?(desc: Descriptor, fromRepository: string, signal?: AbortSignal): Promise<UploadSession | undefined>;
  writeBlob(desc: Descriptor, open: () => Promise<AsyncIterable<Uint8Array>>, opts: BlobWrite): Promise<void>;
  writeSmallBlob(desc: Descriptor, bytes: Buffer, opts: BlobWrite): Promise<void>;
  /** A child manifest, stored by digest. */
  putManifest(m: ManifestBytes, signal?: AbortSignal): Promise<void>;
  /**
   * The named manifest, stored under the destination reference: the copy's last write. A destination
   * that stores no manifest (docker-archive) returns the one it will be read back with.
   */
  commit(m: ManifestBytes, signal?: AbortSignal): Promise<ManifestBytes | void>;
  /**
   * GPG simple signatures of the named manifest, kept with the image (a dir: folder's signature-N files);
   * before `commit`. Returns where they went. Absent where the destination keeps none.
   */
  putSignatures?(signatures: readonly Buffer[], signal?: AbortSignal): Promise<string>;
  /**
   * After a failed or cancelled copy: undoes what is safe to undo (upload sessions left open, a layout
   * folder the copy created). Best effort, bounded in time, never throws.
   */
  discard(): Promise<void>;
  /** Releases what the destination holds (a local engine connection) once the copy is over, whatever its end. */
  close?(): Promise<void>;
}

function uploadOptions(opts: BlobWrite): PushBlobOptions {
  return { signal: opts.signal, onBytes: opts.onBytes, what: opts.what, mode: opts.mode, chunkSize: opts.chunkSize, session: opts.session };
}

export function registryDestination(client: RegistryClient, loc: Extract<ImageLocation, { transport: 'docker' }>, tag: string): ImageDestination {
  const { repository } = loc.ref;
  const reference = loc.ref.digest ?? tag;
  // Sessions a declined mount opened that no upload has taken over yet (the copy may fail, or retry
  // with a new mount, before it reads the blob): cancelled at the end so none is left on the registry.
  const pending = new Set<UploadSession>();
  const taken = (opts: BlobWrite): PushBlobOptions => {
    if (opts.session) pending.delete(opts.session);
    return uploadOptions(opts);
  };
  const cancelPending = async (): Promise<void> => {
    const sessions = [...pending];
    pending.clear();
    await Promise.all(sessions.map((s) => cancelUpload(client, s)));
  };
  return {
    name: `${loc.ref.registry}/${repository}`,
    reference,
    registry: { client, host: loc.ref.registry, repository },
    current: async (signal) => (await client.headManifest(repository, reference, signal))?.digest,
    hasBlob: async (desc, signal) => {
      const size = await headBlob(client, repository, desc.digest, signal);
      return size !== undefined && (desc.size < 0 || size < 0 || size === desc.size);
    },
    mount: async (desc, from, signal) => {
      const session = await mountBlob(client, repository, desc.digest, from, signal);
      if (session) pending.add(session);
      return session;
    },
    writeBlob: (desc, open, opts) => pushBlob(client, repository, desc, open, taken(opts)),
    writeSmallBlob: (desc, bytes, opts) => pushBlobBytes(client, repository, desc, bytes, taken(opts)),
    putManifest: async (m, signal) => {
      await client.putManifest(repository, m.digest, m.bytes, m.mediaType, signal);
    },
    commit: async (m, signal) => {
      if (loc.ref.digest && loc.ref.digest !== m.digest)
        throw new DigestMismatchError(
          loc.ref.digest,
          m.digest,
          `the destination ${loc.ref.registry}/${repository}@${loc.ref.digest} (the source image has another digest)`,
        );
      await cancelPending();
      await client.putManifest(repository, reference, m.bytes, m.mediaType, signal);
    },
    discard: cancelPending,
  };
}

export async function layoutDestination(loc: Extract<ImageLocation, { transport: 'oci' }>, tag: string): Promise<ImageDestination> {
  if (loc.sourceIndex !== undefined)
    throw new UsageError(`oci:${loc.path}:@${loc.sourceIndex} names a source image by position; a destination needs a name (oci:${loc.path}:TAG)`);
  const layout = await OciLayout.create(loc.path);
  const putManifest = (m: ManifestBytes): Promise<void> => layout.writeBlobBytes(m.digest, m.bytes, 'manifest');
  return {
    name: loc.path,
    reference: tag,
    current: async () => {
      const index = await layout.readIndex();
      return index.manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag)?.digest;
    },
    hasBlob: (desc) => layout.hasBlob(desc.digest, desc.size >= 0 ? desc.size : undefined),
    writeBlob: async (desc, open, opts) => layout.writeBlob(desc, await open(), opts.what, opts.signal, opts.onBytes),
    writeSmallBlob: async (desc, bytes, opts) => {
      await layout.writeBlobBytes(desc.digest, bytes, opts.what);
      opts.onBytes?.(bytes.length);
    },
    putManifest,
    commit: async (m) => {
      await putManifest(m);
      const desc: Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
      if (m.descriptor?.platform) desc.platform = m.descriptor.platform;
      await layout.setTag(tag, desc);
    },
    discard: () => layout.discard(),
  };
}

/** The destination a location names; `client` is needed for docker:// only. */
export async function openDestination(
  dst: ImageLocation,
  tag: string,
  client: RegistryClient | undefined,
  additionalTags?: readonly ImageReference[],
): Promise<ImageDestination> {
  if (dst.transport === 'docker') {
    if (!client) throw new UsageError(`no registry client for ${dst.ref.registry}`);
    return registryDestination(client, dst, tag);
  }
  if (dst.transport === 'oci') return layoutDestination(dst, tag);
  if (dst.transport === 'dir') return dirDestination(dst);
  if (dst.transport === 'oci-archive') return ociArchiveDestination(dst, tag);
  if (isLocalLocation(dst)) return localDestination(dst);
  return dockerArchiveDestination(dst, additionalTags);
}
