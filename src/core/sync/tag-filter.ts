// Choosing tags out of a repository's listing: skopeo's tag regex (Go RE2 syntax, unanchored, so
// `^` and `$` are the writer's to add), its semver ranges, and the native config's "newest N".
import type { KeepReferrers } from '../supply-chain/carry';
import { UsageError } from '../errors';
import { compareVersions, parseRange, parseVersion, satisfies } from './semver';
import type { SemVer } from './semver';

/**
 * A Go regular expression as a JavaScript one. The RE2 subset both share is taken as is; a leading
 * flag group such as `(?i)` becomes a flag; what RE2 refuses (look-around, back-references) is
 * refused here too, so a pattern means the same to skopeo and to regx.
 */
export function goRegExp(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    if ((lead[1] as string).includes('U')) throw new UsageError(`tag regex "${pattern}": the U (ungreedy) flag is not supported`);
    flags = [...new Set((lead[1] as string).split(''))].join('');
    source = source.slice(lead[0].length);
  }
  if (/\(\?<?[=!]/.test(source) || /\\[1-9]/.test(source))
    throw new UsageError(`tag regex "${pattern}" uses look-around or a back-reference, which Go regular expressions (and so skopeo) do not have`);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new UsageError(`invalid tag regex "${pattern}": ${(err as Error).message}`);
  }
}

export function filterByRegex(tags: readonly string[], pattern: string): string[] {
  const re = goRegExp(pattern);
  return tags.filter((t) => re.test(t));
}

export function filterBySemver(tags: readonly string[], range: string): string[] {
  const r = parseRange(range);
  return tags.filter((t) => {
    const v = parseVersion(t);
    return v !== undefined && satisfies(v, r);
  });
}

/**
 * The `n` newest tags by semver precedence. Only tags that read as versions take part: "newest" by
 * creation time would cost a config read per tag and follow rebuilds of old versions, and a listing's
 * order is the registry's (usually lexical), not time. Equal versions (`v1.2`, `1.2.0`) keep both.
 */
export function newestTags(tags: readonly string[], n: number): string[] {
  const versions: Array<[string, SemVer]> = [];
  for (const t of tags) {
    const v = parseVersion(t);
    if (v) versions.push([t, v]);
  }
  versions.sort((a, b) => compareVersions(b[1], a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return versions.slice(0, n).map(([t]) => t);
}

/**
 * Tags that hold what refers to an image, not an image to sync: cosign's `sha256-<hex>.sig|.att|.sbom`
 * and the referrers tag schema's `sha256-<hex>`. They travel with their image (or stay behind) as referrers.
 */
export function isReferrerTag(tag: string): boolean {
  return /^sha(256|384|512)-[0-9a-f]{64,128}(\.[A-Za-z0-9]+)?$/.test(tag);
}

/**
 * A referrer tag that a repository's listing leaves out because what it holds stays behind: a cosign `.sig`
 * when signatures do, `.att`/`.sbom` when other artifacts do, and a referrers-schema index (which may list
 * both kinds) when either does. skopeo lists them all as images; so does regx when everything travels.
 */
export function isDroppedReferrerTag(tag: string, keep: KeepReferrers): boolean {
  if (!isReferrerTag(tag)) return false;
  const suffix = /\.([A-Za-z0-9]+)$/.exec(tag)?.[1];
  if (suffix === 'sig') return !keep.signatures;
  if (suffix !== undefined) return !keep.others;
  return !keep.signatures || !keep.others;
}
