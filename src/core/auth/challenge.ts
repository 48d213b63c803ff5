// WWW-Authenticate parsing (RFC 9110 §11.6.1). A registry may send several challenges in one
// header value and several header values; real servers are sloppy (bare realm URLs, odd case),
// so the parser is lenient: it never throws, it skips what it cannot read and keeps the rest.

export interface Challenge {
  /** Lowercased: 'basic' | 'bearer' | ... */
  scheme: string;
  /** Parameter names lowercased; values unquoted and unescaped. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge used it instead of parameters. */
  token68?: string;
}

// RFC 9110 tchar: what a scheme or parameter name is made of.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.i++;
  }
  token(): string {
    const start = this.i;
    while (!this.done && TCHAR.test(this.peek())) this.i++;
    return this.s.slice(start, this.i);
  }
  /** A quoted-string; the cursor is on the opening quote. An unterminated one runs to the end. */
  quoted(): string {
    this.i++;
    let out = '';
    while (!this.done) {
      const c = this.peek();
      this.i++;
      if (c === '"') return out;
      if (c === '\\' && !this.done) {
        out += this.peek();
        this.i++;
      } else out += c;
    }
    return out;
  }
  /** A bare value: servers put unquoted URLs here, so accept anything up to a comma or space. */
  bare(): string {
    const start = this.i;
    while (!this.done && this.peek() !== ',' && this.peek() !== ' ' && this.peek() !== '\t') this.i++;
    return this.s.slice(start, this.i);
  }
  /** Skips unreadable input up to the next comma that is not inside quotes. */
  skipGarbage(): void {
    while (!this.done && this.peek() !== ',') {
      if (this.peek() === '"') this.quoted();
      else this.i++;
    }
  }
  /** True when only spaces stand between the cursor and a comma or the end. */
  atItemEnd(): boolean {
    let j = this.i;
    while (this.s[j] === ' ' || this.s[j] === '\t') j++;
    return j >= this.s.length || this.s[j] === ',';
  }
}

function parseOne(value: string, out: Challenge[]): void {
  const c = new Cursor(value);
  let current: Challenge | undefined;
  while (true) {
    c.skipSeparators();
    if (c.done) return;
    const name = c.token();
    if (!name) {
      c.skipGarbage();
      continue;
    }
    c.skipSpace();
    if (c.peek() === '=') {
      c.i++;
      c.skipSpace();
      const v = c.peek() === '"' ? c.quoted() : c.bare();
      // A parameter before any scheme belongs to nothing: drop it.
      if (current) current.params[name.toLowerCase()] = v;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    // Right after the scheme (separated by spaces, not a comma) a token68 may stand instead of
    // parameters. `realm=x` starts like one, so only a whole comma-delimited item counts.
    const m = TOKEN68.exec(value.slice(c.i));
    if (m) {
      const save = c.i;
      c.i += m[0].length;
      if (c.atItemEnd()) current.token68 = m[0];
      else c.i = save;
    } else if (!c.done && c.peek() !== ',' && c.peek() !== '"') {
      // Neither a parameter, a token68 nor a separator follows the scheme: skip to the next item.
      c.skipGarbage();
    }
  }
}

/** Every challenge of every header value, in order. Garbage yields fewer challenges, never an exception. */
export function parseWWWAuthenticate(headerValues: string | string[] | undefined | null): Challenge[] {
  const values = Array.isArray(headerValues) ? headerValues : headerValues == null ? [] : [headerValues];
  const out: Challenge[] = [];
  for (const v of values) {
    if (typeof v === 'string') parseOne(v, out);
  }
  return out;
}

/** The first challenge with this scheme, if any. */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  const want = scheme.toLowerCase();
  return challenges.find((ch) => ch.scheme === want);
}
