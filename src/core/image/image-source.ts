// What an image is read from, whatever the transport: manifests as their original bytes (so digests
// are preserved) and blobs as raw byte streams that the destination verifies while writing; and the
// registry's (`docker://`). The other transports' sources are in copy-source.ts and their own modules,
// which only copies and the CLI need (the extension's views read registries only).
import type { RegistryClient } from '../registry/client';
import { openBlob } from '../registry/blobs';
import { ManifestTooLargeError, SizeMismatchError } from '../errors';
import type { ImageLocation } from '../reference/transport';
import { verifyBytes } from './digest';
import { maxConfigBytes } from './limits';
import { manifestAcceptTypes } from './mediatypes';
import type { Descriptor } from './mediatypes';

export interface ManifestBytes {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  /** How the manifest was pointed at (an index entry), when it was. */
  descriptor?: Descriptor;
}

export interface ImageSource {
  /** For messages: "registry/repo" or the layout folder. */
  readonly name: string;
  /** The tag the source reference used (or the layout entry's name), for defaulting the destination's. */
  readonly tag: string | undefined;
  /** Set for registry sources: what a destination on the same registry can mount from. */
  readonly registry?: { client: RegistryClient; host: string; repository: string };
  /** The manifest the reference names. */
  top(signal?: AbortSignal): Promise<ManifestBytes>;
  /** A manifest by descriptor (an index entry), digest-verified. */
  manifest(desc: Descriptor, signal?: AbortSignal): Promise<ManifestBytes>;
  /** The raw bytes of a blob, unverified (the writer verifies). */
  openBlob(desc: Descriptor, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** A small blob (a config) read whole, at most maxConfigBytes, retried when the connection breaks mid-body. */
  readBlob(desc: Descriptor, signal?: AbortSignal): Promise<Buffer>;
  /** Archives: releases the open file. Called once the copy or inspection is over. */
  close?(): Promise<void>;
  /** GPG simple signatures the source keeps with the image it names (a dir: folder's signature-N files). */
  signatures?(signal?: AbortSignal): Promise<Buffer[]>;
}

export function registrySource(client: RegistryClient, loc: Extract<ImageLocation, { transport: 'docker' }>): ImageSource {
  const { repository } = loc.ref;
  const reference = loc.ref.digest ?? loc.ref.tag ?? 'latest';
  return {
    name: `${loc.ref.registry}/${repository}`,
    tag: loc.ref.digest ? loc.ref.tag : (loc.ref.tag ?? 'latest'),
    registry: { client, host: loc.ref.registry, repository },
    top: (signal) => client.getManifest(repository, reference, signal),
    async manifest(desc, signal) {
      const accept = [desc.mediaType, ...manifestAcceptTypes.filter((t) => t !== desc.mediaType)].filter(Boolean);
      const m = await client.getManifest(repository, desc.digest, signal, accept);
      return { ...m, descriptor: desc };
    },
    openBlob: (desc, signal) => openBlob(client, repository, desc.digest, desc.size, signal),
    readBlob: (desc, signal) => client.getBlobBytes(repository, desc.digest, maxConfigBytes, signal),
  };
}

/**
 * A small blob (a config, or any blob of a few hundred KiB) read whole into memory: refused past
 * maxConfigBytes (containers/image's config cap) before a byte is read, size- and digest-verified
 * whatever the source is. A size of -1 (unknown) is only bounded by the cap.
 */
export async function readSmallBlob(source: ImageSource, desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  const what = `blob ${desc.digest} of ${source.name}`;
  if (desc.size > maxConfigBytes) throw new ManifestTooLargeError(desc.size, maxConfigBytes, what);
  const bytes = await source.readBlob(desc, signal);
  if (desc.size >= 0 && bytes.length !== desc.size) throw new SizeMismatchError(what, desc.size, String(bytes.length));
  verifyBytes(bytes, desc.digest, what);
  return bytes;
}
