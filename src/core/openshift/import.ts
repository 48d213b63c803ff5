// `oc import-image IS[:TAG] --from SRC [--confirm] [--all] [--scheduled] [--insecure] [--reference-policy]`:
// the client-side checks oc makes before anything is sent (so nothing changes without --confirm), then one
// ImageStreamImport whose answer carries a per-image result. A failed image still answers 201: the stream
// gets the spec tag and an ImportSuccess=False condition, and the result says why in the server's words.
import { ConfirmationRequiredError, KubernetesError, UsageError } from '../errors';
import { parseNormalizedReference } from '../reference/reference';
import type { OpenShiftClient } from './api';
import { imageApi } from './imagestreams';
import { followTagReference } from './tag-reference';
import type { ImageImportSpec, ImageStream, ImageStreamImport, TagImportPolicy, TagReferencePolicy } from './types';

export interface ImportImageOptions {
  namespace: string;
  stream: string;
  /** Default `latest` (not with `all`). */
  tag?: string;
  /** The source, `registry/repo[:tag]`; defaults to the tag's current source. */
  from?: string;
  /** Create a missing stream, or change a tag's source. */
  confirm?: boolean;
  /** Import every tag of the repository (`spec.repository`). */
  all?: boolean;
  /** Re-import periodically (the server's scheduled import). */
  scheduled?: boolean;
  /** Allow HTTP or unverified HTTPS to the source registry. */
  insecure?: boolean;
  referencePolicy?: 'source' | 'local';
  signal?: AbortSignal;
}

export interface ImportedImage {
  tag: string;
  status: 'Success' | 'Failure';
  /** The server's message for a failure, e.g. `dockerimage.image.openshift.io "x" not found`. */
  message?: string;
  reason?: string;
  /** `sha256:...` of the imported image. */
  image?: string;
  dockerImageReference?: string;
}

export interface ImportImageResult {
  /** The image stream after the import (status.import of the answer). */
  stream?: ImageStream;
  /** True when the stream did not exist before. */
  created: boolean;
  images: ImportedImage[];
  /** False when any image (or the repository) failed. */
  ok: boolean;
  /** Tags the repository has beyond those imported (`--all` over the server's limit). */
  additionalTags: string[];
}

const insecureAnnotation = 'openshift.io/image.insecureRepository';

function referencePolicy(opts: ImportImageOptions): TagReferencePolicy {
  return { type: opts.referencePolicy === 'local' ? 'Local' : 'Source' };
}

function importPolicy(opts: ImportImageOptions, stream: ImageStream | undefined, tag?: string): TagImportPolicy {
  const old = tag ? stream?.spec.tags?.find((t) => t.name === tag) : undefined;
  const streamInsecure = stream?.metadata.annotations?.[insecureAnnotation] === 'true';
  const insecure = opts.insecure ?? (streamInsecure || old?.importPolicy?.insecure === true);
  const scheduled = opts.scheduled === true || old?.importPolicy?.scheduled === true;
  return { ...(insecure ? { insecure: true } : {}), ...(scheduled ? { scheduled: true } : {}), importMode: 'Legacy' };
}

/** Builds the ImageStreamImport oc would send, or throws the error oc would print without sending anything. */
export function planImport(opts: ImportImageOptions, stream: ImageStream | undefined): ImageStreamImport {
  const name = opts.stream;
  if (opts.all && opts.tag) throw new UsageError(`cannot specify a tag "${name}:${opts.tag}" as well as all tags`);
  const isi: ImageStreamImport = {
    kind: 'ImageStreamImport',
    apiVersion: 'image.openshift.io/v1',
    metadata: { name, namespace: opts.namespace, ...(stream?.metadata.resourceVersion ? { resourceVersion: stream.metadata.resourceVersion } : {}) },
    spec: { import: true },
  };
  if (!stream) {
    if (!opts.confirm) throw new ConfirmationRequiredError(`no image stream named "${name}" exists`, 'create');
    if (!opts.from) throw new UsageError('the image to import from is needed to create an image stream');
  }
  if (opts.all) {
    const current = stream?.spec.dockerImageRepository ?? '';
    const from = opts.from ?? current;
    if (!from) {
      // No repository to import: re-import every tag that comes from an external image, as oc does.
      const external = (stream?.spec.tags ?? []).filter((t) => t.from?.kind === 'DockerImage');
      if (!external.length) throw new UsageError('image stream does not have tags pointing to external container images');
      isi.spec.images = external.map((t) => ({
        from: { kind: 'DockerImage', name: t.from?.name as string },
        to: { name: t.name },
        importPolicy: importPolicy(opts, stream, t.name),
        referencePolicy: referencePolicy(opts),
      }));
      return isi;
    }
    if (stream && from !== current && !opts.confirm) {
      if (!current) throw new ConfirmationRequiredError('the image stream does not currently import an entire Docker repository');
      throw new ConfirmationRequiredError(`the image stream has a different import spec "${current}"`);
    }
    isi.spec.repository = { from: { kind: 'DockerImage', name: from }, importPolicy: importPolicy(opts, stream), referencePolicy: referencePolicy(opts) };
    return isi;
  }
  let tag = opts.tag ?? 'latest';
  let from = opts.from;
  if (stream) {
    const followed = followTagReference(stream, tag);
    switch (followed.error) {
      case 'invalid':
        throw new UsageError(`tag "${tag}" points to an invalid imagestreamtag`);
      case 'cross-stream':
        throw new UsageError(`tag "${tag}" points to an imagestreamtag from another ImageStream`);
      case 'circular':
        throw new UsageError(`tag "${tag}" on the image stream is a reference to same tag`);
      case 'not-found':
        if (!from && tag === 'latest') from = stream.spec.dockerImageRepository || undefined;
        if (!from)
          throw new UsageError(
            `the tag "${tag}" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
          );
        break;
      default: {
        const existing = followed.ref;
        if (existing?.from && existing.from.kind !== 'DockerImage') {
          throw new UsageError(`tag "${tag}" points to existing ${existing.from.kind} "${existing.from.name}", it cannot be re-imported`);
        }
        const current = existing?.from?.name;
        if (!current && !from) throw new UsageError(`tag "${tag}" has no source image to import from`);
        if (current && from && from !== current && !opts.confirm) {
          throw new ConfirmationRequiredError(`the image stream has a different import spec "${current}"`);
        }
        from ??= current;
        tag = followed.tag;
      }
    }
  }
  const image: ImageImportSpec = {
    from: { kind: 'DockerImage', name: from as string },
    to: { name: tag },
    importPolicy: importPolicy(opts, stream, tag),
    referencePolicy: referencePolicy(opts),
  };
  isi.spec.images = [image];
  return isi;
}

/** Imports one tag (or, with `all`, the repository) into an image stream. Never runs without being asked. */
export async function importImage(client: OpenShiftClient, opts: ImportImageOptions): Promise<ImportImageResult> {
  // A malformed source fails here, in Distribution's words, before any request.
  if (opts.from) parseNormalizedReference(opts.from);
  let stream: ImageStream | undefined;
  try {
    stream = await client.get<ImageStream>(imageApi(opts.namespace, 'imagestreams', opts.stream), { signal: opts.signal });
  } catch (e) {
    if (!(e instanceof KubernetesError && e.status === 404)) throw e;
  }
  const isi = planImport(opts, stream);
  const answer = await client.post<ImageStreamImport>(imageApi(opts.namespace, 'imagestreamimports'), isi, { signal: opts.signal });
  const images: ImportedImage[] = [];
  const requested = isi.spec.images ?? [];
  (answer.status?.images ?? []).forEach((img, i) => images.push(imported(img, img.tag ?? requested[i]?.to?.name ?? '')));
  const repo = answer.status?.repository;
  for (const img of repo?.images ?? []) images.push(imported(img, img.tag ?? ''));
  const repoFailed = repo?.status?.status === 'Failure';
  if (repoFailed && !repo?.images?.length) images.push({ tag: '', status: 'Failure', message: repo?.status.message, reason: repo?.status.reason });
  return {
    stream: answer.status?.import,
    created: !stream,
    images,
    ok: !repoFailed && images.every((i) => i.status === 'Success'),
    additionalTags: repo?.additionalTags ?? [],
  };
}

function imported(img: NonNullable<NonNullable<ImageStreamImport['status']>['images']>[number], tag: string): ImportedImage {
  const ok = img.status?.status === 'Success';
  return {
    tag,
    status: ok ? 'Success' : 'Failure',
    ...(ok ? {} : { message: img.status?.message, reason: img.status?.reason }),
    image: img.image?.metadata?.name,
    dockerImageReference: img.image?.dockerImageReference,
  };
}
