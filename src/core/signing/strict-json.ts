// JSON read the way containers/image reads signature payloads and policies ("paranoid" unmarshal):
// a key given twice is an error, not "the last one wins" as JSON.parse has it, because two readers
// that resolve a duplicate differently would see two different signed claims in the same bytes.
// Values come back as JSON.parse makes them; only objects are checked for repeated keys.

export class StrictJsonError extends Error {}

const MAX_DEPTH = 64;

/** Parses `text` as JSON, refusing repeated object keys and nesting deeper than any real document needs. */
export function parseStrictJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new StrictJsonError(`${what} at offset ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c === '\\') i += 2;
      else if ((c as string).charCodeAt(0) < 0x20) fail('control character in a string');
      else i++;
    }
    return fail('unterminated string');
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        if (keys.has(key)) fail(`duplicate key "${key.slice(0, 64)}"`);
        keys.add(key);
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        Object.defineProperty(out, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('unexpected data after the document');
  return v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The object's fields, each present and none other (containers/image's ParanoidUnmarshalJSONObjectExactFields).
 * Returns the values by name; throws naming the first problem.
 */
export function exactFields(v: unknown, names: readonly string[], where: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw new StrictJsonError(`${where} is not a JSON object`);
  for (const k of Object.keys(v)) if (!names.includes(k)) throw new StrictJsonError(`${where} has an unknown field "${k.slice(0, 64)}"`);
  for (const n of names) if (!Object.prototype.hasOwnProperty.call(v, n)) throw new StrictJsonError(`${where} lacks the field "${n}"`);
  return v;
}
