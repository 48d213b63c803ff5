import { RegxError, UsageError } from '../../core/errors';
import { goJson } from '../../core/image/go-json';
import { parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, imageLocationArg, registryFlagSpecs } from '../registry-flags';
import { dockerArchiveTags } from '../../core/image/docker-archive';

const flags: FlagSpec[] = [...registryFlagSpecs(), authFileFlag, debugFlag];

export const listTagsCommand: CliCommand = {
  name: 'list-tags',
  summary: 'list every tag of a repository, following the registry paging',
  usage: `Usage: regx list-tags [OPTIONS] docker://[REGISTRY/]REPOSITORY | docker-archive:FILE\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('list-tags takes exactly one repository reference');
    const location = imageLocationArg(p.positional[0], 'repository reference');
    if (location.transport === 'docker-archive') {
      // skopeo lists every RepoTags entry of the archive, with no repository name.
      io.stdout.write(`${goJson({ Tags: await dockerArchiveTags(location.path) })}\n`);
      return 0;
    }
    // skopeo's words, and its status (1: not a usage error).
    if (location.transport !== 'docker')
      throw new RegxError('unsupported', `Unsupported transport '${location.transport}' for tag listing. Only supported: docker, docker-archive`);
    const ref = location.ref;
    if (ref.tag || ref.digest) throw new UsageError(`list-tags takes a repository without a tag or digest, e.g. docker://${ref.registry}/${ref.repository}`);
    const client = clientFor(ref.registry, ref.repository, p, io);
    try {
      const tags = await client.listTags(ref.repository, 1000, io.signal);
      io.stdout.write(`${goJson({ Repository: `${ref.registry}/${ref.repository}`, Tags: tags })}\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
