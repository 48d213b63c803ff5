// Names and kinds of the things that refer to an image: where each is stored, the tags the tag-based
// schemes use, and whether a referrer is a signature, an attestation, an SBOM or another artifact.
import type { Descriptor } from '../image/mediatypes';
import { parseDigest } from '../image/digest';

/** Where a referrer was found (or is written). */
export type ReferrerStorage = 'referrers-api' | 'referrers-tag' | 'cosign-tag' | 'attestation-manifest';

export type ReferrerKind = 'signature' | 'attestation' | 'sbom' | 'artifact';

export const storageNames: Record<ReferrerStorage, string> = {
  'referrers-api': 'referrers API',
  'referrers-tag': 'referrers tag schema',
  'cosign-tag': 'cosign tag',
  'attestation-manifest': 'BuildKit attestation in the index',
};

export type CosignSuffix = 'sig' | 'att' | 'sbom';
export const cosignSuffixes: readonly CosignSuffix[] = ['sig', 'att', 'sbom'];

/** BuildKit's annotations on an attestation manifest's index entry. */
export const DOCKER_REFERENCE_TYPE = 'vnd.docker.reference.type';
export const DOCKER_REFERENCE_DIGEST = 'vnd.docker.reference.digest';

/**
 * The referrers tag schema's tag for `digest` (distribution-spec "Referrers Tag Schema"): the algorithm
 * cut to 32 characters, `-`, the encoded part cut to 64, any character a tag cannot hold made `-`.
 */
export function referrersTagFor(digest: string): string {
  const { algorithm, encoded } = parseDigest(digest);
  return `${algorithm.slice(0, 32)}-${encoded.slice(0, 64)}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/** cosign's tag for a signature, attestation or SBOM of `digest`: `sha256-<hex>.sig` and so on. */
export function cosignTagFor(digest: string, suffix: CosignSuffix): string {
  const { algorithm, encoded } = parseDigest(digest);
  return `${algorithm}-${encoded}.${suffix}`;
}

const SIGNATURE_TYPES = new Set([
  'application/vnd.cncf.notary.signature',
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.cosign.simplesigning.v1+json',
]);
const SBOM_TYPES = [/spdx/i, /cyclonedx/i, /sbom/i, /syft/i];
const ATTESTATION_TYPES = [/in-toto/i, /attestation/i, /provenance/i, /slsa/i, /vuln/i];

/** cosign v3 stores signatures and attestations alike as sigstore bundles; this annotation tells them apart. */
const BUNDLE_PREDICATE = 'dev.sigstore.bundle.predicateType';
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** What a referrer is, from its artifact type (or config media type), annotations and the way it was found. */
export function referrerKind(
  desc: Pick<Descriptor, 'artifactType' | 'mediaType' | 'annotations'>,
  storage: ReferrerStorage,
  cosignSuffix?: CosignSuffix,
): ReferrerKind {
  if (cosignSuffix === 'sig') return 'signature';
  if (cosignSuffix === 'att') return 'attestation';
  if (cosignSuffix === 'sbom') return 'sbom';
  if (storage === 'attestation-manifest') return 'attestation';
  const type = desc.artifactType ?? '';
  if (SIGNATURE_TYPES.has(type)) return 'signature';
  if (type.startsWith('application/vnd.dev.sigstore.bundle')) {
    const predicate = desc.annotations?.[BUNDLE_PREDICATE];
    if (predicate === undefined || predicate === COSIGN_SIGN_PREDICATE) return 'signature';
    return SBOM_TYPES.some((r) => r.test(predicate)) ? 'sbom' : 'attestation';
  }
  if (SBOM_TYPES.some((r) => r.test(type))) return 'sbom';
  if (ATTESTATION_TYPES.some((r) => r.test(type))) return 'attestation';
  return 'artifact';
}

/**
 * The descriptor a referrers list holds for a manifest (distribution-spec "Listing Referrers"): its
 * artifactType, else (an image manifest) its config's media type, and its annotations.
 */
export function referrerDescriptor(bytes: Buffer, mediaType: string, digest: string): Descriptor {
  const body = JSON.parse(bytes.toString('utf8')) as { artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown };
  const desc: Descriptor = { mediaType, digest, size: bytes.length };
  const artifactType =
    typeof body.artifactType === 'string' && body.artifactType
      ? body.artifactType
      : typeof body.config?.mediaType === 'string'
        ? body.config.mediaType
        : undefined;
  if (artifactType) desc.artifactType = artifactType;
  if (body.annotations && typeof body.annotations === 'object' && !Array.isArray(body.annotations))
    desc.annotations = body.annotations as Record<string, string>;
  return desc;
}

/** The digest a manifest's `subject` names, if it has a well-formed one. */
export function subjectOf(bytes: Buffer): string | undefined {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { subject?: { digest?: unknown } };
    const d = body.subject?.digest;
    if (typeof d !== 'string') return undefined;
    parseDigest(d);
    return d;
  } catch {
    return undefined;
  }
}
