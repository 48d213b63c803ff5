// Fills a registry with many repositories and tags fast, for paging tests (1,500 repositories, 2,500 tags).
// Pushing that many through HTTP or skopeo takes minutes; instead the files Distribution's filesystem driver
// reads are written straight into the data dir (same paths as its storage/paths.go: one shared set of blobs,
// per-repository link files). The registry then serves them through its real API (_catalog, tags/list,
// manifests, blobs). Works before start or while it runs: the config sets no blob descriptor cache.
// Start the registry with `memoryStorage: true`: on this disk 1,500 repositories take ~10-20 s, in RAM well under 1 s.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, hex } from './images';
import type { BuiltImage, ImageOptions } from './images';
import type { TestRegistry } from './registry';

function v2Root(dataDir: string): string {
  return join(dataDir, 'docker', 'registry', 'v2');
}

// Synchronous on purpose: thousands of tiny files, where promise and thread-pool overhead cost more than the writes.
function writeLink(dir: string, digest: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'link'), digest);
}

const writtenBlobs = new WeakMap<BuiltImage, Set<string>>();

/** Writes the image's blobs (and manifest) into the global blob store once per data dir. */
function storeBlobs(root: string, image: BuiltImage): void {
  let done = writtenBlobs.get(image);
  if (!done) writtenBlobs.set(image, (done = new Set()));
  if (done.has(root)) return;
  const all: [string, Buffer][] = [...image.blobs, [image.manifestDigest, image.manifest]];
  for (const [digest, data] of all) {
    const dir = join(root, 'blobs', 'sha256', hex(digest).slice(0, 2), hex(digest));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data'), data);
  }
  done.add(root);
}

/** Links an image (already in the blob store) into `repository` under `tags`. */
function linkImage(root: string, repository: string, image: BuiltImage, tags: string[]): void {
  const repo = join(root, 'repositories', repository);
  for (const d of image.blobs.keys()) writeLink(join(repo, '_layers', 'sha256', hex(d)), d);
  const m = image.manifestDigest;
  writeLink(join(repo, '_manifests', 'revisions', 'sha256', hex(m)), m);
  for (const tag of tags) linkTag(repo, tag, m);
}

/** A tag: its current pointer plus its index entry (what Distribution reads for tag lookups and deletes). */
function linkTag(repo: string, tag: string, manifestDigest: string): void {
  writeLink(join(repo, '_manifests', 'tags', tag, 'current'), manifestDigest);
  writeLink(join(repo, '_manifests', 'tags', tag, 'index', 'sha256', hex(manifestDigest)), manifestDigest);
}

export interface SeedOptions {
  /** Repository names are `${prefix}${zero-padded index}` (default "seed/repo-"), so they sort in index order. */
  prefix?: string;
  /** Tags each repository gets (default ["latest"]). */
  tags?: string[];
  /** The image linked everywhere (default: a tiny one-layer Docker schema 2 image built once). */
  image?: BuiltImage;
}

export interface SeedResult {
  repositories: string[];
  image: BuiltImage;
}

let tinyImage: Promise<BuiltImage> | undefined;

/** A small image shared by seeded repositories (built once per process). */
export function tinySeedImage(opts?: ImageOptions): Promise<BuiltImage> {
  if (opts) return buildImage({ layerSize: 64, ...opts });
  tinyImage ??= buildImage({ layerSize: 64 });
  return tinyImage;
}

/** Creates `count` repositories, each holding the same image under `tags`. Returns the names in catalog order. */
export async function seedRepositories(registry: TestRegistry, count: number, opts: SeedOptions = {}): Promise<SeedResult> {
  const image = opts.image ?? (await tinySeedImage());
  const root = v2Root(registry.dataDir);
  storeBlobs(root, image);
  const prefix = opts.prefix ?? 'seed/repo-';
  const width = String(Math.max(count - 1, 0)).length;
  const repositories = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(width, '0')}`);
  for (const r of repositories) linkImage(root, r, image, opts.tags ?? ['latest']);
  return { repositories, image };
}

/** Gives one repository `count` tags `${prefix}${zero-padded index}` (default "t-") on the same image. */
export async function seedTags(
  registry: TestRegistry,
  repository: string,
  count: number,
  opts: { prefix?: string; image?: BuiltImage } = {},
): Promise<{ tags: string[]; image: BuiltImage }> {
  const image = opts.image ?? (await tinySeedImage());
  const root = v2Root(registry.dataDir);
  storeBlobs(root, image);
  const width = String(Math.max(count - 1, 0)).length;
  const tags = Array.from({ length: count }, (_, i) => `${opts.prefix ?? 't-'}${String(i).padStart(width, '0')}`);
  linkImage(root, repository, image, []);
  const repo = join(root, 'repositories', repository);
  for (const tag of tags) linkTag(repo, tag, image.manifestDigest);
  return { tags, image };
}
