// TLS settings for one registry, read the way containers/image reads them: verification on unless the
// user turned it off for this registry; extra CAs from a CA file or a cert dir (`*.crt` are CAs,
// `*.cert` + `*.key` a client certificate), added to the system roots rather than replacing them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { UsageError } from '../errors';

export interface TlsSettings {
  /** Verify the server certificate (default true). */
  verify?: boolean;
  /** PEM file with CA certificates to trust for this registry. */
  caFile?: string;
  /** A skopeo/podman-style certificate folder (`ca.crt`, `client.cert`, `client.key`). */
  certDir?: string;
}

export interface ConnectTlsOptions {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export function connectTlsOptions(settings: TlsSettings): ConnectTlsOptions {
  const options: ConnectTlsOptions = { rejectUnauthorized: settings.verify !== false };
  const extra: string[] = [];
  if (settings.caFile) extra.push(readPem(settings.caFile, 'CA file'));
  if (settings.certDir) {
    let names: string[];
    try {
      names = readdirSync(settings.certDir).sort();
    } catch (err) {
      throw new UsageError(`cannot read certificate directory ${settings.certDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    for (const name of names) {
      const p = join(settings.certDir, name);
      if (name.endsWith('.crt')) extra.push(readPem(p, 'CA file'));
      else if (name.endsWith('.cert')) {
        const keyName = name.replace(/\.cert$/, '.key');
        if (!names.includes(keyName)) throw new UsageError(`client certificate ${p} has no matching key ${keyName}`);
        options.cert = readPem(p, 'client certificate');
        options.key = readPem(join(settings.certDir, keyName), 'client key');
      } else if (name.endsWith('.key') && !names.includes(name.replace(/\.key$/, '.cert'))) {
        throw new UsageError(`client key ${p} has no matching certificate ${name.replace(/\.key$/, '.cert')}`);
      }
    }
  }
  if (extra.length) options.ca = [...rootCertificates, ...extra];
  // Nothing is verified, so no CA is needed: an empty list keeps Node from building its store of ~140
  // system roots for this connection (20 ms, a third of a no-op copy's own time).
  else if (!options.rejectUnauthorized) options.ca = [];
  return options;
}

const certificateErrorCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** The certificate-verification code inside an undici/Node error chain, if that is what failed. */
export function certificateErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && certificateErrorCodes.has(code)) return code;
  }
  return undefined;
}

/** True when the peer spoke something other than TLS (a plain-HTTP registry asked over https). */
export function isNotTlsError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const message = String((e as { message?: unknown }).message ?? '');
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(message)) return true;
  }
  return false;
}
