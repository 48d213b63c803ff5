// JSON as Go's encoding/json writes it (what skopeo prints), so our output compares byte for byte:
// struct fields in declaration order (a JS object's insertion order), map keys sorted by their
// UTF-8 bytes, strings escaped as Go escapes them. Which objects are Go maps is not visible in
// JSON, so the code that builds an output marks them with goMap().

const goMaps = new WeakSet<object>();

/** Marks `record` as a Go map (its keys are printed sorted) and returns it. */
export function goMap<T>(record: T): T {
  if (record && typeof record === 'object') goMaps.add(record);
  return record;
}

export function isGoMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && goMaps.has(value);
}

/** Keys in the order Go sorts map keys: byte-wise on UTF-8 (not UTF-16 code units, not JS's integer-first order). */
export function goSortedKeys(record: object): string[] {
  return Object.keys(record).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A JSON string as Go writes it: `\"`, `\\`, `\n`, `\r`, `\t` short, other control characters as
 * \u00XX (Go before 1.22 has no `\b`/`\f`), U+2028/U+2029 always escaped, `<`, `>` and `&` when
 * escapeHtml (json.Marshal's default), and a lone surrogate as U+FFFD (Go cannot hold one).
 */
export function goQuote(s: string, escapeHtml = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i] + (s[i + 1] as string);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029) out += hex4(c);
    else if (escapeHtml && (c === 0x3c || c === 0x3e || c === 0x26)) out += hex4(c);
    else out += s[i];
  }
  return `${out}"`;
}

interface Style {
  indent: string;
  escapeHtml: boolean;
}

function encode(value: unknown, style: Style, depth: number): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return goQuote(value, style.escapeHtml);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return undefined;
  }
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return encode(toJSON.call(value), style, depth);
  const pad = style.indent ? `\n${style.indent.repeat(depth + 1)}` : '';
  const close = style.indent ? `\n${style.indent.repeat(depth)}` : '';
  const colon = style.indent ? ': ' : ':';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => pad + (encode(v, style, depth + 1) ?? 'null')).join(',')}${close}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = isGoMap(record) ? goSortedKeys(record) : Object.keys(record);
  const parts: string[] = [];
  for (const k of keys) {
    const v = encode(record[k], style, depth + 1);
    if (v !== undefined) parts.push(`${pad}${goQuote(k, style.escapeHtml)}${colon}${v}`);
  }
  return parts.length ? `{${parts.join(',')}${close}}` : '{}';
}

/** json.MarshalIndent(value, "", indent): what skopeo prints for inspect, list-tags and --config. */
export function goJson(value: unknown, indent = '    '): string {
  return encode(value, { indent, escapeHtml: true }, 0) ?? 'null';
}

/** One line of JSON without HTML escaping: what the `json` function of Go templates (docker's, podman's) prints. */
export function goJsonCompact(value: unknown): string {
  return encode(value, { indent: '', escapeHtml: false }, 0) ?? 'null';
}

/** A timestamp as Go's RFC3339Nano prints a parsed time: fraction without trailing zeros, a zero offset as Z. */
export function goTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return value;
  const fraction = (m[3] ?? '').slice(0, 10).replace(/0+$/, '');
  const offset = m[4] === 'z' || m[4] === 'Z' || m[4] === '+00:00' || m[4] === '-00:00' ? 'Z' : (m[4] as string);
  return `${m[1]}T${m[2]}${fraction === '.' ? '' : fraction}${offset}`;
}
