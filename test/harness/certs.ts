// Test PKI made with the real openssl: a CA and a server certificate it signs for 127.0.0.1/localhost.
// A CA (rather than one self-signed leaf) makes "trust this CA file" the realistic enterprise setup.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp';
import { run } from './tools';

export interface TestCerts {
  /** The directory holding every file below. */
  dir: string;
  /** PEM of the CA that signed the server certificate: what a client should trust. */
  caFile: string;
  caKeyFile: string;
  /** PEM server certificate, SAN IP:127.0.0.1, DNS:localhost. */
  certFile: string;
  keyFile: string;
  /** A skopeo/containers-image style certificate directory (holds only `ca.crt`), for `--cert-dir`. */
  certDir: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const r = await run('openssl', args, { cwd });
  if (r.code !== 0) throw new Error(`openssl ${args[0]} failed (exit ${r.code}): ${r.stderr.trim()}`);
}

/** Generates a fresh CA + server certificate (EC P-256: fast to generate, accepted by Go, Node and skopeo). */
export async function makeCerts(): Promise<TestCerts> {
  const dir = makeTempDir('certs');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3',
      '-subj',
      '/CN=Registry Explorer Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  await openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'],
    dir,
  );
  const certDir = join(dir, 'cert-dir');
  mkdirSync(certDir);
  copyFileSync(join(dir, 'ca.pem'), join(certDir, 'ca.crt'));
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca.key'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
    certDir,
  };
}

let shared: Promise<TestCerts> | undefined;

/** One CA + server certificate per test process, made on first use (registries and token issuers share it). */
export function sharedCerts(): Promise<TestCerts> {
  shared ??= makeCerts();
  return shared;
}
