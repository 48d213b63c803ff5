// Evaluates containers-policy.json(5) for one image, as containers/image's PolicyContext does:
//  - the requirements are those of the most specific scope of the image's transport (identity, then
//    namespaces from the repository up to the host and `*.` host wildcards, then the transport's ""),
//    else `default`;
//  - every requirement must accept; `signedBy` / `sigstoreSigned` accept when one signature does
//    (verified, by a trusted key, for this manifest's digest, claiming an acceptable identity).
// Unlike containers/image, which stops at the first answer, every requirement and every signature is
// judged, so a verifier can show each one; the verdict is the same.
import { promises as fsp } from 'node:fs';
import { RegxError } from '../errors';
import { manifestDigest, parseDigest } from '../image/digest';
import type { ImageReference } from '../reference/reference';
import { parsePayload } from '../signing/payload';
import { fingerprints, readPublicKeys, verifySignedMessage } from '../signing/openpgp-verify';
import type { PublicKeys } from '../signing/openpgp-verify';
import { UntrustedKeyError } from '../signing/untrusted-key';
import { SIGSTORE_SIGNATURE_ANNOTATION } from '../sigstore/attachment-layout';
import { describeIdentity, identityMatches } from './identity';
import type { SignedIdentity } from './identity';
import type { Policy, Requirement } from './policy-file';
import type { SigstoreEvidence, SigstoreVerifier } from './sigstore-requirement';

/** What evaluation needs to know of an image; signatures are read only if a requirement asks. */
export interface PolicyImage {
  /** As skopeo names it in messages: `docker://registry/repo:tag`. */
  name: string;
  transport: string;
  /** Scope names in lookup order: the identity, then the namespaces (scopes.ts for docker). */
  scopeNames: string[];
  /** The image's Docker reference (with tag or digest), if its transport has one. */
  dockerReference?: ImageReference;
  manifest(): Promise<{ bytes: Buffer; mediaType: string }>;
  /** GPG simple signatures as stored (untrusted). */
  simpleSignatures(): Promise<Buffer[]>;
  /** Sigstore signatures (untrusted), read where registries.d allows it. */
  sigstoreSignatures(): Promise<SigstoreEvidence[]>;
}

export interface SignatureVerdict {
  kind: 'simple-signing' | 'sigstore';
  /** 1-based position among the image's signatures of that kind. */
  index: number;
  accepted: boolean;
  /** Why not, in containers/image's words where it has them. */
  reason?: string;
  /** The key that made it, when known (GPG fingerprint). */
  key?: string;
  /** The identity it claims, once authenticated. */
  identity?: string;
  /** Rejected only because no key the requirement trusts made it (the signature may be sound). */
  untrustedKey?: boolean;
  /**
   * A sigstore signature's attachment layer: its digest and its signature annotation, so a viewer can pair
   * the verdict with the layer it shows (two signatures of one payload share the digest).
   */
  layer?: { digest: string; signature: string | undefined };
}

export interface RequirementVerdict {
  type: Requirement['type'];
  accepted: boolean;
  reason?: string;
  signatures: SignatureVerdict[];
}

export interface PolicyVerdict {
  accepted: boolean;
  /** Which part of the policy applied: `default` or `transports.docker["scope"]`. */
  scope: string;
  requirements: RequirementVerdict[];
  /** The first rejection's reason (what containers/image would report). */
  reason?: string;
}

/** The requirements that apply to `image`, and where in the policy they are. */
export function requirementsFor(policy: Policy, image: Pick<PolicyImage, 'transport' | 'scopeNames'>): { scope: string; requirements: Requirement[] } {
  const scopes = policy.transports.get(image.transport);
  if (scopes) {
    for (const name of [...image.scopeNames, '']) {
      const reqs = scopes.get(name);
      if (reqs) return { scope: `transports.${image.transport}[${JSON.stringify(name)}]`, requirements: reqs };
    }
  }
  return { scope: 'default', requirements: policy.default };
}

/** Reads key material named by a requirement (keyPath, keyPaths or keyData). */
async function keyBytes(req: { keyPath?: string; keyPaths?: string[]; keyData?: Buffer }): Promise<{ what: string; bytes: Buffer }[]> {
  if (req.keyData) return [{ what: 'keyData', bytes: req.keyData }];
  const paths = req.keyPath !== undefined ? [req.keyPath] : (req.keyPaths ?? []);
  const out: { what: string; bytes: Buffer }[] = [];
  for (const p of paths) {
    try {
      out.push({ what: p, bytes: await fsp.readFile(p) });
    } catch (err) {
      throw new RegxError('usage', `cannot read the key file ${p}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Whether the manifest's bytes are the ones `digest` names (in the digest's own algorithm). */
function digestMatches(manifest: { bytes: Buffer; mediaType: string }, digest: string): boolean {
  try {
    const { algorithm } = parseDigest(digest);
    return manifestDigest(manifest.bytes, manifest.mediaType, algorithm) === digest;
  } catch {
    return false;
  }
}

/** The checks after authentication, shared by both signature kinds (containers/image's order). */
function judgePayload(
  image: PolicyImage,
  manifest: { bytes: Buffer; mediaType: string },
  identity: SignedIdentity,
  claimed: { manifestDigest: string; dockerReference: string },
): string | undefined {
  if (!digestMatches(manifest, claimed.manifestDigest)) return `Signature for digest ${claimed.manifestDigest} does not match`;
  if (!identityMatches(identity, image.dockerReference, claimed.dockerReference))
    return `Signature for identity ${claimed.dockerReference} is not accepted (signedIdentity ${describeIdentity(identity)})`;
  return undefined;
}

function noteUntrusted(v: SignatureVerdict, err: RegxError): void {
  if (!(err instanceof UntrustedKeyError)) return;
  v.untrustedKey = true;
  v.key ??= err.keyId;
}

function summary(verdicts: SignatureVerdict[], skipped: string): string {
  const rejected = verdicts.filter((v) => !v.accepted);
  if (rejected.length === 0) return `A signature was required, but no signature exists${skipped}`;
  if (rejected.length === 1) return rejected[0]?.reason ?? 'rejected';
  return `None of the signatures were accepted, reasons: ${rejected.map((v) => v.reason).join('; ')}`;
}

async function evaluateSignedBy(image: PolicyImage, req: Extract<Requirement, { type: 'signedBy' }>): Promise<RequirementVerdict> {
  const out: RequirementVerdict = { type: req.type, accepted: false, signatures: [] };
  if (req.keyType !== 'GPGKeys') {
    out.reason = `Unimplemented "keyType" value "${req.keyType}"`;
    return out;
  }
  let keys: PublicKeys = [];
  for (const k of await keyBytes(req)) keys.push(...(await readPublicKeys(k.bytes, k.what)));
  keys = keys.filter((k, i) => keys.findIndex((o) => o.getFingerprint() === k.getFingerprint()) === i);
  if (keys.length === 0) {
    out.reason = 'No public keys imported';
    return out;
  }
  const sigs = await image.simpleSignatures();
  // Read only when there is a signature to hold against it (an image of a transport without signatures needs none).
  const manifest = sigs.length > 0 ? await image.manifest() : { bytes: Buffer.alloc(0), mediaType: '' };
  let index = 0;
  for (const sig of sigs) {
    index++;
    const v: SignatureVerdict = { kind: 'simple-signing', index, accepted: false };
    try {
      const verified = await verifySignedMessage(sig, keys);
      v.key = verified.keyFingerprint;
      if (!fingerprints(keys).includes(verified.keyFingerprint))
        throw new UntrustedKeyError(`Signature by key ${verified.keyFingerprint} is not accepted`, verified.keyFingerprint);
      const payload = parsePayload(verified.payload);
      v.identity = payload.dockerReference;
      v.reason = judgePayload(image, manifest, req.signedIdentity, payload);
      v.accepted = v.reason === undefined;
    } catch (err) {
      if (!(err instanceof RegxError) || (err.reason !== 'signature-invalid' && err.reason !== 'too-large')) throw err;
      v.reason = err.message;
      noteUntrusted(v, err);
    }
    out.signatures.push(v);
  }
  out.accepted = out.signatures.some((s) => s.accepted);
  if (!out.accepted) out.reason = summary(out.signatures, '');
  return out;
}

async function evaluateSigstore(
  image: PolicyImage,
  req: Extract<Requirement, { type: 'sigstoreSigned' }>,
  sigstore: SigstoreVerifier,
): Promise<RequirementVerdict> {
  const out: RequirementVerdict = { type: req.type, accepted: false, signatures: [] };
  if (req.fulcio !== undefined || req.rekorPublicKeyPath !== undefined || req.rekorPublicKeyData !== undefined) {
    out.reason = 'sigstoreSigned with Fulcio certificates or a Rekor key is not available in regx: only keyPath/keyData signatures are checked';
    return out;
  }
  const keyFiles = await keyBytes(req);
  const verifier = sigstore.withKeys(keyFiles);
  const evidence = await image.sigstoreSignatures();
  const manifest = evidence.length > 0 ? await image.manifest() : { bytes: Buffer.alloc(0), mediaType: '' };
  let index = 0;
  let notSignatures = 0;
  for (const e of evidence) {
    if (!sigstore.isSignature(e)) {
      notSignatures++;
      continue;
    }
    index++;
    const v: SignatureVerdict = {
      kind: 'sigstore',
      index,
      accepted: false,
      layer: { digest: e.digest, signature: e.annotations[SIGSTORE_SIGNATURE_ANNOTATION] },
    };
    try {
      const payload = verifier.verify(e);
      v.identity = payload.dockerReference;
      v.reason = judgePayload(image, manifest, req.signedIdentity, payload);
      v.accepted = v.reason === undefined;
    } catch (err) {
      if (!(err instanceof RegxError) || err.reason !== 'signature-invalid') throw err;
      v.reason = err.message;
      noteUntrusted(v, err);
    }
    out.signatures.push(v);
  }
  out.accepted = out.signatures.some((s) => s.accepted);
  if (!out.accepted) out.reason = summary(out.signatures, notSignatures > 0 ? ` (${notSignatures} sigstore non-signature attachments)` : '');
  return out;
}

async function evaluateOne(image: PolicyImage, req: Requirement, sigstore: SigstoreVerifier): Promise<RequirementVerdict> {
  switch (req.type) {
    case 'insecureAcceptAnything':
      return { type: req.type, accepted: true, signatures: [] };
    case 'reject':
      return { type: req.type, accepted: false, reason: `Running image ${image.name} is rejected by policy.`, signatures: [] };
    case 'signedBaseLayer':
      return { type: req.type, accepted: false, reason: 'signedBaseLayer not implemented yet!', signatures: [] };
    case 'signedBy':
      return evaluateSignedBy(image, req);
    case 'sigstoreSigned':
      return evaluateSigstore(image, req, sigstore);
  }
}

/** Judges `image` by `policy`; throws only when something could not be read (a key, a signature store). */
export async function evaluatePolicy(policy: Policy, image: PolicyImage, sigstore: SigstoreVerifier): Promise<PolicyVerdict> {
  const { scope, requirements } = requirementsFor(policy, image);
  const verdicts: RequirementVerdict[] = [];
  for (const req of requirements) verdicts.push(await evaluateOne(image, req, sigstore));
  const first = verdicts.find((v) => !v.accepted);
  return { accepted: first === undefined, scope, requirements: verdicts, reason: first?.reason };
}

/** Throws `policy-rejected` unless the verdict accepts (what a copy does with a source the policy refuses). */
export function requireAccepted(verdict: PolicyVerdict, image: PolicyImage): void {
  if (!verdict.accepted) throw new RegxError('policy-rejected', `Source image rejected: ${verdict.reason ?? `${image.name} is rejected by policy`}`);
}
