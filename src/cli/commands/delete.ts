// `regx delete docker://REFERENCE`: deletes the image by digest and says which tags went with it.
import { UsageError, sanitizeRemoteText } from '../../core/errors';
import { deleteImage } from '../../core/image/delete';
import { parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, dockerReferenceArg, formatFlagHelp, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [...registryFlagSpecs(), authFileFlag, debugFlag];

export const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'delete an image (by digest: every tag that shares it goes too)',
  usage: `Usage: regx delete [OPTIONS] docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST]\n\nRegistries delete by digest: every tag pointing at the same image is removed with it.\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('delete takes exactly one image reference');
    const ref = dockerReferenceArg(p.positional[0], 'image reference');
    const client = clientFor(ref.registry, ref.repository, p, io);
    try {
      const r = await deleteImage(client, ref.repository, ref.digest ?? ref.tag ?? 'latest', io.signal);
      io.stdout.write(`Deleted ${ref.registry}/${ref.repository}@${r.digest}\n`);
      const asked = ref.digest ? undefined : (ref.tag ?? 'latest');
      const others = r.tags.filter((t) => t !== asked);
      if (others.length) io.stdout.write(`Tags that shared this digest and are gone too: ${others.map((t) => sanitizeRemoteText(t, 200)).join(', ')}\n`);
      else if (ref.digest && r.tags.length === 0) io.stdout.write('No tag pointed at it.\n');
      return 0;
    } finally {
      await client.close();
    }
  },
};
