// `oc tag SRC DEST:TAG` and `oc tag -d IS:TAG` through the ImageStreamTag API. A source `is:tag` is
// resolved to the image it points at now (ImageStreamImage `is@sha256:...`), so the new tag does not
// move when the source does, unless it is an alias (`--alias`), which follows the source tag.
import { UsageError } from '../errors';
import { parseNormalizedReference } from '../reference/reference';
import type { OpenShiftClient } from './api';
import { getImageStreamTag, imageApi, splitIstag } from './imagestreams';
import type { ImageStreamTag, ObjectReference, Status } from './types';

/** Tag names as the API validates them. */
export const tagNamePattern = /^[\w][\w.-]{0,127}$/;

export function validateTagName(tag: string): void {
  if (!tagNamePattern.test(tag)) {
    throw new UsageError(`invalid tag name "${tag}": a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`);
  }
}

export type TagSourceKind = 'ImageStreamTag' | 'ImageStreamImage' | 'DockerImage';

export interface TagOptions {
  /** `is:tag`, `is@sha256:...`, or an external image `registry/repo:tag`. */
  source: string;
  /** Namespace of an image stream source (default: the destination namespace). */
  sourceNamespace?: string;
  /** Overrides the guess from the source's shape (`--source=docker|istag|isimage`). */
  sourceKind?: TagSourceKind;
  /** `is:tag` to set. */
  destination: string;
  namespace: string;
  /** Follow the source tag instead of pinning today's image. */
  alias?: boolean;
  /** Re-import an external source periodically. */
  scheduled?: boolean;
  insecure?: boolean;
  referencePolicy?: 'source' | 'local';
}

export interface TagResult {
  istag: ImageStreamTag;
  /** True when the server answered 201 (the tag, and possibly the stream, was created). */
  created: boolean;
  /** What oc prints: `Tag python:latest set to python@sha256:....` */
  message: string;
  from: ObjectReference;
}

/** The kind oc assumes for a source: anything with a registry host or a '/' is an external image. */
export function guessSourceKind(source: string): TagSourceKind {
  if (source.includes('/')) return 'DockerImage';
  if (source.includes('@')) return 'ImageStreamImage';
  return 'ImageStreamTag';
}

export async function tagImage(client: OpenShiftClient, opts: TagOptions): Promise<TagResult> {
  const dest = splitIstag(opts.destination);
  validateTagName(dest.tag);
  const kind = opts.sourceKind ?? guessSourceKind(opts.source);
  const srcNs = opts.sourceNamespace ?? opts.namespace;
  let from: ObjectReference;
  if (kind === 'DockerImage') {
    parseNormalizedReference(opts.source);
    from = { kind, name: opts.source };
  } else if (kind === 'ImageStreamImage') {
    from = { kind, name: opts.source, namespace: srcNs };
  } else {
    const istag = opts.source.includes(':') ? opts.source : `${opts.source}:latest`;
    const { stream } = splitIstag(istag);
    if (opts.alias) {
      from = { kind: 'ImageStreamTag', name: istag, namespace: srcNs };
    } else {
      // Pin the image the source tag points at right now.
      const current = await getImageStreamTag(client, srcNs, istag);
      const id = current.image?.metadata?.name;
      if (!id) throw new UsageError(`${istag} has no image yet: nothing to tag`);
      from = { kind: 'ImageStreamImage', name: `${stream}@${id}`, namespace: srcNs };
    }
  }
  if (opts.scheduled && kind !== 'DockerImage') throw new UsageError('only tags from an external image (DockerImage) can be scheduled for import');
  const body: ImageStreamTag = {
    kind: 'ImageStreamTag',
    apiVersion: 'image.openshift.io/v1',
    metadata: { name: opts.destination, namespace: opts.namespace },
    tag: {
      name: dest.tag,
      from,
      importPolicy: { ...(opts.scheduled ? { scheduled: true } : {}), ...(opts.insecure ? { insecure: true } : {}) },
      referencePolicy: { type: opts.referencePolicy === 'local' ? 'Local' : 'Source' },
    },
  };
  const res = await client.jsonWithStatus<ImageStreamTag>('PUT', imageApi(opts.namespace, 'imagestreamtags', opts.destination), { body });
  const shown = from.namespace && from.namespace !== opts.namespace ? `${from.namespace}/${from.name}` : from.name;
  return { istag: res.body, created: res.status === 201, message: `Tag ${opts.destination} set to ${shown}.`, from };
}

/** `oc tag -d IS:TAG`: removes the spec and status tag; 404 when neither exists. */
export async function deleteTag(client: OpenShiftClient, namespace: string, istag: string): Promise<string> {
  splitIstag(istag);
  await client.delete<Status>(imageApi(namespace, 'imagestreamtags', istag));
  return `Deleted tag ${namespace}/${istag}.`;
}
