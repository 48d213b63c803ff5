// What refers to an image, as the tree, the Inspect panel and Copy Image To read it: found by the
// core's discovery (walked, bounded tighter than the CLI's, since a click should not start a crawl),
// each referrer read and described, kept per image until its repository is refreshed.
import { discoverReferrers, flattenReferrers } from '../../core/supply-chain/discover';
import type { DiscoverLimits, Discovery, SubjectNode } from '../../core/supply-chain/discover';
import { describeReferrers } from '../../core/supply-chain/describe';
import type { SupplyItem } from '../../core/supply-chain/describe';
import { hasReferrers } from '../../core/supply-chain/presence';
import type { KnownTags } from '../../core/supply-chain/presence';
import type { Ctx } from '../ctx';
import type { ConfiguredRegistry } from '../registry-settings';
import { supplyChainRow } from './rows';
import type { SignatureChecks, SimpleSignatures } from './rows';
import { readSimpleSignatureRows } from './simple-signatures';
import type { SimpleSignatureRow } from './simple-signatures';
import type { RegistriesConfig } from '../../core/signing/registries-d';
import type { SupplyChainNode } from './nodes';

/** At most 200 referrers, 3 levels deep (a signature of an SBOM of an image), 10 pages of a referrers list. */
export const treeDiscoverLimits: DiscoverLimits = { maxDepth: 3, maxReferrers: 200, list: { maxPages: 10, maxEntries: 1000 } };

export interface SupplyChainFound {
  discovery: Discovery;
  /** What each referrer holds, by its manifest digest. */
  items: Map<string, SupplyItem[]>;
}

/** Reads once per key; a failure is not kept, so the next open asks again. */
function cached<T>(map: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let known = map.get(key);
  if (!known) {
    known = read();
    map.set(key, known);
    known.catch(() => map.delete(key));
  }
  return known;
}

export class SupplyChains {
  private readonly found = new Map<string, Promise<SupplyChainFound>>();
  private readonly simple = new Map<string, Promise<SimpleSignatureRow[]>>();

  constructor(
    private readonly ctx: Ctx,
    /** registries.d as the settings name it; undefined when it cannot be read (GPG signatures are then not read). */
    private readonly registries: () => Promise<RegistriesConfig | undefined> = async () => undefined,
  ) {}

  /** Everything that refers to `digest` in `registry/repository` (read once until forgotten). */
  get(registry: ConfiguredRegistry | string, repository: string, digest: string, signal?: AbortSignal): Promise<SupplyChainFound> {
    const host = typeof registry === 'string' ? registry : registry.host;
    return cached(this.found, `${host}/${repository}@${digest}`, () => this.read(registry, repository, digest, signal));
  }

  /** The GPG simple signatures of `digest` (lookaside or signature API), read once until forgotten. */
  simpleSignatures(registry: ConfiguredRegistry | string, repository: string, digest: string, signal?: AbortSignal): Promise<SimpleSignatureRow[]> {
    const host = typeof registry === 'string' ? registry : registry.host;
    return cached(this.simple, `${host}/${repository}@${digest}`, async () => {
      const registries = await this.registries();
      return registries ? readSimpleSignatureRows(this.ctx.clients.for(registry), repository, digest, registries, signal) : [];
    });
  }

  private async read(registry: ConfiguredRegistry | string, repository: string, digest: string, signal?: AbortSignal): Promise<SupplyChainFound> {
    const client = this.ctx.clients.for(registry);
    const jobs = this.ctx.config.concurrency;
    const top = await client.getManifest(repository, digest, signal);
    const discovery = await discoverReferrers(client, repository, top, { jobs, limits: treeDiscoverLimits, signal });
    const referrers = flattenReferrers(discovery.root);
    const described = await describeReferrers(client, repository, referrers, { jobs, signal });
    const items = new Map<string, SupplyItem[]>();
    referrers.forEach((r, i) => items.set(r.descriptor.digest, described[i] ?? []));
    return { discovery, items };
  }

  /** Whether anything refers to an image, asked cheaply (for a tag row's twistie). */
  refers(registry: ConfiguredRegistry, repository: string, digest: string, mediaType: string, known: KnownTags, signal?: AbortSignal): Promise<boolean> {
    return hasReferrers(this.ctx.clients.for(registry), repository, digest, mediaType, known, signal);
  }

  /** Forgets what was read from a host (a repository of it, when given). */
  forget(host: string, repository?: string): void {
    const prefix = repository ? `${host}/${repository}@` : `${host}/`;
    for (const map of [this.found, this.simple]) for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
  }

  clear(): void {
    this.found.clear();
    this.simple.clear();
  }
}

/** The Supply chain row of `subject` (the image, or one platform of an index) under the row `ownerId`. */
export function subjectRow(
  ownerId: string,
  registry: ConfiguredRegistry,
  repository: string,
  subject: SubjectNode,
  found: SupplyChainFound,
  checks?: SignatureChecks,
  simple?: SimpleSignatures,
): SupplyChainNode | undefined {
  return supplyChainRow({ id: ownerId, registry, repository }, subject.digest, subject.referrers, found.items, checks, simple);
}
