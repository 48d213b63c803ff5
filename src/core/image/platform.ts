// Choosing one image out of an index: the host's platform unless the user overrides os, arch or
// variant, matched the way containers/image does (os and architecture must match; a variant, when
// asked for, must match, otherwise an entry without a variant or with the host's variant wins).
// When nothing matches, an OCI index's first entry without a platform stands in (it claims to fit
// any); a Docker list's entries always carry a platform, so there is no such fallback there.
import { RegxError } from '../errors';
import { MediaType } from './mediatypes';
import type { Descriptor, ImageIndex, Platform } from './mediatypes';

export interface PlatformWanted {
  os: string;
  architecture: string;
  variant?: string;
}

const nodeArchToOci: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips: 'mips',
  mipsel: 'mipsle',
  loong64: 'loong64',
};

export function hostPlatform(): PlatformWanted {
  const architecture = nodeArchToOci[process.arch] ?? process.arch;
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  if (architecture === 'arm64') return { os, architecture, variant: 'v8' };
  if (architecture === 'arm') {
    const v = (process.config.variables as { arm_version?: string }).arm_version;
    return { os, architecture, variant: v ? `v${v}` : 'v7' };
  }
  return { os, architecture };
}

/** "linux/arm64/v8" -> platform; the error names what is wrong. */
export function parsePlatform(spec: string): PlatformWanted {
  const parts = spec.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !p))
    throw new RegxError('usage', `invalid platform "${spec}": expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64`);
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform | PlatformWanted): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** arm64's variant v8 is implied when absent, as containers/image treats it. */
function variantMatches(wanted: PlatformWanted, candidate: Platform): 'exact' | 'compatible' | 'no' {
  const w = wanted.variant ?? '';
  const c = candidate.variant ?? '';
  if (w === c) return 'exact';
  if (wanted.architecture === 'arm64' && ((w === 'v8' && c === '') || (w === '' && c === 'v8'))) return 'exact';
  if (!wanted.variant) return 'compatible';
  return 'no';
}

/** `index.mediaType` is the type the index was served as (an OCI index need not carry the field). */
export function selectPlatform(index: ImageIndex, wanted: PlatformWanted): Descriptor {
  let compatible: Descriptor | undefined;
  for (const d of index.manifests) {
    const p = d.platform;
    if (!p || p.os !== wanted.os || p.architecture !== wanted.architecture) continue;
    const match = variantMatches(wanted, p);
    if (match === 'exact') return d;
    if (match === 'compatible') compatible ??= d;
  }
  if (compatible) return compatible;
  if (index.mediaType !== MediaType.dockerManifestList) {
    const unlabelled = index.manifests.find((d) => !d.platform);
    if (unlabelled) return unlabelled;
  }
  const available = index.manifests.map((d) => (d.platform ? formatPlatform(d.platform) : 'unknown')).join(', ');
  throw new RegxError('no-matching-platform', `no image for ${formatPlatform(wanted)} in this index (it has: ${available || 'nothing'})`);
}
