// skopeo's --override-os/--override-arch/--override-variant: which image of an index a verb reads.
// skopeo takes them before the verb too (`skopeo --override-arch arm64 inspect ...`); here the
// verb's own flags win over those given before it.
import { UsageError } from '../core/errors';
import { parsePlatform } from '../core/image/platform';
import type { PlatformWanted } from '../core/image/platform';
import { flagString } from './args';
import type { FlagSpec, ParsedArgs } from './args';
import type { CliIO } from './io';

export const platformOverrideFlags: FlagSpec[] = [
  { name: 'override-os', kind: 'string', help: 'pick this OS out of an index instead of the host one' },
  { name: 'override-arch', kind: 'string', help: 'pick this architecture out of an index instead of the host one' },
  { name: 'override-variant', kind: 'string', help: 'pick this variant out of an index' },
];

/** The platform fields the user overrode (none: an empty object). */
export function platformOverrides(p: ParsedArgs, io: CliIO): Partial<PlatformWanted> {
  const os = flagString(p, 'override-os') ?? io.globals?.overrideOs;
  const architecture = flagString(p, 'override-arch') ?? io.globals?.overrideArch;
  const variant = flagString(p, 'override-variant') ?? io.globals?.overrideVariant;
  return { ...(os ? { os } : {}), ...(architecture ? { architecture } : {}), ...(variant ? { variant } : {}) };
}

/** regx's own spelling, as copy takes it: `--platform linux/arm64/v8`. */
export const platformFlag: FlagSpec = {
  name: 'platform',
  kind: 'string',
  help: 'pick OS/ARCH[/VARIANT] out of an index (the same as the three --override flags)',
};

/** --platform or the --override-* flags (not both): the platform fields the user chose. */
export function platformChoice(p: ParsedArgs, io: CliIO): Partial<PlatformWanted> {
  const spec = flagString(p, 'platform');
  const overrides = platformOverrides(p, io);
  if (spec === undefined) return overrides;
  if (Object.keys(overrides).length) throw new UsageError('--platform and --override-os/--override-arch/--override-variant cannot be used together');
  return parsePlatform(spec);
}
