// `regx manifest-digest FILE`: the digest a registry gives the manifest in FILE (skopeo's verb of the
// same name). A signed Docker schema 1 manifest gets the digest of its payload without signatures.
import { promises as fsp } from 'node:fs';
import { ManifestTooLargeError, RegxError, UsageError } from '../../core/errors';
import { manifestFileDigest } from '../../core/image/schema1';
import { maxManifestBytes } from '../../core/registry/client';
import { parseArgs } from '../args';
import type { CliCommand } from '../io';

/** The file's bytes, if it is a regular file no larger than a manifest may be. */
async function readManifestFile(file: string): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof fsp.open>>;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RegxError(
      code === 'ENOENT' ? 'not-found' : 'usage',
      `reading manifest from ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError(`reading manifest from ${file}: not a regular file`);
    // Read one byte past the limit: a file that grew since the stat is still caught.
    const buffer = Buffer.alloc(Math.min(stat.size, maxManifestBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxManifestBytes) throw new ManifestTooLargeError(Math.max(stat.size, length), maxManifestBytes, `manifest ${file}`);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

export const manifestDigestCommand: CliCommand = {
  name: 'manifest-digest',
  summary: 'print the digest of a manifest file (schema 1: of its payload without signatures)',
  usage: ['Usage: regx manifest-digest MANIFEST-FILE', '', 'Prints the digest a registry gives the manifest in the file, as skopeo manifest-digest does.'].join(
    '\n',
  ),
  async run(argv, io) {
    const { positional } = parseArgs(argv, []);
    if (positional.length !== 1) throw new UsageError('manifest-digest takes exactly one MANIFEST-FILE');
    const bytes = await readManifestFile(positional[0] as string);
    io.stdout.write(`${manifestFileDigest(bytes)}\n`);
    return 0;
  },
};
