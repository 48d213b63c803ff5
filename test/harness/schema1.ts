// Docker schema 1 signed manifests made in tests the way libtrust makes them: a P-256 key signs
// (ES256) each protected header with the payload, and the "signatures" array goes in before the
// payload's closing brace, where the protected header's formatLength/formatTail say it was cut.
import { generateKeyPairSync, sign } from 'node:crypto';

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** Signs `payload` (pretty JSON) once per entry of `headers`, each entry adding fields to that signature's protected header. */
export function signSchema1(payload: string, headers?: Array<Record<string, unknown>>): { signed: Buffer; formatLength: number } {
  const close = payload.lastIndexOf('}');
  const formatLength = payload.slice(0, close).trimEnd().length;
  const tail = payload.slice(formatLength);
  const blocks = (headers ?? [{}]).map((extra) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const protectedHeader = b64url(JSON.stringify({ formatLength, formatTail: b64url(tail), time: '2024-01-01T00:00:00Z', ...extra }));
    const signature = sign('sha256', Buffer.from(`${protectedHeader}.${b64url(payload)}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return { header: { jwk: { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }, alg: 'ES256' }, signature: b64url(signature), protected: protectedHeader };
  });
  const sigs = JSON.stringify(blocks, null, 3).replace(/\n/g, '\n   ');
  return { signed: Buffer.from(`${payload.slice(0, formatLength)},\n   "signatures": ${sigs}\n}`), formatLength };
}
