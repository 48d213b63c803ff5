// `regx copy SOURCE DESTINATION`, with skopeo copy's reference syntax and flag spellings.
// fs.promises rather than node:fs/promises: loaded on first use, not at every regx start.
import { promises as fsp } from 'node:fs';
import { reasonOf, RegxError, UsageError } from '../../core/errors';
import { copyImage, DEFAULT_JOBS } from '../../core/image/copy';
import type { CopyProgress } from '../../core/image/copy';
import { hostPlatform } from '../../core/image/platform';
import type { PlatformWanted } from '../../core/image/platform';
import { parseImageLocation } from '../../core/reference/transport';
import type { RegistryClient } from '../../core/registry/client';
import { flagBool, flagString, parseArgs } from '../args';
import type { FlagSpec, ParsedArgs } from '../args';
import type { CliCommand, CliIO } from '../io';
import { platformChoice, platformOverrideFlags } from '../platform-flags';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, registryFlagSpecs } from '../registry-flags';
import { progressLine } from '../progress';

const flags: FlagSpec[] = [
  { name: 'platform', kind: 'string', help: 'copy only the image for OS/ARCH[/VARIANT] out of an index (default: the whole index)' },
  { name: 'all', short: 'a', kind: 'boolean', help: 'copy every image of an index (the default; accepted for skopeo compatibility)' },
  { name: 'jobs', short: 'j', kind: 'string', help: `blobs to move at once (default ${DEFAULT_JOBS})` },
  { name: 'quiet', short: 'q', kind: 'boolean', help: 'print nothing but errors' },
  { name: 'digestfile', kind: 'string', help: 'write the digest of the copied manifest to this file' },
  { name: 'preserve-digests', kind: 'boolean', hidden: true },
  ...platformOverrideFlags,
  ...registryFlagSpecs('src-'),
  ...registryFlagSpecs('dest-'),
  authFileFlag,
  debugFlag,
];

/** One client when both sides are the same registry with the same settings: shared connections and tokens. */
function sameSettings(p: ParsedArgs): boolean {
  return registryFlagSpecs('').every((s) => String(p.flags.get(`src-${s.name}`)) === String(p.flags.get(`dest-${s.name}`)));
}

/**
 * --platform, or skopeo's --override-os/arch/variant: with those skopeo copies the one image they
 * pick (unless --all), so regx does too; without any of them, the whole index is copied.
 */
function copyPlatform(p: ParsedArgs, io: CliIO): PlatformWanted | undefined {
  const chosen = platformChoice(p, io);
  if (flagString(p, 'platform') !== undefined) return chosen as PlatformWanted;
  if (Object.keys(chosen).length === 0 || flagBool(p, 'all', false)) return undefined;
  const wanted: PlatformWanted = { ...hostPlatform(), ...chosen };
  if (chosen.architecture && !chosen.variant) delete wanted.variant;
  return wanted;
}

function parseJobs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_JOBS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs takes a whole number from 1 to 64, not "${value}"`);
  return n;
}

export const copyCommand: CliCommand = {
  name: 'copy',
  summary: 'copy an image between registries and OCI layout folders (whole index by default)',
  usage: `Usage: regx copy [OPTIONS] SOURCE DESTINATION\n\nSOURCE and DESTINATION: docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST] or oci:DIRECTORY[:TAG].\nA destination without a tag gets the source's tag, else "latest".\n\n${formatFlagHelp(flags)}`,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 2) throw new UsageError('copy takes exactly two arguments: SOURCE DESTINATION');
    // Both are parsed (and a registry-only name refused) before any connection is made.
    const src = parseImageLocation(p.positional[0] as string);
    const dst = parseImageLocation(p.positional[1] as string);
    const platform = copyPlatform(p, io);
    const jobs = parseJobs(flagString(p, 'jobs'));
    const quiet = flagBool(p, 'quiet', false);
    const clients: RegistryClient[] = [];
    const srcClient = src.transport === 'docker' ? clientFor(src.ref.registry, src.ref.repository, p, io, 'src-') : undefined;
    if (srcClient) clients.push(srcClient);
    let dstClient: RegistryClient | undefined;
    if (dst.transport === 'docker') {
      if (srcClient && src.transport === 'docker' && src.ref.registry === dst.ref.registry && sameSettings(p)) dstClient = srcClient;
      else clients.push((dstClient = clientFor(dst.ref.registry, dst.ref.repository, p, io, 'dest-')));
    }
    const tty = !quiet && Boolean((io.stderr as { isTTY?: boolean }).isTTY);
    let last = 0;
    const onProgress = tty
      ? (pr: CopyProgress): void => {
          const now = Date.now();
          if (pr.phase === 'blobs' && now - last < 100 && pr.blobsDone < pr.blobsTotal) return;
          last = now;
          io.stderr.write(`\r${progressLine(pr)}\x1b[K`);
        }
      : undefined;
    try {
      const result = await copyImage(src, dst, { srcClient, dstClient, jobs, platform, onProgress, signal: io.signal });
      if (tty) io.stderr.write('\r\x1b[K');
      const digestFile = flagString(p, 'digestfile');
      if (digestFile) await fsp.writeFile(digestFile, result.digest);
      if (!quiet) {
        if (result.noop) io.stdout.write(`${result.destination} already is ${result.digest}: nothing to copy\n`);
        else {
          const mib = (result.bytes / (1 << 20)).toFixed(1);
          io.stdout.write(
            `Copied ${result.digest} to ${result.destination}: ${result.blobsCopied} blobs copied (${mib} MiB), ${result.blobsSkipped} already there, ${result.blobsMounted} mounted, ${result.manifestsPushed} manifests\n`,
          );
        }
      }
      return 0;
    } catch (err) {
      if (tty) io.stderr.write('\n');
      if (reasonOf(err) === 'no-matching-platform') throw new RegxError('no-matching-platform', `${(err as Error).message}; choose another with --platform`, { cause: err });
      throw err;
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    }
  },
};
