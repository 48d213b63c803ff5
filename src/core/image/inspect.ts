// `inspect`: the same JSON fields, in the same order, as `skopeo inspect`, plus the raw manifest
// and the config as skopeo's --raw and --config show them.
import { NotFoundError, RegxError } from '../errors';
import type { RegistryClient } from '../registry/client';
import { readSmallBlob, registrySource } from './image-source';
import type { ImageSource, ManifestBytes } from './image-source';
import { verifyBytes } from './digest';
import { goMap, goTime } from './go-json';
import { parseImageIndex, parseImageManifest } from './manifest-walk';
import { isImageManifestMediaType, isIndexMediaType, MediaType } from './mediatypes';
import type { ImageIndex, ImageManifest } from './mediatypes';
import { hostPlatform, selectPlatform } from './platform';
import { schema1Image, schema1Payload } from './schema1';
import { referenceParts } from '../reference/tag-or-digest';
import type { PlatformWanted } from './platform';

/** The image config, docker or OCI; only the fields inspect reads. */
export interface ImageConfig {
  created?: string;
  author?: string;
  architecture?: string;
  variant?: string;
  os?: string;
  'os.version'?: string;
  'os.features'?: string[];
  docker_version?: string;
  config?: {
    User?: string;
    ExposedPorts?: Record<string, unknown>;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Volumes?: Record<string, unknown>;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
    ArgsEscaped?: boolean;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }[];
}

export interface InspectLayer {
  MIMEType: string;
  Digest: string;
  Size: number;
  Annotations: Record<string, string> | null;
}

export interface InspectOutput {
  /** Absent for an OCI layout, as skopeo leaves it out. */
  Name?: string;
  /** A schema 1 manifest's own `tag` field (skopeo shows it; other manifests have none). */
  Tag?: string;
  Digest: string;
  RepoTags: string[];
  Created: string | null;
  DockerVersion: string;
  Labels: Record<string, string> | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  Layers: string[];
  /** Absent for schema 1, as skopeo leaves it out. */
  LayersData?: InspectLayer[];
  Env: string[] | null;
}

export interface InspectedImage {
  /** What `skopeo inspect` prints. */
  info: InspectOutput;
  /** The top-level manifest bytes as served (an index when the image is multi-platform). */
  rawManifest: Buffer;
  rawMediaType: string;
  /** The platform manifest actually read (equal to the raw one for a single image). */
  manifest: ImageManifest;
  manifestDigest: string;
  /** Platforms of the index, when it is one. */
  index?: ImageIndex;
  config: ImageConfig;
  rawConfig: Buffer;
}

export interface InspectOptions {
  platform?: Partial<PlatformWanted>;
  /** skopeo's --no-tags: do not list the repository's tags. */
  noTags?: boolean;
  signal?: AbortSignal;
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (err) {
    throw new RegxError('manifest-invalid', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function inspectImage(client: RegistryClient, repository: string, reference: string, options: InspectOptions = {}): Promise<InspectedImage> {
  const location = { transport: 'docker' as const, ref: { registry: client.registry, repository, ...referenceParts(reference) } };
  const source = registrySource(client, location);
  const tags = options.noTags ? undefined : () => client.listTags(repository, 1000, options.signal).catch(() => []);
  return inspectSource(source, { ...options, name: `${client.registry}/${repository}`, reference, tags });
}

/**
 * Inspects whatever a source holds, a registry repository or an OCI layout. `name` and `tags`
 * are what skopeo shows for the transport: a docker source has both, a layout neither.
 */
/** The manifest a source's reference names, as served: what `inspect --raw` prints, no platform chosen. */
export async function inspectTopManifest(source: ImageSource, options: { reference?: string; signal?: AbortSignal } = {}): Promise<ManifestBytes> {
  return source.top(options.signal).catch((err: unknown) => {
    // skopeo's wording, so scripts that grep for it keep working.
    if (err instanceof NotFoundError && source.registry) {
      const said = err.serverMessage ?? 'manifest unknown';
      throw new NotFoundError(`reading manifest ${options.reference ?? source.tag ?? 'latest'} in ${source.name}: ${said}`, err.url, {
        serverCode: err.serverCode,
        serverMessage: err.serverMessage,
      });
    }
    throw err;
  });
}

/**
 * Inspects whatever a source holds, a registry repository or an OCI layout. `name` and `tags`
 * are what skopeo shows for the transport: a docker source has both, a layout neither.
 */
export async function inspectSource(
  source: ImageSource,
  options: InspectOptions & { name?: string; reference?: string; tags?: () => Promise<string[]> },
): Promise<InspectedImage> {
  const top = await inspectTopManifest(source, options);
  let chosen = top;
  let index: ImageIndex | undefined;
  if (isIndexMediaType(top.mediaType)) {
    index = parseImageIndex(top.bytes);
    const wanted = { ...hostPlatform(), ...options.platform } as PlatformWanted;
    if (options.platform?.architecture && !options.platform.variant) delete wanted.variant;
    // The served type decides whether an entry without a platform may stand in (OCI) or not (Docker list).
    chosen = await source.manifest(selectPlatform({ ...index, mediaType: top.mediaType }, wanted), options.signal);
  }
  const tags = options.tags ? await options.tags() : [];
  if (chosen.mediaType === MediaType.dockerSchema1Signed || chosen.mediaType === MediaType.dockerSchema1) {
    const { manifest, config, rawConfig, tag } = schema1View(
      chosen.mediaType === MediaType.dockerSchema1Signed ? schema1Payload(chosen.bytes) : chosen.bytes,
      chosen.mediaType,
    );
    // skopeo shows a schema 1 image's own tag field after the name, and no LayersData (sizes and types are unknown).
    const { Name, LayersData: _, ...rest } = inspectOutput(options.name ?? '', top.digest, tags, manifest, config);
    const info: InspectOutput = { ...(Name !== undefined ? { Name } : {}), ...(tag ? { Tag: tag } : {}), ...rest };
    return { info, rawManifest: top.bytes, rawMediaType: top.mediaType, manifest, manifestDigest: chosen.digest, index, config, rawConfig };
  }
  if (!isImageManifestMediaType(chosen.mediaType)) {
    throw new RegxError(
      'unsupported',
      `manifest type ${chosen.mediaType} is not supported (only OCI and Docker schema 2 images and indexes, and Docker schema 1)`,
    );
  }
  const manifest = parseImageManifest(chosen.bytes);
  // Capped as containers/image caps configs; from a registry, a whole-body read that retries a connection cut mid-body.
  const rawConfig = await readSmallBlob(source, manifest.config, options.signal);
  verifyBytes(rawConfig, manifest.config.digest, `config ${manifest.config.digest} of ${source.name}`);
  const config = parseJson<ImageConfig>(rawConfig, 'the image config');
  return {
    info: inspectOutput(options.name ?? '', top.digest, tags, manifest, config),
    rawManifest: top.bytes,
    rawMediaType: top.mediaType,
    manifest,
    manifestDigest: chosen.digest,
    index,
    config,
    rawConfig,
  };
}

/**
 * A schema 1 image seen as skopeo shows it: the layers from the base up, each of unknown size and
 * type; created, architecture, labels and env from the top v1 image of the history, which stands
 * in for the config (schema 1 has none).
 */
function schema1View(json: Buffer, mediaType: string): { manifest: ImageManifest; config: ImageConfig; rawConfig: Buffer; tag?: string } {
  const image = schema1Image(json);
  const top = image.top;
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: '', digest: '', size: -1 },
    layers: image.layers.map((digest) => ({ mediaType: '', digest, size: -1 })),
  };
  const config: ImageConfig = {
    created: top.created,
    author: top.author,
    architecture: top.architecture,
    variant: top.variant,
    os: top.os,
    docker_version: top.docker_version,
    config: top.config ? { Labels: top.config.Labels ?? null, Env: top.config.Env ?? null } : undefined,
  };
  return { manifest, config, rawConfig: Buffer.from(image.topJson, 'utf8'), tag: image.tag };
}

export function inspectOutput(name: string, digest: string, tags: string[], manifest: ImageManifest, config: ImageConfig): InspectOutput {
  const out: InspectOutput = {
    Name: name,
    Digest: digest,
    RepoTags: tags,
    Created: goTime(config.created),
    DockerVersion: config.docker_version ?? '',
    Labels: goMap(config.config?.Labels ?? null),
    Architecture: config.architecture ?? '',
    Os: config.os ?? '',
    Layers: manifest.layers.map((l) => l.digest),
    LayersData: manifest.layers.map((l) => ({ MIMEType: l.mediaType, Digest: l.digest, Size: l.size, Annotations: goMap(l.annotations ?? null) })),
    Env: config.config?.Env ?? null,
  };
  if (!name) delete (out as Partial<InspectOutput>).Name;
  if (config.variant) {
    // Keep skopeo's field order: Variant sits between Architecture and Os.
    const { Os, Layers, LayersData, Env, ...head } = out;
    return { ...head, Variant: config.variant, Os, Layers, LayersData, Env };
  }
  return out;
}

/**
 * The config as `skopeo inspect --config` prints it: converted to the OCI image config shape
 * (docker-only fields dropped), fields in the OCI struct's order, empty ones left out except
 * `config`, a struct that Go's omitempty never drops (so an image without one shows `"config": {}`).
 */
export function ociConfigView(config: ImageConfig): Record<string, unknown> {
  const c = config.config;
  const runtime = c
    ? prune({
        User: c.User,
        ExposedPorts: goMap(c.ExposedPorts),
        Env: c.Env,
        Entrypoint: c.Entrypoint,
        Cmd: c.Cmd,
        Volumes: goMap(c.Volumes),
        WorkingDir: c.WorkingDir,
        Labels: goMap(c.Labels),
        StopSignal: c.StopSignal,
        ArgsEscaped: c.ArgsEscaped,
      })
    : {};
  return prune(
    {
      created: goTime(config.created) ?? undefined,
      author: config.author,
      architecture: config.architecture ?? '',
      variant: config.variant,
      os: config.os ?? '',
      'os.version': config['os.version'],
      'os.features': config['os.features'],
      config: runtime,
      rootfs: config.rootfs ?? { type: '', diff_ids: null },
      history: config.history?.map((h) =>
        prune({
          created: goTime(h.created) ?? undefined,
          created_by: h.created_by,
          author: h.author,
          comment: h.comment,
          empty_layer: h.empty_layer || undefined,
        }),
      ),
    },
    ['architecture', 'os', 'config', 'rootfs'],
  );
}

/** Drops undefined, null, '' and empty collections, as Go's omitempty does, except the fields in `keep`. */
function prune(o: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const empty =
      v === undefined ||
      v === null ||
      v === '' ||
      v === false ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (!empty || (keep.includes(k) && v !== undefined)) out[k] = v;
  }
  return out;
}

/**
 * The config type of a manifest that is not an image but an artifact (an SBOM, a signature bundle, an
 * oras push: a config that is not an image config), or undefined for an image. Schema 1 views carry
 * no config type and are images.
 */
export function artifactConfigType(manifest: ImageManifest): string | undefined {
  const type = manifest.config.mediaType;
  if (!type || type === MediaType.ociConfig || type === MediaType.dockerConfig) return undefined;
  return type;
}
