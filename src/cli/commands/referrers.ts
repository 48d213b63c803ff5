// `regx referrers docker://REF`: what refers to an image (signatures, attestations, SBOMs, other
// artifacts), from the referrers API or tag schema, cosign tags and BuildKit attestation entries, as a
// tree like `oras discover` draws (or JSON with --json).
import { UsageError, sanitizeRemoteText } from '../../core/errors';
import { discoverReferrers } from '../../core/supply-chain/discover';
import type { Discovery, ReferrerNode, SubjectNode } from '../../core/supply-chain/discover';
import { storageNames } from '../../core/supply-chain/kinds';
import { flagBool, flagString, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import type { CliCommand } from '../io';
import { authFileFlag, clientFor, debugFlag, dockerReferenceArg, formatFlagHelp, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [
  { name: 'artifact-type', kind: 'string', help: 'only referrers of this artifact type (cosign tags and BuildKit attestations have none)' },
  { name: 'json', kind: 'boolean', help: 'print the tree as JSON' },
  ...registryFlagSpecs(),
  authFileFlag,
  debugFlag,
];

const clean = (s: string | undefined): string => sanitizeRemoteText(s ?? '', 200);

function platformName(s: SubjectNode): string {
  const p = s.platform;
  if (!p) return 'no platform';
  return (
    [p.os, p.architecture, p.variant]
      .filter(Boolean)
      .map((x) => clean(x))
      .join('/') + (p['os.version'] ? ` (${clean(p['os.version'])})` : '')
  );
}

function referrerLine(r: ReferrerNode): string {
  const type = r.descriptor.artifactType ?? (r.storage === 'cosign-tag' ? `cosign ${r.tag?.split('.').pop() ?? ''}` : r.descriptor.mediaType);
  const where = r.storage === 'cosign-tag' || r.storage === 'referrers-tag' ? `${storageNames[r.storage]} ${r.tag ?? ''}` : storageNames[r.storage];
  return `[${r.kind}] ${clean(r.descriptor.digest)} ${clean(type)} (${where})`;
}

/** The tree, drawn with box characters as oras discover draws it. */
export function drawTree(name: string, d: Discovery): string {
  const lines: string[] = [`${name}@${d.root.digest}`];
  const draw = (prefix: string, entries: { line: string; children: () => unknown[] }[]): void => {
    entries.forEach((e, i) => {
      const last = i === entries.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${e.line}`);
      draw(prefix + (last ? '    ' : '│   '), e.children() as { line: string; children: () => unknown[] }[]);
    });
  };
  const refEntries = (refs: ReferrerNode[]): { line: string; children: () => unknown[] }[] =>
    refs.map((r) => ({ line: referrerLine(r), children: () => refEntries(r.referrers) }));
  const subjectEntries = (s: SubjectNode): { line: string; children: () => unknown[] }[] => [
    ...refEntries(s.referrers),
    ...s.manifests.map((m) => ({ line: `${platformName(m)} ${m.digest}`, children: () => subjectEntries(m) })),
  ];
  draw('', subjectEntries(d.root));
  return `${lines.join('\n')}\n`;
}

function referrerJson(r: ReferrerNode): unknown {
  return { ...r.descriptor, kind: r.kind, storage: r.storage, ...(r.tag ? { tag: r.tag } : {}), referrers: r.referrers.map(referrerJson) };
}

function subjectJson(s: SubjectNode): unknown {
  return {
    digest: s.digest,
    mediaType: s.mediaType,
    ...(s.platform ? { platform: s.platform } : {}),
    referrers: s.referrers.map(referrerJson),
    manifests: s.manifests.map(subjectJson),
  };
}

export const referrersCommand: CliCommand = {
  name: 'referrers',
  summary: 'show what refers to an image: signatures, attestations, SBOMs and other artifacts',
  usage: `Usage: regx referrers [OPTIONS] docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST]\n\nLooks in the OCI referrers API (or the referrers tag schema on registries without it), cosign's\nsha256-<hex>.sig/.att/.sbom tags and BuildKit attestations inside an index; an index's images each\nhave their own. Each line says where it was found.\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('referrers takes exactly one image reference');
    const ref = dockerReferenceArg(p.positional[0], 'image reference');
    const artifactType = flagString(p, 'artifact-type');
    if (artifactType !== undefined && artifactType.trim() === '')
      throw new UsageError('--artifact-type needs a media type, e.g. application/vnd.cncf.notary.signature');
    const client = clientFor(ref.registry, ref.repository, p, io);
    try {
      const top = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', io.signal);
      const found = await discoverReferrers(client, ref.repository, top, { artifactType, signal: io.signal });
      const name = `${ref.registry}/${ref.repository}`;
      if (flagBool(p, 'json', false)) {
        const api = found.api === undefined ? null : found.api;
        io.stdout.write(`${JSON.stringify({ name, referrersApi: api, ...(subjectJson(found.root) as object) }, null, 2)}\n`);
      } else io.stdout.write(drawTree(name, found));
      return 0;
    } finally {
      await client.close();
    }
  },
};
