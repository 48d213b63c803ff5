// A sigstore signature over a payload, made as cosign and containers/image make one with a key file:
// ECDSA (any curve) over SHA-256, ASN.1 DER; RSA PKCS#1 v1.5 over SHA-256; ed25519 over the bytes.
// The annotation carries it in standard base64.
import { constants, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { RegxError } from '../errors';

export function signBytes(key: KeyObject, data: Buffer): Buffer {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return cryptoSign('sha256', data, { key, dsaEncoding: 'der' });
    case 'rsa':
      return cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'ed25519':
      return cryptoSign(null, data, key);
    default:
      throw new RegxError('signing-key', `a ${String(key.asymmetricKeyType)} key cannot make a sigstore signature (ECDSA, RSA or ed25519 can)`);
  }
}
