// Reading image streams and image stream tags (image.openshift.io/v1).
import { UsageError } from '../errors';
import type { OpenShiftClient } from './api';
import { seg } from './api';
import type { ImageStream, ImageStreamTag, ListOf } from './types';

export function imageApi(namespace: string, resource: string, name?: string): string {
  return `/apis/image.openshift.io/v1/namespaces/${seg(namespace)}/${resource}${name === undefined ? '' : `/${seg(name)}`}`;
}

export async function listImageStreams(client: OpenShiftClient, namespace: string): Promise<ImageStream[]> {
  const list = await client.get<ListOf<ImageStream>>(imageApi(namespace, 'imagestreams'));
  return (list.items ?? []).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

export function getImageStream(client: OpenShiftClient, namespace: string, name: string): Promise<ImageStream> {
  return client.get<ImageStream>(imageApi(namespace, 'imagestreams', name));
}

/** `IS:TAG` split into its parts; a name without ':' is not an image stream tag. */
export function splitIstag(name: string): { stream: string; tag: string } {
  const i = name.indexOf(':');
  if (i <= 0 || i === name.length - 1) throw new UsageError(`"${name}" is not an image stream tag: use IMAGESTREAM:TAG`);
  return { stream: name.slice(0, i), tag: name.slice(i + 1) };
}

export function getImageStreamTag(client: OpenShiftClient, namespace: string, istag: string): Promise<ImageStreamTag> {
  splitIstag(istag);
  return client.get<ImageStreamTag>(imageApi(namespace, 'imagestreamtags', istag));
}

export async function listImageStreamTags(client: OpenShiftClient, namespace: string): Promise<ImageStreamTag[]> {
  const list = await client.get<ListOf<ImageStreamTag>>(imageApi(namespace, 'imagestreamtags'));
  return list.items ?? [];
}

/** The pull specs of a stream: internal (`image-registry.openshift-image-registry.svc:5000/ns/is`) and public, when routed. */
export function pullSpecs(stream: ImageStream): { internal?: string; public?: string } {
  return { internal: stream.status?.dockerImageRepository || undefined, public: stream.status?.publicDockerImageRepository || undefined };
}
