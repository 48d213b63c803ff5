// `signedIdentity` of a policy requirement (containers-policy.json(5)): which identity a signature may
// claim (critical.identity.docker-reference) for the image being checked. Each rule compares as
// containers/image compares: references are normalized (docker.io/library/...), "name only" is never
// exact, and a digest-named image accepts any tag or digest of its repository under
// matchRepoDigestOrExact (the digest itself is checked against the manifest separately).
import { RegxError } from '../errors';
import { anchoredDomainRegexp, anchoredNameRegexp } from '../reference/grammar';
import { formatReference, isNameOnly, parseCanonicalReference, parseNormalizedReference, referenceName } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import { exactFields } from '../signing/strict-json';

export type SignedIdentity =
  | { type: 'matchExact' }
  | { type: 'matchRepoDigestOrExact' }
  | { type: 'matchRepository' }
  | { type: 'exactReference'; dockerReference: string }
  | { type: 'exactRepository'; dockerRepository: string }
  | { type: 'remapIdentity'; prefix: string; signedPrefix: string };

function policyError(message: string): RegxError {
  return new RegxError('usage', `invalid policy: ${message}`);
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw policyError(`${field} is not a string`);
  return v;
}

function parsable(value: string, what: string): ImageReference {
  try {
    return parseNormalizedReference(value);
  } catch (err) {
    throw policyError(`${what} "${value}" is not a valid reference: ${(err as Error).message}`);
  }
}

/** A remapIdentity prefix: a host[:port] or a repository name, nothing else (containers/image's check). */
function validPrefix(s: string): boolean {
  return anchoredDomainRegexp.test(s) || anchoredNameRegexp.test(s);
}

/** Reads a `signedIdentity` object as containers/image does (exact fields per type). */
export function parseSignedIdentity(v: unknown): SignedIdentity {
  const type = (v as { type?: unknown } | null)?.type;
  switch (type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      exactFields(v, ['type'], `signedIdentity ${type}`);
      return { type };
    case 'exactReference': {
      const f = exactFields(v, ['type', 'dockerReference'], 'signedIdentity exactReference');
      const dockerReference = str(f.dockerReference, 'dockerReference');
      if (isNameOnly(parsable(dockerReference, 'dockerReference'))) throw policyError(`dockerReference ${dockerReference} contains neither a tag nor a digest`);
      return { type, dockerReference };
    }
    case 'exactRepository': {
      const f = exactFields(v, ['type', 'dockerRepository'], 'signedIdentity exactRepository');
      const dockerRepository = str(f.dockerRepository, 'dockerRepository');
      parsable(dockerRepository, 'dockerRepository');
      return { type, dockerRepository };
    }
    case 'remapIdentity': {
      const f = exactFields(v, ['type', 'prefix', 'signedPrefix'], 'signedIdentity remapIdentity');
      const prefix = str(f.prefix, 'prefix');
      const signedPrefix = str(f.signedPrefix, 'signedPrefix');
      for (const p of [prefix, signedPrefix]) if (!validPrefix(p)) throw policyError(`prefix "${p}" is not valid`);
      return { type, prefix, signedPrefix };
    }
    default:
      throw policyError(typeof type === 'string' ? `unknown signedIdentity type "${type.slice(0, 64)}"` : 'signedIdentity has no type');
  }
}

function tryParse(s: string): ImageReference | undefined {
  try {
    return parseNormalizedReference(s);
  } catch {
    return undefined;
  }
}

/** The tagged-or-digested comparison behind matchRepoDigestOrExact and remapIdentity. */
function repoDigestOrExact(intended: ImageReference, signature: ImageReference): boolean {
  if (isNameOnly(signature)) return false;
  // A reference with a tag (with or without a digest) must be matched exactly.
  if (intended.tag !== undefined) return formatReference(signature) === formatReference(intended);
  if (intended.digest !== undefined) return referenceName(signature) === referenceName(intended);
  return false;
}

/** Whether the name of `ref` is `prefix` or lies under it (only '/' separates, as in containers/image). */
function matchesPrefix(ref: ImageReference, prefix: string): boolean {
  const name = referenceName(ref);
  if (name.length < prefix.length) return false;
  if (name.length === prefix.length) return name === prefix;
  return name.startsWith(prefix) && name[prefix.length] === '/';
}

/**
 * Whether a signature claiming `signed` is acceptable for an image named `intended` (its Docker
 * reference; undefined for transports without one, which no rule but exact references can match).
 */
export function identityMatches(rule: SignedIdentity, intended: ImageReference | undefined, signed: string): boolean {
  switch (rule.type) {
    case 'matchExact': {
      const sig = tryParse(signed);
      if (!intended || !sig || isNameOnly(intended) || isNameOnly(sig)) return false;
      return formatReference(sig) === formatReference(intended);
    }
    case 'matchRepoDigestOrExact': {
      const sig = tryParse(signed);
      return !!intended && !!sig && repoDigestOrExact(intended, sig);
    }
    case 'matchRepository': {
      const sig = tryParse(signed);
      return !!intended && !!sig && referenceName(sig) === referenceName(intended);
    }
    case 'exactReference': {
      const want = tryParse(rule.dockerReference);
      const sig = tryParse(signed);
      if (!want || !sig || isNameOnly(want) || isNameOnly(sig)) return false;
      return formatReference(sig) === formatReference(want);
    }
    case 'exactRepository': {
      const want = tryParse(rule.dockerRepository);
      const sig = tryParse(signed);
      return !!want && !!sig && referenceName(sig) === referenceName(want);
    }
    case 'remapIdentity': {
      if (!intended) return false;
      let target = intended;
      if (matchesPrefix(intended, rule.prefix)) {
        // The first occurrence of the prefix in the full reference is replaced, and the result must be canonical.
        const full = formatReference(intended);
        try {
          target = parseCanonicalReference(full.replace(rule.prefix, rule.signedPrefix));
        } catch {
          return false;
        }
      }
      const sig = tryParse(signed);
      return !!sig && repoDigestOrExact(target, sig);
    }
  }
}

/** The rule as the policy file spells it, for messages. */
export function describeIdentity(rule: SignedIdentity): string {
  switch (rule.type) {
    case 'exactReference':
      return `exactReference ${rule.dockerReference}`;
    case 'exactRepository':
      return `exactRepository ${rule.dockerRepository}`;
    case 'remapIdentity':
      return `remapIdentity ${rule.prefix} -> ${rule.signedPrefix}`;
    default:
      return rule.type;
  }
}
