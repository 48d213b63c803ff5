// The payload a sigstore signature signs: the simple-signing JSON with critical.type "cosign container
// image signature" (cosign's and containers/image's sigstore type; a GPG simple signature says "atomic
// container signature", and neither side accepts the other's). Written as containers/image writes it
// (Go's json.Marshal of maps: keys sorted, compact), read as strictly (exact critical fields, no key twice).
import { RegxError } from '../errors';
import { goJsonCompact, goMap } from '../image/go-json';
import type { SimpleSigningPayload } from '../signing/payload';
import { exactFields, isPlainObject, parseStrictJson, StrictJsonError } from '../signing/strict-json';

export const SIGSTORE_SIGNATURE_TYPE = 'cosign container image signature';

export function buildSigstorePayload(p: SimpleSigningPayload): Buffer {
  if (!p.dockerReference || !p.manifestDigest) throw new RegxError('usage', 'a signature needs an image digest and a reference');
  const optional: Record<string, unknown> = goMap({});
  if (p.creator !== undefined) optional.creator = p.creator;
  if (p.timestamp !== undefined) optional.timestamp = p.timestamp;
  const critical = goMap({ type: SIGSTORE_SIGNATURE_TYPE, image: goMap({ 'docker-manifest-digest': p.manifestDigest }), identity: goMap({ 'docker-reference': p.dockerReference }) });
  return Buffer.from(goJsonCompact(goMap({ critical, optional })), 'utf8');
}

function field(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new StrictJsonError(`${name} is not a string`);
  return v;
}

/** The payload's claims, untrusted until its signature was verified; the caller checks digest and identity. */
export function parseSigstorePayload(bytes: Uint8Array): SimpleSigningPayload {
  try {
    const top = exactFields(parseStrictJson(Buffer.from(bytes).toString('utf8')), ['critical', 'optional'], 'the signature');
    const out: SimpleSigningPayload = { dockerReference: '', manifestDigest: '' };
    // containers/image takes `optional: null` as no optional fields.
    if (top.optional !== null) {
      if (!isPlainObject(top.optional)) throw new StrictJsonError('optional is not a JSON object');
      if ('creator' in top.optional) out.creator = field(top.optional.creator, 'optional.creator');
      if ('timestamp' in top.optional) {
        const t = top.optional.timestamp;
        if (typeof t !== 'number' || !Number.isInteger(t)) throw new StrictJsonError('optional.timestamp is not an integer');
        out.timestamp = t;
      }
    }
    const critical = exactFields(top.critical, ['type', 'image', 'identity'], 'critical');
    const type = field(critical.type, 'critical.type');
    if (type !== SIGSTORE_SIGNATURE_TYPE) throw new StrictJsonError(`unrecognized signature type "${type.slice(0, 64)}"`);
    out.manifestDigest = field(exactFields(critical.image, ['docker-manifest-digest'], 'critical.image')['docker-manifest-digest'], 'critical.image.docker-manifest-digest');
    out.dockerReference = field(exactFields(critical.identity, ['docker-reference'], 'critical.identity')['docker-reference'], 'critical.identity.docker-reference');
    return out;
  } catch (err) {
    if (err instanceof StrictJsonError) throw new RegxError('signature-invalid', `invalid signature payload: ${err.message}`);
    throw err;
  }
}
