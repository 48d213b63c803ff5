// `regx tag docker://REGISTRY/REPOSITORY:TAG NEWTAG [NEWTAG...]`: more tags for an image, manifest only.
import { UsageError } from '../../core/errors';
import { tagImage } from '../../core/image/tag';
import { hasTransportPrefix } from '../../core/reference/transport';
import { parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, dockerReferenceArg, formatFlagHelp, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [...registryFlagSpecs(), authFileFlag, debugFlag];

export const tagCommand: CliCommand = {
  name: 'tag',
  summary: 'add tags to an image in its repository (no blob moves)',
  usage: `Usage: regx tag [OPTIONS] docker://REGISTRY/REPOSITORY:TAG NEWTAG [NEWTAG...]\n\nNEWTAG is a tag, or docker://REGISTRY/REPOSITORY:NEWTAG in the same repository.\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length < 2) throw new UsageError('tag takes an image reference and at least one new tag');
    const ref = dockerReferenceArg(p.positional[0], 'image reference');
    const newTags = p.positional.slice(1).map((t) => {
      if (!hasTransportPrefix(t)) return t;
      const other = dockerReferenceArg(t, 'new tag');
      if (other.registry !== ref.registry || other.repository !== ref.repository || !other.tag || other.digest) {
        throw new UsageError(`${t}: a new tag must be in ${ref.registry}/${ref.repository} and name a tag (to copy elsewhere, use regx copy)`);
      }
      return other.tag;
    });
    const client = clientFor(ref.registry, ref.repository, p, io);
    try {
      const r = await tagImage(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', newTags, io.signal);
      io.stdout.write(`Tagged ${ref.registry}/${ref.repository}@${r.digest} as ${r.tags.join(', ')}\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
