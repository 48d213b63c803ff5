// Semantic version tags and ranges, read as skopeo's `images-by-semver` reads them (the Masterminds
// semver v3 rules): lenient versions (`v1.2`, `1`, `1.2.3-rc.1+build`), ranges made of comparisons
// (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`), wildcards (`1.2.x`, `*`), hyphen ranges
// (`1.2 - 1.4.5`), AND by comma or space and OR by `||`. A pre-release tag matches only a range
// that itself names a pre-release.
import { UsageError } from '../errors';

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

const versionRe = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** A tag read as a version, or undefined when it is not one. */
export function parseVersion(text: string): SemVer | undefined {
  const m = versionRe.exec(text);
  if (!m) return undefined;
  const num = (s: string | undefined): number => (s === undefined ? 0 : Number(s));
  const v = { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), prerelease: m[4] ?? '' };
  if (![v.major, v.minor, v.patch].every(Number.isSafeInteger)) return undefined;
  return v;
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx) return -1;
    if (ny) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Semver precedence: -1, 0 or 1. */
export function compareVersions(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.prerelease, b.prerelease);
}

interface Comparison {
  op: string;
  v: SemVer;
  /** Which parts were missing or wildcards (a wildcard major sets only `dirty`, as the Go library does). */
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (s: string | undefined): boolean => s === 'x' || s === 'X' || s === '*';
const partRe = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parseComparison(text: string, range: string): Comparison {
  const m = /^(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)?\s*(.+)$/.exec(text);
  const bad = (): never => {
    throw new UsageError(`invalid semver range "${range}": cannot read "${text}"`);
  };
  if (!m) return bad();
  const op = ({ '=>': '>=', '=<': '<=', '~>': '~' } as Record<string, string>)[m[1] ?? ''] ?? m[1] ?? '=';
  const p = partRe.exec(m[2] as string);
  if (!p) return bad();
  const n = (s: string | undefined): number => (s === undefined || isX(s) ? 0 : Number(s));
  const prerelease = p[4] ?? '';
  if (isX(p[1])) return { op, v: { major: 0, minor: 0, patch: 0, prerelease }, minorDirty: false, patchDirty: false, dirty: true };
  if (p[2] === undefined || isX(p[2])) return { op, v: { major: n(p[1]), minor: 0, patch: 0, prerelease }, minorDirty: true, patchDirty: false, dirty: true };
  if (p[3] === undefined || isX(p[3]))
    return { op, v: { major: n(p[1]), minor: n(p[2]), patch: 0, prerelease }, minorDirty: false, patchDirty: true, dirty: true };
  return { op, v: { major: n(p[1]), minor: n(p[2]), patch: n(p[3]), prerelease }, minorDirty: false, patchDirty: false, dirty: false };
}

function tilde(v: SemVer, c: Comparison): boolean {
  if (compareVersions(v, c.v) < 0) return false;
  if (c.v.major === 0 && c.v.minor === 0 && c.v.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.v.major) return false;
  if (v.minor !== c.v.minor && !c.minorDirty) return false;
  return true;
}

function caret(v: SemVer, c: Comparison): boolean {
  if (compareVersions(v, c.v) < 0) return false;
  if (c.v.major > 0 || c.minorDirty) return v.major === c.v.major;
  if (v.major > 0) return false;
  if (c.v.minor > 0 || c.patchDirty) return v.minor === c.v.minor;
  if (v.minor > 0) return false;
  return v.patch === c.v.patch;
}

function notEqual(v: SemVer, c: Comparison): boolean {
  if (c.dirty) {
    if (c.v.major !== v.major) return true;
    if (c.v.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.v.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.prerelease !== '' || c.v.prerelease !== '') && comparePre(v.prerelease, c.v.prerelease) !== 0;
  }
  return compareVersions(v, c.v) !== 0;
}

function check(v: SemVer, c: Comparison, includePre: boolean): boolean {
  // A pre-release only satisfies a group of comparisons one of which names a pre-release.
  if (v.prerelease !== '' && !includePre) return false;
  const cmp = compareVersions(v, c.v);
  switch (c.op) {
    case '=':
      return c.dirty ? tilde(v, c) : cmp === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      if (!c.dirty) return cmp > 0;
      if (v.major !== c.v.major) return v.major > c.v.major;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.v.minor;
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      if (!c.dirty) return cmp <= 0;
      if (v.major > c.v.major) return false;
      if (v.major === c.v.major && v.minor > c.v.minor && !c.minorDirty) return false;
      return true;
    case '~':
      return tilde(v, c);
    case '^':
      return caret(v, c);
    default:
      return false;
  }
}

export type SemverRange = Comparison[][];

/** Reads a range; throws a usage error naming the part it cannot read. */
export function parseRange(range: string): SemverRange {
  const groups = range.split('||').map((g) => g.trim());
  if (range.trim() === '' || groups.some((g) => g === '')) throw new UsageError(`invalid semver range "${range}"`);
  return groups.map((group) => {
    // "A - B" is ">= A, <= B"; operators may be followed by spaces (">= 1.2"): glue them to their version.
    const text = group.replace(/(\S+)\s+-\s+(\S+)/g, '>=$1,<=$2').replace(/(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)\s+/g, '$1');
    return text
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => parseComparison(p, range));
  });
}

export function satisfies(version: SemVer, range: SemverRange): boolean {
  return range.some((group) => {
    const includePre = group.some((c) => c.v.prerelease !== '');
    return group.every((c) => check(version, c, includePre));
  });
}
