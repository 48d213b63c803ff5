// Checking a sigstore signature with a public key, as containers/image does for a `sigstoreSigned`
// requirement with keyPath/keyData: the base64 signature in the layer's annotation must verify over
// the layer's payload bytes with one of the keys (ECDSA any curve over SHA-256, RSA PKCS#1 v1.5 over
// SHA-256, ed25519), and only then is the payload parsed. The payload's digest and identity come back
// for the caller to hold against the image and the policy.
import { constants, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { RegxError, sanitizeRemoteText } from '../errors';
import { SIGSTORE_SIGNATURE_ANNOTATION, SIGSTORE_SIGNATURE_MEDIA_TYPE } from './attachment-layout';
import type { SigstoreLayer } from './attachments';
import { parsePayload, SIGSTORE_SIGNATURE_TYPE } from '../signing/payload';
import type { SimpleSigningPayload } from '../signing/payload';
import { UntrustedKeyError } from '../signing/untrusted-key';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/**
 * Every public key in `pemText` (PEM `PUBLIC KEY`, or `RSA PUBLIC KEY`). `what` names the source in
 * messages. A key of a kind no sigstore verifier takes is refused here, not at the first signature.
 */
export function loadPublicKeys(pemText: string, what: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const m of pemText.matchAll(PEM_BLOCK)) {
    const type = m[1] as string;
    if (type !== 'PUBLIC KEY' && type !== 'RSA PUBLIC KEY') continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: m[0], format: 'pem' });
    } catch (err) {
      throw new RegxError('signing-key', `${what}: a ${type} block that is not a valid public key`, { cause: err });
    }
    if (key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') {
      throw new RegxError(
        'signing-key',
        `${what}: a ${String(key.asymmetricKeyType)} public key, which sigstore signatures are not made with (ECDSA, RSA or ed25519 are)`,
      );
    }
    keys.push(key);
  }
  if (keys.length === 0) throw new RegxError('signing-key', `${what} holds no PEM "PUBLIC KEY"`);
  return keys;
}

/** Whether `signature` over `data` verifies with `key`. */
export function verifyBytes(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec':
        return cryptoVerify('sha256', data, { key, dsaEncoding: 'der' }, signature);
      case 'rsa':
        return cryptoVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'ed25519':
        return cryptoVerify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    // A malformed DER signature throws in some OpenSSL versions: it verifies nothing.
    return false;
  }
}

function invalid(message: string): RegxError {
  return new RegxError('signature-invalid', message);
}

/**
 * Verifies one `.sig` layer: its media type, the signature annotation, the signature over the payload
 * with any of `keys`, then the payload's format. Returns the parsed (now authentic) payload; the
 * caller still checks its digest and identity. Throws a `signature-invalid` RegxError otherwise.
 */
export function verifySigstoreLayer(layer: SigstoreLayer, keys: readonly KeyObject[]): SimpleSigningPayload {
  if (keys.length === 0) throw new RegxError('usage', 'no public key to verify the sigstore signature with');
  if (layer.mediaType !== SIGSTORE_SIGNATURE_MEDIA_TYPE)
    throw invalid(`not a sigstore signature: the attachment's media type is ${sanitizeRemoteText(layer.mediaType.slice(0, 100))}`);
  const b64 = layer.annotations[SIGSTORE_SIGNATURE_ANNOTATION];
  if (b64 === undefined) throw invalid(`missing ${SIGSTORE_SIGNATURE_ANNOTATION} annotation`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw invalid(`the ${SIGSTORE_SIGNATURE_ANNOTATION} annotation is not base64`);
  const signature = Buffer.from(b64, 'base64');
  if (!keys.some((k) => verifyBytes(k, layer.payload, signature)))
    throw new UntrustedKeyError('cryptographic signature verification failed: the signature does not match the payload with the given public key');
  return parsePayload(layer.payload, SIGSTORE_SIGNATURE_TYPE);
}
