// The "simple signing" payload (containers-signature(5), "atomic container signature"): the JSON a GPG
// simple signature wraps and a sigstore signature signs. Built as containers/image writes it (Go's
// json.Marshal of maps: keys sorted, compact), read as strictly as containers/image reads it: exactly
// the critical fields, no key twice, `optional` free-form but with a string creator and an integral timestamp.
import { RegxError } from '../errors';
import { goJsonCompact, goMap } from '../image/go-json';
import { isValidDigest } from '../reference/digest';
import { exactFields, isPlainObject, parseStrictJson, StrictJsonError } from './strict-json';

export const SIGNATURE_TYPE = 'atomic container signature';

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
export function buildPayload(p: SimpleSigningPayload): Buffer {
  if (!p.dockerReference || !p.manifestDigest) throw new RegxError('usage', 'a signature needs an image digest and a reference');
  if (p.timestamp !== undefined && !Number.isSafeInteger(p.timestamp)) throw new RegxError('usage', 'a signature timestamp is a whole number of seconds');
  const optional: Record<string, unknown> = goMap({});
  if (p.creator !== undefined) optional.creator = p.creator;
  if (p.timestamp !== undefined) optional.timestamp = p.timestamp;
  const doc = goMap({
    critical: goMap({
      type: SIGNATURE_TYPE,
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
 * Reads a payload the way containers/image's strict unmarshal does. The digest and reference are
 * returned untrusted: the caller checks them against the image and the policy's identity rule.
 */
export function parsePayload(bytes: Uint8Array): SimpleSigningPayload {
  let doc: unknown;
  try {
    doc = parseStrictJson(Buffer.from(bytes).toString('utf8'));
    const top = exactFields(doc, ['critical', 'optional'], 'the signature');
    const out: Partial<SimpleSigningPayload> = {};
    if (!isPlainObject(top.optional)) throw invalid('optional is not a JSON object');
    const optional = top.optional;
    if ('creator' in optional) out.creator = stringField(optional.creator, 'optional.creator');
    if ('timestamp' in optional) {
      const t = optional.timestamp;
      if (typeof t !== 'number') throw invalid('optional.timestamp is not a number');
      if (!Number.isInteger(t)) throw invalid('optional.timestamp is not an integer');
      out.timestamp = t;
    }
    const critical = exactFields(top.critical, ['type', 'image', 'identity'], 'critical');
    const type = stringField(critical.type, 'critical.type');
    if (type !== SIGNATURE_TYPE) throw invalid(`unrecognized signature type "${type.slice(0, 64)}"`);
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
