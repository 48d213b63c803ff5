// `regx login REGISTRY`: checks the credentials against the registry first, then records them
// where podman would (the containers auth.json), or in the OS keychain with --keychain. Prompts,
// flags and messages follow podman login (containers/common pkg/auth).
import type * as Readline from 'node:readline';
import { defaultAuthFilePath, setAuthEntry } from '../../core/auth/authfile';
import { resolveCredentials } from '../../core/auth/credentials';
import type { Credentials } from '../../core/auth/credentials';
import { osKeychain } from '../../core/auth/keychain';
import { TokenRealmError } from '../../core/auth/token';
import { AuthenticationError, CancelledError, UsageError } from '../../core/errors';
import { RegistryClient } from '../../core/registry/client';
import { flagBool, flagString, parseArgs } from '../args';
import type { FlagSpec, ParsedArgs } from '../args';
import { formatFlagHelp } from '../registry-flags';
import type { CliCommand, CliIO } from '../io';

export const loginFlags: FlagSpec[] = [
  { name: 'username', short: 'u', kind: 'string', help: 'username' },
  { name: 'password', short: 'p', kind: 'string', help: 'password (visible to other users of this machine: prefer --password-stdin)' },
  { name: 'password-stdin', kind: 'boolean', help: 'read the password from stdin' },
  { name: 'authfile', kind: 'string', help: 'auth.json to write (default: $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json, as podman)' },
  { name: 'keychain', kind: 'boolean', help: 'store the login in the OS keychain instead of auth.json' },
  { name: 'get-login', kind: 'boolean', help: 'print the username of the current login and exit' },
  { name: 'tls-verify', kind: 'boolean', help: 'verify TLS certificates (default true); false also allows plain HTTP' },
  { name: 'cert-dir', kind: 'string', help: 'folder with ca.crt (and client.cert/client.key) for this registry' },
  { name: 'verbose', short: 'v', kind: 'boolean', help: 'say where the credentials were stored' },
];

/**
 * The credential key and the registry from the argument: a URL becomes its host[:port]; a
 * namespace (`quay.io/org`) is kept as the key, as podman accepts it; tags and digests are refused.
 */
export function loginKey(arg: string): { key: string; registry: string } {
  let key = arg.trim();
  if (/^https?:\/\//i.test(key)) {
    try {
      key = new URL(key).host;
    } catch {
      throw new UsageError(`"${arg}" is not a registry: expected REGISTRY[:PORT][/NAMESPACE]`);
    }
  }
  key = key.replace(/\/+$/, '');
  const slash = key.indexOf('/');
  const registry = slash < 0 ? key : key.slice(0, slash);
  if (!registry) throw new UsageError(`"${arg}" is not a registry: expected REGISTRY[:PORT][/NAMESPACE]`);
  if (key.includes('@') || (slash >= 0 && key.slice(slash + 1).includes(':'))) {
    throw new UsageError(`"${arg}" names an image with a tag or digest: log in to REGISTRY[/NAMESPACE] instead`);
  }
  return { key, registry };
}

/** --authfile and --keychain name where a login lives; login and logout take one place or the other. */
export function loginStore(p: ParsedArgs): { authFile: string | undefined; keychain: boolean } {
  const authFile = flagString(p, 'authfile');
  const keychain = flagBool(p, 'keychain', false);
  if (keychain && authFile) throw new UsageError('--keychain and --authfile cannot be used together: a login is in one place or the other');
  return { authFile, keychain };
}

export function registryArg(p: ParsedArgs, verb: string): string {
  if (p.positional.length === 0) throw new UsageError(`please provide a registry to ${verb === 'login' ? 'log in to' : 'log out from'}`);
  if (p.positional.length > 1) throw new UsageError(`${verb} accepts only one registry`);
  return p.positional[0] as string;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A visible line from the terminal. */
async function promptLine(io: CliIO, prompt: string): Promise<string> {
  // Loaded on use: only an interactive login reads a line, and every regx run would pay for it at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createInterface } = require('node:readline') as typeof Readline;
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: true });
  let onClose: () => void = () => undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onClose = () => reject(new CancelledError());
      rl.once('SIGINT', onClose);
      rl.once('close', onClose);
      rl.question(prompt, resolve);
    });
  } finally {
    // Only our listener: readline's own 'close' listener detaches it from the terminal (else it keeps echoing).
    rl.off('close', onClose);
    rl.close();
  }
}

/** A line read with echo off (raw mode): backspace edits, Ctrl-C cancels, nothing reaches the screen. */
export async function promptHidden(io: CliIO, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  const wasRaw = stdin.isRaw;
  // Echo goes off before the prompt shows, so nothing typed after seeing it can reach the screen.
  stdin.setRawMode(true);
  io.stdout.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let buf = '';
      const onData = (s: string): void => {
        for (const ch of s) {
          if (ch === '\r' || ch === '\n') return finish(() => resolve(buf));
          if (ch === '\u0003') return finish(() => reject(new CancelledError()));
          if (ch === '\u0004' && buf === '') return finish(() => reject(new CancelledError()));
          if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
          else if (ch >= ' ') buf += ch;
        }
      };
      const finish = (then: () => void): void => {
        stdin.off('data', onData);
        then();
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(wasRaw);
    stdin.pause();
    io.stdout.write('\n');
  }
}

interface Gathered {
  username: string;
  password: string;
}

/** Username and password from flags, stdin or the terminal, with podman's rules. */
async function gather(p: ParsedArgs, io: CliIO, storedUser: string | undefined): Promise<Gathered> {
  let username = flagString(p, 'username');
  let password = flagString(p, 'password');
  if (flagBool(p, 'password-stdin', false)) {
    if (password !== undefined) throw new UsageError("can't specify both --password-stdin and --password");
    if (!username) throw new UsageError('must provide --username with --password-stdin');
    // podman joins the lines of stdin; a trailing newline from `echo` is not part of the password.
    password = (await readAll(io.stdin)).split(/\r?\n/).join('');
  }
  const tty = io.stdin.isTTY === true && typeof (io.stdin as NodeJS.ReadStream).setRawMode === 'function';
  if (!username) {
    if (!tty) throw new UsageError('cannot prompt for a username: stdin is not a terminal; use --username USER --password-stdin');
    const answer = (await promptLine(io, storedUser ? `Username (${storedUser}): ` : 'Username: ')).trim();
    username = answer || storedUser;
    if (!username) throw new UsageError('a username is required');
  }
  if (password === undefined || password === '') {
    if (password === undefined && !tty) throw new UsageError('cannot prompt for a password: stdin is not a terminal; use --password-stdin');
    if (password === undefined) password = await promptHidden(io, 'Password: ');
  }
  if (password === '') throw new UsageError('a password is required');
  return { username: username.trim(), password };
}

export function clientOptions(p: ParsedArgs): { tlsVerify: boolean; certDir: string | undefined } {
  return { tlsVerify: flagBool(p, 'tls-verify', true), certDir: flagString(p, 'cert-dir') };
}

/** Asks the registry whether it accepts these credentials (GET /v2/ with Basic or a fresh Bearer token). */
async function check(registry: string, creds: Credentials, p: ParsedArgs, io: CliIO): Promise<void> {
  const client = new RegistryClient(registry, { ...clientOptions(p), credentials: creds });
  try {
    await client.checkLogin(io.signal);
  } finally {
    await client.close();
  }
}

export const loginCommand: CliCommand = {
  name: 'login',
  summary: 'Log in to a registry (checks the credentials, then saves them in auth.json or the OS keychain)',
  usage: [
    'Usage: regx login [OPTIONS] REGISTRY[/NAMESPACE]',
    '',
    'Checks the username and password against the registry, then records them where podman, skopeo',
    'and buildah read them (auth.json), or in the OS keychain with --keychain. Without -u/-p it asks.',
    '',
    'Options:',
    formatFlagHelp(loginFlags),
  ].join('\n'),
  flags: loginFlags,
  async run(argv, io) {
    const p = parseArgs(argv, loginFlags);
    const { key, registry } = loginKey(registryArg(p, 'login'));
    const { authFile, keychain: useKeychain } = loginStore(p);

    const namespace = key === registry ? undefined : key.slice(registry.length + 1);
    if (flagBool(p, 'get-login', false)) {
      const current = await resolveCredentials(registry, namespace, { authFile, env: io.env });
      if (!current?.username) throw new AuthenticationError(`not logged into ${key}`, registry);
      io.stdout.write(`${current.username}\n`);
      return 0;
    }

    if (flagString(p, 'password') !== undefined) io.stderr.write('WARNING! Using --password via the command line is insecure. Use --password-stdin.\n');
    const existing = await resolveCredentials(registry, namespace, { authFile, env: io.env, keychain: useKeychain ? undefined : false });
    if (existing?.identityToken) throw new UsageError(`currently logged in to ${key} with an identity token (from ${existing.source}); log out first`);

    // As podman: with no username or password given, try the stored ones first.
    const noneGiven = !flagString(p, 'username') && flagString(p, 'password') === undefined && !flagBool(p, 'password-stdin', false);
    if (noneGiven && existing?.username && existing.password) {
      io.stdout.write(`Authenticating with existing credentials for ${key}\n`);
      try {
        await check(registry, existing, p, io);
        io.stdout.write(`Existing credentials are valid. Already logged in to ${registry}\n`);
        return 0;
      } catch (err) {
        if (!(err instanceof AuthenticationError) || err instanceof TokenRealmError) throw err;
        io.stdout.write('Existing credentials are invalid, please enter valid username and password\n');
      }
    }

    const { username, password } = await gather(p, io, existing?.username);
    const creds: Credentials = { username, password, source: 'the login' };
    try {
      await check(registry, creds, p, io);
    } catch (err) {
      if (err instanceof AuthenticationError && !(err instanceof TokenRealmError)) {
        throw new AuthenticationError(`logging into "${key}": invalid username/password`, registry);
      }
      throw err;
    }

    let where: string;
    if (useKeychain) {
      await osKeychain('regx', io.env).set(key, username, password);
      where = 'OS keychain';
    } else {
      where = await setAuthEntry(authFile ?? defaultAuthFilePath(io.env), key, username, password, io.env);
    }
    if (flagBool(p, 'verbose', false)) io.stdout.write(`Used: ${where}\n`);
    io.stdout.write('Login Succeeded!\n');
    return 0;
  },
};
