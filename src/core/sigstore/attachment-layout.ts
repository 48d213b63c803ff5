// The layout of cosign's signature attachment, as cosign's signature spec and skopeo's
// `use-sigstore-attachments: true` write it: an OCI image manifest at tag `sha256-<hex>.sig` in the
// image's repository; config `application/vnd.oci.image.config.v1+json` whose rootfs.diff_ids list the
// layers; one layer per signature, media type `application/vnd.dev.cosign.simplesigning.v1+json`, whose
// blob is the signed payload and whose annotation `dev.cosignproject.cosign/signature` is the base64
// signature. Adding a signature keeps everything already there (other keys of the manifest and config
// too) and adds nothing twice. Pure functions: the registry I/O is in attachments.ts.
import { createHash } from 'node:crypto';
import { goMap } from '../image/go-json';
import { MediaType } from '../image/mediatypes';
import type { Descriptor } from '../image/mediatypes';
import { ManifestInvalidError } from '../errors';

export const SIGSTORE_SIGNATURE_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGSTORE_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** A `.sig` manifest with more layers than this is not one anybody wrote by signing. */
export const MAX_ATTACHMENT_LAYERS = 1000;

/** One signature to attach: its payload bytes, media type and annotations. */
export interface AttachmentLayer {
  mediaType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The layer descriptor for `layer`: mediaType, digest, size, annotations (Go's field order, map keys sorted). */
export function layerDescriptor(layer: AttachmentLayer): Descriptor {
  const annotations: Record<string, string> = goMap({});
  for (const k of Object.keys(layer.annotations).sort()) annotations[k] = layer.annotations[k] as string;
  return { mediaType: layer.mediaType, digest: sha256(layer.payload), size: layer.payload.length, annotations };
}

function sameAnnotations(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => Object.hasOwn(b ?? {}, k) && b?.[k] === a?.[k]);
}

/** Whether `existing` already is `wanted` (media type, digest, size, annotations), as containers/image decides. */
export function layerMatches(existing: Descriptor, wanted: Descriptor): boolean {
  return (
    existing.mediaType === wanted.mediaType &&
    existing.size === wanted.size &&
    existing.digest === wanted.digest &&
    sameAnnotations(existing.annotations, wanted.annotations)
  );
}

export type AttachmentManifest = Record<string, unknown> & { layers: Descriptor[] };

export interface SigManifestParts {
  /** The manifest as a JSON object (unknown keys kept). */
  manifest: AttachmentManifest;
  /** The config as a JSON object (unknown keys kept). */
  config: Record<string, unknown>;
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ManifestInvalidError(`invalid manifest: ${what} is not JSON`);
  }
}

/** A `.sig` manifest read back: a JSON object whose layers (bounded in number) each have a media type, a digest and a size. */
export function parseAttachmentManifest(bytes: Buffer, where: string): AttachmentManifest {
  const manifest = parseJson(bytes, where) as { layers?: unknown } | null;
  if (!manifest || typeof manifest !== 'object' || !Array.isArray(manifest.layers))
    throw new ManifestInvalidError(`invalid manifest: ${where} has no layers list`);
  if (manifest.layers.length > MAX_ATTACHMENT_LAYERS)
    throw new ManifestInvalidError(`invalid manifest: ${where} has ${manifest.layers.length} layers, more than the ${MAX_ATTACHMENT_LAYERS} read`);
  for (const d of manifest.layers as Partial<Descriptor>[]) {
    if (!d || typeof d.mediaType !== 'string' || typeof d.digest !== 'string' || !Number.isSafeInteger(d.size) || (d.size as number) < 0)
      throw new ManifestInvalidError(`invalid manifest: ${where} has a layer without a media type, digest or size`);
  }
  return manifest as AttachmentManifest;
}

/** A `.sig` manifest and its config read back, to be appended to. */
export function parseSigManifest(bytes: Buffer, configBytes: Buffer, where: string): SigManifestParts {
  const manifest = parseAttachmentManifest(bytes, where);
  const config = parseJson(configBytes, `the config of ${where}`);
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new ManifestInvalidError(`invalid manifest: the config of ${where} is not a JSON object`);
  return { manifest, config: config as Record<string, unknown> };
}

/** The config of a new attachment, byte for byte what containers/image writes (Go's empty imgspecv1.Image). */
function emptyConfig(): Record<string, unknown> {
  return { architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } };
}

export interface AppendOutcome {
  /** The new config and manifest bytes, or undefined when every layer was already there. */
  configBytes?: Buffer;
  configDescriptor?: Descriptor;
  manifestBytes?: Buffer;
  /** The layers added (their blobs are to be uploaded before the manifest). */
  added: Descriptor[];
}

/**
 * Adds the layers `wanted` to `current` (undefined: a new attachment) and serializes the result. The config's
 * rootfs.diff_ids gets each new layer's digest, as containers/image keeps it; the caller uploads the
 * new layers' payloads and the config blob before the manifest.
 */
export function appendLayers(current: SigManifestParts | undefined, wanted: readonly Descriptor[]): AppendOutcome {
  const manifest: AttachmentManifest = current
    ? { ...current.manifest, layers: [...current.manifest.layers] }
    : { schemaVersion: 2, mediaType: MediaType.ociManifest, config: undefined, layers: [] };
  const config: Record<string, unknown> = current ? { ...current.config } : emptyConfig();
  const rootfs: Record<string, unknown> =
    config.rootfs && typeof config.rootfs === 'object' && !Array.isArray(config.rootfs)
      ? { ...(config.rootfs as Record<string, unknown>) }
      : { type: 'layers' };
  const diffIds = Array.isArray(rootfs.diff_ids) ? [...(rootfs.diff_ids as unknown[])] : [];
  const added: AppendOutcome['added'] = [];
  for (const desc of wanted) {
    if (manifest.layers.some((d) => layerMatches(d, desc))) continue;
    manifest.layers.push(desc);
    diffIds.push(desc.digest);
    added.push(desc);
  }
  if (added.length === 0) return { added };
  rootfs.diff_ids = diffIds;
  config.rootfs = rootfs;
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: sha256(configBytes), size: configBytes.length };
  manifest.config = configDescriptor;
  return { configBytes, configDescriptor, manifestBytes: Buffer.from(JSON.stringify(manifest)), added };
}
