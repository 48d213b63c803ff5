import { RegxError, UsageError, sanitizeRemoteText } from '../../core/errors';
import { goJson, goMap } from '../../core/image/go-json';
import { discoverReferrers, flattenReferrers } from '../../core/supply-chain/discover';
import type { SubjectNode } from '../../core/supply-chain/discover';
import { openSource } from '../../core/image/copy-source';
import type { ImageSource } from '../../core/image/copy-source';
import { inspectImage, inspectSource, inspectTopManifest, ociConfigView, artifactConfigType } from '../../core/image/inspect';
import { flagBool, flagString, parseArgs } from '../args';
import type { FlagSpec } from '../args';
import { parseGoTemplate, unescapeFormat } from '../go-template';
import type { GoTemplate, GoType } from '../go-template';
import type { CliCommand } from '../io';
import { platformChoice, platformFlag, platformOverrideFlags } from '../platform-flags';
import { authFileFlag, clientFor, debugFlag, formatFlagHelp, imageLocationArg, registryFlagSpecs } from '../registry-flags';

const flags: FlagSpec[] = [
  { name: 'raw', kind: 'boolean', help: 'print the manifest bytes exactly as served, an index included (with --config, the config bytes)' },
  { name: 'config', kind: 'boolean', help: 'print the image config instead of the summary' },
  { name: 'format', short: 'f', kind: 'string', help: "print the summary through a Go template, e.g. '{{.Digest}}' or '{{index .Labels \"version\"}}'" },
  { name: 'no-tags', short: 'n', kind: 'boolean', help: 'do not list the repository tags' },
  { name: 'referrers', kind: 'boolean', help: 'add Referrers to the summary: what refers to the image (see regx referrers); a registry image only' },
  ...platformOverrideFlags,
  platformFlag,
  ...registryFlagSpecs(),
  authFileFlag,
  debugFlag,
];

/** Every referrer, flat, with the digest it refers to and where it was found. */
function referrersSummary(root: SubjectNode): Record<string, unknown>[] {
  return flattenReferrers(root).map((r) => ({
    Subject: r.subject,
    Digest: r.descriptor.digest,
    MediaType: r.descriptor.mediaType,
    ...(r.descriptor.artifactType ? { ArtifactType: r.descriptor.artifactType } : {}),
    Kind: r.kind,
    Storage: r.storage,
    ...(r.tag ? { Tag: r.tag } : {}),
    ...(r.descriptor.annotations ? { Annotations: goMap({ ...r.descriptor.annotations }) } : {}),
  }));
}

const str: GoType = { kind: 'string' };
const strings: GoType = { kind: 'slice', elem: str };
const stringMap: GoType = { kind: 'map', elem: str };

/** The summary's fields as Go types, for --format (what skopeo's template sees, plus regx's Variant and LayersData). */
export const inspectOutputType: GoType = {
  kind: 'struct',
  name: 'inspectOutput',
  fields: {
    Name: str,
    Digest: str,
    RepoTags: strings,
    Created: { kind: 'time' },
    DockerVersion: str,
    Labels: stringMap,
    Architecture: str,
    Variant: str,
    Os: str,
    Layers: strings,
    LayersData: {
      kind: 'slice',
      elem: { kind: 'struct', name: 'layerInfo', fields: { MIMEType: str, Digest: str, Size: { kind: 'int' }, Annotations: stringMap } },
    },
    Env: strings,
  },
};

/** `{{json .}}` alone is the plain output, as skopeo prints it. */
const WHOLE_JSON = /^\s*\{\{\s*json\s+\.\s*\}\}\s*$/;

function parseFormat(format: string | undefined): { template: GoTemplate; newline: boolean } | undefined {
  if (format === undefined || format === '' || WHOLE_JSON.test(format)) return undefined;
  const text = unescapeFormat(format);
  // Like skopeo, a newline ends the output unless the template already ends with one.
  return { template: parseGoTemplate(text, inspectOutputType), newline: !text.endsWith('\n') };
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'print what an image is: digest, tags, created, platform, layers, labels, env',
  usage: `Usage: regx inspect [OPTIONS] docker://[REGISTRY/]REPOSITORY[:TAG|@DIGEST] | oci:DIRECTORY[:TAG] | dir:DIRECTORY | oci-archive:FILE[:TAG] | docker-archive:FILE[:REFERENCE|:@N] | containers-storage:[STORE]REFERENCE | docker-daemon:REFERENCE\n\n${formatFlagHelp(flags)}`,
  flags,
  async run(argv, io) {
    const p = parseArgs(argv, flags);
    if (p.positional.length !== 1) throw new UsageError('inspect takes exactly one image reference');
    const raw = flagBool(p, 'raw', false);
    const config = flagBool(p, 'config', false);
    const formatFlag = flagString(p, 'format');
    if (formatFlag !== undefined && raw) throw new UsageError('--raw cannot be combined with --format: the raw output is printed as is');
    if (formatFlag !== undefined && config) throw new UsageError('--format applies to the image summary, not to --config');
    const withReferrers = flagBool(p, 'referrers', false);
    if (withReferrers && (raw || config || formatFlag !== undefined))
      throw new UsageError('--referrers adds to the JSON summary; it cannot be combined with --raw, --config or --format');
    // Checked before any request, so a bad template costs nothing.
    const format = parseFormat(formatFlag);
    const platform = platformChoice(p, io);
    const location = imageLocationArg(p.positional[0], 'image reference');
    const ref = location.transport === 'docker' ? location.ref : undefined;
    if (withReferrers && !ref) throw new UsageError('--referrers needs a docker:// image: referrers live on registries');
    const client = ref ? clientFor(ref.registry, ref.repository, p, io) : undefined;
    let source: ImageSource | undefined;
    try {
      const reference = ref ? (ref.digest ?? ref.tag ?? 'latest') : undefined;
      if (raw && !config) {
        // The top manifest as served: no platform is chosen, so any index prints, whatever it lists.
        const top = await inspectTopManifest((source ??= await openSource(location, client, io.signal)), { reference, signal: io.signal });
        io.stdout.write(top.bytes);
        return 0;
      }
      const options = { platform, noTags: flagBool(p, 'no-tags', false) || config, signal: io.signal };
      const image =
        client && ref && reference
          ? await inspectImage(client, ref.repository, reference, options)
          : await inspectSource((source ??= await openSource(location, undefined, io.signal)), options);
      // skopeo refuses image fields for an artifact rather than print a made-up image; so does regx
      // (its bytes are still there with --raw and --config --raw).
      const artifact = raw ? undefined : artifactConfigType(image.manifest);
      if (artifact) throw new RegxError('unsupported', `unsupported image-specific operation on artifact with type "${sanitizeRemoteText(artifact, 200)}"`);
      if (raw) io.stdout.write(image.rawConfig);
      else if (config) io.stdout.write(`${goJson(ociConfigView(image.config))}\n`);
      else if (format) io.stdout.write(`${format.template.render(image.info)}${format.newline ? '\n' : ''}`);
      else if (withReferrers && client && ref && reference) {
        const top = await client.getManifest(ref.repository, reference, io.signal);
        const found = await discoverReferrers(client, ref.repository, top, { signal: io.signal });
        io.stdout.write(`${goJson({ ...image.info, Referrers: referrersSummary(found.root) })}\n`);
      } else io.stdout.write(`${goJson(image.info)}\n`);
      return 0;
    } finally {
      await source?.close?.();
      await client?.close();
    }
  },
};
