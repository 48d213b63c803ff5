// The secret keys a user can sign with, as their own gpg lists them (GNUPGHOME respected): gpg's
// machine-readable listing (colon-separated records, gpg's doc/DETAILS), of which only what a picker
// shows is kept: the fingerprint, the user ids, whether the key can sign and is still valid.
import { execFile } from 'node:child_process';
import { RegxError, sanitizeRemoteText } from '../errors';

export interface SecretKey {
  /** Upper-case hex, what gpg signs with. */
  fingerprint: string;
  /** "Name <mail>", unescaped, control characters removed. */
  uids: string[];
  /** The primary key or a subkey can make signatures. */
  canSign: boolean;
  /** Expired, revoked or disabled: gpg will not sign with it. */
  unusable: boolean;
}

const MAX_LISTING = 4 * 1024 * 1024;
const MAX_KEYS = 500;

/** gpg escapes `:` and other bytes in a field as \xHH. */
function unescapeField(v: string): string {
  return v.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Reads `gpg --list-secret-keys --with-colons` output. */
export function parseSecretKeys(listing: string): SecretKey[] {
  const keys: SecretKey[] = [];
  let current: SecretKey | undefined;
  let wantFingerprint = false;
  for (const line of listing.split('\n')) {
    const f = line.split(':');
    switch (f[0]) {
      case 'sec': {
        if (keys.length >= MAX_KEYS) return keys;
        // Field 12 holds the whole key's usable capabilities in upper case ("S" = it can sign).
        current = { fingerprint: '', uids: [], canSign: (f[11] ?? '').includes('S'), unusable: ['e', 'r', 'd', 'i'].includes(f[1] ?? '') };
        keys.push(current);
        wantFingerprint = true;
        break;
      }
      case 'ssb':
        wantFingerprint = false;
        break;
      case 'fpr':
        if (current && wantFingerprint && /^[0-9A-Fa-f]{40,64}$/.test(f[9] ?? '')) current.fingerprint = (f[9] as string).toUpperCase();
        wantFingerprint = false;
        break;
      case 'uid':
        // A revoked user id no longer names the key; an expired key's ids still do (the key is marked unusable).
        if (current && f[1] !== 'r') current.uids.push(sanitizeRemoteText(unescapeField(f[9] ?? ''), 200));
        break;
    }
  }
  return keys.filter((k) => k.fingerprint);
}

/** The user's secret keys, through their gpg. */
export function listSecretKeys(opts: { env?: NodeJS.ProcessEnv; program?: string; signal?: AbortSignal } = {}): Promise<SecretKey[]> {
  const program = opts.program ?? 'gpg';
  const gpgArgv = ['--batch', '--no-tty', '--with-colons', '--fixed-list-mode', '--list-secret-keys'];
  return new Promise((resolve, reject) => {
    execFile(program, gpgArgv, { env: opts.env ?? process.env, maxBuffer: MAX_LISTING, timeout: 30_000, signal: opts.signal }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return reject(new RegxError('signing-failed', `cannot run ${program}: it is not installed or not on PATH (GPG signing uses the user's gpg)`));
        return reject(
          new RegxError(
            'signing-failed',
            `${program} could not list the secret keys: ${sanitizeRemoteText(String(stderr).trim().split('\n').slice(-2).join('; '), 300) || error.message}`,
          ),
        );
      }
      resolve(parseSecretKeys(String(stdout)));
    });
  });
}
