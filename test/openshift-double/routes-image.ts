// image.openshift.io/v1: image streams, image stream tags (get/list/put/delete) and ImageStreamImport,
// which resolves each `from` against the real registry it names.
import type {
  ImageImportStatus,
  ImageStream,
  ImageStreamImport,
  ImageStreamTag,
  NamedTagEventList,
  TagEvent,
  TagReference,
} from '../../src/core/openshift/types';
import type { Ctx, Reply, RouteDef } from './context';
import { list } from './context';
import type { Credentials, ImportedManifest, Importer } from './importer';
import { ImportFailure } from './importer';
import { internalRegistryHostname } from './state';
import type { DoubleState } from './state';
import { alreadyExists, badRequest, conflict, invalid, notFound, success } from './status';

const group = 'image.openshift.io';
const apiVersion = 'image.openshift.io/v1';
const base = '^/apis/image\\.openshift\\.io/v1/namespaces/(?<ns>[^/]+)';

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The stream as served: repositories filled in from the cluster (public only once the route exists). */
function view(ctx: Ctx, is: ImageStream): ImageStream {
  const ns = is.metadata.namespace as string;
  const host = ctx.state.routeHost();
  return {
    kind: 'ImageStream',
    apiVersion,
    ...is,
    status: {
      ...is.status,
      dockerImageRepository: `${internalRegistryHostname}/${ns}/${is.metadata.name}`,
      ...(host ? { publicDockerImageRepository: `${host}/${ns}/${is.metadata.name}` } : {}),
      tags: is.status?.tags ?? [],
    },
  };
}

function requireNamespace(ctx: Ctx, ns: string): void {
  if (!ctx.state.namespaces.has(ns)) throw notFound('namespaces', '', ns);
}

function splitName(name: string): { stream: string; tag: string } {
  const i = name.indexOf(':');
  if (i <= 0 || i === name.length - 1) throw badRequest(`"${name}" is an invalid imagestreamtag name: it must be of the form <stream_name>:<tag>`);
  return { stream: name.slice(0, i), tag: name.slice(i + 1) };
}

function newStream(ctx: Ctx, ns: string, name: string): ImageStream {
  return {
    kind: 'ImageStream',
    apiVersion,
    metadata: ctx.state.meta(name, ns, { generation: 0 }),
    spec: { lookupPolicy: { local: false }, tags: [] },
    status: { dockerImageRepository: '', tags: [] },
  };
}

function statusList(is: ImageStream, tag: string): NamedTagEventList {
  is.status ??= {};
  is.status.tags ??= [];
  let l = is.status.tags.find((t) => t.tag === tag);
  if (!l) {
    l = { tag, items: null };
    is.status.tags.push(l);
  }
  return l;
}

function setSpecTag(is: ImageStream, ref: TagReference): boolean {
  is.spec.tags ??= [];
  const i = is.spec.tags.findIndex((t) => t.name === ref.name);
  if (i >= 0) is.spec.tags[i] = ref;
  else is.spec.tags.push(ref);
  return i < 0;
}

/** A new current image for a tag (newest first); the same image again only refreshes the generation. */
function recordImage(is: ImageStream, tag: string, item: Omit<TagEvent, 'created'>): void {
  const l = statusList(is, tag);
  const items = l.items ?? [];
  if (items[0]?.image === item.image) items[0].generation = item.generation;
  else items.unshift({ created: now(), ...item });
  l.items = items;
  l.conditions = (l.conditions ?? []).filter((c) => c.type !== 'ImportSuccess');
  if (!l.conditions.length) delete l.conditions;
}

function recordFailure(is: ImageStream, tag: string, f: ImportFailure, generation: number): void {
  const l = statusList(is, tag);
  l.conditions = [{ type: 'ImportSuccess', status: 'False', lastTransitionTime: now(), reason: f.reason, message: f.message, generation }];
}

function bump(state: DoubleState, is: ImageStream): number {
  is.metadata.generation = (is.metadata.generation ?? 0) + 1;
  is.metadata.resourceVersion = state.nextResourceVersion();
  return is.metadata.generation;
}

function imageObject(m: ImportedManifest): NonNullable<ImageImportStatus['image']> {
  return {
    metadata: { name: m.digest, annotations: { 'image.openshift.io/dockerLayersOrder': 'ascending' }, creationTimestamp: now() },
    dockerImageReference: m.dockerImageReference,
    dockerImageManifestMediaType: m.mediaType,
    dockerImageLayers: m.layers,
    dockerImageMetadata: { kind: 'DockerImage', apiVersion: '1.0' },
  };
}

function failureStatus(f: ImportFailure): ImageImportStatus['status'] {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: f.message,
    reason: f.reason,
    ...(f.details ? { details: f.details } : {}),
    code: f.code,
  };
}

/** Registry credentials from the namespace's dockerconfigjson secrets, as the cluster's importer uses them. */
export function pullCredentials(state: DoubleState, ns: string): Credentials {
  return (host) => {
    for (const [k, secret] of state.secrets) {
      if (!k.startsWith(`${ns}/`) || secret.type !== 'kubernetes.io/dockerconfigjson') continue;
      try {
        const auths =
          (
            JSON.parse(Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8')) as {
              auths?: Record<string, { username?: string; password?: string; auth?: string }>;
            }
          ).auths ?? {};
        for (const [server, entry] of Object.entries(auths)) {
          if (server.replace(/^https?:\/\//, '').split('/')[0] !== host) continue;
          if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
          if (entry.auth) {
            const d = Buffer.from(entry.auth, 'base64').toString('utf8');
            const i = d.indexOf(':');
            return { username: d.slice(0, i), password: d.slice(i + 1) };
          }
        }
      } catch {
        // an unreadable secret is skipped, as the importer does
      }
    }
    return undefined;
  };
}

async function resolveOrFail(ctx: Ctx, from: string, insecure: boolean): Promise<ImportedManifest | ImportFailure> {
  try {
    return await ctx.importer.resolve(from, insecure, pullCredentials(ctx.state, ctx.params.ns as string));
  } catch (e) {
    if (e instanceof ImportFailure) return e;
    throw e;
  }
}

function istagView(is: ImageStream, tag: string): ImageStreamTag {
  const current = is.status?.tags?.find((t) => t.tag === tag)?.items?.[0];
  if (!current) throw notFound('imagestreamtags', group, `${is.metadata.name}:${tag}`);
  const spec = is.spec.tags?.find((t) => t.name === tag) ?? null;
  return {
    kind: 'ImageStreamTag',
    apiVersion,
    metadata: {
      name: `${is.metadata.name}:${tag}`,
      namespace: is.metadata.namespace,
      uid: is.metadata.uid,
      resourceVersion: is.metadata.resourceVersion,
      creationTimestamp: current.created,
    },
    tag: spec,
    generation: current.generation,
    lookupPolicy: is.spec.lookupPolicy ?? { local: false },
    image: { metadata: { name: current.image, creationTimestamp: current.created }, dockerImageReference: current.dockerImageReference },
  };
}

/** The image an ImageStreamImage `is@sha256:...` names, from any tag's history of that stream. */
function findImage(ctx: Ctx, ns: string, name: string): TagEvent {
  const at = name.indexOf('@');
  const streamName = name.slice(0, at);
  const id = name.slice(at + 1);
  const is = at > 0 ? ctx.state.imageStream(ns, streamName) : undefined;
  for (const t of is?.status?.tags ?? []) for (const item of t.items ?? []) if (item.image === id) return item;
  throw notFound('imagestreamimages', group, name);
}

async function putIstag(ctx: Ctx): Promise<Reply> {
  const ns = ctx.params.ns as string;
  const name = ctx.params.name as string;
  ctx.authorize('update', group, 'imagestreamtags', name, ns);
  const { stream, tag } = splitName(name);
  requireNamespace(ctx, ns);
  const body = ctx.json<ImageStreamTag>();
  if (!body.tag) throw invalid('ImageStreamTag', group, name, 'tag', 'Required value: tag is required');
  if (!/^[\w][\w.-]{0,127}$/.test(tag))
    throw invalid('ImageStreamTag', group, name, 'metadata.name', `Invalid value: "${tag}": must match "[\\w][\\w.-]{0,127}"`);
  const from = body.tag.from;
  let is = ctx.state.imageStream(ns, stream);
  const rv = body.metadata?.resourceVersion;
  if (rv && is && rv !== is.metadata.resourceVersion) throw conflict('imagestreamtags', group, name);
  let resolved: Omit<TagEvent, 'created'> | undefined;
  let failure: ImportFailure | undefined;
  if (from?.kind === 'ImageStreamImage') {
    const srcNs = from.namespace || ns;
    if (srcNs !== ns) ctx.authorize('get', group, 'imagestreams/layers', from.name.split('@')[0], srcNs);
    const item = findImage(ctx, srcNs, from.name);
    resolved = { dockerImageReference: item.dockerImageReference, image: item.image, generation: 0 };
  } else if (from?.kind === 'ImageStreamTag') {
    const srcNs = from.namespace || ns;
    const target = from.name.includes(':') ? splitName(from.name) : { stream, tag: from.name };
    if (srcNs !== ns) ctx.authorize('get', group, 'imagestreams/layers', target.stream, srcNs);
    const src = ctx.state.imageStream(srcNs, target.stream);
    const item = src?.status?.tags?.find((t) => t.tag === target.tag)?.items?.[0];
    if (!item) throw notFound('imagestreamtags', group, `${target.stream}:${target.tag}`);
    resolved = { dockerImageReference: item.dockerImageReference, image: item.image, generation: 0 };
  } else if (from?.kind === 'DockerImage') {
    const r = await resolveOrFail(ctx, from.name, body.tag.importPolicy?.insecure === true);
    if (r instanceof ImportFailure) failure = r;
    else resolved = { dockerImageReference: r.dockerImageReference, image: r.digest, generation: 0 };
  } else if (from) {
    throw invalid(
      'ImageStreamTag',
      group,
      name,
      'tag.from.kind',
      `Unsupported value: "${from.kind}": supported values: "DockerImage", "ImageStreamImage", "ImageStreamTag"`,
    );
  }
  const streamCreated = !is;
  is ??= newStream(ctx, ns, stream);
  const gen = bump(ctx.state, is);
  const created = setSpecTag(is, { ...body.tag, name: tag, generation: gen });
  if (resolved) recordImage(is, tag, { ...resolved, generation: gen });
  if (failure) recordFailure(is, tag, failure, gen);
  ctx.state.putImageStream(is);
  const answer = resolved
    ? istagView(is, tag)
    : { kind: 'ImageStreamTag', apiVersion, metadata: { name, namespace: ns, resourceVersion: is.metadata.resourceVersion }, tag: body.tag, generation: gen };
  return { status: created || streamCreated ? 201 : 200, body: answer };
}

/** A POST to a namespaced collection: authorized, in an existing namespace, with a name. */
function createTarget<T extends { metadata: { name: string } }>(ctx: Ctx, resource: string, kind: string): { ns: string; body: T; name: string } {
  const ns = ctx.params.ns as string;
  ctx.authorize('create', group, resource, undefined, ns);
  requireNamespace(ctx, ns);
  const body = ctx.json<T>();
  const name = body.metadata?.name;
  if (!name) throw invalid(kind, group, '', 'metadata.name', 'Required value: name or generateName is required');
  return { ns, body, name };
}

async function imageStreamImport(ctx: Ctx): Promise<Reply> {
  const { ns, body: isi, name } = createTarget<ImageStreamImport>(ctx, 'imagestreamimports', 'ImageStreamImport');
  const existing = ctx.state.imageStream(ns, name);
  const rv = isi.metadata.resourceVersion;
  if (rv && (!existing || existing.metadata.resourceVersion !== rv)) {
    throw conflict('imagestreams', group, name, `the image stream was updated from "${rv}" to "${existing?.metadata.resourceVersion ?? ''}"`);
  }
  if (!existing && isi.spec.import) ctx.authorize('create', group, 'imagestreams', undefined, ns);
  const doImport = isi.spec.import === true;
  // Work on a copy: nothing is stored unless this is a real import (import: false is a dry run).
  const is: ImageStream = existing ? (JSON.parse(JSON.stringify(existing)) as ImageStream) : newStream(ctx, ns, name);
  const gen = bump(ctx.state, is);
  const images: ImageImportStatus[] = [];
  for (const spec of isi.spec.images ?? []) {
    if (spec.from?.kind !== 'DockerImage')
      throw invalid('ImageStreamImport', group, name, 'spec.images[0].from.kind', `Unsupported value: "${spec.from?.kind}": supported values: "DockerImage"`);
    const to = spec.to?.name;
    const r = await resolveOrFail(ctx, spec.from.name, spec.importPolicy?.insecure === true);
    if (to)
      setSpecTag(is, {
        name: to,
        annotations: null,
        from: { kind: 'DockerImage', name: spec.from.name },
        generation: gen,
        importPolicy: spec.importPolicy ?? {},
        referencePolicy: spec.referencePolicy ?? { type: 'Source' },
      });
    if (r instanceof ImportFailure) {
      images.push({ status: failureStatus(r), ...(to ? { tag: to } : {}) });
      if (to) recordFailure(is, to, r, gen);
    } else {
      images.push({
        status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 },
        ...(to ? { tag: to } : {}),
        image: imageObject(r),
      });
      if (to) recordImage(is, to, { dockerImageReference: r.dockerImageReference, image: r.digest, generation: gen });
    }
  }
  let repository: NonNullable<ImageStreamImport['status']>['repository'];
  if (isi.spec.repository) {
    const from = isi.spec.repository.from.name;
    const insecure = isi.spec.repository.importPolicy?.insecure === true;
    is.spec.dockerImageRepository = from;
    try {
      const tags = await ctx.importer.tags(from, insecure, pullCredentials(ctx.state, ns));
      // OpenShift imports at most a limited number of tags per repository import; the rest are reported.
      const limit = 50;
      const repoImages: ImageImportStatus[] = [];
      for (const tag of tags.slice(0, limit)) {
        const r = await resolveOrFail(ctx, `${from}:${tag}`, insecure);
        const ref: TagReference = {
          name: tag,
          annotations: null,
          from: { kind: 'DockerImage', name: `${from}:${tag}` },
          generation: gen,
          importPolicy: isi.spec.repository.importPolicy ?? {},
          referencePolicy: isi.spec.repository.referencePolicy ?? { type: 'Source' },
        };
        setSpecTag(is, ref);
        if (r instanceof ImportFailure) {
          repoImages.push({ status: failureStatus(r), tag });
          recordFailure(is, tag, r, gen);
        } else {
          repoImages.push({ status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 }, tag, image: imageObject(r) });
          recordImage(is, tag, { dockerImageReference: r.dockerImageReference, image: r.digest, generation: gen });
        }
      }
      repository = {
        status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 },
        images: repoImages,
        additionalTags: tags.slice(limit),
      };
    } catch (e) {
      if (!(e instanceof ImportFailure)) throw e;
      repository = { status: failureStatus(e) };
    }
  }
  if (doImport) ctx.state.putImageStream(is);
  return {
    status: 201,
    body: {
      ...isi,
      metadata: { ...isi.metadata, namespace: ns, creationTimestamp: now() },
      status: { ...(doImport ? { import: view(ctx, is) } : {}), images, ...(repository ? { repository } : {}) },
    },
  };
}

/**
 * One pass of the cluster's scheduled-import controller: every spec tag with `importPolicy.scheduled` from a
 * DockerImage is re-resolved, and moves when the registry now has another image. Returns the tags that moved.
 * (Tags without a schedule never move on their own.)
 */
export async function runScheduledImports(state: DoubleState, importer: Importer): Promise<string[]> {
  const moved: string[] = [];
  for (const is of state.imagestreams.values()) {
    const ns = is.metadata.namespace as string;
    for (const t of is.spec.tags ?? []) {
      if (!t.importPolicy?.scheduled || t.from?.kind !== 'DockerImage') continue;
      const before = is.status?.tags?.find((x) => x.tag === t.name)?.items?.[0]?.image;
      try {
        const r = await importer.resolve(t.from.name, t.importPolicy.insecure === true, pullCredentials(state, ns));
        if (r.digest === before) continue;
        recordImage(is, t.name, { dockerImageReference: r.dockerImageReference, image: r.digest, generation: is.metadata.generation ?? 0 });
        moved.push(`${ns}/${is.metadata.name}:${t.name}`);
      } catch (e) {
        if (!(e instanceof ImportFailure)) throw e;
        recordFailure(is, t.name, e, is.metadata.generation ?? 0);
      }
      is.metadata.resourceVersion = state.nextResourceVersion();
    }
  }
  return moved;
}

/** The `is:tag` in the path, after the caller is authorized for the verb on it. */
function istagTarget(ctx: Ctx, verb: string): { n: string; tag: string; is: ImageStream | undefined } {
  const n = ctx.params.name as string;
  ctx.authorize(verb, group, 'imagestreamtags', n, ctx.params.ns);
  const { stream: s, tag } = splitName(n);
  return { n, tag, is: ctx.state.imageStream(ctx.params.ns as string, s) };
}

export function imageRoutes(): RouteDef[] {
  const streams = new RegExp(`${base}/imagestreams$`);
  const stream = new RegExp(`${base}/imagestreams/(?<name>[^/]+)$`);
  const istags = new RegExp(`${base}/imagestreamtags$`);
  const istag = new RegExp(`${base}/imagestreamtags/(?<name>[^/]+)$`);
  return [
    {
      method: 'GET',
      pattern: streams,
      handler: (ctx) => {
        ctx.authorize('list', group, 'imagestreams', undefined, ctx.params.ns);
        const items = [...ctx.state.imagestreams.values()].filter((i) => i.metadata.namespace === ctx.params.ns).map((i) => view(ctx, i));
        return list('ImageStreamList', apiVersion, items, ctx.state.nextResourceVersion());
      },
    },
    {
      method: 'POST',
      pattern: streams,
      handler: (ctx) => {
        const { ns, body, name: n } = createTarget<ImageStream>(ctx, 'imagestreams', 'ImageStream');
        if (ctx.state.imageStream(ns, n)) throw alreadyExists('imagestreams', group, n);
        const is: ImageStream = {
          kind: 'ImageStream',
          apiVersion,
          metadata: ctx.state.meta(n, ns, { ...body.metadata, generation: 1 }),
          spec: body.spec ?? {},
          status: { tags: [] },
        };
        is.metadata.namespace = ns;
        ctx.state.putImageStream(is);
        return { status: 201, body: view(ctx, is) };
      },
    },
    {
      method: 'GET',
      pattern: stream,
      handler: (ctx) => {
        ctx.authorize('get', group, 'imagestreams', ctx.params.name, ctx.params.ns);
        const is = ctx.state.imageStream(ctx.params.ns as string, ctx.params.name as string);
        if (!is) throw notFound('imagestreams', group, ctx.params.name as string);
        return { status: 200, body: view(ctx, is) };
      },
    },
    {
      method: 'PUT',
      pattern: stream,
      handler: (ctx) => {
        const ns = ctx.params.ns as string;
        const n = ctx.params.name as string;
        ctx.authorize('update', group, 'imagestreams', n, ns);
        const existing = ctx.state.imageStream(ns, n);
        if (!existing) throw notFound('imagestreams', group, n);
        const body = ctx.json<ImageStream>();
        if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== existing.metadata.resourceVersion) throw conflict('imagestreams', group, n);
        existing.spec = body.spec ?? existing.spec;
        existing.metadata.labels = body.metadata?.labels ?? existing.metadata.labels;
        existing.metadata.annotations = body.metadata?.annotations ?? existing.metadata.annotations;
        bump(ctx.state, existing);
        return { status: 200, body: view(ctx, existing) };
      },
    },
    {
      method: 'DELETE',
      pattern: stream,
      handler: (ctx) => {
        ctx.authorize('delete', group, 'imagestreams', ctx.params.name, ctx.params.ns);
        const k = `${ctx.params.ns}/${ctx.params.name}`;
        if (!ctx.state.imagestreams.has(k)) throw notFound('imagestreams', group, ctx.params.name as string);
        ctx.state.imagestreams.delete(k);
        return { status: 200, body: success('imagestreams', group, ctx.params.name as string) };
      },
    },
    {
      method: 'GET',
      pattern: istags,
      handler: (ctx) => {
        ctx.authorize('list', group, 'imagestreamtags', undefined, ctx.params.ns);
        const items: ImageStreamTag[] = [];
        for (const is of ctx.state.imagestreams.values()) {
          if (is.metadata.namespace !== ctx.params.ns) continue;
          for (const t of is.status?.tags ?? []) if (t.items?.length) items.push(istagView(is, t.tag));
        }
        return list('ImageStreamTagList', apiVersion, items, ctx.state.nextResourceVersion());
      },
    },
    {
      method: 'GET',
      pattern: istag,
      handler: (ctx) => {
        const { n, tag, is } = istagTarget(ctx, 'get');
        if (!is) throw notFound('imagestreamtags', group, n);
        return { status: 200, body: istagView(is, tag) };
      },
    },
    { method: 'PUT', pattern: istag, handler: putIstag },
    {
      method: 'DELETE',
      pattern: istag,
      handler: (ctx) => {
        const { n, tag, is } = istagTarget(ctx, 'delete');
        const inSpec = is?.spec.tags?.some((t) => t.name === tag);
        const inStatus = is?.status?.tags?.some((t) => t.tag === tag);
        if (!is || (!inSpec && !inStatus)) throw notFound('imagestreamtags', group, n);
        is.spec.tags = (is.spec.tags ?? []).filter((t) => t.name !== tag);
        if (is.status) is.status.tags = (is.status.tags ?? []).filter((t) => t.tag !== tag);
        bump(ctx.state, is);
        return { status: 200, body: success('imagestreamtags', group, n) };
      },
    },
    { method: 'POST', pattern: new RegExp(`${base}/imagestreamimports$`), handler: imageStreamImport },
  ];
}
