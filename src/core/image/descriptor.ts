// The OCI content descriptor (image-spec descriptor.md): what manifests, indexes and index.json
// use to point at content by media type, digest and size.

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
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

/** A descriptor read from untrusted JSON: digest a string, size a non-negative safe integer. */
export function isDescriptor(value: unknown): value is Descriptor {
  if (!value || typeof value !== 'object') return false;
  const d = value as Record<string, unknown>;
  return typeof d.digest === 'string' && typeof d.size === 'number' && Number.isSafeInteger(d.size) && d.size >= 0 && (d.mediaType === undefined || typeof d.mediaType === 'string');
}
