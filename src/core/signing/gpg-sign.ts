// GPG simple signing through the user's own `gpg`, as skopeo signs through gpgme: their keyring
// (GNUPGHOME respected), agent and smartcards. The payload goes in on stdin and the signed message
// (binary, not detached, as gpgme's normal mode writes it) comes back on stdout. A passphrase, when
// given, reaches gpg on a pipe of its own (fd 3), never on the command line or in the environment.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { CancelledError, RegxError, sanitizeRemoteText } from '../errors';
import { buildPayload } from './payload';
import type { ImageSigner, SignRequest, SignResult } from './signer';
import { writeSimpleSignatures } from './simple-store';
import { MAX_SIGNATURE_BYTES } from './openpgp-verify';

export interface GpgSignOptions {
  /** The key to sign with: a fingerprint (or anything gpg's --local-user takes). */
  keyIdentity: string;
  /** The key's passphrase (skopeo's --sign-passphrase-file content); none: gpg asks its agent. */
  passphrase?: string;
  /** Environment for gpg (GNUPGHOME, PATH); default this process's. */
  env?: NodeJS.ProcessEnv;
  /** The gpg program (default `gpg`). */
  program?: string;
  signal?: AbortSignal;
}

const MAX_STDERR = 64 * 1024;

/** Signs `payload` with gpg and returns the OpenPGP signed message. */
export function gpgSign(payload: Buffer, opts: GpgSignOptions): Promise<Buffer> {
  if (!opts.keyIdentity || opts.keyIdentity.startsWith('-')) return Promise.reject(new RegxError('usage', `"${opts.keyIdentity}" is not a key fingerprint`));
  const gpgArgv = ['--batch', '--no-tty', '--sign', '--local-user', opts.keyIdentity, '--output', '-'];
  if (opts.passphrase !== undefined) gpgArgv.unshift('--pinentry-mode', 'loopback', '--passphrase-fd', '3');
  const program = opts.program ?? 'gpg';
  return new Promise<Buffer>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError());
    const child = spawn(program, gpgArgv, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failed: Error | undefined;
    const onAbort = (): void => {
      failed = new CancelledError();
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > MAX_SIGNATURE_BYTES) {
        failed ??= new RegxError('signing-failed', `gpg wrote more than ${MAX_SIGNATURE_BYTES} bytes for one signature`);
        child.kill('SIGTERM');
        return;
      }
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < MAX_STDERR) err += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      failed ??=
        e.code === 'ENOENT'
          ? new RegxError('signing-failed', `cannot run ${program}: it is not installed or not on PATH (GPG signing uses the user's gpg)`)
          : new RegxError('signing-failed', `cannot run ${program}: ${e.message}`);
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (failed) return reject(failed);
      if (code !== 0 || outBytes === 0) {
        const said = sanitizeRemoteText(
          err
            .trim()
            .split('\n')
            .filter((l) => l.trim() && !/^gpg: (WARNING|using )/.test(l))
            .slice(-3)
            .join('; '),
        ).slice(0, 500);
        return reject(new RegxError('signing-failed', `gpg could not sign with key ${opts.keyIdentity}${said ? `: ${said}` : ` (exit status ${code})`}`));
      }
      resolve(Buffer.concat(out));
    });
    const pass = child.stdio[3] as Writable | null;
    if (pass) {
      pass.on('error', () => undefined);
      if (opts.passphrase !== undefined) pass.end(`${opts.passphrase}\n`);
      else pass.end();
    }
    child.stdin.on('error', () => undefined);
    child.stdin.end(payload);
  });
}

/** Reads a passphrase file as skopeo does: its first line, without the line ending. */
export function passphraseFromFile(text: string): string {
  const nl = text.indexOf('\n');
  return (nl >= 0 ? text.slice(0, nl) : text).replace(/\r$/, '');
}

export interface GpgSignerOptions extends Omit<GpgSignOptions, 'signal'> {
  /** optional.creator in the payload. */
  creator?: string;
  /** Seconds since the epoch for optional.timestamp (default now). */
  now?: () => number;
}

/** Signs with gpg and stores the signature where registries.d or the registry says (simple-store.ts). */
export class GpgSigner implements ImageSigner {
  readonly description: string;
  constructor(private readonly opts: GpgSignerOptions) {
    this.description = `GPG key ${opts.keyIdentity}`;
  }

  async signature(req: Pick<SignRequest, 'manifestDigest' | 'dockerReference' | 'signal'>): Promise<{ bytes: Buffer; signer: string }> {
    const payload = buildPayload({
      dockerReference: req.dockerReference,
      manifestDigest: req.manifestDigest,
      creator: this.opts.creator ?? 'regx',
      timestamp: this.opts.now ? this.opts.now() : Math.floor(Date.now() / 1000),
    });
    return { bytes: await gpgSign(payload, { ...this.opts, signal: req.signal }), signer: this.opts.keyIdentity };
  }

  async sign(req: SignRequest): Promise<SignResult> {
    const signature = (await this.signature(req)).bytes;
    const written = await writeSimpleSignatures(
      { client: req.client, ref: req.destination, registries: req.registries, env: this.opts.env, signal: req.signal },
      req.manifestDigest,
      [signature],
    );
    return { kind: 'simple-signing', storedAt: written.where, signer: this.opts.keyIdentity };
  }
}
