// From what the core found and read (discover.ts, describe.ts) to the rows the tree and the Inspect
// panel show. Pure (no vscode), unit-tested.
import type { ReferrerNode } from '../../core/supply-chain/discover';
import type { SupplyItem } from '../../core/supply-chain/describe';
import type { ReferrerStorage } from '../../core/supply-chain/kinds';
import { shortDigest } from '../format';
import type { ConfiguredRegistry } from '../registry-settings';
import type { SupplyChainNode, SupplyGroupKind, SupplyGroupNode, SupplyItemNode } from './nodes';
import type { SignatureCheck } from './signature-states';
import type { SimpleSignatureRow } from './simple-signatures';

const notChecked: SignatureCheck = { state: 'not verified', detail: 'no trust policy' };

/** Where a thing was found, as a row's description says it. */
export const foundVia: Record<ReferrerStorage, string> = {
  'referrers-api': 'referrers API',
  'referrers-tag': 'tag schema',
  'cosign-tag': 'cosign tag',
  'attestation-manifest': 'BuildKit',
};

/** A signature's state against the user's policy, per signature item (undefined: "not verified"). */
export type SignatureChecks = (item: SupplyItem) => SignatureCheck | undefined;

/** The GPG simple signatures of the subject, with each one's state against the policy (by its index). */
export interface SimpleSignatures {
  readonly rows: readonly SimpleSignatureRow[];
  readonly check: (index: number) => SignatureCheck;
}

/** Items of each referrer, by the referrer's manifest digest. */
export type DescribedItems = ReadonlyMap<string, readonly SupplyItem[]>;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function itemKindOf(item: SupplyItem): SupplyItemNode['itemKind'] {
  return item.kind;
}

/** The text of one item's row: label, description (ending with where it was found) and tooltip. */
export function itemText(item: SupplyItem, check: SignatureCheck = notChecked): { label: string; description: string; tooltip: string } {
  const r = item.referrer;
  const where = `${foundVia[r.storage]}${r.tag && r.storage === 'cosign-tag' ? ` ${r.tag.slice(r.tag.lastIndexOf('.'))}` : ''}`;
  const lines = [`${r.descriptor.digest}`, `found via ${foundVia[r.storage]}${r.tag ? ` (tag ${r.tag})` : ''}`];
  switch (item.kind) {
    case 'signature': {
      const s = item.signature;
      const who = s.signer ?? (s.keyId ? `key ${s.keyId}` : (check.signer ?? 'unnamed key'));
      if (s.signer) lines.unshift(`Signer: ${s.signer}`);
      if (s.keyId) lines.unshift(`Key: ${s.keyId}`);
      else if (check.signer) lines.unshift(`Key: ${check.signer}`);
      return {
        label: s.scheme,
        description: [who, check.state, where].join(' · '),
        tooltip: [`${s.scheme} signature, ${check.state}: ${check.detail}`, ...lines].join('\n'),
      };
    }
    case 'sbom': {
      const s = item.sbom;
      const label = `${item.format}${s?.version ? ` ${s.version}` : ''}`;
      const count = s?.packages === undefined ? (item.note ?? 'packages not counted') : plural(s.packages, 'package');
      return {
        label,
        description: [count, where].join(' · '),
        tooltip: [`SBOM: ${label}${s?.name ? ` (${s.name})` : ''}`, count, ...lines, 'Click to open it as a read-only document.'].join('\n'),
      };
    }
    case 'provenance': {
      const p = item.provenance;
      const source = p.sourceRepository
        ? `${p.sourceRepository}${p.commit ? `@${p.commit.slice(0, 12)}` : ''}`
        : p.commit
          ? `commit ${p.commit.slice(0, 12)}`
          : 'source not recorded';
      return {
        label: p.builderId ?? 'builder not recorded',
        description: [source, where].join(' · '),
        tooltip: [
          `Provenance (${p.predicateType})`,
          `Builder: ${p.builderId ?? 'not recorded'}`,
          `Source: ${p.sourceRepository ?? 'not recorded'}`,
          `Commit: ${p.commit ?? 'not recorded'}`,
          ...lines,
        ].join('\n'),
      };
    }
    case 'attestation':
      return { label: item.predicateType, description: where, tooltip: [`Attestation (${item.predicateType})`, ...lines].join('\n') };
    case 'artifact':
      return {
        label: shortDigest(r.descriptor.digest),
        description: [item.note, where].filter(Boolean).join(' · '),
        tooltip: [item.artifactType, ...(item.note ? [item.note] : []), ...lines].join('\n'),
      };
  }
}

const groupOrder: SupplyGroupKind[] = ['signatures', 'sboms', 'provenance', 'attestations', 'artifacts'];
const groupLabels: Record<Exclude<SupplyGroupKind, 'artifacts'>, string> = {
  signatures: 'Signatures',
  sboms: 'SBOMs',
  provenance: 'Provenance',
  attestations: 'Attestations',
};
const groupOf: Record<SupplyItemNode['itemKind'], SupplyGroupKind> = {
  signature: 'signatures',
  sbom: 'sboms',
  provenance: 'provenance',
  attestation: 'attestations',
  artifact: 'artifacts',
};

interface Owner {
  /** The tag's or platform's row id: one image under two tags shows its rows twice, with ids of their own. */
  id: string;
  registry: ConfiguredRegistry;
  repository: string;
}

function itemRows(
  owner: Owner,
  parentId: string,
  referrers: readonly ReferrerNode[],
  items: DescribedItems,
  depth: number,
  checks: SignatureChecks | undefined,
): { item: SupplyItem; row: SupplyItemNode }[] {
  const out: { item: SupplyItem; row: SupplyItemNode }[] = [];
  for (const r of referrers) {
    const described = items.get(r.descriptor.digest) ?? [];
    described.forEach((item, i) => {
      const id = `${parentId}/${r.descriptor.digest}#${i}`;
      // Referrers of a referrer hang under its first item only, so each shows once.
      const children = i === 0 && depth < 4 ? itemRows(owner, id, r.referrers, items, depth + 1, checks).map((c) => c.row) : [];
      const check = item.kind === 'signature' ? (checks?.(item) ?? notChecked) : undefined;
      out.push({
        item,
        row: {
          kind: 'supplyItem',
          id,
          registry: owner.registry,
          repository: owner.repository,
          itemKind: itemKindOf(item),
          ...itemText(item, check),
          digest: r.descriptor.digest,
          sbomBlob: item.kind === 'sbom' ? item.layer?.digest : undefined,
          state: check?.state,
          children,
        },
      });
    });
  }
  return out;
}

const simpleStorage = { lookaside: 'lookaside', 'signature-api': 'signature API' } as const;

/** The row of one GPG simple signature: stored beside the image, not a referrer of it. */
export function simpleSignatureRow(owner: Owner, parentId: string, subject: string, s: SimpleSignatureRow, check: SignatureCheck): SupplyItemNode {
  const who = check.signer ?? (s.keyId ? `key ${s.keyId}` : 'unnamed key');
  const tooltip = [
    `simple-signing (GPG) signature, ${check.state}: ${check.detail}`,
    ...(s.keyId ? [`Key: ${s.keyId}`] : []),
    `signature ${s.index} of ${subject}`,
    `stored in ${s.where}`,
  ].join('\n');
  return {
    kind: 'supplyItem',
    id: `${parentId}/simple-signing#${s.index}`,
    registry: owner.registry,
    repository: owner.repository,
    itemKind: 'signature',
    label: 'simple-signing',
    description: [who, check.state, simpleStorage[s.storage]].join(' · '),
    tooltip,
    digest: subject,
    sbomBlob: undefined,
    state: check.state,
    children: [],
  };
}

/** "2 signatures · 1 SBOM · 1 provenance · 1 other". */
export function countsText(counts: Record<SupplyGroupKind, number>): string {
  return [
    counts.signatures ? plural(counts.signatures, 'signature') : undefined,
    counts.sboms ? plural(counts.sboms, 'SBOM') : undefined,
    counts.provenance ? `${counts.provenance} provenance` : undefined,
    counts.attestations ? plural(counts.attestations, 'attestation') : undefined,
    counts.artifacts ? `${counts.artifacts} other` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The Supply chain row of one subject, or undefined when nothing refers to it. */
export function supplyChainRow(
  owner: Owner,
  subject: string,
  referrers: readonly ReferrerNode[],
  items: DescribedItems,
  checks?: SignatureChecks,
  simple?: SimpleSignatures,
): SupplyChainNode | undefined {
  if (!referrers.length && !simple?.rows.length) return undefined;
  const base = `supply:${owner.id}`;
  const rows = itemRows(owner, base, referrers, items, 0, checks);
  const gpg = (simple?.rows ?? []).map((s) => simpleSignatureRow(owner, base, subject, s, simple?.check(s.index) ?? notChecked));
  const groups: SupplyGroupNode[] = [];
  const counts: Record<SupplyGroupKind, number> = { signatures: 0, sboms: 0, provenance: 0, attestations: 0, artifacts: 0 };
  for (const group of groupOrder) {
    const inGroup = rows.filter((r) => groupOf[r.row.itemKind] === group);
    const extra = group === 'signatures' ? gpg : [];
    counts[group] = inGroup.length + extra.length;
    if (!counts[group]) continue;
    if (group !== 'artifacts') {
      groups.push({
        kind: 'supplyGroup',
        id: `${base}/${group}`,
        registry: owner.registry,
        group,
        label: groupLabels[group],
        items: [...inGroup.map((r) => r.row), ...extra],
      });
      continue;
    }
    // Other artifacts, one group per artifact type.
    const byType = new Map<string, SupplyItemNode[]>();
    for (const { item, row } of inGroup) {
      const type = item.kind === 'artifact' ? item.artifactType : 'unknown';
      byType.set(type, [...(byType.get(type) ?? []), row]);
    }
    for (const [type, list] of [...byType].sort(([a], [b]) => a.localeCompare(b)))
      groups.push({ kind: 'supplyGroup', id: `${base}/artifacts:${type}`, registry: owner.registry, group, label: type, items: list });
  }
  return { kind: 'supplyChain', id: base, registry: owner.registry, repository: owner.repository, subject, description: countsText(counts), groups };
}

/** Every row of a Supply chain branch, flattened, for the Inspect panel's table. */
export function flattenRows(node: SupplyChainNode): { group: string; row: SupplyItemNode; depth: number }[] {
  const out: { group: string; row: SupplyItemNode; depth: number }[] = [];
  const add = (group: string, row: SupplyItemNode, depth: number): void => {
    out.push({ group, row, depth });
    for (const c of row.children) add(group, c, depth + 1);
  };
  for (const g of node.groups) for (const row of g.items) add(g.label, row, 0);
  return out;
}
