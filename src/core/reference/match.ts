// Shell-style patterns over references, as Distribution's FamiliarMatch does it (Go's path.Match
// on the familiar form): `*` and `?` stop at `/`, `[...]` / `[^...]` are classes with ranges, `\`
// escapes. Useful for filters where users type what docker shows them (`redis*`, `team/*:v1`).
import { UsageError } from '../errors';
import { familiarName, familiarString, isImageReference } from './reference';
import type { DigestOnlyReference, ImageReference } from './reference';

function badPattern(pattern: string): never {
  throw new UsageError(`syntax error in pattern "${pattern}"`);
}

/** `\u{…}` for one code point: safe inside and outside a class under the `u` flag. */
function literal(ch: string): string {
  return `\\u{${(ch.codePointAt(0) as number).toString(16)}}`;
}

/** Compiles a path.Match pattern to an anchored RegExp; a malformed pattern is a UsageError. */
export function compilePattern(pattern: string): RegExp {
  const chars = [...pattern];
  let i = 0;
  // One class member: a character other than - or ], or an escaped one; a class must be closed after it.
  const member = (): string => {
    let ch = chars[i];
    if (ch === undefined || ch === '-' || ch === ']') badPattern(pattern);
    if (ch === '\\') {
      ch = chars[++i];
      if (ch === undefined) badPattern(pattern);
    }
    i++;
    if (i >= chars.length) badPattern(pattern);
    return ch;
  };
  let source = '^';
  while (i < chars.length) {
    const ch = chars[i] as string;
    if (ch === '*') {
      source += '[^/]*';
      i++;
    } else if (ch === '?') {
      source += '[^/]';
      i++;
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) badPattern(pattern);
      source += literal(next);
      i += 2;
    } else if (ch === '[') {
      i++;
      const negated = chars[i] === '^';
      if (negated) i++;
      const ranges: string[] = [];
      let count = 0;
      while (!(chars[i] === ']' && count > 0)) {
        const lo = member();
        const hi = chars[i] === '-' ? (i++, member()) : lo;
        count++;
        // A backwards range (z-a) matches nothing in Go; a RegExp would reject it, so it is left out.
        if ((lo.codePointAt(0) as number) <= (hi.codePointAt(0) as number)) ranges.push(lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`);
      }
      i++;
      // Unlike * and ?, a class may match "/", as in Go.
      if (ranges.length === 0) source += negated ? '[\\s\\S]' : '(?!)';
      else source += `[${negated ? '^' : ''}${ranges.join('')}]`;
    } else {
      source += literal(ch);
      i++;
    }
  }
  return new RegExp(`${source}$`, 'u');
}

/**
 * Distribution's FamiliarMatch: the pattern is tried on the familiar string (`redis:7`) and then,
 * for a named reference, on the familiar name alone (`redis`).
 */
export function familiarMatch(pattern: string, ref: ImageReference | DigestOnlyReference): boolean {
  const re = compilePattern(pattern);
  if (!isImageReference(ref)) return re.test(ref.digest);
  return re.test(familiarString(ref)) || re.test(familiarName(ref));
}
