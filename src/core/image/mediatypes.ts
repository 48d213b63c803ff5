// Manifest and blob media types we read and write, OCI and Docker schema 2, and how the kind of a
// manifest is told from its bytes.
import { ManifestInvalidError } from '../errors';
import { parseJsonObject } from './json-object';

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

/**
 * What we ask registries for, most preferred first (indexes too: we pick platforms ourselves).
 * Schema 1 last, as skopeo asks: an image stored that way is served as it is, never converted to.
 */
export const manifestAcceptTypes: readonly string[] = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
  MediaType.dockerSchema1Signed,
  MediaType.dockerSchema1,
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

/** The two schema 1 types are one format, signed or not; the body says which (it has signatures or not). */
export function isSchema1MediaType(mediaType: string): boolean {
  return mediaType === MediaType.dockerSchema1Signed || mediaType === MediaType.dockerSchema1;
}

/** The manifest types we know as a format: the Content-Type a registry sends is checked against these only. */
export function isKnownManifestMediaType(mediaType: string): boolean {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType) || isSchema1MediaType(mediaType);
}

type Family = 'index' | 'image' | 'schema1' | 'other';

function familyOf(mediaType: string): Family {
  if (isIndexMediaType(mediaType)) return 'index';
  if (isImageManifestMediaType(mediaType)) return 'image';
  if (isSchema1MediaType(mediaType)) return 'schema1';
  return 'other';
}

const FAMILY_NAMES: Record<Family, string> = {
  index: 'an index',
  image: 'an image manifest',
  schema1: 'a schema 1 manifest',
  other: 'another kind of manifest',
};

/** Content-Type without parameters, lower case; undefined when absent. */
function bareContentType(contentType: string | undefined): string | undefined {
  const ct = contentType?.split(';')[0]?.trim().toLowerCase();
  return ct || undefined;
}

function invalid(what: string): never {
  throw new ManifestInvalidError(`invalid manifest: ${what}`);
}

function ambiguous(what: string): never {
  throw new ManifestInvalidError(`ambiguous manifest: ${what}`, 'manifest-ambiguous');
}

/**
 * The media type of manifest bytes, decided by the body itself: `schemaVersion`, then the
 * `mediaType` field, then which fields it has (`manifests` for an index, `config`/`layers` for an
 * image, `fsLayers`/`history` for schema 1). The Content-Type the registry sent only picks between
 * formats the body allows (an image manifest without a `mediaType` field is OCI or Docker as served).
 * A Content-Type naming a manifest type the body contradicts, a `mediaType` field other than the
 * Content-Type, or a body with the fields of two kinds is refused as ambiguous (the distribution
 * spec's rule, and containers/image's); a body that is no kind at all is invalid.
 */
export function manifestMediaType(bytes: Buffer, contentType: string | undefined): string {
  const body = parseJsonObject(bytes, invalid);
  const has = (field: string): boolean => body[field] !== undefined && body[field] !== null;
  const served = bareContentType(contentType);
  const servedKnown = served !== undefined && isKnownManifestMediaType(served);
  const fields = ['manifests', 'config', 'layers', 'fsLayers', 'history'].filter(has);
  const allowed = (ok: string[], kind: string): void => {
    const extra = fields.filter((f) => !ok.includes(f));
    if (extra.length) ambiguous(`${kind} with ${extra.map((f) => `"${f}"`).join(' and ')}, which only another kind of manifest has`);
  };

  let kind: string;
  if (body.schemaVersion === 1) {
    if (body.mediaType !== undefined && !isSchema1MediaType(String(body.mediaType)))
      ambiguous(`schemaVersion 1 with mediaType ${JSON.stringify(body.mediaType)}`);
    allowed(['fsLayers', 'history'], 'a schema 1 manifest');
    kind = has('signatures') ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1;
  } else if (body.schemaVersion === 2) {
    if (body.mediaType !== undefined && typeof body.mediaType !== 'string') invalid('"mediaType" is not a string');
    const declared = body.mediaType as string | undefined;
    if (declared !== undefined) {
      if (isSchema1MediaType(declared)) ambiguous(`schemaVersion 2 with mediaType ${declared}`);
      if (served && servedKnown && served !== declared) ambiguous(`served as ${served} but its mediaType is ${declared}`);
      kind = declared;
    } else if (has('manifests') && !has('config') && !has('layers')) {
      kind = served && isIndexMediaType(served) ? served : MediaType.ociIndex;
    } else if ((has('config') || has('layers')) && !has('manifests')) {
      const config = body.config as { mediaType?: unknown } | undefined;
      const dockerConfig = config && typeof config === 'object' && config.mediaType === MediaType.dockerConfig;
      kind = served && isImageManifestMediaType(served) ? served : dockerConfig ? MediaType.dockerManifest : MediaType.ociManifest;
    } else if (has('manifests')) {
      ambiguous('it has both "manifests" (an index) and "config"/"layers" (an image)');
    } else {
      invalid('schemaVersion 2 but neither "manifests" (an index) nor "config" and "layers" (an image)');
    }
    const family = familyOf(kind);
    if (family === 'index') allowed(['manifests'], 'an index');
    else if (family === 'image') allowed(['config', 'layers'], 'an image manifest');
  } else {
    invalid(`schemaVersion is ${JSON.stringify(body.schemaVersion ?? null)}, not 1 or 2`);
  }
  if (served && servedKnown && familyOf(served) !== familyOf(kind)) ambiguous(`served as ${served} but the body is ${FAMILY_NAMES[familyOf(kind)]} (${kind})`);
  return kind;
}
