// `regx sync --src docker|yaml --dest docker SOURCE DESTINATION`: skopeo sync's interface and
// destination names, run in parallel (src/core/sync), with NDJSON events (--json), a summary small
// enough for a Tekton result, shards for an Indexed Job and exit statuses an engine can act on.
import { promises as fsp } from 'node:fs';
import { UsageError } from '../../core/errors';
import { DEFAULT_JOBS } from '../../core/image/copy';
import { familiarString, formatReference, isNameOnly, parseNormalizedReference } from '../../core/reference/reference';
import type { ImageReference } from '../../core/reference/reference';
import type { RegistryClient } from '../../core/registry/client';
import { syncDestination } from '../../core/sync/naming';
import { runSync } from '../../core/sync/run';
import type { SyncResult, SyncTarget } from '../../core/sync/run';
import { parseShard } from '../../core/sync/shard';
import type { Shard } from '../../core/sync/shard';
import { parseSkopeoSyncYaml } from '../../core/sync/skopeo-yaml';
import { parseSyncConfig, resolveConfigCredentials } from '../../core/sync/config';
import type { RegistrySettings } from '../../core/sync/config';
import { RegistryThrottles } from '../../core/sync/throttle';
import type { CarriedWith, EndpointSettings, SyncEvent } from '../../core/sync/types';
import { flagBool, flagString, parseArgs } from '../args';
import type { FlagSpec, ParsedArgs } from '../args';
import { EXIT, parseExitCodeStyle, syncExitStatus } from '../exit-codes';
import type { ExitCodeStyle } from '../exit-codes';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, registryFlagSpecs } from '../registry-flags';
import { applyCredsAliases, parseFormat, parseJobs } from './copy';
import { checkSigners, signingChoice, signingFlags } from '../signing-flags';
import { registriesChoice } from '../policy-flags';

// The help says what is signed here: every image synced (those already there too), not one copy.
const syncSigningFlags = signingFlags
  .filter((f) => f.name !== 'sign-identity')
  .map((f) => (f.help ? { ...f, help: f.help.replace(/^sign the copy/, 'sign every image synced (unchanged ones too, as skopeo sync)') } : f));

const flags: FlagSpec[] = [
  { name: 'src', short: 's', kind: 'string', help: 'SOURCE transport: docker (a repository, every tag; or one image) or yaml (a skopeo sync YAML file)' },
  { name: 'dest', short: 'd', kind: 'string', help: 'DESTINATION transport: docker (a registry and optional path)' },
  { name: 'scoped', kind: 'boolean', help: 'put each image under its whole source name (registry/path/repo:tag), not just repo:tag' },
  { name: 'all', short: 'a', kind: 'boolean', help: "copy every image of an index (default: this machine's image only, as skopeo sync)" },
  { name: 'dry-run', kind: 'boolean', help: 'print the plan (source -> destination, digest, copy or skip) and write nothing' },
  { name: 'keep-going', kind: 'boolean', help: 'do not stop at a failed image: report it and copy the others' },
  { name: 'format', short: 'f', kind: 'string', help: 'write manifests as oci or v2s2 (default: as they are)' },
  { name: 'preserve-digests', kind: 'boolean', help: 'keep every manifest byte for byte; an error if a conversion is asked for' },
  { name: 'retry-times', kind: 'string', help: 'retry an image this many times when its failure may pass (network, 429, 5xx; default 0)' },
  {
    name: 'remove-signatures',
    kind: 'boolean',
    help: 'do not carry signatures (GPG signatures, cosign tags, signature artifacts) with the images; .sig tags are not synced as images either',
  },
  { name: 'no-referrers', kind: 'boolean', help: 'do not carry attestations, SBOMs and other artifacts that refer to the images' },
  {
    name: 'config',
    kind: 'string',
    help: 'a native sync config (*.regx-sync.yaml: several sources and destinations, tag filters, platforms, limits); no SOURCE DESTINATION then',
  },
  {
    name: 'prune',
    kind: 'boolean',
    help: 'remove destination tags no source selects any more, in repositories whose config source says prune: true (the dry run lists them)',
  },
  // skopeo sync's signing flags: each image signs as its own destination, so there is no --sign-identity.
  ...syncSigningFlags,
  { name: 'digestfile', kind: 'string', help: 'write "DIGEST docker://DESTINATION" for each image synced, one a line (as skopeo)' },
  { name: 'json', kind: 'boolean', help: 'write one JSON event per image on stdout (planned, started, copied, skipped, failed) and a summary last' },
  { name: 'summary-file', kind: 'string', help: 'write the run summary as JSON (under 4 KB, for a Tekton result) to this file' },
  { name: 'shard', kind: 'string', help: 'I/N: sync only the images whose source hashes to shard I of N (0-based, for an Indexed Job)' },
  { name: 'parallel', kind: 'string', help: 'images copied at once (default 8)' },
  { name: 'parallel-per-registry', kind: 'string', help: 'images copied at once touching one registry (default 4)' },
  { name: 'jobs', short: 'j', kind: 'string', help: `blobs moved at once per image (default ${DEFAULT_JOBS})` },
  { name: 'exit-codes', kind: 'string', help: 'detailed (default: 0, 1, 2, 3 partial, 75 retryable, 77 auth, 130) or skopeo (0, 1, 2, 130)' },
  { name: 'screds', kind: 'string', hidden: true },
  { name: 'dcreds', kind: 'string', hidden: true },
  ...registryFlagSpecs('src-'),
  { name: 'src-authfile', kind: 'string', help: 'auth.json for the source registries' },
  ...registryFlagSpecs('dest-'),
  { name: 'dest-authfile', kind: 'string', help: 'auth.json for the destination registry' },
  authFileFlag,
  debugFlag,
];

function count(p: ParsedArgs, name: string, fallback: number, max: number): number {
  const value = flagString(p, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > max) throw new UsageError(`--${name} takes a whole number from 0 to ${max}, not "${value}"`);
  return n;
}

function positive(p: ParsedArgs, name: string, fallback: number, max: number): number {
  const n = count(p, name, fallback, max);
  if (n < 1) throw new UsageError(`--${name} takes a whole number from 1 to ${max}, not "${flagString(p, name)}"`);
  return n;
}

/** The flags with a config file's settings for one registry laid over them (skopeo's per-registry YAML keys win). */
function overlay(p: ParsedArgs, prefix: string, endpoint: EndpointSettings | undefined): ParsedArgs {
  const flagsOut = new Map(p.flags);
  const sideAuthFile = flagString(p, `${prefix}authfile`);
  if (sideAuthFile !== undefined) flagsOut.set('authfile', sideAuthFile);
  if (endpoint?.tlsVerify !== undefined) flagsOut.set(`${prefix}tls-verify`, endpoint.tlsVerify);
  if (endpoint?.certDir !== undefined) flagsOut.set(`${prefix}cert-dir`, endpoint.certDir);
  if (endpoint?.authFile !== undefined) {
    for (const f of ['creds', 'username', 'password', 'no-creds', 'registry-token']) flagsOut.delete(`${prefix}${f}`);
    flagsOut.set('authfile', endpoint.authFile);
  }
  if (endpoint?.credentials) {
    for (const f of ['creds', 'no-creds', 'registry-token']) flagsOut.delete(`${prefix}${f}`);
    flagsOut.set(`${prefix}username`, endpoint.credentials.username);
    flagsOut.set(`${prefix}password`, endpoint.credentials.password);
  }
  return { flags: flagsOut, positional: p.positional };
}

function sourceTargets(transport: string, source: string, destination: (src: ImageReference) => ImageReference, yamlText: string | undefined): SyncTarget[] {
  const rule = { map: destination };
  if (transport === 'yaml') return parseSkopeoSyncYaml(yamlText ?? '', source).map((spec) => ({ spec, destinations: [rule] }));
  const ref = parseNormalizedReference(source.startsWith('docker://') ? source.slice('docker://'.length) : source);
  if (ref.tag !== undefined && ref.digest !== undefined) throw new UsageError(`source "${source}" has both a tag and a digest; give only one of them`);
  return [{ spec: { ref, select: isNameOnly(ref) ? { kind: 'all' } : { kind: 'image' } }, destinations: [rule] }];
}

/** The summary: counts, and as many failures as fit in well under a Tekton result's 4 KB. */
export function syncSummary(result: SyncResult, extra: { exitCode: number; seconds: number; dryRun: boolean; shard?: Shard }): Record<string, unknown> {
  const summary: Record<string, unknown> = {
    event: 'summary',
    exitCode: extra.exitCode,
    images: result.plan.length + result.failures.filter((f) => f.phase === 'plan').length,
    copy: result.plan.filter((p) => p.action === 'copy').length,
    copied: result.copied,
    skipped: result.skipped,
    failed: result.failures.length,
    notRun: result.notRun,
    bytes: result.bytes,
    ...(result.prunes.length ? { prune: result.prunes.length, pruned: result.pruned } : {}),
    ...(result.referrersCarried ? { referrersCarried: result.referrersCarried } : {}),
    ...(result.signaturesCarried ? { signaturesCarried: result.signaturesCarried } : {}),
    ...(result.signed ? { signed: result.signed } : {}),
    seconds: Math.round(extra.seconds * 10) / 10,
    ...(extra.dryRun ? { dryRun: true } : {}),
    ...(extra.shard ? { shard: `${extra.shard.index}/${extra.shard.count}` } : {}),
    failures: [] as unknown[],
  };
  const failures = summary.failures as unknown[];
  for (const f of result.failures) {
    const item = { source: f.source.slice(0, 300), ...(f.destination ? { destination: f.destination.slice(0, 300) } : {}), reason: f.reason };
    if (JSON.stringify(summary).length + JSON.stringify(item).length + 40 > 3500) break;
    failures.push(item);
  }
  if (failures.length < result.failures.length) summary.moreFailures = result.failures.length - failures.length;
  return summary;
}

function carriedNote(e: CarriedWith): string {
  const parts: string[] = [];
  if (e.referrersCarried) parts.push(`${e.referrersCarried} referrers carried`);
  if (e.signaturesCarried) parts.push(`${e.signaturesCarried} GPG signatures carried`);
  if (e.signed) parts.push(`${e.signed} signature${e.signed === 1 ? '' : 's'} made`);
  return parts.map((x) => `, ${x}`).join('');
}

function humanEvent(e: SyncEvent): string | undefined {
  switch (e.event) {
    case 'copied':
      return `Copied ${e.source} -> ${e.destination} (${e.digest}, ${(e.bytes / (1 << 20)).toFixed(1)} MiB, ${e.blobsCopied} blobs copied, ${e.blobsSkipped} already there, ${e.blobsMounted} mounted)${carriedNote(e)}`;
    case 'skipped':
      return `Unchanged ${e.destination} (${e.digest})${carriedNote(e)}`;
    case 'pruned':
      return `Pruned ${e.destination} (${e.digest})`;
    case 'failed':
      return `Failed ${e.source}${e.destination ? ` -> ${e.destination}` : ''}: ${e.message} [${e.reason}]`;
    default:
      return undefined;
  }
}

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: "copy many images: a repository's tags or a skopeo sync YAML file, in parallel, to a registry",
  usage: `Usage: regx sync [OPTIONS] --src docker|yaml --dest docker SOURCE DESTINATION\n       regx sync [OPTIONS] --config FILE.regx-sync.yaml\n\nSOURCE: REGISTRY/REPOSITORY (every tag), REGISTRY/REPOSITORY:TAG or @DIGEST (one image), or with --src yaml a skopeo sync YAML file.\nDESTINATION: REGISTRY[/PATH]; each image goes to DESTINATION/REPO:TAG (with --scoped, DESTINATION/REGISTRY/PATH/REPO:TAG), as with skopeo sync.\nExit status (detailed): 0 done, 1 failed, 2 usage or not found, 3 partial (--keep-going), 75 retryable, 77 credentials or rights, 130 interrupted.\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    const style: ExitCodeStyle = parseExitCodeStyle(flagString(p, 'exit-codes'), 'detailed');
    io.exitCodes = style;
    applyCredsAliases(p);
    const configFile = flagString(p, 'config');
    const dryRun = flagBool(p, 'dry-run', false);
    const keepGoing = flagBool(p, 'keep-going', false);
    const json = flagBool(p, 'json', false);
    const prune = flagBool(p, 'prune', false);
    const shardText = flagString(p, 'shard');
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    const format = parseFormat(flagString(p, 'format'));
    const preserveDigests = flagBool(p, 'preserve-digests', false);
    if (format && preserveDigests) throw new UsageError('--format and --preserve-digests cannot be used together: a conversion changes digests');
    const parallel = positive(p, 'parallel', 8, 256);
    const perRegistry = positive(p, 'parallel-per-registry', 4, 256);
    const retryTimes = count(p, 'retry-times', 0, 100);
    const jobs = parseJobs(flagString(p, 'jobs'));
    let targets: SyncTarget[];
    let registries = new Map<string, RegistrySettings>();
    let srcTransport: string | undefined;
    if (configFile !== undefined) {
      if (p.positional.length !== 0) throw new UsageError('--config names the sources and destinations: give no SOURCE DESTINATION arguments');
      for (const f of ['src', 'dest', 'scoped'])
        if (p.flags.has(f)) throw new UsageError(`--${f} cannot be used with --config (the config file says where images come from and go)`);
      const text = await fsp.readFile(configFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read the sync config ${configFile}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      const config = parseSyncConfig(text, configFile);
      registries = config.registries;
      targets = await resolveConfigCredentials(config, io.env);
    } else {
      if (prune) throw new UsageError('--prune needs --config: only a config source with prune: true allows it');
      if (p.positional.length !== 2) throw new UsageError('Exactly two arguments expected: SOURCE DESTINATION');
      srcTransport = flagString(p, 'src');
      const destTransport = flagString(p, 'dest');
      if (!srcTransport) throw new UsageError('A source transport must be specified (--src docker or --src yaml)');
      if (srcTransport === 'dir') throw new UsageError('--src dir is not supported: regx has no dir: transport (use --src docker or --src yaml)');
      if (srcTransport !== 'docker' && srcTransport !== 'yaml') throw new UsageError(`"${srcTransport}" is not a valid source transport (docker or yaml)`);
      if (!destTransport) throw new UsageError('A destination transport must be specified (--dest docker)');
      if (destTransport === 'dir')
        throw new UsageError(
          '--dest dir is not supported: regx has no dir: transport (sync to a registry with --dest docker, or copy one image to an oci: folder with regx copy)',
        );
      if (destTransport !== 'docker') throw new UsageError(`"${destTransport}" is not a valid destination transport (docker)`);
      const [source, destination] = p.positional as [string, string];
      const scoped = flagBool(p, 'scoped', false);
      const destPrefix = destination.startsWith('docker://') ? destination.slice('docker://'.length) : destination;
      const yamlText =
        srcTransport === 'yaml'
          ? await fsp.readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
              throw new UsageError(`cannot read the sync file ${source}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
            })
          : undefined;
      targets = sourceTargets(srcTransport, source, (src) => syncDestination(src, destPrefix, scoped), yamlText);
    }
    // Keys are opened before any connection: a wrong passphrase costs no transfer. registries.d is read
    // in every run: it says where GPG signatures live, and they travel with the images. A dry run proves
    // the keys can sign (what the real run would need), then plans without them.
    const chosen = await signingChoice(p, io);
    if (dryRun) await checkSigners(chosen.signers, io.signal);
    const signing = dryRun ? { ...chosen, signers: [] } : chosen;
    const signatureStores = signing.registries ?? (await registriesChoice(p, io));
    // One pace per registry, shared by its source and destination clients: a 429 slows all of them.
    const throttles = new RegistryThrottles((host) => registries.get(host)?.rateLimit);

    const clients = new Map<string, RegistryClient>();
    const client = (prefix: 'src-' | 'dest-', registry: string, endpoint?: EndpointSettings): RegistryClient => {
      const key = `${prefix} ${registry} ${JSON.stringify(endpoint ?? {})}`;
      let c = clients.get(key);
      if (!c) clients.set(key, (c = clientFor(registry, undefined, overlay(p, prefix, endpoint), io, prefix, { gate: throttles.for(registry) })));
      return c;
    };
    const write = (line: string): void => {
      io.stdout.write(`${line}\n`);
    };
    const onEvent = (e: SyncEvent): void => {
      if (json) write(JSON.stringify(e));
      else if (!dryRun) {
        const line = humanEvent(e);
        if (line) io.stderr.write(`${line}\n`);
      } else if (e.event === 'failed') io.stderr.write(`${humanEvent(e)}\n`);
    };
    const started = Date.now();
    let result: SyncResult;
    try {
      result = await runSync(targets, {
        clients: { source: (r, e) => client('src-', r, e), destination: (r, e) => client('dest-', r, e) },
        all: flagBool(p, 'all', false),
        format,
        preserveDigests,
        parallel,
        perRegistry: (host) => registries.get(host)?.concurrency ?? perRegistry,
        jobs,
        prune,
        registries: signatureStores,
        signers: signing.signers,
        env: io.env,
        referrers: { signatures: !flagBool(p, 'remove-signatures', false), others: !flagBool(p, 'no-referrers', false) },
        keepGoing,
        dryRun,
        retryTimes,
        shard,
        failWhenEmpty: srcTransport === 'docker',
        signal: io.signal,
        onEvent,
      });
    } finally {
      await Promise.all([...clients.values()].map((c) => c.close().catch(() => undefined)));
    }
    const exitCode = syncExitStatus(
      result.failures.map((f) => f.reason),
      keepGoing,
      style,
    );
    if (dryRun && !json) {
      for (const e of result.plan)
        write(`${e.action} ${`docker://${formatReference(e.source)}`} -> docker://${formatReference(e.destination)} ${e.digest ?? ''}`.trimEnd());
      for (const e of result.prunes) write(`prune docker://${formatReference(e.destination)} ${e.digest}`);
    }
    const digestFile = flagString(p, 'digestfile');
    if (digestFile && !dryRun) await fsp.writeFile(digestFile, result.digests.map((d) => `${d.digest} docker://${familiarString(d.destination)}\n`).join(''));
    const summary = syncSummary(result, { exitCode, seconds: (Date.now() - started) / 1000, dryRun, shard });
    if (json) write(JSON.stringify(summary));
    const summaryFile = flagString(p, 'summary-file');
    if (summaryFile) await fsp.writeFile(summaryFile, `${JSON.stringify(summary)}\n`);
    const copies = result.plan.filter((e) => e.action === 'copy').length;
    io.stderr.write(
      dryRun
        ? `Would sync ${result.plan.length} images: ${copies} to copy, ${result.plan.length - copies} unchanged${result.prunes.length ? `, ${result.prunes.length} to prune${prune ? '' : ' with --prune'}` : ''}${result.failures.length ? `, ${result.failures.length} failed` : ''}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}\n`
        : `Synced ${result.copied + result.skipped} of ${result.plan.length + result.failures.filter((f) => f.phase === 'plan').length} images: ${result.copied} copied (${(result.bytes / (1 << 20)).toFixed(1)} MiB), ${result.skipped} unchanged, ${result.failures.length} failed${result.notRun ? `, ${result.notRun} not run` : ''}${result.pruned ? `, ${result.pruned} pruned` : ''}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}\n`,
    );
    if (!dryRun && !prune && result.prunes.length > 0)
      io.stderr.write(
        `regx sync: ${result.prunes.length} destination tags no source selects any more were left in place (--prune removes them; --dry-run lists them)\n`,
      );
    if (exitCode !== EXIT.success && result.notRun > 0) io.stderr.write(`regx sync: stopped at the first failure (--keep-going copies the others)\n`);
    return exitCode;
  },
};
