// A throwaway GnuPG home with one passphrase-less key, made by the real gpg for a test: the key skopeo
// and regx sign with, and its exported public key for a policy's keyPath. Its agent is stopped and the
// home removed afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './tools';
import type { RunResult } from './tools';
import { makeTempDir, removeTempDir } from './temp';

export interface GpgHome {
  home: string;
  /** Fingerprint of the key, upper-case hex. */
  fingerprint: string;
  /** `gpg --export` of the key (binary), for a policy's keyPath. */
  publicKeyFile: string;
  /** Environment to run gpg, skopeo or regx with this home. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

async function gpg(home: string, args: string[]): Promise<string> {
  const r = await run('gpg', ['--batch', '--no-tty', ...args], { env: { GNUPGHOME: home }, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`gpg ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Makes a GnuPG home holding a new key for `uid` (no passphrase unless given). */
export async function makeGpgHome(uid = 'Regx Test <signer@example.test>', passphrase = ''): Promise<GpgHome> {
  const dir = makeTempDir('gpg');
  // A short path: gpg-agent's socket path must fit in a sockaddr_un.
  const home = join(dir, 'g');
  mkdirSync(home, { mode: 0o700 });
  await gpg(home, ['--passphrase', passphrase, '--pinentry-mode', 'loopback', '--quick-gen-key', uid, 'default', 'default', 'never']);
  const colons = await gpg(home, ['--list-keys', '--with-colons']);
  const fingerprint = /^fpr:+([0-9A-F]{40,64}):/m.exec(colons)?.[1];
  if (!fingerprint) throw new Error(`no fingerprint in gpg's key list: ${colons}`);
  const publicKeyFile = join(dir, 'pub.gpg');
  await gpg(home, ['--output', publicKeyFile, '--export', fingerprint]);
  return {
    home,
    fingerprint,
    publicKeyFile,
    env: { GNUPGHOME: home },
    async stop() {
      await run('gpgconf', ['--kill', 'gpg-agent'], { env: { GNUPGHOME: home } }).catch(() => undefined);
      removeTempDir(dir);
    },
  };
}

/** Writes a registries.d folder with one file holding `yaml` and returns the folder. */
export function writeRegistriesD(yaml: string): string {
  const dir = makeTempDir('registries-d');
  writeFileSync(join(dir, 'test.yaml'), yaml);
  return dir;
}

/** Where one registries.d scope (a host, or host/path) keeps its signatures. */
export interface SignatureStorage {
  /** A folder: the scope's file:// lookaside (GPG simple signatures). */
  lookaside: string;
  /** `use-sigstore-attachments: true`: sigstore signatures go to the registry as cosign .sig attachments. */
  sigstoreAttachments?: boolean;
}

/** Writes a registries.d folder whose one file gives each scope its storage (the most specific scope wins), and returns the folder. */
export function writeSignatureStorage(scopes: Record<string, SignatureStorage>): string {
  const lines = Object.entries(scopes).flatMap(([scope, { lookaside, sigstoreAttachments }]) => [
    `  ${scope}:`,
    `    lookaside: file://${lookaside}`,
    ...(sigstoreAttachments ? ['    use-sigstore-attachments: true'] : []),
  ]);
  return writeRegistriesD(['docker:', ...lines, ''].join('\n'));
}

/** Writes a policy.json and returns its path. */
export function writePolicy(policy: unknown): string {
  const dir = makeTempDir('policy');
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(policy, null, 2));
  return file;
}

/** `skopeo copy --sign-by` between two docker references (TLS not verified), signed with `signer`'s key, stored as `registriesD` says. */
export function skopeoSignedCopy(registriesD: string, signer: GpgHome, from: string, to: string): Promise<RunResult> {
  const insecure = ['--src-tls-verify=false', '--dest-tls-verify=false'];
  return run('skopeo', ['--registries.d', registriesD, 'copy', ...insecure, '--sign-by', signer.fingerprint, `docker://${from}`, `docker://${to}`], {
    env: signer.env,
    timeoutMs: 120_000,
  });
}
