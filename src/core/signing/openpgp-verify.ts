// Verifies GPG simple signatures with OpenPGP.js against keys from files or policy data: no keyring,
// no gpg-agent, nothing of the user's GnuPG state is touched or trusted. A simple signature is an
// OpenPGP message (one-pass signature, literal data holding the payload, signature), usually
// compressed and binary, as `gpg --sign` writes it; an armored one is read too.
// Hostile input: the message is read as a stream and its literal data is capped, so a small signature
// that inflates to gigabytes is refused after the cap, not held in memory.
import { UntrustedKeyError } from './untrusted-key';
import { RegxError } from '../errors';
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'require' };

/** A signature body (compressed) larger than this is not a simple signature (containers/image caps it at 4 MiB). */
export const MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;
/** The payload a signature wraps: a small JSON document. */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
const MAX_KEY_BYTES = 16 * 1024 * 1024;

let loaded: typeof OpenPgp | undefined;
function openpgp(): typeof OpenPgp {
  // Loaded on first use: the library is large and only signature work needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('openpgp') as typeof OpenPgp;
  return loaded;
}

export type PublicKeys = OpenPgp.PublicKey[];

function isArmored(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1').trimStart();
  return head.startsWith('-----BEGIN PGP');
}

/** Reads every public key in `bytes` (binary or armored, one or many, as `gpg --export` writes them). */
export async function readPublicKeys(bytes: Uint8Array, what: string): Promise<PublicKeys> {
  if (bytes.length > MAX_KEY_BYTES) throw new RegxError('too-large', `${what} is larger than ${MAX_KEY_BYTES} bytes`);
  const pgp = openpgp();
  try {
    const keys = isArmored(bytes) ? await pgp.readKeys({ armoredKeys: Buffer.from(bytes).toString('utf8') }) : await pgp.readKeys({ binaryKeys: bytes });
    return keys.map((k) => (k.isPrivate() ? k.toPublic() : k));
  } catch (err) {
    throw new RegxError('usage', `${what} holds no readable OpenPGP public key: ${(err as Error).message}`);
  }
}

/** Upper-case hex fingerprints of the primary keys, as gpg prints them. */
export function fingerprints(keys: PublicKeys): string[] {
  return keys.map((k) => k.getFingerprint().toUpperCase());
}

export interface VerifiedSignature {
  /** The signed payload's bytes. */
  payload: Buffer;
  /** Fingerprint (upper-case hex) of the primary key whose key or subkey made the signature. */
  keyFingerprint: string;
}

/** Reads `stream` whole, failing past `limit` bytes. */
async function readCapped(stream: ReadableStream<Uint8Array>, limit: number): Promise<Buffer> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > limit) {
      await reader.cancel().catch(() => undefined);
      throw new RegxError('signature-invalid', `the signed payload is larger than ${limit} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/**
 * Verifies an OpenPGP signed message against `keys` and returns its payload and the signing key.
 * Throws `signature-invalid` when it is not a signed message, is signed by none of the keys, or does
 * not verify.
 */
export async function verifySignedMessage(signature: Uint8Array, keys: PublicKeys): Promise<VerifiedSignature> {
  if (signature.length > MAX_SIGNATURE_BYTES) throw new RegxError('signature-invalid', `the signature is larger than ${MAX_SIGNATURE_BYTES} bytes`);
  if (keys.length === 0) throw new RegxError('signature-invalid', 'no public key to verify the signature with');
  const pgp = openpgp();
  const bytes = new Uint8Array(signature);
  let message: OpenPgp.Message<ReadableStream<Uint8Array>> | OpenPgp.Message<string>;
  try {
    if (isArmored(bytes)) message = await pgp.readMessage({ armoredMessage: Buffer.from(bytes).toString('utf8') });
    else {
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes);
          c.close();
        },
      });
      message = await pgp.readMessage({ binaryMessage: stream });
    }
  } catch (err) {
    throw new RegxError('signature-invalid', `not an OpenPGP message: ${(err as Error).message}`);
  }
  let result: OpenPgp.VerifyMessageResult<ReadableStream<Uint8Array> | Uint8Array | string>;
  try {
    result = (await pgp.verify({
      message: message as OpenPgp.Message<ReadableStream<Uint8Array>>,
      verificationKeys: keys,
      format: 'binary',
      expectSigned: false,
    })) as typeof result;
  } catch (err) {
    throw new RegxError('signature-invalid', `the signature could not be read: ${(err as Error).message}`);
  }
  const data = result.data;
  const payload = data instanceof ReadableStream ? await readCapped(data, MAX_PAYLOAD_BYTES) : Buffer.from(data as Uint8Array);
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RegxError('signature-invalid', `the signed payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  if (result.signatures.length !== 1)
    throw new RegxError('signature-invalid', `a simple signature holds exactly one signature, this one ${result.signatures.length}`);
  const sig = result.signatures[0] as (typeof result.signatures)[number];
  const signer = keys.find((k) => k.getKeys(sig.keyID).length > 0);
  if (!signer)
    throw new UntrustedKeyError(`signed by key ${sig.keyID.toHex().toUpperCase()}, which is not among the trusted keys`, sig.keyID.toHex().toUpperCase());
  try {
    await sig.verified;
  } catch (err) {
    throw new RegxError('signature-invalid', `the signature by key ${sig.keyID.toHex().toUpperCase()} does not verify: ${(err as Error).message}`);
  }
  return { payload, keyFingerprint: signer.getFingerprint().toUpperCase() };
}

/**
 * The id of the key a simple signature says made it (upper-case hex), read without verifying anything:
 * what a viewer shows for a signature no policy key checks. Only the message's head is read.
 */
export async function signatureKeyId(signature: Uint8Array): Promise<string | undefined> {
  if (signature.length > MAX_SIGNATURE_BYTES) return undefined;
  const bytes = new Uint8Array(signature);
  try {
    const pgp = openpgp();
    const message = isArmored(bytes)
      ? await pgp.readMessage({ armoredMessage: Buffer.from(bytes).toString('utf8') })
      : await pgp.readMessage({
          binaryMessage: new ReadableStream<Uint8Array>({
            start(c) {
              c.enqueue(bytes);
              c.close();
            },
          }),
        });
    return message.getSigningKeyIDs()[0]?.toHex().toUpperCase();
  } catch {
    // Not an OpenPGP message: there is no key to name.
    return undefined;
  }
}
