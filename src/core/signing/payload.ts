// The "simple signing" payload (containers-signature(5)): the JSON a GPG simple signature wraps
// (critical.type "atomic container signature") and a sigstore signature signs (cosign's and
// containers/image's "cosign container image signature"; neither kind accepts the other's type). Built as
// containers/image writes it (Go's json.Marshal of maps: keys sorted, compact), read as strictly as it
// reads it: exactly the critical fields, no key twice, `optional` free-form but with a string creator and
// an integral timestamp (and, in a sigstore payload, null, as cosign writes it).
import { RegxError } from '../errors';
import { goJsonCompact, goMap } from '../image/go-json';
import { isValidDigest } from '../reference/digest';
import { exactFields, isPlainObject, parseStrictJson, StrictJsonError } from './strict-json';

export const SIGNATURE_TYPE = 'atomic container signature';
export const SIGSTORE_SIGNATURE_TYPE = 'cosign container image signature';
/** Which signature the payload is for: a GPG simple signature's, or a sigstore signature's. */
export type PayloadType = typeof SIGNATURE_TYPE | typeof SIGSTORE_SIGNATURE_TYPE;

export interface SimpleSigningPayload {
  /** critical.identity.docker-reference: the name the signer meant the image to have. */
  dockerReference: string;
  /** critical.image.docker-manifest-digest. */
  manifestDigest: string;
  /** optional.creator, e.g. "atomic 5.x" from containers/image. */
  creator?: string;
  /** optional.timestamp, seconds since the epoch. */
  timestamp?: number;
}

/** The payload's bytes, as containers/image produces them for the same fields. */
export function buildPayload(p: SimpleSigningPayload, type: PayloadType = SIGNATURE_TYPE): Buffer {
  if (!p.dockerReference || !p.manifestDigest) throw new RegxError('usage', 'a signature needs an image digest and a reference');
  if (p.timestamp !== undefined && !Number.isSafeInteger(p.timestamp)) throw new RegxError('usage', 'a signature timestamp is a whole number of seconds');
  const optional: Record<string, unknown> = goMap({});
  if (p.creator !== undefined) optional.creator = p.creator;
  if (p.timestamp !== undefined) optional.timestamp = p.timestamp;
  const doc = goMap({
    critical: goMap({
      type,
      image: goMap({ 'docker-manifest-digest': p.manifestDigest }),
      identity: goMap({ 'docker-reference': p.dockerReference }),
    }),
    optional,
  });
  return Buffer.from(goJsonCompact(doc), 'utf8');
}

function invalid(message: string): RegxError {
  return new RegxError('signature-invalid', `invalid signature payload: ${message}`);
}

function stringField(v: unknown, name: string): string {
  if (typeof v !== 'string') throw invalid(`${name} is not a string`);
  return v;
}

/**
 * Reads a payload of `type` the way containers/image's strict unmarshal does. The digest and reference
 * are returned untrusted (a sigstore payload's until its signature was verified): the caller checks them
 * against the image and the policy's identity rule.
 */
export function parsePayload(bytes: Uint8Array, type: PayloadType = SIGNATURE_TYPE): SimpleSigningPayload {
  let doc: unknown;
  try {
    doc = parseStrictJson(Buffer.from(bytes).toString('utf8'));
    const top = exactFields(doc, ['critical', 'optional'], 'the signature');
    const out: Partial<SimpleSigningPayload> = {};
    // containers/image takes a sigstore payload's `optional: null` as no optional fields.
    const optional = type === SIGSTORE_SIGNATURE_TYPE && top.optional === null ? {} : top.optional;
    if (!isPlainObject(optional)) throw invalid('optional is not a JSON object');
    if ('creator' in optional) out.creator = stringField(optional.creator, 'optional.creator');
    if ('timestamp' in optional) {
      const t = optional.timestamp;
      if (typeof t !== 'number') throw invalid('optional.timestamp is not a number');
      if (!Number.isInteger(t)) throw invalid('optional.timestamp is not an integer');
      out.timestamp = t;
    }
    const critical = exactFields(top.critical, ['type', 'image', 'identity'], 'critical');
    const claimed = stringField(critical.type, 'critical.type');
    if (claimed !== type) throw invalid(`unrecognized signature type "${claimed.slice(0, 64)}"`);
    const image = exactFields(critical.image, ['docker-manifest-digest'], 'critical.image');
    out.manifestDigest = stringField(image['docker-manifest-digest'], 'critical.image.docker-manifest-digest');
    const identity = exactFields(critical.identity, ['docker-reference'], 'critical.identity');
    out.dockerReference = stringField(identity['docker-reference'], 'critical.identity.docker-reference');
    return out as SimpleSigningPayload;
  } catch (err) {
    if (err instanceof StrictJsonError) throw invalid(err.message);
    throw err;
  }
}

/** Whether the payload's digest names `manifestDigest` (same algorithm and value); an unparsable one never does. */
export function payloadNamesDigest(p: SimpleSigningPayload, manifestDigest: string): boolean {
  return isValidDigest(p.manifestDigest) && p.manifestDigest === manifestDigest;
}
