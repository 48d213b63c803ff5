// skopeo's sync YAML: a map of registries, each with `images` (repository -> tags or digests; none
// means every tag), `images-by-tag-regex` (repository -> Go regex), `images-by-semver`
// (repository -> semver range), `credentials` (username/password), `tls-verify` and `cert-dir`.
// Read as yaml.v2 reads it into skopeo's structs: unknown keys are ignored, scalars keep the text
// they were written as (`- 1.0` is the tag "1.0"). Unlike skopeo, which logs a bad entry and skips
// it, a name, tag or regex that cannot be right is refused before anything is copied.
import { parseDocument } from 'yaml';
import { UsageError } from '../errors';
import { isValidDigest, parseNormalizedReference, withDigest, withTag, isNameOnly } from '../reference/reference';
import { goRegExp } from './tag-filter';
import { parseRange } from './semver';
import type { EndpointSettings, SourceSpec } from './types';

type Node = string | Node[] | { [k: string]: Node };

function isMap(n: Node | undefined): n is { [k: string]: Node } {
  return typeof n === 'object' && n !== null && !Array.isArray(n);
}

/** yaml.v2's null: nothing, `~` or `null`. */
function isNull(n: Node | undefined): boolean {
  return n === undefined || n === '' || n === '~' || n === 'null' || n === 'Null' || n === 'NULL';
}

/** yaml.v2's booleans (YAML 1.1). */
function yamlBool(n: Node, where: string): boolean {
  if (typeof n === 'string') {
    if (/^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(n)) return true;
    if (/^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(n)) return false;
  }
  throw new UsageError(`${where}: expected true or false`);
}

function stringMap(n: Node | undefined, where: string): Map<string, Node> {
  if (isNull(n)) return new Map();
  if (!isMap(n)) throw new UsageError(`${where}: expected a map of repositories`);
  return new Map(Object.entries(n));
}

function scalar(n: Node, where: string): string {
  if (typeof n !== 'string') throw new UsageError(`${where}: expected a string`);
  return n;
}

function repositoryRef(registry: string, repository: string, where: string) {
  let ref;
  try {
    ref = parseNormalizedReference(`${registry}/${repository}`);
  } catch (err) {
    throw new UsageError(`${where}: "${registry}/${repository}" is not a repository name: ${(err as Error).message}`);
  }
  if (!isNameOnly(ref)) throw new UsageError(`${where}: "${registry}/${repository}" names an image, not a repository (put tags under it)`);
  return ref;
}

function endpointOf(cfg: { [k: string]: Node }, where: string): EndpointSettings {
  const endpoint: EndpointSettings = {};
  if (!isNull(cfg['tls-verify'])) endpoint.tlsVerify = yamlBool(cfg['tls-verify'] as Node, `${where}.tls-verify`);
  if (!isNull(cfg['cert-dir'])) endpoint.certDir = scalar(cfg['cert-dir'] as Node, `${where}.cert-dir`);
  const creds = cfg.credentials;
  if (!isNull(creds)) {
    if (!isMap(creds)) throw new UsageError(`${where}.credentials: expected username and password`);
    const username = isNull(creds.username) ? '' : scalar(creds.username as Node, `${where}.credentials.username`);
    const password = isNull(creds.password) ? '' : scalar(creds.password as Node, `${where}.credentials.password`);
    // skopeo uses them only when one is set (its zero value means "no credentials in the file").
    if (username !== '' || password !== '') endpoint.credentials = { username, password };
  }
  return endpoint;
}

/** The sources a skopeo sync YAML file names, in the file's order. */
export function parseSkopeoSyncYaml(text: string, file = 'the sync file'): SourceSpec[] {
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true });
  if (doc.errors.length > 0) throw new UsageError(`${file}: ${doc.errors[0]?.message.split('\n')[0]}`);
  const root = doc.toJS() as Node | null;
  if (isNull(root ?? undefined)) return [];
  if (!isMap(root as Node)) throw new UsageError(`${file}: expected a map of registries`);
  const specs: SourceSpec[] = [];
  for (const [registry, cfgNode] of Object.entries(root as { [k: string]: Node })) {
    const where = `${file}: ${registry}`;
    if (isNull(cfgNode)) continue;
    if (!isMap(cfgNode)) throw new UsageError(`${where}: expected images, images-by-tag-regex, images-by-semver, credentials, tls-verify or cert-dir`);
    const endpoint = endpointOf(cfgNode, where);
    for (const [repo, refsNode] of stringMap(cfgNode.images, `${where}.images`)) {
      const ref = repositoryRef(registry, repo, `${where}.images`);
      if (isNull(refsNode) || (Array.isArray(refsNode) && refsNode.length === 0)) {
        specs.push({ ref, select: { kind: 'all' }, endpoint });
        continue;
      }
      if (!Array.isArray(refsNode)) throw new UsageError(`${where}.images.${repo}: expected a list of tags or digests`);
      const refs = refsNode.map((r) => scalar(r, `${where}.images.${repo}`));
      for (const r of refs) {
        try {
          if (isValidDigest(r)) withDigest(ref, r);
          else withTag(ref, r);
        } catch {
          throw new UsageError(`${where}.images.${repo}: "${r}" is neither a tag nor a digest`);
        }
      }
      specs.push({ ref, select: { kind: 'list', refs }, endpoint });
    }
    for (const [repo, pattern] of stringMap(cfgNode['images-by-tag-regex'], `${where}.images-by-tag-regex`)) {
      const text = scalar(pattern, `${where}.images-by-tag-regex.${repo}`);
      goRegExp(text);
      specs.push({ ref: repositoryRef(registry, repo, `${where}.images-by-tag-regex`), select: { kind: 'regex', pattern: text }, endpoint });
    }
    for (const [repo, range] of stringMap(cfgNode['images-by-semver'], `${where}.images-by-semver`)) {
      const text = scalar(range, `${where}.images-by-semver.${repo}`);
      parseRange(text);
      specs.push({ ref: repositoryRef(registry, repo, `${where}.images-by-semver`), select: { kind: 'semver', range: text }, endpoint });
    }
  }
  return specs;
}
