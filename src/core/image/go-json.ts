// JSON as Go's encoding/json writes it (what skopeo prints): MarshalIndent with the given indent,
// and <, >, & and the JS line separators escaped, so our output compares byte for byte.
export function goJson(value: unknown, indent = '    '): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
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
