// What each referrer holds, read from the registry: a referrer's manifest, and the few blobs whose
// content says what it is (signature envelopes, in-toto statements, SBOM documents). One referrer can
// hold several things (a BuildKit attestation manifest carries an SBOM and provenance; a cosign `.sig`
// one signature per layer), so each is described as a list of items. Every read is bounded: manifests
// by the client, blobs by `maxBlobBytes`, layers looked at by `maxLayers`.
import { RegxError } from '../errors';
import type { Descriptor } from '../image/mediatypes';
import { isIndexMediaType } from '../image/mediatypes';
import { runPool } from '../image/pool';
import type { RegistryClient } from '../registry/client';
import {
  bundleSignature,
  cosignSignature,
  inTotoStatement,
  isProvenancePredicate,
  isSbomPredicate,
  notationSignature,
  parseJson,
  summariseProvenance,
  summariseSbom,
  summariseSbomText,
} from './content';
import type { ProvenanceSummary, SbomSummary, SignatureSummary } from './content';
import type { ReferrerNode } from './discover';

interface ItemBase {
  referrer: ReferrerNode;
  /** The layer the item was read from (an SBOM opens from it). */
  layer?: Descriptor;
}

export type SupplyItem =
  | (ItemBase & { kind: 'signature'; signature: SignatureSummary })
  | (ItemBase & { kind: 'sbom'; sbom: SbomSummary | undefined; format: string; note?: string })
  | (ItemBase & { kind: 'provenance'; provenance: ProvenanceSummary })
  | (ItemBase & { kind: 'attestation'; predicateType: string })
  | (ItemBase & { kind: 'artifact'; artifactType: string; note?: string });

export interface DescribeLimits {
  /** Largest blob read to summarise (SBOMs run to megabytes; default 16 MiB). */
  maxBlobBytes: number;
  /** Layers of one referrer looked at (default 16). */
  maxLayers: number;
}

export const defaultDescribeLimits: DescribeLimits = { maxBlobBytes: 16 * 1024 * 1024, maxLayers: 16 };

const NOTATION = 'application/vnd.cncf.notary.signature';
const COSIGN_SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGSTORE_BUNDLE = /^application\/vnd\.dev\.sigstore\.bundle/;
const STATEMENT_LAYER = /in-toto|dsse|sigstore\.bundle/i;
const SBOM_LAYER = /spdx|cyclonedx/i;

interface ManifestJson {
  artifactType?: unknown;
  config?: { mediaType?: unknown };
  layers?: unknown;
  annotations?: unknown;
}

function layersOf(body: ManifestJson, max: number): Descriptor[] {
  if (!Array.isArray(body.layers)) return [];
  return (body.layers as unknown[])
    .filter(
      (l): l is Descriptor =>
        typeof l === 'object' && l !== null && typeof (l as Descriptor).digest === 'string' && typeof (l as Descriptor).mediaType === 'string',
    )
    .slice(0, max);
}

/** The format an SBOM layer's media type names, for an SBOM whose document could not be read. */
function sbomFormatOf(mediaType: string): string {
  return /cyclonedx/i.test(mediaType) ? 'CycloneDX' : /spdx/i.test(mediaType) ? 'SPDX' : 'SBOM';
}

function tooLarge(err: unknown): boolean {
  return err instanceof RegxError && /BLOB_TOO_LARGE/.test(`${err.serverCode ?? ''} ${err.message}`);
}

/** What one referrer holds. Reads its manifest and, for signatures, statements and SBOMs, the blobs that say more. */
export async function describeReferrer(
  client: RegistryClient,
  repository: string,
  referrer: ReferrerNode,
  limits: DescribeLimits = defaultDescribeLimits,
  signal?: AbortSignal,
): Promise<SupplyItem[]> {
  const d = referrer.descriptor;
  const declared = d.artifactType ?? '';
  if (isIndexMediaType(d.mediaType)) return [{ referrer, kind: 'artifact', artifactType: declared || d.mediaType }];
  const manifest = await client.getManifest(repository, d.digest, signal);
  const body = (parseJson(manifest.bytes) ?? {}) as ManifestJson;
  const artifactType =
    declared ||
    (typeof body.artifactType === 'string' ? body.artifactType : typeof body.config?.mediaType === 'string' ? body.config.mediaType : manifest.mediaType);
  const layers = layersOf(body, limits.maxLayers);
  const blob = async (layer: Descriptor): Promise<Buffer> => client.getBlobBytes(repository, layer.digest, limits.maxBlobBytes, signal);

  if (artifactType === NOTATION) {
    const envelope = layers[0]?.mediaType === 'application/jose+json' ? parseJson(await blob(layers[0]).catch(() => Buffer.alloc(0))) : undefined;
    const annotations = typeof body.annotations === 'object' && body.annotations !== null ? (body.annotations as Record<string, string>) : d.annotations;
    return [{ referrer, layer: layers[0], kind: 'signature', signature: notationSignature(annotations, envelope) }];
  }
  const items: SupplyItem[] = [];
  for (const layer of layers) {
    if (layer.mediaType === COSIGN_SIMPLE_SIGNING) {
      items.push({ referrer, layer, kind: 'signature', signature: cosignSignature(layer.annotations) });
      continue;
    }
    if (STATEMENT_LAYER.test(layer.mediaType)) {
      let doc: unknown;
      try {
        doc = parseJson(await blob(layer));
      } catch (err) {
        if (!tooLarge(err)) throw err;
        items.push({
          referrer,
          layer,
          kind: 'attestation',
          predicateType: layer.annotations?.['in-toto.io/predicate-type'] ?? layer.annotations?.predicateType ?? 'in-toto (too large to read)',
        });
        continue;
      }
      if (SIGSTORE_BUNDLE.test(layer.mediaType) && doc && typeof doc === 'object' && 'messageSignature' in doc) {
        items.push({ referrer, layer, kind: 'signature', signature: bundleSignature(doc) });
        continue;
      }
      const statement = inTotoStatement(doc);
      if (!statement) {
        items.push({ referrer, layer, kind: 'artifact', artifactType, note: 'unreadable statement' });
      } else if (isSbomPredicate(statement.predicateType)) {
        const sbom = summariseSbom(statement.predicate);
        items.push({ referrer, layer, kind: 'sbom', sbom, format: sbom?.format ?? sbomFormatOf(statement.predicateType) });
      } else if (isProvenancePredicate(statement.predicateType)) {
        items.push({ referrer, layer, kind: 'provenance', provenance: summariseProvenance(statement) });
      } else {
        items.push({ referrer, layer, kind: 'attestation', predicateType: statement.predicateType });
      }
      continue;
    }
    if (SBOM_LAYER.test(layer.mediaType) || referrer.kind === 'sbom') {
      try {
        const bytes = await blob(layer);
        const sbom = summariseSbom(parseJson(bytes)) ?? summariseSbomText(bytes.toString('utf8'));
        if (sbom || SBOM_LAYER.test(layer.mediaType))
          items.push({ referrer, layer, kind: 'sbom', sbom, format: sbom?.format ?? sbomFormatOf(layer.mediaType) });
      } catch (err) {
        if (!tooLarge(err)) throw err;
        items.push({
          referrer,
          layer,
          kind: 'sbom',
          sbom: undefined,
          format: sbomFormatOf(layer.mediaType),
          note: `larger than ${Math.round(limits.maxBlobBytes / 1024 / 1024)} MiB, not read`,
        });
      }
    }
  }
  if (items.length) return items;
  // A signature type with nothing readable in it still counts as a signature.
  if (referrer.kind === 'signature') return [{ referrer, kind: 'signature', signature: { scheme: 'cosign', signer: undefined, keyId: undefined } }];
  return [{ referrer, kind: 'artifact', artifactType }];
}

/**
 * What every referrer holds, `jobs` at a time. A referrer that cannot be read is an artifact row saying
 * so, not a failure of the whole list (the others are still worth seeing).
 */
export async function describeReferrers(
  client: RegistryClient,
  repository: string,
  referrers: readonly ReferrerNode[],
  opts: { jobs?: number; limits?: DescribeLimits; signal?: AbortSignal } = {},
): Promise<SupplyItem[][]> {
  const out = new Array<SupplyItem[]>(referrers.length);
  await runPool(
    referrers.map((r, i) => [r, i] as const),
    Math.max(1, opts.jobs ?? 4),
    async ([r, i], signal) => {
      try {
        out[i] = await describeReferrer(client, repository, r, opts.limits, signal);
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        out[i] = [
          {
            referrer: r,
            kind: 'artifact',
            artifactType: r.descriptor.artifactType ?? r.descriptor.mediaType,
            note: `unreadable: ${err instanceof Error ? err.message : String(err)}`,
          },
        ];
      }
    },
    opts.signal,
  );
  return out;
}
