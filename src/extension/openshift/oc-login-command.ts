// The web console's "Copy login command" pastes `oc login --token=sha256~... --server=https://...`;
// Log In to Cluster takes that line as it is. Plain text in, fields out: no vscode, unit-tested.

export interface OcLoginCommand {
  server: string;
  token?: string;
  /** `--insecure-skip-tls-verify[=true]`: the user's explicit choice, kept as such. */
  insecure?: boolean;
}

/** Splits a shell line on blanks, honouring single and double quotes (what a console copy can contain). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** The server and token of a pasted `oc login ...` line, or undefined when the text is not one. */
export function parseOcLoginCommand(text: string): OcLoginCommand | undefined {
  const argv = words(text.trim());
  if (argv[0] !== 'oc' || argv[1] !== 'login') return undefined;
  let server: string | undefined;
  let token: string | undefined;
  let insecure: boolean | undefined;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (name === '--token') token = value();
    else if (name === '--server' || name === '-s') server = value();
    else if (name === '--insecure-skip-tls-verify') insecure = inline === undefined ? true : inline === 'true';
    else if (!arg.startsWith('-') && server === undefined) server = arg;
  }
  if (!server) return undefined;
  return { server, ...(token ? { token } : {}), ...(insecure !== undefined ? { insecure } : {}) };
}
