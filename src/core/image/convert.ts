// Manifest format conversion between Docker schema 2 and OCI, the way containers/image does it:
// media types of manifests, configs and layers are mapped, the config bytes are kept, and a
// rewritten manifest is serialized as Go's encoding/json writes the spec's structs (compact, fields
// in the structs' order), so a manifest with no unknown fields converts to the bytes skopeo writes.
// A manifest that needs no change keeps its original bytes, and with them its digest.
// One difference from skopeo: skopeo re-encodes a Docker config into the OCI config struct
// (dropping Docker-only fields such as Healthcheck); the config is kept whole here, so nothing is lost.
import { RegxError } from '../errors';
import type { ManifestBytes } from './copy-source';
import { digestOf } from './digest';
import { goJson } from './go-json';
import { isDescriptor } from './manifest-walk';
import { MediaType } from './mediatypes';
import type { Descriptor, Platform } from './mediatypes';
import { hostPlatform } from './platform';

/** skopeo's `--format` names: OCI, or Docker schema 2. */
export type ManifestFormat = 'oci' | 'v2s2';

export interface ConvertOptions {
  /** The format every manifest should end up in; undefined keeps each one's own. */
  format?: ManifestFormat;
  /** Keep manifests that have no conversion (Docker schema 1, unknown kinds) as they are instead of refusing. */
  keepUnconvertible?: boolean;
  /** Refuse any change to a manifest (its digest is to be kept). */
  preserveDigests?: boolean;
  /** Layers replaced by recompressed blobs: source digest -> the new blob's descriptor. */
  layers?: ReadonlyMap<string, Descriptor>;
}

export interface ConvertedImage {
  /** Child manifests in push order (each after its own children), rewritten where needed. */
  children: ManifestBytes[];
  top: ManifestBytes;
  /** How many manifests got new bytes. */
  changed: number;
}

const dockerToOciLayer: Record<string, string> = {
  [MediaType.dockerLayerGzip]: MediaType.ociLayerGzip,
  'application/vnd.docker.image.rootfs.diff.tar': MediaType.ociLayer,
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar': 'application/vnd.oci.image.layer.nondistributable.v1.tar',
};
const ociToDockerLayer: Record<string, string> = Object.fromEntries(Object.entries(dockerToOciLayer).map(([d, o]) => [o, d]));
const ZSTD_LAYERS = new Set([MediaType.ociLayerZstd, 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd']);

/** The format a manifest media type belongs to, or undefined for kinds this module does not convert. */
export function formatOf(mediaType: string): ManifestFormat | undefined {
  if (mediaType === MediaType.ociManifest || mediaType === MediaType.ociIndex) return 'oci';
  if (mediaType === MediaType.dockerManifest || mediaType === MediaType.dockerManifestList) return 'v2s2';
  return undefined;
}

export function formatName(format: ManifestFormat): string {
  return format === 'oci' ? 'OCI' : 'Docker schema 2';
}

function unsupported(message: string): never {
  throw new RegxError('unsupported', message);
}

function invalid(digest: string, what: string): never {
  throw new RegxError('manifest-invalid', `invalid manifest ${digest}: ${what}`);
}

type Json = Record<string, unknown>;

function parse(m: ManifestBytes): Json {
  let value: unknown;
  try {
    value = JSON.parse(m.bytes.toString('utf8'));
  } catch {
    invalid(m.digest, 'not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) invalid(m.digest, 'not a JSON object');
  return value as Json;
}

function descriptorList(value: unknown, field: string, digest: string): Descriptor[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isDescriptor)) invalid(digest, `"${field}" is not a list of descriptors`);
  return value;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Json).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length && value.every((s) => typeof s === 'string') ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Drops absent fields, as Go's `omitempty` does, keeping the order the object was built in. */
function compact<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

// Field order below is the Go structs' (image-spec v1 Descriptor/Platform/Manifest/Index; Docker's Schema2*).
function ociPlatform(p: Platform | undefined): Json | undefined {
  if (!p || typeof p !== 'object') return undefined;
  return compact({
    architecture: p.architecture ?? '',
    os: p.os ?? '',
    'os.version': str(p['os.version']),
    'os.features': strings(p['os.features']),
    variant: str(p.variant),
  });
}

function dockerPlatform(p: (Platform & { features?: unknown }) | undefined): Json {
  if (!p || typeof p !== 'object') {
    // A Docker list entry must name a platform; containers/image gives one without it the host's OS and architecture.
    const host = hostPlatform();
    return { architecture: host.architecture, os: host.os };
  }
  // The OCI platform's fields in the same order, then Docker's own `features`.
  return compact({ ...ociPlatform(p), features: strings(p.features) });
}

function ociDescriptor(d: Descriptor & { data?: unknown }): Json {
  return compact({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    urls: strings(d.urls),
    annotations: stringMap(d.annotations),
    data: str(d.data),
    platform: ociPlatform(d.platform),
    artifactType: str(d.artifactType),
  });
}

function dockerDescriptor(d: Descriptor): Json {
  return compact({ mediaType: d.mediaType, size: d.size, digest: d.digest, urls: strings(d.urls) });
}

function serialized(value: Json, mediaType: string, original: ManifestBytes): ManifestBytes {
  const bytes = Buffer.from(goJson(value, ''), 'utf8');
  return { bytes, mediaType, digest: digestOf(bytes), descriptor: original.descriptor };
}

/** A layer descriptor with its recompressed replacement's digest, size and media type. */
function replaceLayer(d: Descriptor, layers: ReadonlyMap<string, Descriptor> | undefined): Descriptor {
  const r = layers?.get(d.digest);
  return r ? { ...d, mediaType: r.mediaType, digest: r.digest, size: r.size } : d;
}

function convertImage(m: ManifestBytes, json: Json, target: ManifestFormat, opts: ConvertOptions): ManifestBytes | undefined {
  if (!isDescriptor(json.config)) invalid(m.digest, '"config" is not a descriptor');
  const config = json.config;
  const layers = descriptorList(json.layers, 'layers', m.digest);
  const replaced = layers.map((d) => replaceLayer(d, opts.layers));
  const layersChanged = replaced.some((d, i) => d !== layers[i]);
  const from = formatOf(m.mediaType) as ManifestFormat;
  if (from === target && !layersChanged) return undefined;
  if (target === 'oci') {
    let configType = config.mediaType;
    if (from === 'v2s2') {
      if (configType === MediaType.dockerConfig) configType = MediaType.ociConfig;
      else if (configType !== MediaType.ociConfig) unsupported(`manifest ${m.digest} has a config of type "${configType}", which has no OCI form`);
    }
    const ociLayers = replaced.map((d) => {
      if (from === 'oci') return d;
      const mapped = dockerToOciLayer[d.mediaType];
      // OCI layer types found in Docker manifests are already what OCI wants.
      if (!mapped && !d.mediaType.startsWith('application/vnd.oci.image.layer.'))
        unsupported(`manifest ${m.digest} has a layer of type "${d.mediaType}", which has no OCI form`);
      return mapped ? { ...d, mediaType: mapped } : d;
    });
    const out = compact({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: from === 'oci' ? str(json.artifactType) : undefined,
      config: ociDescriptor({ ...config, mediaType: configType }),
      layers: ociLayers.map(ociDescriptor),
      subject: from === 'oci' && isDescriptor(json.subject) ? ociDescriptor(json.subject) : undefined,
      annotations: from === 'oci' ? stringMap(json.annotations) : undefined,
    });
    return serialized(out, MediaType.ociManifest, m);
  }
  // Docker schema 2 has no place for a subject or an artifact type: dropping them would change what the manifest is.
  if (from === 'oci') {
    if (json.subject !== undefined) unsupported(`manifest ${m.digest} refers to another manifest (subject), which Docker schema 2 cannot express`);
    if (config.mediaType !== MediaType.ociConfig)
      unsupported(`manifest ${m.digest} is not an image (its config is of type "${config.mediaType}"): it has no Docker schema 2 form`);
  }
  const dockerLayers = replaced.map((d) => {
    if (from === 'v2s2') return d;
    if (ZSTD_LAYERS.has(d.mediaType)) unsupported(`manifest ${m.digest} has a zstd-compressed layer ${d.digest}: Docker schema 2 has no zstd layers`);
    const mapped = ociToDockerLayer[d.mediaType];
    if (!mapped) unsupported(`manifest ${m.digest} has a layer of type "${d.mediaType}", which has no Docker schema 2 form`);
    return { ...d, mediaType: mapped };
  });
  const out = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: dockerDescriptor({ ...config, mediaType: MediaType.dockerConfig }),
    layers: dockerLayers.map(dockerDescriptor),
  };
  return serialized(out, MediaType.dockerManifest, m);
}

function convertIndex(m: ManifestBytes, json: Json, target: ManifestFormat, rewritten: ReadonlyMap<string, ManifestBytes>): ManifestBytes | undefined {
  const entries = descriptorList(json.manifests, 'manifests', m.digest);
  const updated = entries.map((d) => {
    const r = rewritten.get(d.digest);
    return r ? { ...d, mediaType: r.mediaType, digest: r.digest, size: r.bytes.length } : d;
  });
  const from = formatOf(m.mediaType) as ManifestFormat;
  if (from === target && updated.every((d, i) => d === entries[i])) return undefined;
  if (target === 'oci') {
    const out = compact({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      artifactType: from === 'oci' ? str(json.artifactType) : undefined,
      // Docker list entries carry no annotations; their platform's Docker-only "features" has no OCI field.
      manifests: updated.map((d) =>
        ociDescriptor(from === 'oci' ? d : { mediaType: d.mediaType, digest: d.digest, size: d.size, urls: d.urls, platform: d.platform }),
      ),
      subject: from === 'oci' && isDescriptor(json.subject) ? ociDescriptor(json.subject) : undefined,
      annotations: from === 'oci' ? stringMap(json.annotations) : undefined,
    });
    return serialized(out, MediaType.ociIndex, m);
  }
  if (from === 'oci' && json.subject !== undefined)
    unsupported(`index ${m.digest} refers to another manifest (subject), which a Docker manifest list cannot express`);
  const out = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifestList,
    manifests: updated.map((d) => ({ ...dockerDescriptor(d), platform: dockerPlatform(d.platform) })),
  };
  return serialized(out, MediaType.dockerManifestList, m);
}

/**
 * One manifest in the wanted format with its layers and child manifests replaced, or the same object
 * when nothing changes. `rewritten` maps the source digest of each child already rewritten to its new form.
 */
export function convertManifest(m: ManifestBytes, opts: ConvertOptions, rewritten: ReadonlyMap<string, ManifestBytes> = new Map()): ManifestBytes {
  const from = formatOf(m.mediaType);
  if (!from) {
    if (!opts.format || opts.keepUnconvertible || (opts.format === 'oci' && m.mediaType.startsWith('application/vnd.oci.'))) return m;
    const kind = m.mediaType === MediaType.dockerSchema1Signed || m.mediaType === MediaType.dockerSchema1 ? 'Docker schema 1' : `"${m.mediaType}"`;
    unsupported(`manifest ${m.digest} is ${kind}, which cannot be converted to ${formatName(opts.format)}`);
  }
  const target = opts.format ?? from;
  const json = parse(m);
  const index = m.mediaType === MediaType.ociIndex || m.mediaType === MediaType.dockerManifestList;
  const rewrite = (to: ManifestFormat): ManifestBytes | undefined => (index ? convertIndex(m, json, to, rewritten) : convertImage(m, json, to, opts));
  let out: ManifestBytes | undefined;
  try {
    out = rewrite(target);
  } catch (err) {
    // An implied conversion leaves what it cannot convert in its own format (still with its new layers and children).
    if (!(opts.keepUnconvertible && target !== from && err instanceof RegxError && err.reason === 'unsupported')) throw err;
    out = rewrite(from);
  }
  if (!out) return m;
  if (opts.preserveDigests) {
    const change = from === target ? 'replacing its layers' : `converting it to ${formatName(target)}`;
    throw new RegxError('usage', `${change} would change the digest of manifest ${m.digest}, which is to be kept`);
  }
  return out;
}

/** Rewrites an image's manifests bottom-up: children in push order first, so each index sees its children's new digests. */
export function convertImageManifests(children: readonly ManifestBytes[], top: ManifestBytes, opts: ConvertOptions): ConvertedImage {
  const rewritten = new Map<string, ManifestBytes>();
  let changed = 0;
  const one = (m: ManifestBytes): ManifestBytes => {
    const done = rewritten.get(m.digest);
    if (done) return done;
    const out = convertManifest(m, opts, rewritten);
    if (out !== m) {
      rewritten.set(m.digest, out);
      changed++;
    }
    return out;
  };
  const newChildren = children.map(one);
  return { children: newChildren, top: one(top), changed };
}

/**
 * True when the manifest and the entries it names are already in `format`, so converting changes
 * nothing and a destination holding the same digest already has the converted image.
 */
export function alreadyInFormat(m: ManifestBytes, format: ManifestFormat | undefined): boolean {
  if (!format) return true;
  if (formatOf(m.mediaType) !== format) return false;
  if (m.mediaType !== MediaType.ociIndex && m.mediaType !== MediaType.dockerManifestList) return true;
  let entries: Descriptor[];
  try {
    entries = descriptorList(parse(m).manifests, 'manifests', m.digest);
  } catch {
    return false;
  }
  const image = format === 'oci' ? MediaType.ociManifest : MediaType.dockerManifest;
  return entries.every((d) => d.mediaType === image);
}
