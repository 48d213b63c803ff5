// TLS settings for one registry, read the way containers/image reads them: verification on unless the
// user turned it off for this registry; extra CAs from a CA file or a cert dir (`*.crt` are CAs,
// `*.cert` + `*.key` a client certificate), added to the system roots rather than replacing them.
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { TlsError, UntrustedCertificateError, UsageError, sanitizeRemoteText } from '../errors';

export interface TlsSettings {
  /** Verify the server certificate (default true). */
  verify?: boolean;
  /** PEM file with CA certificates to trust for this registry. */
  caFile?: string;
  /** A skopeo/podman-style certificate folder (`ca.crt`, `client.cert`, `client.key`). */
  certDir?: string;
  /** CA certificates given as PEM text (a kubeconfig's certificate-authority-data, a CA the user trusted). */
  caPem?: string;
  /** Trust only `caPem`, not the system roots too (a kubeconfig's certificate-authority, as oc reads it). */
  caPemOnly?: boolean;
  /** A client certificate and key as PEM text. */
  certPem?: string;
  keyPem?: string;
  /** The name to ask for in SNI and check the certificate against, when it is not the URL's host. */
  servername?: string;
}

export interface ConnectTlsOptions {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
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
      // A folder that does not exist adds nothing, as containers/image reads it (skopeo ignores it too);
      // one that exists but cannot be read is an error.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new UsageError(`cannot read certificate directory ${settings.certDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      names = [];
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
  if (settings.caPem) extra.push(settings.caPem);
  if (settings.certPem && settings.keyPem) {
    options.cert = settings.certPem;
    options.key = settings.keyPem;
  }
  if (settings.servername) options.servername = settings.servername;
  if (settings.caPem && settings.caPemOnly) options.ca = [settings.caPem];
  else if (extra.length) options.ca = [...rootCertificates, ...extra];
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
  'CERT_REVOKED',
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

/** Codes that trusting the CA the server presented would fix. */
const untrustedCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/**
 * The typed error for a certificate that failed verification. For an untrusted CA it carries the top of
 * the chain the server presented (PEM, SHA-256 fingerprint), so a registry or a cluster can be trusted by
 * fingerprint; the message names the problem only, the CLI and the extension add what to do.
 */
export async function tlsErrorFor(url: URL, code: string, cause: unknown, servername?: string): Promise<TlsError> {
  const host = url.host;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return new TlsError(`the TLS certificate of ${host} is not valid for that name (${code})`, host, { cause, reason: 'tls-hostname' });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new TlsError(`the TLS certificate of ${host} is expired or not yet valid (${code})`, host, { cause, reason: 'tls-expired' });
  }
  if (!untrustedCodes.has(code)) return new TlsError(`the TLS certificate of ${host} was refused (${code})`, host, { cause, reason: 'tls-failed' });
  const presented = await presentedCa(url, servername).catch(() => undefined);
  const fp = presented ? `; it presented ${presented.subject ? `"${presented.subject}" ` : ''}with SHA-256 fingerprint ${presented.fingerprint256}` : '';
  return new UntrustedCertificateError(
    `the TLS certificate of ${host} is signed by an unknown authority (${code})${fp}`,
    host,
    presented?.pem,
    presented?.fingerprint256,
    { cause },
  );
}

function toPem(der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** What a server presented at the top of its chain, for the user to judge before trusting it. */
export interface PresentedCertificate {
  /** PEM of that certificate. */
  pem: string;
  /** SHA-256 fingerprint, `AB:CD:...`, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
  /** Its common name (empty when it has none). */
  subject: string;
  /** The whole subject and issuer names, one `KEY=value` a line as Node prints them. */
  subjectName: string;
  issuerName: string;
  /** ISO 8601, UTC. */
  validFrom: string;
  validTo: string;
  /**
   * Self-signed and marked as a CA: a root that can be trusted as it is. Otherwise the server did not send
   * the CA that signed it, and trusting this certificate alone would not make the chain verify.
   */
  isRoot: boolean;
}

/**
 * The top certificate of the chain a server presents (its root CA when the server sends it, else the
 * highest intermediate or the leaf), fetched with verification off only to show it to the user, never to
 * talk to it.
 */
export function presentedCa(url: URL, servername?: string): Promise<PresentedCertificate> {
  return new Promise((resolvePromise, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 443);
    const isIp = /^[\d.]+$/.test(host) || host.includes(':');
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, servername: servername ?? (isIp ? undefined : host) }, () => {
      let cert = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
      for (let i = 0; i < 10 && cert.issuerCertificate && cert.issuerCertificate !== cert && cert.issuerCertificate.raw; i++) cert = cert.issuerCertificate;
      socket.end();
      if (!cert.raw) return reject(new Error('no certificate'));
      try {
        resolvePromise(describeCertificate(cert.raw));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

/** OpenSSL's "Dec  2 18:38:09 2026 GMT" as ISO 8601 (left as it is when unreadable). */
function isoDate(openssl: string): string {
  const t = Date.parse(openssl);
  return Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : openssl;
}

/** The facts shown about one DER certificate; remote text, so control characters are stripped. */
export function describeCertificate(der: Buffer): PresentedCertificate {
  const x = new X509Certificate(der);
  const fingerprint256 = createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? '';
  return {
    pem: toPem(der),
    fingerprint256,
    subject: sanitizeRemoteText(cn),
    subjectName: sanitizeRemoteText(x.subject.replace(/\n/g, ', ')),
    issuerName: sanitizeRemoteText(x.issuer.replace(/\n/g, ', ')),
    validFrom: isoDate(x.validFrom),
    validTo: isoDate(x.validTo),
    isRoot: x.ca && x.checkIssued(x) && x.verify(x.publicKey),
  };
}
