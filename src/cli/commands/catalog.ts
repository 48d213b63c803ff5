import { UsageError } from '../../core/errors';
import { normalizeRegistryName } from '../../core/reference/registry-host';
import { goJson } from '../../core/image/go-json';
import { flagString, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [
  { name: 'page-size', kind: 'string', help: 'repositories asked for per request (default 1000)' },
  ...registryFlagSpecs(),
  authFileFlag,
  debugFlag,
];

export const catalogCommand: CliCommand = {
  name: 'catalog',
  summary: "list a registry's repositories (its _catalog), following the paging",
  usage: `Usage: regx catalog [OPTIONS] REGISTRY\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('catalog takes exactly one registry, e.g. regx catalog quay.io');
    const registry = normalizeRegistryName((p.positional[0] as string).replace(/^docker:\/\//, ''));
    const pageSize = Number(flagString(p, 'page-size') ?? 1000);
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new UsageError('--page-size takes a positive whole number');
    const client = clientFor(registry, undefined, p, io);
    try {
      const repositories = await client.listRepositories(pageSize, io.signal);
      io.stdout.write(`${goJson({ Registry: registry, Repositories: repositories })}\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
