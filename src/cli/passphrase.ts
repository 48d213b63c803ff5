// Passphrases for key files: from a file (--passphrase-file, --sign-passphrase-file) read as skopeo
// reads one (its first line, without the newline), or asked on the terminal with echo off.
import { promises as fsp } from 'node:fs';
import { RegxError, UsageError } from '../core/errors';
import { promptHidden } from './commands/login';
import type { CliIO } from './io';

/** A passphrase file longer than this is not one. */
const MAX_PASSPHRASE_FILE = 64 * 1024;

export async function readPassphraseFile(path: string): Promise<string> {
  let text: Buffer;
  try {
    const fh = await fsp.open(path, 'r');
    try {
      const buf = Buffer.alloc(MAX_PASSPHRASE_FILE);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      text = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new RegxError('signing-key', `cannot read the passphrase file "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  const s = text.toString('utf8');
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl);
}

function canPrompt(io: CliIO): boolean {
  return io.stdin.isTTY === true && typeof (io.stdin as NodeJS.ReadStream).setRawMode === 'function';
}

/** The passphrase of an existing key, asked once. `flag` names the flag that gives it without a terminal. */
export async function askPassphrase(io: CliIO, keyPath: string, flag: string): Promise<string> {
  if (!canPrompt(io)) throw new UsageError(`cannot ask for the passphrase of ${keyPath}: standard input is not a terminal; use --${flag} FILE`);
  return promptHidden(io, `Passphrase for key ${keyPath}: `);
}

/** A new key's passphrase, asked twice (an empty one is allowed, as cosign allows it). */
export async function askNewPassphrase(io: CliIO, keyPath: string, flag: string): Promise<string> {
  if (!canPrompt(io)) throw new UsageError(`cannot ask for a passphrase for ${keyPath}: standard input is not a terminal; use --${flag} FILE`);
  const first = await promptHidden(io, `Enter a passphrase for the private key ${keyPath}: `);
  const again = await promptHidden(io, 'Enter the same passphrase again: ');
  if (first !== again) throw new UsageError('the two passphrases differ; nothing was written');
  return first;
}
