// `oci-archive:FILE[:NAME]`: an OCI image layout (oci-layout, index.json, blobs/<alg>/<hex>) in a tar.
// Read in place: the tar is indexed once (tar.ts, with no symlink allowed: a layout never needs one)
// and blobs are streamed from their offsets, never extracted. Written as skopeo writes it, one image
// per archive, streamed into a temp file that is renamed over FILE once the index is in.
import { promises as fsp } from 'node:fs';
import { ArchiveError, NotFoundError } from '../errors';
import type { ImageLocation } from '../reference/transport';
import { maxManifestBytes } from '../registry/client';
import type { ImageDestination } from './copy-destination';
import type { ImageSource, ManifestBytes } from './copy-source';
import { parseDigest, StreamVerifier, verifiedChunks, verifyBytes } from './digest';
import { maxConfigBytes, maxLayoutIndexBytes, maxLayoutMarkerBytes } from './limits';
import { isDescriptor } from './manifest-walk';
import { manifestMediaType } from './mediatypes';
import type { Descriptor } from './mediatypes';
import { OCI_INDEX_MEDIA_TYPE, REF_NAME_ANNOTATION } from './oci-layout';
import type { OciIndexFile } from './oci-layout';
import { TarArchive, TarWriter } from './tar';

type OciArchiveLocation = Extract<ImageLocation, { transport: 'oci-archive' }>;

function blobEntry(digest: string): string {
  const { algorithm, encoded } = parseDigest(digest);
  return `blobs/${algorithm}/${encoded}`;
}

function parseJson(bytes: Buffer, what: string, path: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ArchiveError(`${what} in oci-archive ${path} is not JSON`, path);
  }
}

export async function ociArchiveSource(loc: OciArchiveLocation): Promise<ImageSource> {
  const what = `oci-archive ${loc.path}`;
  const tar = await TarArchive.open(loc.path, { what, allowSymlinks: false });
  try {
    const need = async (name: string, max: number, label: string): Promise<Buffer> => {
      const entry = tar.file(name);
      if (!entry) throw new ArchiveError(`${what} is not an OCI layout archive (${name} is missing)`, loc.path);
      return tar.read(entry, max, label);
    };
    const version = (parseJson(await need('oci-layout', maxLayoutMarkerBytes, 'oci-layout'), 'oci-layout', loc.path) as { imageLayoutVersion?: unknown } | null)
      ?.imageLayoutVersion;
    if (typeof version !== 'string' || !version.startsWith('1.'))
      throw new ArchiveError(`unsupported OCI layout version ${JSON.stringify(version)} in ${what}`, loc.path);
    const index = parseJson(await need('index.json', maxLayoutIndexBytes, 'index.json'), 'index.json', loc.path) as { manifests?: unknown } | null;
    const manifests = index?.manifests;
    if (!Array.isArray(manifests) || !manifests.every(isDescriptor))
      throw new ArchiveError(`index.json in ${what} is not an image index (bad "manifests")`, loc.path);
    const list = manifests as Descriptor[];
    let entry: Descriptor | undefined;
    if (loc.tag === undefined) {
      if (list.length === 0) throw new NotFoundError(`no image in ${what}`);
      if (list.length > 1) throw new ArchiveError(`${what} holds ${list.length} images: name one with oci-archive:${loc.path}:TAG`, loc.path);
      entry = list[0];
    } else {
      entry = list.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === loc.tag);
      if (!entry) throw new NotFoundError(`no image named "${loc.tag}" in ${what}`);
    }
    const top = entry as Descriptor;
    const blob = (desc: Descriptor, label: string): ReturnType<TarArchive['file']> & object => {
      const found = tar.file(blobEntry(desc.digest));
      if (!found) throw new NotFoundError(`${label} ${desc.digest} is missing from ${what}`);
      return found;
    };
    const read = async (desc: Descriptor): Promise<ManifestBytes> => {
      const bytes = await tar.read(blob(desc, 'manifest'), maxManifestBytes, `manifest ${desc.digest}`);
      verifyBytes(bytes, desc.digest, `manifest ${desc.digest} in ${what}`);
      return { bytes, digest: desc.digest, mediaType: desc.mediaType || manifestMediaType(bytes, undefined), descriptor: desc };
    };
    return {
      name: loc.path,
      tag: loc.tag ?? top.annotations?.[REF_NAME_ANNOTATION],
      top: () => read(top),
      manifest: (desc) => read(desc),
      openBlob: async (desc) => tar.stream(blob(desc, 'blob')),
      readBlob: (desc) => tar.read(blob(desc, 'blob'), maxConfigBytes, `blob ${desc.digest}`),
      close: () => tar.close(),
    };
  } catch (err) {
    await tar.close();
    throw err;
  }
}

/** An archive file to write: refused when the name is a folder (skopeo replaces a file that is there). */
export async function checkArchiveTarget(path: string, what: string): Promise<{ exists: boolean; size: number }> {
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory()) throw new ArchiveError(`${what}: ${path} is a folder, not a file`, path);
    return { exists: true, size: st.isFile() ? st.size : 0 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return { exists: false, size: 0 };
    throw err;
  }
}

export async function ociArchiveDestination(loc: OciArchiveLocation, tag: string): Promise<ImageDestination> {
  await checkArchiveTarget(loc.path, 'oci-archive');
  const tar = await TarWriter.create(loc.path);
  const written = new Set<string>();
  const dirs = new Set<string>();
  const ensureDirs = async (digest: string): Promise<void> => {
    const { algorithm } = parseDigest(digest);
    if (dirs.size === 0) {
      dirs.add('blobs');
      await tar.addDir('blobs');
    }
    if (!dirs.has(algorithm)) {
      dirs.add(algorithm);
      await tar.addDir(`blobs/${algorithm}`);
    }
  };
  const addBytes = async (digest: string, bytes: Buffer, label: string): Promise<void> => {
    verifyBytes(bytes, digest, label);
    if (written.has(digest)) return;
    written.add(digest);
    await ensureDirs(digest);
    await tar.addFile(blobEntry(digest), bytes);
  };
  return {
    name: loc.path,
    reference: tag,
    current: async () => undefined,
    hasBlob: async (desc) => written.has(desc.digest),
    writeBlob: async (desc, open, opts) => {
      await ensureDirs(desc.digest);
      const name = blobEntry(desc.digest);
      await tar.addStream(
        async () => {
          const verifier = new StreamVerifier(desc.digest, desc.size >= 0 ? desc.size : undefined, opts.what);
          return (async function* counted() {
            for await (const chunk of verifiedChunks(await open(), verifier)) {
              opts.onBytes?.(chunk.length);
              yield chunk;
            }
          })();
        },
        () => name,
        opts.signal,
      );
      written.add(desc.digest);
    },
    writeSmallBlob: async (desc, bytes, opts) => {
      await addBytes(desc.digest, bytes, opts.what);
      opts.onBytes?.(bytes.length);
    },
    putManifest: (m) => addBytes(m.digest, m.bytes, `manifest ${m.digest}`),
    commit: async (m) => {
      await addBytes(m.digest, m.bytes, `manifest ${m.digest}`);
      const entry: Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
      if (m.descriptor?.platform) entry.platform = m.descriptor.platform;
      if (tag) entry.annotations = { [REF_NAME_ANNOTATION]: tag };
      const index: OciIndexFile = { schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: [entry] };
      await tar.addFile('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
      await tar.addFile('index.json', Buffer.from(JSON.stringify(index)));
      await tar.finish();
    },
    discard: () => tar.abort(),
  };
}
