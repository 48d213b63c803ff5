// Writing a new key pair to PREFIX.private and PREFIX.pub, as skopeo names them, without ever
// replacing a file that is there: each is written whole to a temp file beside it (the private one mode
// 0600 from its creation), synced, then hard-linked to its name, which fails if the name exists even
// when another process created it a moment ago. A half-written key is never seen under its name.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RegxError } from '../errors';
import { MAX_KEY_FILE_BYTES } from './key-file';

export interface KeyPairPaths {
  privateKey: string;
  publicKey: string;
}

export function keyPairPaths(prefix: string): KeyPairPaths {
  return { privateKey: `${prefix}.private`, publicKey: `${prefix}.pub` };
}

function exists(path: string): RegxError {
  return new RegxError('conflict', `refusing to overwrite existing "${path}"`);
}

/** Fails when `path` exists (or cannot be checked), as skopeo checks before asking for a passphrase. */
export async function ensureAbsent(path: string): Promise<void> {
  try {
    await fsp.lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RegxError('usage', `cannot check "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  throw exists(path);
}

async function writeNew(path: string, data: string, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(tmp, 'wx', mode);
  } catch (err) {
    throw new RegxError('usage', `cannot write "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  try {
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path);
    throw new RegxError('usage', `cannot write "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  } finally {
    await fsp.unlink(tmp).catch(() => undefined);
  }
}

/** Writes both files, the private key first; if the public key cannot be written, the private key just written is removed again. */
export async function writeKeyPairFiles(paths: KeyPairPaths, privatePem: string, publicPem: string): Promise<void> {
  await writeNew(paths.privateKey, privatePem, 0o600);
  try {
    await writeNew(paths.publicKey, publicPem, 0o644);
  } catch (err) {
    await fsp.unlink(paths.privateKey).catch(() => undefined);
    throw err;
  }
}

/** A key file's text, refusing anything far larger than a key (a device, a wrong path). */
export async function readKeyFile(path: string, what: string): Promise<string> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, 'r');
  } catch (err) {
    throw new RegxError('signing-key', `cannot read ${what} "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  try {
    const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > MAX_KEY_FILE_BYTES) throw new RegxError('signing-key', `${what} "${path}" is larger than ${MAX_KEY_FILE_BYTES} bytes: not a key file`);
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    await fh.close();
  }
}
