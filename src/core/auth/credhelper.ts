// docker-credential-* helpers, spoken to the way docker-credential-helpers' client does: the
// action is the only argument, the input goes on stdin, the answer (or error text) on stdout.
import type * as ChildProcess from 'node:child_process';
import { CredentialHelperError } from '../errors';
import { redact } from './redact';

export interface HelperCredentials {
  username: string;
  password: string;
  identityToken?: string;
}

// The exact text helpers print for "nothing stored" (credentials.IsErrCredentialsNotFoundMessage).
const NOT_FOUND = 'credentials not found in native keychain';

interface HelperResult {
  code: number | null;
  stdout: string;
}

function runHelper(helper: string, action: string, input: string, env: NodeJS.ProcessEnv): Promise<HelperResult> {
  const program = `docker-credential-${helper}`;
  // Loaded here, not at the top: few logins use a helper, and child_process is ~1 ms of every regx start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof ChildProcess;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.resume();
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `${program} was not found on PATH` : `${program} could not be run (${err.code ?? err.message})`;
      reject(new CredentialHelperError(`credential helper ${why}`, helper, { cause: err }));
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8') }));
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit status says the rest.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function failure(helper: string, action: string, r: HelperResult): CredentialHelperError {
  // Helper error text is meant for users; redact anyway in case a helper echoes its input.
  const text = redact(r.stdout.trim()).slice(0, 300);
  return new CredentialHelperError(`docker-credential-${helper} ${action} failed (exit status ${r.code ?? 'signal'})${text ? `: ${text}` : ''}`, helper);
}

/** `get`: undefined when the helper has nothing for this server. Username "<token>" means an identity token. */
export async function helperGet(helper: string, serverURL: string, env: NodeJS.ProcessEnv): Promise<HelperCredentials | undefined> {
  const r = await runHelper(helper, 'get', serverURL, env);
  if (r.code !== 0) {
    if (r.stdout.trim() === NOT_FOUND) return undefined;
    throw failure(helper, 'get', r);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new CredentialHelperError(`docker-credential-${helper} get answered something that is not JSON`, helper);
  }
  const o = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  const username = typeof o.Username === 'string' ? o.Username : '';
  const secret = typeof o.Secret === 'string' ? o.Secret : '';
  if (username === '<token>') return { username: '', password: '', identityToken: secret };
  return { username, password: secret };
}

/** `store`: the helper keeps username and secret for this server. */
export async function helperStore(helper: string, serverURL: string, username: string, secret: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runHelper(helper, 'store', JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret }), env);
  if (r.code !== 0) throw failure(helper, 'store', r);
}

/** `erase`: false when the helper had nothing for this server. */
export async function helperErase(helper: string, serverURL: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const r = await runHelper(helper, 'erase', serverURL, env);
  if (r.code === 0) return true;
  if (r.stdout.trim() === NOT_FOUND) return false;
  throw failure(helper, 'erase', r);
}
