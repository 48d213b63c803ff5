// A small flag parser with skopeo's spellings: `--flag value`, `--flag=value`, boolean
// `--flag` / `--flag=false`, short aliases (`-u`), repeatable flags, and `--` to end flags.
import { UsageError } from '../core/errors';

export interface FlagSpec {
  /** Long name without dashes, e.g. "tls-verify". */
  name: string;
  short?: string;
  kind: 'boolean' | 'string' | 'repeat';
  /** Hidden flags are accepted but not listed in help. */
  hidden?: boolean;
  help?: string;
}

export interface ParsedArgs {
  flags: Map<string, string | boolean | string[]>;
  positional: string[];
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const flags = new Map<string, string | boolean | string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const spec = key.startsWith('--') ? byLong.get(key.slice(2)) : byShort.get(key.slice(1));
    if (!spec) throw new UsageError(`unknown flag: ${key}`);
    if (spec.kind === 'boolean') {
      if (inline === undefined) flags.set(spec.name, true);
      else if (inline === 'true' || inline === 'false') flags.set(spec.name, inline === 'true');
      else throw new UsageError(`flag --${spec.name} takes true or false, not "${inline}"`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag --${spec.name} needs a value`);
      value = argv[++i] as string;
    }
    if (spec.kind === 'repeat') {
      const list = (flags.get(spec.name) as string[] | undefined) ?? [];
      list.push(value);
      flags.set(spec.name, list);
    } else flags.set(spec.name, value);
  }
  return { flags, positional };
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(p: ParsedArgs, name: string, fallback: boolean): boolean {
  const v = p.flags.get(name);
  return typeof v === 'boolean' ? v : fallback;
}

export function flagList(p: ParsedArgs, name: string): string[] {
  const v = p.flags.get(name);
  return Array.isArray(v) ? v : [];
}
