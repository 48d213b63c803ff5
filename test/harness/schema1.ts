// Docker schema 1 images for tests, signed the way libtrust signs them (JWS ES256 over the pretty
// printed payload, signatures spliced in before its last brace) with a throwaway P-256 key, so a
// real Distribution registry accepts the push and real skopeo reads them.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { sha256, tarOneFile } from './images';

const gzipAsync = promisify(gzip);

export const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export interface Schema1Image {
  /** The signed manifest as a registry stores and serves it. */
  manifest: Buffer;
  /** The payload (the manifest without its signatures): what the digest names. */
  payload: Buffer;
  /** sha256 of the payload: the digest registries and skopeo give the image. */
  digest: string;
  /** sha256 of the signed bytes, which names nothing. */
  rawDigest: string;
  /** Layer blobs by digest (gzip tars). */
  blobs: Map<string, Buffer>;
  /** Layer digests from the base up. */
  layers: string[];
  created: string;
}

/** Where libtrust cuts a pretty-printed payload: before the whitespace that precedes its closing brace. */
function schema1FormatLength(payload: Buffer): number {
  let formatLength = payload.lastIndexOf('}');
  while (formatLength > 0 && /\s/.test(String.fromCharCode(payload[formatLength - 1] as number))) formatLength--;
  return formatLength;
}

/**
 * Signs `payload` (pretty JSON ending in "\n}") as libtrust does and returns the signed bytes: one
 * signature per entry of `signatures` (a count, or the extra fields of each signature's protected header).
 */
export function signSchema1Payload(payload: Buffer, signatures: number | Record<string, unknown>[] = 1): Buffer {
  const formatLength = schema1FormatLength(payload);
  const tail = payload.subarray(formatLength);
  const extras = typeof signatures === 'number' ? Array.from({ length: signatures }, () => ({})) : signatures;
  const sigs = extras.map((extra) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const prot = Buffer.from(JSON.stringify({ formatLength, formatTail: tail.toString('base64url'), time: '2024-01-01T00:00:00Z', ...extra })).toString(
      'base64url',
    );
    const signature = sign('sha256', Buffer.from(`${prot}.${payload.toString('base64url')}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return { header: { jwk: { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }, alg: 'ES256' }, signature: signature.toString('base64url'), protected: prot };
  });
  const rendered = JSON.stringify(sigs, null, 3).split('\n').join('\n   ');
  return Buffer.concat([payload.subarray(0, formatLength), Buffer.from(`,\n   "signatures": ${rendered}\n}`)]);
}

/** signSchema1Payload for a payload given as text, with where it was cut. */
export function signSchema1(payload: string, headers?: Array<Record<string, unknown>>): { signed: Buffer; formatLength: number } {
  const bytes = Buffer.from(payload);
  return { signed: signSchema1Payload(bytes, headers ?? 1), formatLength: schema1FormatLength(bytes) };
}

/**
 * A schema 1 image of `layers` random layers, its v1 history chained by id/parent as Docker wrote
 * it; `repeatTop` repeats the top entry (same v1 id, as old Docker did for an empty layer).
 */
export async function buildSchema1Image(
  opts: { name: string; tag: string; layers?: number; labels?: Record<string, string>; env?: string[]; architecture?: string } = {
    name: 'test/app',
    tag: 'latest',
  },
): Promise<Schema1Image> {
  const count = opts.layers ?? 2;
  const created = '2019-05-06T07:08:09.123456789Z';
  const blobs = new Map<string, Buffer>();
  const layers: string[] = [];
  for (let i = 0; i < count; i++) {
    const gz = await gzipAsync(tarOneFile(`s1-${i}.bin`, randomBytes(512)), { level: 1 });
    const digest = sha256(gz);
    blobs.set(digest, gz);
    layers.push(digest);
  }
  const ids = layers.map(() => randomBytes(32).toString('hex'));
  // history[0] and fsLayers[0] are the top: reversed against `layers`.
  const history = layers
    .map((_, i) => {
      const v1: Record<string, unknown> = {
        id: ids[i],
        ...(i > 0 ? { parent: ids[i - 1] } : {}),
        created,
        container_config: { Cmd: [`/bin/sh -c #(nop) layer ${i}`] },
      };
      if (i === layers.length - 1) {
        Object.assign(v1, {
          architecture: opts.architecture ?? 'amd64',
          os: 'linux',
          docker_version: '18.09.7',
          config: { Env: opts.env ?? ['PATH=/usr/bin:/bin'], Labels: opts.labels ?? { 'org.example.schema': '1' }, Cmd: ['/bin/sh'] },
        });
      }
      return { v1Compatibility: JSON.stringify(v1) };
    })
    .reverse();
  const body = {
    schemaVersion: 1,
    name: opts.name,
    tag: opts.tag,
    architecture: opts.architecture ?? 'amd64',
    fsLayers: [...layers].reverse().map((blobSum) => ({ blobSum })),
    history,
  };
  const payload = Buffer.from(JSON.stringify(body, null, 3));
  const manifest = signSchema1Payload(payload);
  return { manifest, payload, digest: sha256(payload), rawDigest: sha256(manifest), blobs, layers, created };
}
