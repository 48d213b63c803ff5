import * as vscode from 'vscode';
import { imageSize, manifestImageSize } from '../../core/image/image-size';
import { maxConfigBytes } from '../../core/image/limits';
import { isIndexMediaType } from '../../core/image/mediatypes';
import type { ImageIndex, ImageManifest } from '../../core/image/mediatypes';
import { formatPlatform } from '../../core/image/platform';
import type { Page } from '../../core/registry/client';
import type { Ctx } from '../ctx';
import { Disposable } from '../disposable';
import { Limiter } from '../limiter';
import { secretStorageSource } from '../logins';
import type { ConfiguredRegistry } from '../registry-settings';
import { describeFailure } from './failure';
import type { Listing } from './failure';
import { namespaceRepositories } from '../../core/registry/search';
import type { SearchApi } from '../../core/registry/search';
import { searchApiOf } from './search-api';
import { isSupplyChainTag } from '../../core/supply-chain/presence';
import { DOCKER_REFERENCE_TYPE } from '../../core/supply-chain/kinds';
import { SupplyChains, subjectRow } from '../supply-chain/supply-chains';
import type { SupplyChainFound } from '../supply-chain/supply-chains';
import { PolicyVerdicts } from '../supply-chain/policy-verdicts';
import type { JudgedImage } from '../supply-chain/policy-verdicts';
import { signatureCheck, simpleSignatureCheck, tagTrust } from '../supply-chain/signature-states';
import type { SimpleSignatures } from '../supply-chain/rows';
import type { SimpleSignatureRow } from '../supply-chain/simple-signatures';
import type { Judgement } from '../supply-chain/signature-states';
import type { SubjectNode } from '../../core/supply-chain/discover';
import type { LoginInfo, MessageNode, Node, PagedNode, RegistryNode, RepositoryNode, TagDetails, TagNode } from './nodes';
import { errorId, loadMoreId, messageId, namespaceId, platformId, registryId, repositoryId, tagId, tagIdPrefix } from './ids';
import { groupRepositories, matchesFilter } from './repository-groups';
import { tagPage } from './tag-page';
import { toTreeItem } from './tree-items';

export const registriesViewId = 'registryExplorer.registries';
const filtersKey = 'registryExplorer.filters';
const tagFiltersKey = 'registryExplorer.tagFilters';

/** What has been loaded of one paged list (a catalog, a repository's tags). */
interface Loaded {
  items: string[];
  next: string | undefined;
  failure: unknown;
  /** Tags only: `items` in the order shown, sorted once per page that arrived. */
  sorted?: string[];
  /** Tags only: how many of them the tree shows (a registry may send thousands in one answer). */
  shown?: number;
}

/**
 * Registry -> (namespace) -> repository -> tag -> platform. Lists load a page at a time; tag
 * details (digest, size, age) arrive afterwards, a few requests at a time. getChildren never
 * throws: a failure is a row that says what happened and offers what can be done.
 */
export class RegistriesTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, Node>();
  private readonly loaded = new Map<string, Loaded>();
  private readonly details = new Map<string, TagDetails>();
  /** Tags whose details are being read: a redraw meanwhile does not ask for them twice. */
  private readonly pendingDetails = new Set<string>();
  /** Bumped each time what was loaded from a host is forgotten: an answer that started before is stale. */
  private readonly generations = new Map<string, number>();
  /** Image sizes of platforms, by host/repository@digest. */
  private readonly imageSizes = new Map<string, Promise<number | undefined>>();
  private readonly limiters = new Map<string, Limiter>();
  private abort = new AbortController();
  /** What refers to the images shown (Supply chain rows), read when a tag is opened. */
  readonly supplyChains: SupplyChains;
  /** The trust policy's judgement of the images shown (signature states, a tag's shield). */
  readonly verdicts: PolicyVerdicts;

  constructor(private readonly ctx: Ctx) {
    super();
    this.verdicts = this.register(new PolicyVerdicts(ctx));
    this.supplyChains = new SupplyChains(ctx, async () => {
      const trust = await this.verdicts.trustNow();
      return trust.kind === 'broken' ? undefined : trust.registries;
    });
    // Only the row judged is drawn again (a judgement for the Inspect panel names no row).
    this.register(
      this.verdicts.onDidSettle((image) => {
        const row = this.nodes.get(image.rowId);
        if (row) this.changed.fire(row);
      }),
    );
    this.register(this.verdicts.onDidChangeTrust(() => this.refresh()));
    this.register(ctx.config.onDidChange((c) => (c.registries || c.browsing) && this.refresh()));
    // A login changes one registry: forget what it listed, keep the others' rows and caches.
    this.register(ctx.logins.onDidChange((host) => this.forgetRegistry(host)));
    this.register({ dispose: () => this.abort.abort() });
  }

  /** Forgets what was loaded (everything, or below `node`) and asks VS Code to ask again. */
  refresh(node?: Node): void {
    if (!node || node.kind === 'loadMore' || node.kind === 'message') {
      this.abort.abort();
      this.abort = new AbortController();
      this.loaded.clear();
      this.details.clear();
      this.pendingDetails.clear();
      this.imageSizes.clear();
      this.supplyChains.clear();
      this.verdicts.clear();
      this.nodes.clear();
      this.changed.fire(undefined);
      return;
    }
    const target = node.kind === 'error' ? node.parent : node;
    if (!('registry' in target)) return this.refresh();
    const host = target.registry.host;
    const repository = target.kind === 'repository' ? target.repository : undefined;
    this.forgetBelow(host, repository);
    this.changed.fire(this.nodes.get(target.id) ?? target);
  }

  /**
   * Drops what was loaded from one registry and redraws from the top, since its row's description (the
   * login) changes too; the other registries answer from what they already loaded.
   */
  private forgetRegistry(host: string | undefined): void {
    const node = host ? this.nodes.get(registryId(host)) : undefined;
    if (!node || node.kind !== 'registry') return this.refresh();
    this.forgetBelow(host as string, undefined);
    this.changed.fire(undefined);
  }

  private forgetBelow(host: string, repository: string | undefined): void {
    this.generations.set(host, this.generation(host) + 1);
    const listed = (key: string): boolean => (repository ? key === `tags:${host}/${repository}` : key === `catalog:${host}` || key.startsWith(`tags:${host}/`));
    const described = (id: string): boolean => id.startsWith(tagIdPrefix(host, repository));
    for (const key of [...this.loaded.keys()]) if (listed(key)) this.loaded.delete(key);
    for (const id of [...this.details.keys()]) if (described(id)) this.details.delete(id);
    for (const id of [...this.pendingDetails]) if (described(id)) this.pendingDetails.delete(id);
    for (const key of [...this.imageSizes.keys()]) if (key.startsWith(repository ? `${host}/${repository}@` : `${host}/`)) this.imageSizes.delete(key);
    this.supplyChains.forget(host, repository);
    this.verdicts.forget(host, repository);
  }

  /** After a write (copy, tag, delete): reload that repository's tags, or the registry when the repository is new to the tree. */
  refreshWhere(host: string, repository: string): void {
    const node = this.nodes.get(repositoryId(host, repository)) ?? this.nodes.get(registryId(host));
    if (node) this.refresh(node);
    else this.refresh();
  }

  filter(host: string): string | undefined {
    return this.ctx.extension.workspaceState.get<Record<string, string>>(filtersKey, {})[host];
  }

  async setFilter(host: string, filter: string | undefined): Promise<void> {
    const filters = { ...this.ctx.extension.workspaceState.get<Record<string, string>>(filtersKey, {}) };
    if (filter) filters[host] = filter;
    else delete filters[host];
    await this.ctx.extension.workspaceState.update(filtersKey, filters);
    this.changed.fire(undefined);
  }

  /** The tag filter of one repository ("host/repository"), kept per workspace like the repository filters. */
  tagFilter(host: string, repository: string): string | undefined {
    return this.ctx.extension.workspaceState.get<Record<string, string>>(tagFiltersKey, {})[`${host}/${repository}`];
  }

  async setTagFilter(host: string, repository: string, filter: string | undefined): Promise<void> {
    const filters = { ...this.ctx.extension.workspaceState.get<Record<string, string>>(tagFiltersKey, {}) };
    if (filter) filters[`${host}/${repository}`] = filter;
    else delete filters[`${host}/${repository}`];
    await this.ctx.extension.workspaceState.update(tagFiltersKey, filters);
    const node = this.nodes.get(`repo:${host}/${repository}`);
    this.changed.fire(node);
  }

  /** The Registries view, once created: keyboard commands act on its selection. */
  view: vscode.TreeView<Node> | undefined;

  /** What is known about a tag so far (undefined until its manifest has been read). */
  tagDetails(node: TagNode): TagDetails | undefined {
    return this.details.get(node.id);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'repository') return toTreeItem({ ...node, tagFilter: this.tagFilter(node.registry.host, node.repository) }, undefined, Date.now());
    if (node.kind !== 'tag') return toTreeItem(node, undefined, Date.now());
    const details = this.details.get(node.id);
    const judged = details?.digest ? this.verdicts.peek(this.judgedTag(node, details.digest)) : undefined;
    return toTreeItem(node, details, Date.now(), judged && tagTrust(judged));
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'error' || node.kind === 'loadMore') return node.parent;
    return undefined;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    // The trust policy is read ahead when the view first asks for rows (not in activate()), so it is ready by the time tags show.
    if (!node) void this.verdicts.trustNow();
    try {
      return await this.children(node);
    } catch (error) {
      // Nothing below should throw, but a broken tree is worse than a row saying so.
      this.ctx.log.error(`listing ${node?.id ?? 'registries'} failed`, error);
      return node && 'registry' in node ? [this.errorRow(node, node.registry, error, 'catalog')] : [];
    }
  }

  /** Fetches the next page of a registry's catalog or a repository's tags. */
  async loadMore(parent: PagedNode): Promise<void> {
    const key = this.listKey(parent);
    const current = this.loaded.get(key);
    if (!current) return;
    // Tags the registry already sent are shown a page at a time before the next page is asked for.
    const shown = current.shown;
    if (shown !== undefined && shown < current.items.length) {
      current.shown = shown + this.ctx.config.tagPageSize;
      this.changed.fire(this.nodes.get(parent.id) ?? parent);
      return;
    }
    if (!current.next) return;
    const page = await this.fetchPage(parent, current.next);
    current.items.push(...page.items);
    current.next = page.next;
    if (shown !== undefined) {
      current.sorted = undefined;
      current.shown = shown + this.ctx.config.tagPageSize;
    }
    this.changed.fire(this.nodes.get(parent.id) ?? parent);
  }

  private async children(node: Node | undefined): Promise<Node[]> {
    if (!node) return Promise.all(this.ctx.config.registries.map(async (registry) => this.intern(await this.registryNode(registry))));
    switch (node.kind) {
      case 'registry':
        return this.registryChildren(node);
      case 'namespace': {
        if (node.repositories) return node.repositories.map((repository) => this.repositoryNode(node.registry, repository, false, node.namespace));
        return this.watchedNamespaceChildren(node.registry, node.namespace);
      }
      case 'repository':
        return this.tagChildren(node);
      case 'tag':
        return this.tagRowChildren(node);
      case 'platform':
        return node.supplyChain ? [this.intern(node.supplyChain)] : [];
      case 'supplyChain':
        return node.groups.map((g) => this.intern(g));
      case 'supplyGroup':
        return node.items.map((i) => this.intern(i));
      case 'supplyItem':
        return node.children.map((i) => this.intern(i));
      default:
        return [];
    }
  }

  /**
   * An index's platforms (each with its own Supply chain row when something refers to it), under the
   * index's own Supply chain row; an image's Supply chain row. What refers is read here, when the tag is
   * opened; a failure to read it is a row saying so, and the platforms still show.
   */
  private async tagRowChildren(node: TagNode): Promise<Node[]> {
    const details = this.details.get(node.id) ?? (await this.fetchDetails(node, this.abort.signal));
    const wantSupply = details.isIndex || details.refers === true;
    const [sizes, supply, gpg] = await Promise.all([
      Promise.all(details.platforms.map((p) => this.platformImageSize(node, p.digest))),
      wantSupply && details.digest
        ? this.supplyChains.get(node.registry, node.repository, details.digest, this.abort.signal).then(
            (found) => ({ found, error: undefined }),
            (error: unknown) => ({ found: undefined, error }),
          )
        : undefined,
      details.digest ? this.simpleSignatures(node, details.digest) : [],
    ]);
    const rows: Node[] = [];
    if (supply?.error !== undefined) {
      const message = supply.error instanceof Error ? supply.error.message : String(supply.error);
      this.ctx.log.warn(`${node.id}: supply chain: ${message}`);
      rows.push(this.message(node.registry, `Supply chain could not be read: ${this.ctx.log.redact(message)}`, ['retry']));
    }
    const found = supply?.found;
    // Signatures are judged only when a row shows one; a policy that cannot be used says so once.
    const problems = new Set<string>();
    const judge = (image: JudgedImage): Judgement => {
      const j = this.verdicts.judgement(image);
      if (j.kind === 'broken' || j.kind === 'failed') problems.add(j.text);
      return j;
    };
    const judgedRow = (rowId: string, subject: SubjectNode, f: SupplyChainFound, image: JudgedImage, simple?: SimpleSignatures) =>
      subjectRow(rowId, node.registry, node.repository, subject, f, (item) => signatureCheck(judge(image), item), simple);
    // GPG signatures are stored beside the image, not as referrers: an image may have nothing else.
    const tagImage = this.judgedTag(node, details.digest);
    const simple: SimpleSignatures | undefined = gpg.length ? { rows: gpg, check: (index) => simpleSignatureCheck(judge(tagImage), index) } : undefined;
    const root: SubjectNode = found?.discovery.root ?? { digest: details.digest, mediaType: details.mediaType, referrers: [], manifests: [] };
    const own =
      found || simple
        ? judgedRow(node.id, root, found ?? { discovery: { root, api: undefined, tagIndexes: new Map() }, items: new Map() }, tagImage, simple)
        : undefined;
    if (own) rows.push(this.intern(own));
    // The tag is part of the id: two tags naming one index show the same platforms twice.
    details.platforms.forEach((p, i) => {
      const id = platformId(node.registry.host, node.repository, node.tag, p.digest);
      const subject = found?.discovery.root.manifests.find((m) => m.digest === p.digest);
      const supplyChain =
        subject && found
          ? judgedRow(id, subject, found, { registry: node.registry, repository: node.repository, reference: p.digest, digest: p.digest, rowId: node.id })
          : undefined;
      rows.push(
        this.intern({
          kind: 'platform',
          id,
          registry: node.registry,
          repository: node.repository,
          tag: node.tag,
          ...p,
          imageSize: sizes[i],
          ...(supplyChain ? { supplyChain } : {}),
        }),
      );
    });
    if (!rows.length && !details.isIndex) rows.push(this.message(node.registry, 'Nothing refers to this image', []));
    return [...[...problems].map((text) => this.message(node.registry, text, [])), ...rows];
  }

  /** A tag's GPG simple signatures; a failure to read them is logged and counts as none. */
  private async simpleSignatures(node: TagNode, digest: string): Promise<SimpleSignatureRow[]> {
    try {
      return await this.supplyChains.simpleSignatures(node.registry, node.repository, digest, this.abort.signal);
    } catch (error) {
      this.ctx.log.warn(`${node.id}: GPG signatures could not be read: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  /** A tag as the trust policy judges it: the identity its signatures claim is the tag. */
  private judgedTag(node: TagNode, digest: string): JudgedImage {
    return { registry: node.registry, repository: node.repository, reference: node.tag, digest, rowId: node.id };
  }

  private async registryNode(registry: ConfiguredRegistry): Promise<RegistryNode> {
    let login: LoginInfo | undefined;
    try {
      const creds = await this.ctx.logins.credentials(registry.host);
      if (creds) login = { username: creds.username || '(token)', source: creds.source, ownLogin: creds.source === secretStorageSource };
    } catch (error) {
      this.ctx.log.warn(`could not read the login for ${registry.host}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { kind: 'registry', id: registryId(registry.host), registry, login, filter: this.filter(registry.host) };
  }

  private async registryChildren(node: RegistryNode): Promise<Node[]> {
    const r = node.registry;
    if (r.repositories.length) {
      return r.repositories
        .filter((w) => matchesFilter(w, node.filter))
        .map((w) =>
          w.endsWith('/')
            ? this.intern({ kind: 'namespace', id: namespaceId(r.host, w.slice(0, -1)), registry: r, namespace: w.slice(0, -1), repositories: undefined })
            : this.repositoryNode(r, w, true, undefined),
        );
    }
    const loaded = await this.firstPage(node);
    if (loaded.failure) return [this.errorRow(node, r, loaded.failure, 'catalog')];
    const repositories = loaded.items.filter((repo) => matchesFilter(repo, node.filter));
    const rows: Node[] = groupRepositories(repositories).map((e) =>
      e.kind === 'namespace'
        ? this.intern({ kind: 'namespace', id: namespaceId(r.host, e.namespace), registry: r, namespace: e.namespace, repositories: e.repositories })
        : this.repositoryNode(r, e.repository, false, undefined),
    );
    if (loaded.next) rows.push(this.intern({ kind: 'loadMore', id: loadMoreId(node.id), parent: node, left: undefined }));
    if (rows.length === 0) rows.push(this.message(r, node.filter ? `No repository matches "${node.filter}"` : 'No repositories', node.filter ? [] : ['watch']));
    return rows;
  }

  private async watchedNamespaceChildren(registry: ConfiguredRegistry, namespace: string): Promise<Node[]> {
    const registryNode = this.intern(await this.registryNode(registry));
    const loaded = await this.firstPage(registryNode);
    if (loaded.failure) {
      const failure = describeFailure(loaded.failure, 'catalog', registry.host, registryNode.login !== undefined);
      if (failure.catalogRefused) {
        const api = searchApiOf(registry);
        if (api) return this.namespaceFromSearchApi(registryNode, api, namespace);
        return [this.message(registry, `${registry.host} does not list the repositories in ${namespace}/: add them one by one`, ['watch'])];
      }
      return [this.errorRow(registryNode, registry, loaded.failure, 'catalog')];
    }
    const inside = loaded.items.filter((repo) => repo.startsWith(`${namespace}/`));
    return inside.length
      ? inside.map((repo) => this.repositoryNode(registry, repo, false, namespace))
      : [this.message(registry, `No repositories in ${namespace}/`, ['watch'])];
  }

  /** A watched namespace of a Quay or Harbor registry, listed through its own API (a bounded number of pages). */
  private async namespaceFromSearchApi(registryNode: RegistryNode, api: SearchApi, namespace: string): Promise<Node[]> {
    const registry = registryNode.registry;
    const repositories: string[] = [];
    try {
      let next: string | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await namespaceRepositories(this.ctx.clients.for(registry), api, namespace, next, this.abort.signal);
        repositories.push(...result.repositories);
        next = result.next;
        if (!next) break;
      }
    } catch (error) {
      return [this.errorRow(registryNode, registry, error, 'catalog')];
    }
    const inside = repositories.filter((repo) => repo.startsWith(`${namespace}/`));
    return inside.length
      ? inside.map((repo) => this.repositoryNode(registry, repo, false, namespace))
      : [this.message(registry, `No repositories in ${namespace}/ that ${registry.host} shows`, ['watch'])];
  }

  private async tagChildren(node: RepositoryNode): Promise<Node[]> {
    const loaded = await this.firstPage(node);
    if (loaded.failure) return [this.errorRow(node, node.registry, loaded.failure, 'tags')];
    const tagFilter = this.tagFilter(node.registry.host, node.repository);
    // Signature, attestation and referrers-index tags show under the image they refer to, unless asked for.
    loaded.sorted ??= (this.ctx.config.showSupplyChainTags ? [...loaded.items] : loaded.items.filter((t) => !isSupplyChainTag(t))).sort(naturalOrder);
    loaded.shown ??= this.ctx.config.tagPageSize;
    const matching = tagFilter ? loaded.sorted.filter((tag) => matchesFilter(tag, tagFilter)) : loaded.sorted;
    const page = tagPage(matching, loaded.shown, loaded.next !== undefined);
    // Only the rows shown get nodes, and only they have their manifests read.
    const tags = page.visible.map((tag) =>
      this.intern<TagNode>({ kind: 'tag', id: tagId(node.registry.host, node.repository, tag), registry: node.registry, repository: node.repository, tag }),
    );
    this.scheduleDetails(tags);
    const rows: Node[] = [...tags];
    if (page.more) rows.push(this.intern({ kind: 'loadMore', id: loadMoreId(node.id), parent: node, left: page.left }));
    if (rows.length === 0) rows.push(this.message(node.registry, tagFilter ? `No tag matches "${tagFilter}"` : 'No tags', []));
    return rows;
  }

  private repositoryNode(registry: ConfiguredRegistry, repository: string, watched: boolean, namespace: string | undefined): RepositoryNode {
    return this.intern({ kind: 'repository', id: repositoryId(registry.host, repository), registry, repository, watched, namespace });
  }

  private message(registry: ConfiguredRegistry, message: string, actions: MessageNode['actions']): MessageNode {
    return this.intern({ kind: 'message', id: messageId(registry.host, message), registry, message, actions });
  }

  private errorRow(parent: Node, registry: ConfiguredRegistry, error: unknown, what: Listing): Node {
    const loggedIn = parent.kind === 'registry' ? parent.login !== undefined : false;
    const failure = describeFailure(error, what, registry.host, loggedIn);
    this.ctx.log.warn(`${parent.id}: ${failure.detail}`);
    if (failure.catalogRefused) return this.message(registry, failure.message, failure.actions);
    return this.intern({ kind: 'error', id: errorId(parent.id), parent, registry, message: failure.message, detail: failure.detail, actions: failure.actions });
  }

  private generation(host: string): number {
    return this.generations.get(host) ?? 0;
  }

  private listKey(node: PagedNode): string {
    return node.kind === 'registry' ? `catalog:${node.registry.host}` : `tags:${node.registry.host}/${node.repository}`;
  }

  private async firstPage(node: PagedNode): Promise<Loaded> {
    const key = this.listKey(node);
    const known = this.loaded.get(key);
    if (known) return known;
    const signal = this.abort.signal;
    const generation = this.generation(node.registry.host);
    let loaded: Loaded;
    try {
      const page = await this.fetchPage(node, undefined);
      loaded = { items: [...page.items], next: page.next, failure: undefined };
    } catch (error) {
      loaded = { items: [], next: undefined, failure: error };
    }
    // A refresh came in while this was loading: its answer may be stale (a login changed), so load again.
    if (signal.aborted || generation !== this.generation(node.registry.host)) return this.firstPage(node);
    this.loaded.set(key, loaded);
    return loaded;
  }

  private fetchPage(node: PagedNode, next: string | undefined): Promise<Page<string>> {
    const client = this.ctx.clients.for(node.registry);
    const n = this.ctx.config.pageSize;
    const signal = this.abort.signal;
    return node.kind === 'registry' ? client.catalogPage(n, next, signal) : client.tagsPage(node.repository, n, next, signal);
  }

  private scheduleDetails(tags: TagNode[]): void {
    const host = tags[0]?.registry.host;
    if (!host) return;
    const limiter = this.limiter(host);
    const signal = this.abort.signal;
    for (const tag of tags) {
      if (this.details.has(tag.id) || this.pendingDetails.has(tag.id)) continue;
      this.pendingDetails.add(tag.id);
      void limiter
        .run(async () => {
          if (signal.aborted) return;
          const details = await this.fetchDetails(tag, signal);
          if (signal.aborted) return;
          // Judged as soon as the row shows (a shield when the policy accepts it); no policy: nothing is asked.
          if (details.digest) this.verdicts.judgement(this.judgedTag(tag, details.digest));
          this.changed.fire(this.nodes.get(tag.id) ?? tag);
        })
        .catch((error: unknown) => this.ctx.log.warn(`${tag.id}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.pendingDetails.delete(tag.id));
    }
  }

  /** Config plus layers of one platform's image (its manifest read once per refresh, a few at a time). */
  private platformImageSize(tag: TagNode, digest: string): Promise<number | undefined> {
    const key = `${tag.registry.host}/${tag.repository}@${digest}`;
    let known = this.imageSizes.get(key);
    if (!known) {
      const signal = this.abort.signal;
      known = this.limiter(tag.registry.host)
        .run(() => imageSize(this.ctx.clients.for(tag.registry), tag.repository, digest, signal))
        .catch((error: unknown) => {
          this.ctx.log.warn(`${key}: ${error instanceof Error ? error.message : String(error)}`);
          this.imageSizes.delete(key);
          return undefined;
        });
      this.imageSizes.set(key, known);
    }
    return known;
  }

  private limiter(host: string): Limiter {
    let limiter = this.limiters.get(host);
    if (!limiter) this.limiters.set(host, (limiter = new Limiter(() => this.ctx.config.concurrency)));
    return limiter;
  }

  /** The digest, size, age and platforms of a tag: its manifest, and the config blob for an image. */
  private async fetchDetails(tag: TagNode, signal: AbortSignal): Promise<TagDetails> {
    const client = this.ctx.clients.for(tag.registry);
    const generation = this.generation(tag.registry.host);
    let details: TagDetails;
    try {
      const m = await client.getManifest(tag.repository, tag.tag, signal);
      const json = JSON.parse(m.bytes.toString('utf8')) as Partial<ImageIndex & ImageManifest>;
      if (isIndexMediaType(m.mediaType)) {
        // BuildKit's attestation manifests (unknown/unknown) are referrers of a platform, not platforms.
        const platforms = (json.manifests ?? [])
          .filter((d) => d.annotations?.[DOCKER_REFERENCE_TYPE] !== 'attestation-manifest')
          .map((d) => ({ digest: d.digest, platform: d.platform ? formatPlatform(d.platform) : 'unknown platform' }));
        details = { digest: m.digest, mediaType: m.mediaType, isIndex: true, size: undefined, created: undefined, platforms, error: undefined };
      } else {
        const size = manifestImageSize(m.bytes, m.mediaType);
        let created: string | undefined;
        if (json.config) {
          try {
            created = (
              JSON.parse((await client.getBlobBytes(tag.repository, json.config.digest, maxConfigBytes, signal)).toString('utf8')) as { created?: string }
            ).created;
          } catch (error) {
            this.ctx.log.debug(`no config for ${tag.id}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        // A tag with GPG signatures only (lookaside, signature API) opens too.
        const refers = (await this.refers(tag, m.digest, m.mediaType, signal)) || (await this.simpleSignatures(tag, m.digest)).length > 0;
        details = { digest: m.digest, mediaType: m.mediaType, isIndex: false, size, created, platforms: [], error: undefined, refers };
      }
    } catch (error) {
      this.ctx.log.warn(`${tag.id}: ${error instanceof Error ? error.message : String(error)}`);
      details = { digest: '', mediaType: '', isIndex: false, size: undefined, created: undefined, platforms: [], error: 'details unavailable' };
    }
    if (!signal.aborted && generation === this.generation(tag.registry.host)) this.details.set(tag.id, details);
    return details;
  }

  /** Whether anything refers to a tag's image; a failure to ask is logged and counts as no. */
  private async refers(tag: TagNode, digest: string, mediaType: string, signal: AbortSignal): Promise<boolean> {
    const listed = this.loaded.get(`tags:${tag.registry.host}/${tag.repository}`);
    const known = { tags: new Set(listed?.items ?? []), complete: listed !== undefined && !listed.next && !listed.failure };
    try {
      return await this.supplyChains.refers(tag.registry, tag.repository, digest, mediaType, known, signal);
    } catch (error) {
      this.ctx.log.debug(`${tag.id}: could not tell whether anything refers to it: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  /** One object per id, so change events reach the row VS Code shows. */
  private intern<T extends Node>(node: T): T {
    const known = this.nodes.get(node.id);
    if (known && known.kind === node.kind && sameData(known, node)) return known as T;
    this.nodes.set(node.id, node);
    return node;
  }
}

/** v2 before v10; registries list in whatever order their storage gives. */
let collator: Intl.Collator | undefined;
function naturalOrder(a: string, b: string): number {
  // Built on first use: an ICU collator costs milliseconds, which activation should not pay.
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(a, b);
}

function sameData(a: Node, b: Node): boolean {
  return JSON.stringify(a, (k, v: unknown) => (k === 'parent' ? undefined : v)) === JSON.stringify(b, (k, v: unknown) => (k === 'parent' ? undefined : v));
}
