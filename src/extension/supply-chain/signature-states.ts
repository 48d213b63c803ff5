// From the trust policy's verdict on an image to what its rows say: each signature verified (a
// requirement accepted it), unverified (the policy does not look at it, or no key it trusts made it),
// or invalid (it does not hold: wrong digest, identity not accepted, broken payload); the tag row's
// shield when the policy accepts the image on the strength of a signature. Pure (no vscode).
import { basename } from 'node:path';
import type { PolicyVerdict, SignatureVerdict } from '../../core/policy/evaluate';
import type { Requirement } from '../../core/policy/policy-file';
import { SIGSTORE_SIGNATURE_ANNOTATION } from '../../core/sigstore/attachment-layout';
import type { SupplyItem } from '../../core/supply-chain/describe';
import { policyFileSetting, registriesDirectorySetting } from './trust-settings';

/** A signature's state against the user's policy; "not verified" when there is no policy to judge by. */
export type SignatureState = 'verified' | 'unverified' | 'invalid' | 'not verified' | 'checking';

export interface SignatureCheck {
  readonly state: SignatureState;
  /** Why, in a sentence (the tooltip's). */
  readonly detail: string;
  /** Who made it, once the policy's key proved it: "key cosign.pub", a GPG fingerprint. */
  readonly signer?: string;
}

/** What is known of the policy's judgement of one image (one tag, or one platform's digest). */
export type Judgement =
  | { readonly kind: 'pending' }
  | { readonly kind: 'none'; readonly why: string }
  | { readonly kind: 'broken'; readonly text: string }
  | { readonly kind: 'failed'; readonly text: string }
  | {
      readonly kind: 'judged';
      readonly verdict: PolicyVerdict;
      /** The requirements judged, in the verdict's order. */
      readonly requirements: readonly Requirement[];
      readonly policyPath: string;
      /** Whether registries.d lets sigstore signatures of this repository be read from `.sig` attachments. */
      readonly attachments: boolean;
    };

/** How a key named by a requirement is shown: its file's name, or "the policy's keyData". */
function keyName(req: Requirement | undefined): string | undefined {
  if (!req || (req.type !== 'sigstoreSigned' && req.type !== 'signedBy')) return undefined;
  if (req.keyPath) return `key ${basename(req.keyPath)}`;
  if (req.type === 'signedBy' && req.keyPaths?.length) return `keys ${req.keyPaths.map((p) => basename(p)).join(', ')}`;
  return req.keyData ? "the policy's keyData" : undefined;
}

/** Verdicts on one signature by every requirement that judged it, with the requirement. */
function verdictsOn(
  j: Extract<Judgement, { kind: 'judged' }>,
  matches: (s: SignatureVerdict) => boolean,
): { v: SignatureVerdict; req: Requirement | undefined }[] {
  return j.verdict.requirements.flatMap((r, i) => r.signatures.filter(matches).map((v) => ({ v, req: j.requirements[i] })));
}

function fromVerdicts(found: { v: SignatureVerdict; req: Requirement | undefined }[]): SignatureCheck | undefined {
  const ok = found.find((f) => f.v.accepted);
  if (ok) return { state: 'verified', detail: `accepted by the policy${ok.v.identity ? ` as ${ok.v.identity}` : ''}`, signer: ok.v.key ?? keyName(ok.req) };
  const broken = found.find((f) => !f.v.untrustedKey);
  if (broken) return { state: 'invalid', detail: broken.v.reason ?? 'rejected by the policy', signer: broken.v.key };
  const first = found[0];
  if (first)
    return { state: 'unverified', detail: `not made by a key the policy trusts${first.v.key ? ` (made by ${first.v.key})` : ''}`, signer: first.v.key };
  return undefined;
}

const cosignSignature = (item: SupplyItem): boolean =>
  item.kind === 'signature' && item.referrer.storage === 'cosign-tag' && item.signature.scheme === 'cosign';

/** The state of every signature while there is no verdict to read it from. */
function withoutVerdict(j: Exclude<Judgement, { kind: 'judged' }>): SignatureCheck {
  switch (j.kind) {
    case 'pending':
      return { state: 'checking', detail: 'being checked against the trust policy' };
    case 'none':
      return { state: 'not verified', detail: `no trust policy (${j.why})` };
    case 'broken':
    case 'failed':
      return { state: 'not verified', detail: j.text };
  }
}

/** The state of the GPG simple signature numbered `index` (1-based, in its store's order). */
export function simpleSignatureCheck(j: Judgement, index: number): SignatureCheck {
  if (j.kind !== 'judged') return withoutVerdict(j);
  const checked = fromVerdicts(verdictsOn(j, (s) => s.kind === 'simple-signing' && s.index === index));
  if (checked) return checked;
  if (!j.requirements.some((r) => r.type === 'signedBy'))
    return { state: 'unverified', detail: `the policy (${j.policyPath}, ${j.verdict.scope}) does not check GPG signatures` };
  const why = j.verdict.requirements.find((r) => r.type === 'signedBy' && r.reason && !r.signatures.length)?.reason;
  return { state: 'unverified', detail: why ?? `not judged by the policy (${j.policyPath}, ${j.verdict.scope})` };
}

/** The state of one signature row. */
export function signatureCheck(j: Judgement, item: SupplyItem): SignatureCheck {
  if (j.kind !== 'judged') return withoutVerdict(j);
  const scope = `${j.policyPath}, ${j.verdict.scope}`;
  if (!cosignSignature(item)) {
    const format = item.kind === 'signature' ? item.signature.scheme : 'this';
    return {
      state: 'unverified',
      detail: `the trust policy does not cover ${format} signatures (containers-policy.json checks sigstore .sig attachments and GPG simple signatures)`,
    };
  }
  const layer = item.layer;
  const checked = fromVerdicts(
    verdictsOn(
      j,
      (s) => s.kind === 'sigstore' && s.layer?.digest === layer?.digest && s.layer?.signature === layer?.annotations?.[SIGSTORE_SIGNATURE_ANNOTATION],
    ),
  );
  if (checked) return checked;
  const sigstoreReqs = j.requirements.filter((r) => r.type === 'sigstoreSigned');
  if (!sigstoreReqs.length) return { state: 'unverified', detail: `the policy (${scope}) does not check sigstore signatures` };
  if (!j.attachments)
    return {
      state: 'unverified',
      detail: `not read by the policy: registries.d does not set use-sigstore-attachments for this repository (${registriesDirectorySetting})`,
    };
  const why = j.verdict.requirements.find((r) => r.type === 'sigstoreSigned' && r.reason && !r.signatures.length)?.reason;
  return { state: 'unverified', detail: why ?? `not judged by the policy (${scope})` };
}

/** The tag row's mark: shown when the policy accepts the image because a signature it requires holds. */
export function tagTrust(j: Judgement): { shield: boolean; text: string } | undefined {
  if (j.kind === 'broken' || j.kind === 'failed') return { shield: false, text: j.text };
  if (j.kind !== 'judged') return undefined;
  const signedBy = j.verdict.requirements.filter((r) => (r.type === 'sigstoreSigned' || r.type === 'signedBy') && r.accepted);
  if (j.verdict.accepted && signedBy.length) return { shield: true, text: `Signed: accepted by the trust policy ${j.policyPath} (${j.verdict.scope})` };
  if (!j.verdict.accepted) return { shield: false, text: `Rejected by the trust policy ${j.policyPath}: ${j.verdict.reason ?? 'rejected'}` };
  return { shield: false, text: `Accepted by the trust policy ${j.policyPath} without a signature (${j.verdict.scope})` };
}

/** Text for a policy that could not be used for this image (a key file it names is missing...). */
export function failedJudgementText(message: string, policyPath: string, policyProblem: boolean): string {
  return `Signatures not checked: ${message}${policyProblem ? `. Fix the policy ${policyPath} or the setting ${policyFileSetting}.` : ''}`;
}
