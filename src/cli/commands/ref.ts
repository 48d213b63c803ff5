// `regx ref REFERENCE`: shows how a reference is understood (registry, repository, tag, digest)
// without touching the network, so scripts and users can check a name before copying to it.
import { UsageError } from '../../core/errors';
import { parseNormalizedReference } from '../../core/reference/reference';
import type { ImageReference } from '../../core/reference/reference';
import { hasTransportPrefix, parseImageLocation, requireRepository } from '../../core/reference/transport';
import { parseArgs } from '../args';
import type { CliCommand } from '../io';

function resolve(input: string): ImageReference {
  // A known transport name wins over reading the same text as a Docker Hub image
  // (`containers-storage:x`, `oci:dir`), the way skopeo would read it.
  if (hasTransportPrefix(input)) {
    const loc = parseImageLocation(input);
    const kinds = {
      oci: 'an OCI layout',
      dir: 'a dir: image folder',
      'oci-archive': 'an OCI archive',
      'docker-archive': 'a docker-archive',
      'containers-storage': 'an image in containers-storage',
      'docker-daemon': 'a Docker Engine image',
    } as const;
    if (loc.transport !== 'docker')
      throw new UsageError(`"${input}" is ${kinds[loc.transport]}, not a registry reference: regx ref takes REFERENCE or docker://REFERENCE`);
    return loc.ref;
  }
  requireRepository(input);
  return parseNormalizedReference(input);
}

export const refCommand: CliCommand = {
  name: 'ref',
  summary: 'Parse and normalize an image reference (no network)',
  usage: [
    'Usage: regx ref REFERENCE',
    '',
    'Prints the reference as Distribution and Docker normalize it, as one JSON object:',
    '  {"registry":"docker.io","repository":"library/redis","tag":"7","digest":null}',
    'REFERENCE is [REGISTRY/]REPOSITORY[:TAG][@DIGEST], optionally written docker://REFERENCE.',
    'No default tag is added. An invalid reference exits with status 2 and the reason on stderr.',
  ].join('\n'),
  async run(argv, io) {
    const { positional } = parseArgs(argv, []);
    if (positional.length !== 1) throw new UsageError(`expected exactly one REFERENCE, got ${positional.length}\n${refCommand.usage}`);
    const ref = resolve(positional[0] as string);
    const out = { registry: ref.registry, repository: ref.repository, tag: ref.tag ?? null, digest: ref.digest ?? null };
    io.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  },
};
