// `regx copy SOURCE DESTINATION`, with skopeo copy's reference syntax and flag spellings.
// fs.promises rather than node:fs/promises: loaded on first use, not at every regx start.
import { promises as fsp } from 'node:fs';
import { RegxError, UsageError } from '../../core/errors';
import { copyImage, DEFAULT_JOBS } from '../../core/image/copy';
import type { CopyProgress, CopyResult, MultiArch } from '../../core/image/copy';
import { formatName, formatOf } from '../../core/image/convert';
import type { ManifestFormat } from '../../core/image/convert';
import { checkCompressionOptions } from '../../core/image/layer-compression';
import type { CompressionOptions } from '../../core/image/layer-compression';
import { hostPlatform } from '../../core/image/platform';
import type { PlatformWanted } from '../../core/image/platform';
import { parseImageLocation } from '../../core/reference/transport';
import { parseNormalizedReference, withDefaultTag } from '../../core/reference/reference';
import type { RegistryClient } from '../../core/registry/client';
import { flagBool, flagList, flagString, parseArgs } from '../args';
import type { FlagSpec, ParsedArgs } from '../args';
import type { CliCommand, CliIO } from '../io';
import { platformChoice, platformOverrideFlags } from '../platform-flags';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, registryFlagSpecs } from '../registry-flags';
import { progressLine } from '../progress';
import { parseExitCodeStyle } from '../exit-codes';
import { noteRegistrySide } from '../remedies';
import { registryApiHost } from '../../core/reference/registry-host';
import { signingChoice, signingFlags } from '../signing-flags';
import { insecurePolicyFlag, policyChoice, policyFlag, registriesChoice } from '../policy-flags';
import { dockerPolicyImage, unsignedPolicyImage } from '../../core/policy/docker-image';
import { evaluatePolicy, requireAccepted } from '../../core/policy/evaluate';
import { sigstoreVerifier } from '../../core/policy/sigstore-requirement';
import type { ManifestBytes } from '../../core/image/copy-source';
import type { LocalPushRoute } from '../../core/local/podman-push';
import { connectFor, isLocalLocation } from '../../core/local/local-transport';

const flags: FlagSpec[] = [
  { name: 'platform', kind: 'string', help: 'copy only the image for OS/ARCH[/VARIANT] out of an index (default: the whole index)' },
  { name: 'all', short: 'a', kind: 'boolean', help: 'copy every image of an index (the default; accepted for skopeo compatibility)' },
  {
    name: 'multi-arch',
    kind: 'string',
    help: "of an index copy: all (the default here; skopeo's is system), system (this machine's image, or --platform's), index-only (the index alone)",
  },
  {
    name: 'format',
    short: 'f',
    kind: 'string',
    help: 'write manifests as oci or v2s2 (Docker schema 2); default: as they are, but Docker images become OCI in an oci: folder, as with skopeo',
  },
  { name: 'preserve-digests', kind: 'boolean', help: 'keep every manifest byte for byte (and so its digest): no conversion, and an error if one is asked for' },
  {
    name: 'dest-compress-format',
    kind: 'string',
    help: 'compress layers that are not compressed this way with gzip (zstd needs a Node.js with zstd); new digests',
  },
  { name: 'dest-compress-level', kind: 'string', help: 'compression level for the layers that get compressed (gzip 0-9)' },
  { name: 'dest-compress', kind: 'boolean', help: 'compress uncompressed layers (gzip unless --dest-compress-format says otherwise); new digests' },
  { name: 'additional-tag', kind: 'repeat', help: 'another name:tag for the image in a docker-archive: destination (repeatable)' },
  { name: 'screds', kind: 'string', hidden: true },
  { name: 'dcreds', kind: 'string', hidden: true },
  { name: 'jobs', short: 'j', kind: 'string', help: `blobs to move at once (default ${DEFAULT_JOBS})` },
  { name: 'quiet', short: 'q', kind: 'boolean', help: 'print nothing but errors' },
  { name: 'digestfile', kind: 'string', help: 'write the digest of the copied manifest to this file' },
  {
    name: 'exit-codes',
    kind: 'string',
    help: "skopeo (default: 0, 1, 2, 130) or detailed (1 split into 75 retryable and 77 credentials or rights, for a Job's failure policy)",
  },
  { name: 'remove-signatures', kind: 'boolean', help: 'leave signatures behind (cosign .sig tags and signature artifacts); carried by default' },
  {
    name: 'no-referrers',
    kind: 'boolean',
    help: 'leave behind the artifacts that refer to the image other than signatures (attestations, SBOMs...); carried by default',
  },
  ...signingFlags,
  policyFlag,
  insecurePolicyFlag,
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

/** skopeo's short spellings of --src-creds and --dest-creds. */
export function applyCredsAliases(p: ParsedArgs): void {
  for (const [alias, name] of [
    ['screds', 'src-creds'],
    ['dcreds', 'dest-creds'],
  ] as const) {
    const value = p.flags.get(alias);
    if (value === undefined) continue;
    if (p.flags.has(name)) throw new UsageError(`--${alias} and --${name} are the same flag: give one`);
    p.flags.set(name, value);
    p.flags.delete(alias);
  }
}

export function parseFormat(value: string | undefined): ManifestFormat | undefined {
  if (value === undefined || value === 'oci' || value === 'v2s2') return value;
  if (value === 'v2s1')
    throw new RegxError(
      'unsupported',
      '--format v2s1 is not supported: regx does not write Docker schema 1 manifests (deprecated, and refused by current registries); use oci or v2s2',
    );
  throw new UsageError(`unknown format "${value}". Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'`);
}

function parseMultiArch(p: ParsedArgs): MultiArch | undefined {
  const value = flagString(p, 'multi-arch');
  if (value === undefined) return undefined;
  if (value !== 'all' && value !== 'system' && value !== 'index-only')
    throw new UsageError(`unknown multi-arch option "${value}". Choose one of the supported options: 'system', 'all', or 'index-only'`);
  if (flagBool(p, 'all', false)) throw new UsageError('cannot use --all and --multi-arch flags together');
  if (value !== 'system' && flagString(p, 'platform') !== undefined)
    throw new UsageError(`--platform picks one image, which --multi-arch ${value} does not copy`);
  return value;
}

function parseCompression(p: ParsedArgs): CompressionOptions | undefined {
  const format = flagString(p, 'dest-compress-format');
  const levelFlag = flagString(p, 'dest-compress-level');
  if (format === undefined && levelFlag === undefined && !flagBool(p, 'dest-compress', false)) return undefined;
  if (format !== undefined && format !== 'gzip' && format !== 'zstd') throw new UsageError(`--dest-compress-format takes gzip or zstd, not "${format}"`);
  const level = levelFlag === undefined ? undefined : Number(levelFlag);
  if (level !== undefined && (levelFlag?.trim() === '' || !Number.isInteger(level)))
    throw new UsageError(`--dest-compress-level takes a whole number, not "${levelFlag}"`);
  const opts: CompressionOptions = { format: format ?? 'gzip', level };
  checkCompressionOptions(opts);
  return opts;
}

/** What changed between source and destination, said on stderr: scripts comparing digests must know. */
function rewriteNote(result: CopyResult, compression: CompressionOptions | undefined): string | undefined {
  if (result.noop || result.digest === result.sourceDigest) return undefined;
  const what: string[] = [];
  const from = formatOf(result.sourceMediaType);
  const to = formatOf(result.mediaType);
  if (from !== to && to) what.push(`converted to ${formatName(to)}`);
  if (result.layersCompressed > 0)
    what.push(
      `${result.layersCompressed} layer${result.layersCompressed === 1 ? '' : 's'} recompressed with ${compression?.format ?? 'gzip'} (new layer digests)`,
    );
  if (what.length === 0) what.push('manifests rewritten');
  return `note: the image was ${what.join(' and ')}: its digest is ${result.digest}, the source's ${result.sourceDigest} (--preserve-digests keeps it)\n`;
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

/** What travelled with the image, when anything refers to it. */
function referrersNote(result: CopyResult): string {
  const r = result.referrers;
  const parts: string[] = [];
  if (r.carried > 0) {
    const where = (Object.entries(r.storages) as [string, number][])
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k === 'referrers-api' ? 'via the referrers API' : k === 'referrers-tag' ? 'in the referrers tag index' : 'as cosign tags'}`);
    parts.push(`${r.carried} referrer${r.carried === 1 ? '' : 's'} carried (${where.join(', ')})`);
  }
  if (r.present > 0) parts.push(`${r.present} already there`);
  if (r.dropped > 0) parts.push(`${r.dropped} left behind`);
  return parts.length ? `; ${parts.join(', ')}` : '';
}

export function parseJobs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_JOBS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs takes a whole number from 1 to 64, not "${value}"`);
  return n;
}

export const copyCommand: CliCommand = {
  name: 'copy',
  summary: 'copy an image between registries, OCI layouts, dir: folders and archives (whole index by default)',
  usage: `Usage: regx copy [OPTIONS] SOURCE DESTINATION\n\nSOURCE and DESTINATION: docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST], oci:DIRECTORY[:TAG], dir:DIRECTORY,\noci-archive:FILE[:TAG], docker-archive:FILE[:REFERENCE] (as a source also docker-archive:FILE:@N),\ncontainers-storage:[STORE]REFERENCE (podman's store) or docker-daemon:REFERENCE (a Docker Engine).\nA destination without a tag gets the source's tag, else "latest".\nA Docker image copied to an oci: folder or oci-archive: is converted to OCI (a new digest) unless --preserve-digests, as skopeo does.\nA docker-archive: holds one image with uncompressed layers: copied from one to a registry or OCI layout, layers are gzip-compressed (new digests).\nSo do local stores: pushed from containers-storage: or docker-daemon:, layers are compressed (new digests, as podman push).\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    io.exitCodes = parseExitCodeStyle(flagString(p, 'exit-codes'), 'skopeo');
    if (p.positional.length !== 2) throw new UsageError('copy takes exactly two arguments: SOURCE DESTINATION');
    applyCredsAliases(p);
    // Both are parsed (and a registry-only name refused) before any connection is made.
    const src = parseImageLocation(p.positional[0] as string);
    const dst = parseImageLocation(p.positional[1] as string);
    const additionalTags = flagList(p, 'additional-tag').map((t) => {
      const ref = parseNormalizedReference(t);
      if (ref.digest) throw new UsageError(`--additional-tag takes name:tag, not a digest reference ("${t}")`);
      return withDefaultTag(ref);
    });
    if (additionalTags.length > 0 && dst.transport !== 'docker-archive')
      throw new UsageError('--additional-tag applies to docker-archive: destinations only (as in skopeo); tag a registry copy with `regx tag` instead');
    const platform = copyPlatform(p, io);
    const jobs = parseJobs(flagString(p, 'jobs'));
    const quiet = flagBool(p, 'quiet', false);
    const format = parseFormat(flagString(p, 'format'));
    // --all asks for the whole index, which a docker-archive cannot hold: said, not ignored.
    const multiArch = parseMultiArch(p) ?? (flagBool(p, 'all', false) && dst.transport === 'docker-archive' ? 'all' : undefined);
    const compression = parseCompression(p);
    const preserveDigests = flagBool(p, 'preserve-digests', false);
    // Keys are opened before any connection: a wrong passphrase costs no transfer.
    const signing = await signingChoice(p, io);
    // A private podman service takes a few hundred milliseconds to start: started now, it comes up while the rest loads.
    const sourceEngine = isLocalLocation(src) ? connectFor(src, { signal: io.signal }) : undefined;
    sourceEngine?.catch(() => undefined);
    // One turn of the event loop: podman is spawned before the registry clients load (about 0.1 s of JavaScript).
    if (sourceEngine) await new Promise((resolve) => setImmediate(resolve));
    const closeEngine = async (): Promise<void> => {
      await sourceEngine?.then(
        (e) => e.close(),
        () => undefined,
      );
    };
    const clients: RegistryClient[] = [];
    let srcClient: RegistryClient | undefined;
    let dstClient: RegistryClient | undefined;
    try {
      srcClient = src.transport === 'docker' ? clientFor(src.ref.registry, src.ref.repository, p, io, 'src-') : undefined;
      if (srcClient) clients.push(srcClient);
      if (dst.transport === 'docker') {
        if (srcClient && src.transport === 'docker' && src.ref.registry === dst.ref.registry && sameSettings(p)) {
          dstClient = srcClient;
          // One client serves both sides: a failure on that registry may be either side's to fix.
          noteRegistrySide(io.registrySides, dst.ref.registry, 'dest-');
          noteRegistrySide(io.registrySides, registryApiHost(dst.ref.registry), 'dest-');
        } else clients.push((dstClient = clientFor(dst.ref.registry, dst.ref.repository, p, io, 'dest-')));
      }
    } catch (err) {
      await closeEngine();
      throw err;
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
      const referrers = { signatures: !flagBool(p, 'remove-signatures', false), others: !flagBool(p, 'no-referrers', false) };
      // registries.d is read for every copy between registries and dir: folders: GPG signatures travel with the image.
      const keepsSignatures = (t: string): boolean => t === 'docker' || t === 'dir';
      const registries =
        signing.registries ??
        (keepsSignatures(src.transport) && keepsSignatures(dst.transport) && (src.transport === 'docker' || dst.transport === 'docker')
          ? await registriesChoice(p, io)
          : undefined);
      // The trust policy judges the source before anything is copied, and the manifest it judged is the one copied.
      let sourceTop: ManifestBytes | undefined;
      const trust = await policyChoice(p, io, false);
      if (trust) {
        const docker =
          src.transport === 'docker' && srcClient
            ? dockerPolicyImage(srcClient, src.ref, registries ?? (await registriesChoice(p, io)), { env: io.env, signal: io.signal })
            : undefined;
        const image =
          docker ??
          unsignedPolicyImage(p.positional[0] as string, src.transport, () =>
            Promise.reject(new RegxError('unsupported', `${src.transport}: images carry no signatures here`)),
          );
        requireAccepted(await evaluatePolicy(trust.policy, image, sigstoreVerifier), image);
        sourceTop = await docker?.manifestRead();
      }
      const debug = flagBool(p, 'debug', io.globals?.debug ?? false);
      const onLocalRoute = debug
        ? (route: LocalPushRoute): void => {
            io.stderr.write(
              route.by === 'engine-push'
                ? 'debug: podman pushes the image from its store itself\n'
                : `debug: the image is exported from the store and pushed by regx: ${route.why}\n`,
            );
          }
        : undefined;
      const result = await copyImage(src, dst, {
        srcClient,
        dstClient,
        additionalTags,
        jobs,
        platform,
        multiArch,
        format,
        preserveDigests,
        compression,
        onProgress,
        signal: io.signal,
        referrers,
        ...signing,
        registries,
        env: io.env,
        sourceTop,
        onLocalRoute,
        sourceEngine,
      });
      if (tty) io.stderr.write('\r\x1b[K');
      const note = quiet ? undefined : rewriteNote(result, compression);
      if (note) io.stderr.write(note);
      if (
        !quiet &&
        !result.noop &&
        (src.transport === 'containers-storage' || src.transport === 'docker-daemon') &&
        (dst.transport === 'docker' || dst.transport === 'oci' || dst.transport === 'oci-archive')
      ) {
        // The store keeps layers uncompressed, and says nothing of the compressed bytes a copy makes from them.
        io.stderr.write(
          `note: ${src.transport} keeps layers uncompressed; they were written ${compression?.format ?? 'gzip'}-compressed, so ${result.digest} is not the digest the engine lists for the image (as with podman push)\n`,
        );
      }
      const digestFile = flagString(p, 'digestfile');
      if (digestFile) await fsp.writeFile(digestFile, result.digest);
      if (!quiet) {
        if (result.noop) io.stdout.write(`${result.destination} already is ${result.digest}: nothing to copy${referrersNote(result)}\n`);
        else if (result.manifestsPushed === 0) io.stdout.write(`${result.destination} already is ${result.digest}${referrersNote(result)}\n`);
        else if (result.pushedBy) {
          const mib = (result.bytes / (1 << 20)).toFixed(1);
          io.stdout.write(
            `Copied ${result.digest} to ${result.destination}: pushed by ${result.pushedBy} from its store, ${result.blobsCopied} blobs (${mib} MiB), ${result.manifestsPushed} manifest\n`,
          );
        } else {
          const mib = (result.bytes / (1 << 20)).toFixed(1);
          io.stdout.write(
            `Copied ${result.digest} to ${result.destination}: ${result.blobsCopied} blobs copied (${mib} MiB), ${result.blobsSkipped} already there, ${result.blobsMounted} mounted, ${result.manifestsPushed} manifests${referrersNote(result)}\n`,
          );
        }
        const ss = result.simpleSignatures;
        if (ss.carried > 0 || ss.present > 0)
          io.stdout.write(`GPG signatures: ${ss.carried} stored, ${ss.present} already there${ss.where ? ` (${ss.where})` : ''}\n`);
        for (const s of result.signed)
          io.stdout.write(`Signed ${result.digest} with ${s.kind === 'sigstore' ? 'sigstore key' : 'key'} ${s.signer}, stored in ${s.storedAt}\n`);
      }
      return 0;
    } catch (err) {
      if (tty) io.stderr.write('\n');
      throw err;
    } finally {
      await closeEngine();
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    }
  },
};
