import { UsageError } from '../../core/errors';
import { goJson } from '../../core/image/go-json';
import { openSource } from '../../core/image/copy-source';
import { inspectImage, inspectSource, ociConfigView } from '../../core/image/inspect';
import { flagBool, flagString, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, imageLocationArg, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [
  { name: 'raw', kind: 'boolean', help: 'print the manifest (or with --config, the config) bytes exactly as served' },
  { name: 'config', kind: 'boolean', help: 'print the image config instead of the summary' },
  { name: 'no-tags', short: 'n', kind: 'boolean', help: 'do not list the repository tags' },
  { name: 'override-os', kind: 'string', help: 'pick this OS out of an index instead of the host one' },
  { name: 'override-arch', kind: 'string', help: 'pick this architecture out of an index' },
  { name: 'override-variant', kind: 'string', help: 'pick this variant out of an index' },
  ...registryFlagSpecs(),
  authFileFlag,
  debugFlag,
];

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'print what an image is: digest, tags, created, platform, layers, labels, env',
  usage: `Usage: regx inspect [OPTIONS] docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST] | oci:DIRECTORY[:TAG]\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('inspect takes exactly one image reference');
    const location = imageLocationArg(p.positional[0], 'image reference');
    const ref = location.transport === 'docker' ? location.ref : undefined;
    const client = ref ? clientFor(ref.registry, ref.repository, p, io) : undefined;
    try {
      const platform = {
        ...(flagString(p, 'override-os') ? { os: flagString(p, 'override-os') } : {}),
        ...(flagString(p, 'override-arch') ? { architecture: flagString(p, 'override-arch') } : {}),
        ...(flagString(p, 'override-variant') ? { variant: flagString(p, 'override-variant') } : {}),
      };
      const raw = flagBool(p, 'raw', false);
      const config = flagBool(p, 'config', false);
      const options = { platform, noTags: flagBool(p, 'no-tags', false) || raw || config, signal: io.signal };
      const image =
        client && ref
          ? await inspectImage(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', options)
          : await inspectSource(await openSource(location, undefined), options);
      if (raw && config) io.stdout.write(image.rawConfig);
      else if (raw) io.stdout.write(image.rawManifest);
      else if (config) io.stdout.write(`${goJson(ociConfigView(image.config))}\n`);
      else io.stdout.write(`${goJson(image.info)}\n`);
      return 0;
    } finally {
      await client?.close();
    }
  },
};
