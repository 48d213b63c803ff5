// Docker schema 1 signed manifests made in tests the way libtrust lays them out (the signature
// itself is not valid: digests and payloads never depend on it).

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** What libtrust does when it signs: cut the payload before its closing brace and insert "signatures". */
export function signSchema1(payload: string, headers?: Array<Record<string, unknown>>): { signed: Buffer; formatLength: number } {
  const close = payload.lastIndexOf('}');
  const formatLength = payload.slice(0, close).trimEnd().length;
  const tail = payload.slice(formatLength);
  const blocks = (headers ?? [{}]).map((extra) => ({
    header: { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } },
    signature: 'c2lnbmF0dXJl',
    protected: b64url(JSON.stringify({ formatLength, formatTail: b64url(tail), time: '2024-01-01T00:00:00Z', ...extra })),
  }));
  const sigs = JSON.stringify(blocks, null, 3).replace(/\n/g, '\n   ');
  return { signed: Buffer.from(`${payload.slice(0, formatLength)},\n   "signatures": ${sigs}\n}`), formatLength };
}

