// The part of Go's text/template that scripts pass to `skopeo inspect --format`: fields
// (`{{.Digest}}`, `{{.Labels.key}}`), `{{.}}`, `$` and range variables, the functions `json`,
// `index` and `len`, pipes, `range`/`if` with `else`, comments, trim markers, string and number
// literals. Values print as Go's fmt prints them (`map[a:1 b:2]`, `[x y]`, `<nil>`, `<no value>`).
// Anything else is refused when the template is parsed, before any request is made. The data is
// described by a Go type (goType below), so a misspelt field is refused at parse time too.
import { RegxError, UsageError } from '../core/errors';
import { goJsonCompact, goSortedKeys } from '../core/image/go-json';

export type GoType =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'bool' }
  /** A *time.Time held as an RFC 3339 string, or null. */
  | { kind: 'time' }
  | { kind: 'slice'; elem: GoType }
  /** map[string]elem. */
  | { kind: 'map'; elem: GoType }
  | { kind: 'struct'; name: string; fields: Record<string, GoType> };

type Arg =
  | { t: 'field'; base: { var: string } | 'dot'; path: string[] }
  | { t: 'string'; value: string }
  | { t: 'int'; value: number }
  | { t: 'fn'; name: string }
  | { t: 'pipe'; pipe: Pipe };
type Command = Arg[];
type Pipe = Command[];
type Node =
  | { t: 'text'; text: string }
  | { t: 'print'; pipe: Pipe }
  | { t: 'range'; vars: string[]; pipe: Pipe; body: Node[]; otherwise: Node[] }
  | { t: 'if'; pipe: Pipe; body: Node[]; otherwise: Node[] };

const FUNCTIONS = ['json', 'index', 'len'];
const UNSUPPORTED_KEYWORDS = ['with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false'];

function templateError(message: string): UsageError {
  return new UsageError(`template: ${message}`);
}

/** skopeo turns the two-character sequences \n and \t of a --format value into a newline and a tab. */
export function unescapeFormat(format: string): string {
  return format.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

// ---- lexing the inside of one {{ }} ----

type Token =
  | { t: 'field'; value: string }
  | { t: 'var'; value: string }
  | { t: 'ident'; value: string }
  | { t: 'string'; value: string }
  | { t: 'int'; value: number }
  | { t: 'punct'; value: string };

function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  let out = '';
  for (let i = 1; i < lit.length - 1; i++) {
    const c = lit[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = lit[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
    if (e !== undefined && e in simple) out += simple[e];
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(lit.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(lit.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw templateError(`unsupported escape \\${e ?? ''} in string ${lit}`);
  }
  return out;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest))) tokens.push({ t: 'field', value: m[0] });
    else if (c === '.') tokens.push({ t: 'field', value: (m = /^\./.exec(rest) as RegExpExecArray)[0] });
    else if ((m = /^\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest))) tokens.push({ t: 'var', value: m[0] });
    else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) tokens.push({ t: 'ident', value: m[0] });
    else if ((m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest)) || (m = /^`[^`]*`/.exec(rest))) tokens.push({ t: 'string', value: unquote(m[0]) });
    else if ((m = /^-?[0-9]+(?![0-9A-Za-z_.])/.exec(rest))) tokens.push({ t: 'int', value: Number(m[0]) });
    else if ((m = /^(?::=|[|(),])/.exec(rest))) tokens.push({ t: 'punct', value: m[0] });
    else if (c === '"' || c === '`') throw templateError('unterminated quoted string');
    else throw templateError(`unexpected "${c}" in action`);
    i += m[0].length;
  }
  return tokens;
}

function fieldArg(token: { t: 'field' | 'var'; value: string }): Arg {
  if (token.t === 'field') return { t: 'field', base: 'dot', path: token.value === '.' ? [] : token.value.slice(1).split('.') };
  const [name, ...path] = token.value.split('.');
  return { t: 'field', base: { var: name as string }, path };
}

class PipeParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  pipe(): Pipe {
    const commands: Pipe = [this.command()];
    while (this.peek()?.t === 'punct' && this.peek()?.value === '|') {
      this.pos++;
      commands.push(this.command());
    }
    return commands;
  }

  private command(): Command {
    const args: Arg[] = [];
    for (let tok = this.peek(); tok && !(tok.t === 'punct' && (tok.value === '|' || tok.value === ')')); tok = this.peek()) {
      this.pos++;
      if (tok.t === 'field' || tok.t === 'var') args.push(fieldArg(tok));
      else if (tok.t === 'string') args.push({ t: 'string', value: tok.value });
      else if (tok.t === 'int') args.push({ t: 'int', value: tok.value });
      else if (tok.t === 'ident') {
        if (!FUNCTIONS.includes(tok.value)) throw templateError(`function "${tok.value}" is not supported (regx supports ${FUNCTIONS.join(', ')})`);
        if (args.length) throw templateError(`"${tok.value}" must come first in a command`);
        args.push({ t: 'fn', name: tok.value });
      } else if (tok.value === '(') {
        const inner = this.pipe();
        const close = this.peek();
        if (!close || close.t !== 'punct' || close.value !== ')') throw templateError('unclosed left paren');
        this.pos++;
        args.push({ t: 'pipe', pipe: inner });
      } else throw templateError(`unexpected "${tok.value}" in command`);
    }
    if (args.length === 0) throw templateError('missing value for command');
    return args;
  }
}

function parsePipe(src: string): Pipe {
  const parser = new PipeParser(tokenize(src));
  const pipe = parser.pipe();
  if (!parser.done()) throw templateError(`unexpected "${String((parser.peek() as Token).value)}" in operand`);
  return pipe;
}

/** `$k, $v := PIPE` or `$v := PIPE` or `PIPE`, after `range`. */
function parseRangeHead(src: string): { vars: string[]; pipe: Pipe } {
  const m = /^\s*(\$[A-Za-z0-9_]+)\s*(?:,\s*(\$[A-Za-z0-9_]+)\s*)?:=([\s\S]*)$/.exec(src);
  if (!m) return { vars: [], pipe: parsePipe(src) };
  return { vars: [m[1] as string, ...(m[2] ? [m[2]] : [])], pipe: parsePipe(m[3] as string) };
}

// ---- splitting the template into text and actions ----

interface RawAction {
  body: string;
  trimLeft: boolean;
  trimRight: boolean;
}

function splitTemplate(template: string): (string | RawAction)[] {
  const parts: (string | RawAction)[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      parts.push(template.slice(i));
      break;
    }
    parts.push(template.slice(i, open));
    // Find the closing }} outside quotes.
    let j = open + 2;
    let quote: string | undefined;
    for (; j < template.length; j++) {
      const c = template[j];
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === '`') quote = c;
      else if (c === '}' && template[j + 1] === '}') break;
    }
    if (j >= template.length) throw templateError(quote ? 'unterminated quoted string' : `unclosed action: ${template.slice(open, open + 40)}`);
    let body = template.slice(open + 2, j);
    const trimLeft = /^-\s/.test(body);
    const trimRight = /\s-$/.test(body);
    if (trimLeft) body = body.slice(1);
    if (trimRight) body = body.slice(0, -1);
    parts.push({ body, trimLeft, trimRight });
    i = j + 2;
  }
  // Trim markers eat the whitespace of the text beside them.
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (p === undefined || typeof p === 'string') continue;
    if (p.trimLeft && typeof parts[k - 1] === 'string') parts[k - 1] = (parts[k - 1] as string).replace(/\s+$/, '');
    if (p.trimRight && typeof parts[k + 1] === 'string') parts[k + 1] = (parts[k + 1] as string).replace(/^\s+/, '');
  }
  return parts;
}

type Block = { kind: 'root' } | { kind: 'range' | 'if'; node: Extract<Node, { t: 'range' | 'if' }>; inElse: boolean };

function parseNodes(template: string): Node[] {
  const root: Node[] = [];
  const stack: { block: Block; nodes: Node[] }[] = [{ block: { kind: 'root' }, nodes: root }];
  const top = () => stack[stack.length - 1] as { block: Block; nodes: Node[] };
  for (const part of splitTemplate(template)) {
    if (typeof part === 'string') {
      if (part) top().nodes.push({ t: 'text', text: part });
      continue;
    }
    const body = part.body.trim();
    if (/^\/\*[\s\S]*\*\/$/.test(body)) continue;
    const word = /^[A-Za-z_]+/.exec(body)?.[0] ?? '';
    const after = body.slice(word.length);
    if (word === 'end' && !after.trim()) {
      if (stack.length === 1) throw templateError('unexpected {{end}}');
      stack.pop();
    } else if (word === 'else' && !after.trim()) {
      const b = top().block;
      if (b.kind === 'root' || b.inElse) throw templateError('unexpected {{else}}');
      b.inElse = true;
      top().nodes = b.node.otherwise;
    } else if (word === 'range' || word === 'if') {
      if (!after.trim()) throw templateError(`missing value for ${word}`);
      const node: Extract<Node, { t: 'range' | 'if' }> =
        word === 'range' ? { t: 'range', ...parseRangeHead(after), body: [], otherwise: [] } : { t: 'if', pipe: parsePipe(after), body: [], otherwise: [] };
      top().nodes.push(node);
      stack.push({ block: { kind: word, node, inElse: false }, nodes: node.body });
    } else if (UNSUPPORTED_KEYWORDS.includes(word) || word === 'else' || word === 'end') {
      throw templateError(`{{${body}}} is not supported (regx supports fields, json, index, len, range, if, else and end)`);
    } else if (/^\$[A-Za-z0-9_]*\s*:?=/.test(body)) {
      throw templateError(`variable assignment {{${body}}} is not supported`);
    } else top().nodes.push({ t: 'print', pipe: parsePipe(body) });
  }
  if (stack.length > 1) throw templateError(`unexpected EOF: {{${top().block.kind}}} has no {{end}}`);
  return root;
}

// ---- evaluation ----

/** A value of a known Go type; `v` is undefined when only checking types. NO_VALUE is a missing map key. */
interface Val {
  type: GoType;
  v: unknown;
}
const NO_VALUE = Symbol('no value');
const checking = Symbol('checking');

function typeName(t: GoType): string {
  switch (t.kind) {
    case 'time':
      return '*time.Time';
    case 'slice':
      return `[]${typeName(t.elem)}`;
    case 'map':
      return `map[string]${typeName(t.elem)}`;
    case 'struct':
      return t.name;
    default:
      return t.kind;
  }
}

/**
 * Go's Time.String(), "2006-01-02 15:04:05.999999999 -0700 MST", for a time parsed from RFC 3339 on a
 * machine whose local zone is UTC: a zero offset is "+0000 UTC", any other has no zone name and
 * prints its offset twice ("+0200 +0200").
 */
export function goTimeString(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(rfc3339);
  if (!m) return rfc3339;
  const fraction = (m[3] ?? '').slice(0, 10).replace(/0+$/, '');
  const frac = fraction === '.' ? '' : fraction;
  const offset = m[5] ? `${m[5]}${m[6]}${m[7]}` : '+0000';
  const zone = offset === '+0000' || offset === '-0000' ? '+0000 UTC' : `${offset} ${offset}`;
  return `${m[1]} ${m[2]}${frac} ${zone}`;
}

function printValue(val: Val): string {
  const { type, v } = val;
  if (v === NO_VALUE) return '<no value>';
  switch (type.kind) {
    case 'string':
      return String(v ?? '');
    case 'int':
    case 'bool':
      return String(v ?? (type.kind === 'int' ? 0 : false));
    case 'time':
      return typeof v === 'string' ? goTimeString(v) : '<nil>';
    case 'slice':
      return `[${((v as unknown[] | null) ?? []).map((e) => printValue({ type: type.elem, v: e })).join(' ')}]`;
    case 'map': {
      const record = (v as Record<string, unknown> | null) ?? {};
      return `map[${goSortedKeys(record)
        .map((k) => `${k}:${printValue({ type: type.elem, v: record[k] })}`)
        .join(' ')}]`;
    }
    case 'struct': {
      const record = (v as Record<string, unknown> | null) ?? {};
      return `{${Object.entries(type.fields)
        .map(([k, t]) => printValue({ type: t, v: record[k] }))
        .join(' ')}}`;
    }
  }
}

function truthy(val: Val): boolean {
  const { type, v } = val;
  if (v === NO_VALUE || v === null || v === undefined) return false;
  switch (type.kind) {
    case 'string':
      return v !== '';
    case 'int':
      return v !== 0;
    case 'bool':
      return v === true;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return Object.keys(v as object).length > 0;
    default:
      return true;
  }
}

interface Scope {
  dot: Val;
  vars: Map<string, Val>;
  check: boolean;
}

function field(val: Val, name: string, check: boolean): Val {
  const { type } = val;
  if (type.kind === 'struct') {
    const t = type.fields[name];
    if (!t) throw templateError(`can't evaluate field ${name} in type ${type.name}`);
    return { type: t, v: check ? checking : ((val.v as Record<string, unknown> | null)?.[name] ?? null) };
  }
  if (type.kind === 'map') {
    if (check) return { type: type.elem, v: checking };
    if (val.v === NO_VALUE) throw templateError(`nil pointer evaluating ${typeName(type)}.${name}`);
    const record = (val.v as Record<string, unknown> | null) ?? {};
    return { type: type.elem, v: Object.prototype.hasOwnProperty.call(record, name) ? record[name] : NO_VALUE };
  }
  throw templateError(`can't evaluate field ${name} in type ${typeName(type)}`);
}

function evalArg(arg: Arg, scope: Scope, input: Val | undefined): Val {
  switch (arg.t) {
    case 'string':
      return { type: { kind: 'string' }, v: arg.value };
    case 'int':
      return { type: { kind: 'int' }, v: arg.value };
    case 'pipe':
      return evalPipe(arg.pipe, scope);
    case 'fn':
      throw templateError(`${arg.name} is a function, not a value`);
    case 'field': {
      let val: Val;
      if (arg.base === 'dot') val = scope.dot;
      else {
        const found = scope.vars.get(arg.base.var);
        if (!found) throw templateError(`undefined variable "${arg.base.var}"`);
        val = found;
      }
      for (const name of arg.path) val = field(val, name, scope.check);
      if (input && arg.path.length === 0 && arg.base === 'dot') throw templateError("can't give argument to non-function .");
      if (input) throw templateError(`can't give argument to non-function ${arg.base === 'dot' ? '' : arg.base.var}.${arg.path.join('.')}`);
      return val;
    }
  }
}

function callFunction(name: string, args: Val[], scope: Scope): Val {
  const check = scope.check;
  if (name === 'json' || name === 'len') {
    if (args.length !== 1) throw templateError(`wrong number of args for ${name}: want 1 got ${args.length}`);
    const [a] = args as [Val];
    if (name === 'json') return { type: { kind: 'string' }, v: check ? checking : goJsonCompact(a.v === NO_VALUE ? null : a.v) };
    if (!['slice', 'map', 'string'].includes(a.type.kind)) throw templateError(`error calling len: len of type ${typeName(a.type)}`);
    if (check) return { type: { kind: 'int' }, v: checking };
    const v = a.v === NO_VALUE ? null : a.v;
    return {
      type: { kind: 'int' },
      v: v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : Array.isArray(v) ? v.length : Object.keys(v as object).length,
    };
  }
  // index X k1 k2...
  if (args.length < 1) throw templateError('wrong number of args for index: want at least 1 got 0');
  const [first, ...keys] = args as [Val, ...Val[]];
  let val = first;
  for (const key of keys) {
    const t = val.type;
    if (t.kind === 'map') {
      if (key.type.kind !== 'string') throw templateError(`error calling index: value has type ${typeName(key.type)}; should be string`);
      const record = check || val.v === NO_VALUE ? {} : ((val.v as Record<string, unknown> | null) ?? {});
      const k = key.v as string;
      // A missing key gives the element's zero value, as Go's index does.
      val = { type: t.elem, v: check ? checking : Object.prototype.hasOwnProperty.call(record, k) ? record[k] : zero(t.elem) };
    } else if (t.kind === 'slice') {
      if (key.type.kind !== 'int') throw templateError(`error calling index: cannot index slice/array with type ${typeName(key.type)}`);
      if (check) val = { type: t.elem, v: checking };
      else {
        const list = (val.v as unknown[] | null) ?? [];
        const n = key.v as number;
        if (n < 0 || n >= list.length) throw new RegxError('usage', `template: error calling index: index out of range: ${n}`);
        val = { type: t.elem, v: list[n] };
      }
    } else throw templateError(`error calling index: can't index item of type ${typeName(t)}`);
  }
  return val;
}

function zero(t: GoType): unknown {
  if (t.kind === 'string') return '';
  if (t.kind === 'int') return 0;
  if (t.kind === 'bool') return false;
  return null;
}

function evalCommand(cmd: Command, scope: Scope, input: Val | undefined): Val {
  const [head, ...rest] = cmd as [Arg, ...Arg[]];
  if (head.t === 'fn') {
    const args = rest.map((a) => evalArg(a, scope, undefined));
    if (input) args.push(input);
    return callFunction(head.name, args, scope);
  }
  if (rest.length) throw templateError(`can't give argument to non-function`);
  return evalArg(head, scope, input);
}

function evalPipe(pipe: Pipe, scope: Scope): Val {
  let val: Val | undefined;
  for (const cmd of pipe) val = evalCommand(cmd, scope, val);
  return val as Val;
}

function execute(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.t === 'text') out.push(node.text);
    else if (node.t === 'print') {
      const val = evalPipe(node.pipe, scope);
      if (!scope.check) out.push(printValue(val));
    } else if (node.t === 'if') {
      const val = evalPipe(node.pipe, scope);
      if (scope.check) {
        execute(node.body, scope, out);
        execute(node.otherwise, scope, out);
      } else execute(truthy(val) ? node.body : node.otherwise, scope, out);
    } else {
      const val = evalPipe(node.pipe, scope);
      const t = val.type;
      if (t.kind !== 'slice' && t.kind !== 'map') throw templateError(`range can't iterate over ${typeName(t)}`);
      const keyType: GoType = t.kind === 'slice' ? { kind: 'int' } : { kind: 'string' };
      const each = (key: unknown, elem: unknown): void => {
        const vars = new Map(scope.vars);
        const elemVal = { type: t.elem, v: elem };
        if (node.vars.length === 1) vars.set(node.vars[0] as string, elemVal);
        if (node.vars.length === 2) {
          vars.set(node.vars[0] as string, { type: keyType, v: key });
          vars.set(node.vars[1] as string, elemVal);
        }
        execute(node.body, { ...scope, dot: elemVal, vars }, out);
      };
      if (scope.check) {
        each(checking, checking);
        execute(node.otherwise, scope, out);
        continue;
      }
      const v = val.v === NO_VALUE ? null : val.v;
      const entries: [unknown, unknown][] = Array.isArray(v)
        ? v.map((e, i) => [i, e])
        : v
          ? goSortedKeys(v as object).map((k) => [k, (v as Record<string, unknown>)[k]])
          : [];
      if (entries.length === 0) execute(node.otherwise, scope, out);
      for (const [k, e] of entries) each(k, e);
    }
  }
}

export interface GoTemplate {
  /** Renders the data (of the type the template was checked against). */
  render(data: unknown): string;
}

/**
 * Parses `template` (already unescaped) and checks it against `type`: an unsupported construct or an
 * unknown field throws a UsageError now, so a bad --format fails before anything is fetched.
 */
export function parseGoTemplate(template: string, type: GoType): GoTemplate {
  const nodes = parseNodes(template);
  const root = (v: unknown): Val => ({ type, v });
  execute(nodes, { dot: root(checking), vars: new Map([['$', root(checking)]]), check: true }, []);
  return {
    render(data) {
      const out: string[] = [];
      execute(nodes, { dot: root(data), vars: new Map([['$', root(data)]]), check: false }, out);
      return out.join('');
    },
  };
}
