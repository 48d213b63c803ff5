// The order oc lists image stream tags in: `latest` first; then minor versions (`5.1`, `v5.1`,
// `v5.1-rc1`), newest first; then full semantic versions (`5.1.3`, `v5.1.3-beta`), newest first; then
// everything else in byte order. Versions compare as semver 2.0 (pre-releases before their release).

interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: (string | number)[];
}

const numeric = /^(0|[1-9]\d*)$/;

/** Strict semver 2.0 (`1.2.3`, `1.2.3-rc.1+build`), or undefined. */
export function parseSemver(s: string): SemVer | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(s);
  if (!m) return undefined;
  const [, ma, mi, pa, pre, build] = m as unknown as [string, string, string, string, string | undefined, string | undefined];
  if (![ma, mi, pa].every((p) => numeric.test(p))) return undefined;
  const preParts: (string | number)[] = [];
  if (pre !== undefined) {
    for (const p of pre.split('.')) {
      if (!p) return undefined;
      if (/^\d+$/.test(p)) {
        if (!numeric.test(p)) return undefined;
        preParts.push(Number(p));
      } else preParts.push(p);
    }
  }
  if (build !== undefined && build.split('.').some((p) => !p)) return undefined;
  return { major: Number(ma), minor: Number(mi), patch: Number(pa), pre: preParts };
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (!a.pre.length || !b.pre.length) return a.pre.length === b.pre.length ? 0 : a.pre.length ? -1 : 1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] as string | number;
    const y = b.pre[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

const enum Priority {
  Latest,
  Minor,
  Full,
  Other,
}

interface Ranked {
  tag: string;
  priority: Priority;
  version?: SemVer;
  prefix: string;
}

function rank(tag: string): Ranked {
  if (tag === 'latest') return { tag, priority: Priority.Latest, prefix: '' };
  const prefix = tag.startsWith('v') ? 'v' : '';
  const short = prefix ? tag.slice(1) : tag;
  const full = parseSemver(short);
  if (full) return { tag, priority: Priority.Full, version: full, prefix };
  if (/^\d+\.\d+$/.test(short)) {
    const v = parseSemver(`${short}.0`);
    if (v) return { tag, priority: Priority.Minor, version: v, prefix };
  }
  const withPatch = /^(\d+\.\d+)-\w+$/.exec(short);
  if (withPatch) {
    const v = parseSemver(short.replace(withPatch[1] as string, `${withPatch[1]}.0`));
    if (v) return { tag, priority: Priority.Minor, version: v, prefix };
  }
  return { tag, priority: Priority.Other, prefix };
}

function byteCompare(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/** Returns the tags in oc's describe order (a new array). */
export function prioritizeTags(tags: readonly string[]): string[] {
  return tags
    .map(rank)
    .sort((a, b) => {
      if (a.priority !== b.priority) return a.priority - b.priority;
      if (a.priority === Priority.Other) return byteCompare(a.tag, b.tag);
      const c = compareSemver(a.version as SemVer, b.version as SemVer);
      if (c !== 0) return -c;
      return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0;
    })
    .map((r) => r.tag);
}
