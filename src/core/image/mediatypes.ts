// Manifest and blob media types we read and write, OCI and Docker schema 2.
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
} as const;

/** What we ask registries for, most preferred first (indexes too: we pick platforms ourselves). */
export const manifestAcceptTypes: readonly string[] = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
];

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The media type of manifest bytes: the Content-Type if it is a manifest type, else the `mediaType` field, else the shape. */
export function manifestMediaType(bytes: Buffer, contentType: string | undefined): string {
  const ct = contentType?.split(';')[0]?.trim();
  if (ct && (isIndexMediaType(ct) || isImageManifestMediaType(ct) || ct === MediaType.dockerSchema1Signed || ct === MediaType.dockerSchema1)) return ct;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
    if (Array.isArray(parsed.manifests)) return MediaType.ociIndex;
    if (parsed.schemaVersion === 1) return MediaType.dockerSchema1Signed;
    return MediaType.ociManifest;
  } catch {
    return ct ?? MediaType.ociManifest;
  }
}
