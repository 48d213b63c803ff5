// cosign's encrypted private key file, as cosign, skopeo and containers/image write and read it: a PEM
// block whose body is JSON {kdf: scrypt (N, r, p, salt), cipher: nacl/secretbox (nonce), ciphertext},
// the ciphertext being the PKCS#8 DER of the key sealed with the 32-byte scrypt output. The PEM type is
// `ENCRYPTED COSIGN PRIVATE KEY` (the only one skopeo 1.9 loads) or `ENCRYPTED SIGSTORE PRIVATE KEY`
// (newer cosign); the inside is the same.
import { createPrivateKey, generateKeyPairSync, randomBytes, scrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type * as Nacl from 'tweetnacl';
import { RegxError } from '../errors';

export const COSIGN_PRIVATE_KEY_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';
export const SIGSTORE_PRIVATE_KEY_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';

/** scrypt's cost settings that go-securesystemslib accepts; written: the first (every cosign and skopeo reads it). */
const KNOWN_SCRYPT = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
] as const;
const WRITE_SCRYPT = KNOWN_SCRYPT[0];
const SALT_BYTES = 32;
let loaded: typeof Nacl | undefined;
function nacl(): typeof Nacl {
  // Loaded on first use: only a private key's sealing needs it, and the extension keeps it in a file of its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('tweetnacl') as typeof Nacl;
  return loaded;
}
// secretbox's sizes (tweetnacl's secretbox.keyLength and nonceLength), fixed by the algorithm.
const KEY_BYTES = 32;
const NONCE_BYTES = 24;
/** A key file is a few hundred bytes; anything far larger is not one. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface EncryptedKeyJson {
  kdf: { name: 'scrypt'; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: 'nacl/secretbox'; nonce: string };
  ciphertext: string;
}

function scryptKey(passphrase: Buffer, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // N=131072, r=8 needs 128 MiB; Node's default ceiling is 32 MiB.
  const maxmem = 128 * params.N * params.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** PEM with 64-column base64 lines, as Go's encoding/pem writes it. */
export function toPem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** The first PEM block of `text`: its type and body. */
export function fromPem(text: string, what: string): { type: string; body: Buffer } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new RegxError('signing-key', `${what} is not a PEM file`);
  const b64 = (m[2] as string).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new RegxError('signing-key', `${what}: the PEM block is not valid base64`);
  return { type: m[1] as string, body: Buffer.from(b64, 'base64') };
}

/** Seals a PKCS#8 DER key with `passphrase` (which may be empty, as cosign allows). */
export async function encryptPrivateKey(pkcs8Der: Buffer, passphrase: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = await scryptKey(Buffer.from(passphrase, 'utf8'), salt, WRITE_SCRYPT);
  const sealed = nacl().secretbox(pkcs8Der, nonce, key);
  key.fill(0);
  const doc: EncryptedKeyJson = {
    kdf: { name: 'scrypt', params: { N: WRITE_SCRYPT.N, r: WRITE_SCRYPT.r, p: WRITE_SCRYPT.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  };
  return toPem(COSIGN_PRIVATE_KEY_PEM, Buffer.from(JSON.stringify(doc), 'utf8'));
}

function b64Field(v: unknown, name: string, what: string): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new RegxError('signing-key', `${what}: ${name} is not base64`);
  return Buffer.from(v, 'base64');
}

/**
 * Opens an encrypted cosign/sigstore key file. `what` names the file in messages. A wrong passphrase
 * and a damaged file look alike to secretbox (the seal does not open); the message says both.
 */
export async function decryptPrivateKey(pemText: string, passphrase: string, what: string): Promise<KeyObject> {
  const { type, body } = fromPem(pemText, what);
  if (type !== COSIGN_PRIVATE_KEY_PEM && type !== SIGSTORE_PRIVATE_KEY_PEM) {
    throw new RegxError(
      'signing-key',
      `${what} holds a "${type.slice(0, 40)}" PEM block, not an encrypted cosign or sigstore private key (${COSIGN_PRIVATE_KEY_PEM})`,
    );
  }
  let doc: Partial<EncryptedKeyJson>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Partial<EncryptedKeyJson>;
  } catch {
    throw new RegxError('signing-key', `${what}: the encrypted key is not JSON`);
  }
  if (doc.kdf?.name !== 'scrypt')
    throw new RegxError('signing-key', `${what}: unknown key derivation "${String(doc.kdf?.name).slice(0, 40)}" (only scrypt is known)`);
  if (doc.cipher?.name !== 'nacl/secretbox')
    throw new RegxError('signing-key', `${what}: unknown cipher "${String(doc.cipher?.name).slice(0, 40)}" (only nacl/secretbox is known)`);
  const params = doc.kdf.params;
  // Only the known cost settings: a file naming a huge N would make scrypt take all memory.
  const known = KNOWN_SCRYPT.find((k) => k.N === params?.N && k.r === params?.r && k.p === params?.p);
  if (!known) throw new RegxError('signing-key', `${what}: unsupported scrypt parameters`);
  const salt = b64Field(doc.kdf.salt, 'the salt', what);
  const nonce = b64Field(doc.cipher.nonce, 'the nonce', what);
  const ciphertext = b64Field(doc.ciphertext, 'the ciphertext', what);
  if (nonce.length !== NONCE_BYTES) throw new RegxError('signing-key', `${what}: the nonce is not ${NONCE_BYTES} bytes`);
  const key = await scryptKey(Buffer.from(passphrase, 'utf8'), salt, known);
  const opened = nacl().secretbox.open(ciphertext, nonce, key);
  key.fill(0);
  if (!opened) throw new RegxError('signing-key', `cannot decrypt ${what}: wrong passphrase, or the file is damaged`);
  try {
    return createPrivateKey({ key: Buffer.from(opened), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new RegxError('signing-key', `${what}: the decrypted key is not a PKCS#8 private key`, { cause: err });
  } finally {
    opened.fill(0);
  }
}

export interface GeneratedKeyPair {
  /** The encrypted private key, PEM `ENCRYPTED COSIGN PRIVATE KEY`. */
  privatePem: string;
  /** The public key, PEM `PUBLIC KEY` (SPKI). */
  publicPem: string;
}

/** A new ECDSA P-256 key pair, as cosign and skopeo generate one. */
export async function generateKeyPair(passphrase: string): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    const privatePem = await encryptPrivateKey(der, passphrase);
    const publicPem = toPem('PUBLIC KEY', publicKey.export({ format: 'der', type: 'spki' }));
    return { privatePem, publicPem };
  } finally {
    der.fill(0);
  }
}
