// What travels with an image in Copy Image To: counted at the source before the copy, offered as a
// choice that keeps everything unless the user unticks it (a promotion that drops signatures and SBOMs
// loses data, so leaving them behind takes a deliberate step).
import * as vscode from 'vscode';
import { discoverReferrers, flattenReferrers } from '../../core/supply-chain/discover';
import type { KeepReferrers } from '../../core/supply-chain/carry';
import type { RegistryClient } from '../../core/registry/client';
import type { RegistriesConfig } from '../../core/signing/registries-d';
import { readSimpleSignatures } from '../../core/signing/simple-store';
import { cancelled } from '../commands/command';
import { treeDiscoverLimits } from './supply-chains';

export interface Travelling {
  signatures: number;
  /** Attestations, SBOMs and other artifacts stored beside the image. */
  others: number;
  /** BuildKit attestations inside the index: part of the image, they always travel. */
  inIndex: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** With registries.d, GPG simple signatures (lookaside or the registry's signature API) count as signatures too. */
export async function countTravelling(
  client: RegistryClient,
  repository: string,
  digest: string,
  jobs: number,
  registries?: RegistriesConfig,
): Promise<Travelling> {
  const top = await client.getManifest(repository, digest);
  const [discovery, simple] = await Promise.all([
    discoverReferrers(client, repository, top, { jobs, limits: treeDiscoverLimits }),
    registries ? readSimpleSignatures({ client, ref: { registry: client.registry, repository }, registries }, top.digest) : undefined,
  ]);
  const counts: Travelling = { signatures: simple?.signatures.length ?? 0, others: 0, inIndex: 0 };
  for (const r of flattenReferrers(discovery.root)) {
    if (r.storage === 'attestation-manifest') counts.inIndex++;
    else if (r.kind === 'signature') counts.signatures++;
    else counts.others++;
  }
  return counts;
}

/** "1 signature and 2 attestations/SBOMs" (what travels). */
export function travellingText(t: Travelling): string {
  return [
    t.signatures ? plural(t.signatures, 'signature') : undefined,
    t.others ? plural(t.others, 'attestation/SBOM', 'attestations/SBOMs') : undefined,
    t.inIndex ? `${plural(t.inIndex, 'BuildKit attestation')} in the index` : undefined,
  ]
    .filter(Boolean)
    .join(' and ');
}

/** Asks what travels with the copy, everything ticked; Escape cancels the copy. Nothing to ask: keeps all. */
export async function chooseTravelling(t: Travelling, to: string): Promise<KeepReferrers> {
  if (!t.signatures && !t.others) return { signatures: true, others: true };
  type Choice = vscode.QuickPickItem & { key: keyof KeepReferrers };
  const items: Choice[] = [];
  if (t.signatures) items.push({ key: 'signatures', label: `Signatures (${t.signatures})`, description: 'copied byte for byte', picked: true });
  if (t.others) items.push({ key: 'others', label: `Attestations, SBOMs and other artifacts (${t.others})`, picked: true });
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Copy to ${to}: ${travellingText(t)} travel with the image`,
    placeHolder: 'Kept with the copy unless unticked. Enter copies.',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!chosen) cancelled();
  return { signatures: chosen.some((c) => c.key === 'signatures'), others: chosen.some((c) => c.key === 'others') };
}
