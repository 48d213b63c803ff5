// What `oc describe is NAME -n NS` shows, as data for a tree (imageStreamModel) and as the exact text oc
// prints (describeImageStream). Both come from one model so the tree and the describe view never disagree.
// Pure functions: `now` is a parameter, so ages are testable.
import { ago } from './age';
import { alignTabs } from './tabwriter';
import { prioritizeTags } from './tag-order';
import { followTagReference, specTag } from './tag-reference';
import type { ImageStream, NamedTagEventList, TagReference } from './types';

export interface HistoryItem {
  /** items[0]: the image the tag points at now (`*` in oc describe). */
  current: boolean;
  dockerImageReference: string;
  /** `sha256:...` image ID. */
  image: string;
  created: string;
  /** `5 minutes ago`. */
  age: string;
  /** Shown next to the age when the reference does not already name this ID (a by-tag reference). */
  showImageId: boolean;
}

export interface ImportFailure {
  reason: string;
  message: string;
  /** `! error: Import failed (Unauthorized): you may not have access to ...` */
  text: string;
  age: string;
}

export type SourceKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage' | 'other' | 'no-source' | 'no-spec';

export interface DescribedTag {
  tag: string;
  /** Alias tags of this stream that resolve to this one, in describe order (`latest`). */
  aliases: string[];
  /** `10-SCL (latest)` or `10-SCL`. */
  heading: string;
  sourceKind: SourceKind;
  /** The source as shown: `registry.redhat.io/rhscl/nodejs-10-rhel7`, `ns/is:tag`; '' without one. */
  sourceName: string;
  /** `tagged from X`, `updates automatically from registry X`, `reference to X`, `no spec tag`, ... */
  sourceLine: string;
  scheduled: boolean;
  insecure: boolean;
  /** referencePolicy Local. */
  localReference: boolean;
  /** The indented notes under the source line, in oc's order. */
  notes: string[];
  description?: string;
  /** From the `tags` annotation (`builder, nodejs`). */
  categories: string[];
  supports: string[];
  exampleRepo?: string;
  /** The spec changed and the server has not imported it yet. */
  importing: boolean;
  failures: ImportFailure[];
  /** Newest first; the first one is current. */
  history: HistoryItem[];
}

export interface DescribedImageStream {
  name: string;
  namespace?: string;
  created?: string;
  createdAge?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  description?: string;
  /** The public repository when routed, else the internal one (as oc's "Image Repository"). */
  imageRepository: string;
  internalRepository?: string;
  publicRepository?: string;
  lookupLocal: boolean;
  uniqueImages: number;
  /** How many tags oc counts (status tags plus spec-only tags, aliases included). */
  tagCount: number;
  /** Alias tags are folded into their target, so this can be shorter than tagCount. */
  tags: DescribedTag[];
}

function statusTag(stream: ImageStream, tag: string): NamedTagEventList | undefined {
  return (stream.status?.tags ?? []).find((t) => t.tag === tag);
}

function sourceOf(
  stream: ImageStream,
  ref: TagReference | undefined,
): Pick<DescribedTag, 'sourceKind' | 'sourceName' | 'sourceLine' | 'scheduled' | 'insecure'> {
  if (!ref) return { sourceKind: 'no-spec', sourceName: '', sourceLine: 'no spec tag', scheduled: false, insecure: false };
  if (!ref.from) return { sourceKind: 'no-source', sourceName: '', sourceLine: 'tag without source image', scheduled: false, insecure: false };
  const from = ref.from;
  const name = from.namespace && from.namespace !== stream.metadata.namespace ? `${from.namespace}/${from.name}` : from.name;
  const scheduled = ref.importPolicy?.scheduled === true;
  const insecure = ref.importPolicy?.insecure === true;
  const base = { sourceName: name, scheduled, insecure };
  switch (from.kind) {
    case 'ImageStreamTag':
      return {
        ...base,
        sourceKind: 'ImageStreamTag',
        sourceLine: ref.reference ? `reference to ${name}` : scheduled ? `updates automatically from ${name}` : `tagged from ${name}`,
      };
    case 'DockerImage':
      return {
        ...base,
        sourceKind: 'DockerImage',
        sourceLine: ref.reference ? `reference to registry ${name}` : scheduled ? `updates automatically from registry ${name}` : `tagged from ${name}`,
      };
    case 'ImageStreamImage':
      return { ...base, sourceKind: 'ImageStreamImage', sourceLine: ref.reference ? `reference to image ${name}` : `tagged from ${name}` };
    default:
      return { ...base, sourceKind: 'other', sourceLine: ref.reference ? `reference to ${from.kind} ${name}` : `updates from ${from.kind} ${name}` };
  }
}

function latestObservedGeneration(list: NamedTagEventList | undefined): number {
  if (!list) return 0;
  let gen = 0;
  const first = list.items?.[0];
  if (first && first.generation > gen) gen = first.generation;
  const cond = (list.conditions ?? []).find((c) => c.type === 'ImportSuccess');
  if (cond && cond.generation > gen) gen = cond.generation;
  return gen;
}

function idOfReference(ref: string): string {
  // The digest of `repo@sha256:...`; a by-tag reference has none.
  const at = ref.lastIndexOf('@');
  return at >= 0 ? ref.slice(at + 1) : '';
}

function splitList(v: string | undefined): string[] {
  return v ? v.split(',') : [];
}

export function imageStreamModel(stream: ImageStream, now: Date = new Date()): DescribedImageStream {
  const meta = stream.metadata;
  const statusTags = stream.status?.tags ?? [];
  const specTags = stream.spec.tags ?? [];

  // oc's "Unique Images" counts image IDs (and, for items without one, a single empty key).
  const images = new Set<string>();
  for (const t of statusTags) for (const item of t.items ?? []) if (item.image || item.dockerImageReference) images.add(item.image);

  const tagNames = statusTags.map((t) => t.tag);
  const aliasesOf = new Map<string, string[]>();
  const isAlias = new Set<string>();
  for (const t of specTags) {
    const followed = followTagReference(stream, t.name);
    if (!followed.error && followed.multiple) {
      isAlias.add(t.name);
      aliasesOf.set(followed.tag, [...(aliasesOf.get(followed.tag) ?? []), t.name]);
    }
    if (!statusTag(stream, t.name)) tagNames.push(t.name);
  }

  const tags: DescribedTag[] = [];
  for (const tag of prioritizeTags(tagNames)) {
    if (isAlias.has(tag)) continue;
    const list = statusTag(stream, tag);
    const ref = specTag(stream, tag);
    const aliases = prioritizeTags(aliasesOf.get(tag) ?? []);
    const source = sourceOf(stream, ref);
    const localReference = ref?.referencePolicy?.type === 'Local';
    const notes: string[] = [];
    if (source.insecure) notes.push('will use insecure HTTPS or HTTP connections');
    if (localReference) notes.push('prefer registry pullthrough when referencing this tag');
    const ann = ref?.annotations ?? {};
    const importing = Boolean(ref?.from && !ref.reference && typeof ref.generation === 'number' && ref.generation > latestObservedGeneration(list));
    const failures: ImportFailure[] = (list?.conditions ?? [])
      .filter((c) => c.type === 'ImportSuccess' && c.status === 'False')
      .map((c) => ({
        reason: c.reason ?? '',
        message: c.message ?? '',
        text: `! error: Import failed (${c.reason ?? ''}): ${c.message ?? ''}`,
        age: ago(c.lastTransitionTime, now),
      }));
    const history: HistoryItem[] = (list?.items ?? []).map((item, i) => {
      const id = idOfReference(item.dockerImageReference);
      return {
        current: i === 0,
        dockerImageReference: item.dockerImageReference,
        image: item.image,
        created: item.created,
        age: ago(item.created, now),
        showImageId: Boolean(item.image) && id !== item.image,
      };
    });
    tags.push({
      tag,
      aliases,
      heading: aliases.length ? `${tag} (${aliases.join(', ')})` : tag,
      ...source,
      localReference,
      notes,
      description: ann.description || undefined,
      categories: splitList(ann.tags),
      supports: splitList(ann.supports),
      exampleRepo: ann.sampleRepo || undefined,
      importing,
      failures,
      history,
    });
  }

  const internal = stream.status?.dockerImageRepository || undefined;
  const pub = stream.status?.publicDockerImageRepository || undefined;
  const annotations = { ...(meta.annotations ?? {}) };
  const description = annotations.description || undefined;
  delete annotations.description;
  return {
    name: meta.name,
    namespace: meta.namespace || undefined,
    created: meta.creationTimestamp || undefined,
    createdAge: meta.creationTimestamp ? ago(meta.creationTimestamp, now) : undefined,
    labels: meta.labels ?? {},
    annotations,
    description,
    imageRepository: pub ?? internal ?? '',
    internalRepository: internal,
    publicRepository: pub,
    lookupLocal: stream.spec.lookupPolicy?.local === true,
    uniqueImages: images.size,
    tagCount: tagNames.length,
    tags,
  };
}

// --- text, as oc prints it ---------------------------------------------------------------------

function orNone(v: string): string {
  return v.length ? v : '<none>';
}

/** Go's formatString: `Label:` then each line of the value after a tab. */
function field(label: string, value: string): string {
  return (
    `${label}:` +
    orNone(value)
      .split('\n')
      .map((l) => `\t${l}\n`)
      .join('')
  );
}

function byteSorted(keys: string[]): string[] {
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Go's formatMapStringString: the first pair as a field, the others after a bare tab. */
function mapField(label: string, items: Record<string, string>): string {
  const keys = byteSorted(Object.keys(items));
  if (keys.length === 0) return field(label, '');
  return keys.map((k, i) => (i === 0 ? field(label, `${k}=${items[k]}`) : `\t${k}=${items[k]}\n`)).join('');
}

function tagText(t: DescribedTag): string {
  let s = `${t.heading}\n  ${t.sourceLine}\n`;
  for (const n of t.notes) s += `    ${n}\n`;
  s += '\n';
  let extra = false;
  if (t.description) {
    s += `  ${t.description}\n`;
    extra = true;
  }
  if (t.categories.length) {
    s += `  Tags: ${t.categories.join(', ')}\n`;
    extra = true;
  }
  if (t.supports.length) {
    s += `  Supports: ${t.supports.join(', ')}\n`;
    extra = true;
  }
  if (t.exampleRepo) {
    s += `  Example Repo: ${t.exampleRepo}\n`;
    extra = true;
  }
  if (extra) s += '\n';
  if (t.importing) s += '  ~ importing latest image ...\n';
  for (const f of t.failures) s += `  ${f.text}\n      ${f.age}\n`;
  for (const h of t.history) {
    s += h.current ? `  * ${h.dockerImageReference}\n` : `    ${h.dockerImageReference}\n`;
    s += h.showImageId ? `      ${h.age}\t${h.image}\n` : `      ${h.age}\n`;
  }
  return s;
}

/** Exactly what `oc describe is NAME -n NS` prints for this image stream (tabs included). */
export function describeImageStream(stream: ImageStream, now: Date = new Date()): string {
  const m = imageStreamModel(stream, now);
  let s = field('Name', m.name);
  if (m.namespace) s += field('Namespace', m.namespace);
  if (m.createdAge) s += `Created:\t${m.createdAge}\n`;
  s += mapField('Labels', m.labels);
  if (m.description) s += field('Description', m.description);
  s += mapField('Annotations', m.annotations);
  s += field('Image Repository', m.imageRepository);
  s += field('Image Lookup', `local=${m.lookupLocal}`);
  if (m.tagCount === 0) {
    s += 'Tags:\t<none>\n';
  } else {
    s += `Unique Images:\t${m.uniqueImages}\nTags:\t${m.tagCount}\n\n`;
    s += m.tags.map(tagText).join('\n');
  }
  return alignTabs(s);
}
