// `regx`: parse the verb, run it, turn typed errors into a message on stderr and an exit status
// (exit-codes.ts: skopeo's by default; the detailed ones when the verb asks for them).
import { UsageError } from '../core/errors';
import { exitStatusFor } from './exit-codes';
import type { CliCommand, CliIO, GlobalFlags } from './io';
import { remediesFor } from './remedies';
import type { RegistrySides } from './remedies';
import { commands } from './commands/index';

/** skopeo's global flags regx takes before the verb, and what each sets. */
const globalValueFlags: Record<string, keyof GlobalFlags> = {
  'override-os': 'overrideOs',
  'override-arch': 'overrideArch',
  'override-variant': 'overrideVariant',
  policy: 'policy',
  'registries.d': 'registriesD',
};
/** skopeo's global flags regx does not implement yet: refused by name rather than taken for a verb. */
const unsupportedGlobalFlags = ['tmpdir', 'command-timeout', 'user-agent', 'tls-verify'];

/**
 * Reads the flags before the verb (`regx --debug --override-arch arm64 inspect ...`), as scripts
 * call skopeo. Returns them and the rest of the command line, the verb first.
 */
export function parseGlobalFlags(argv: readonly string[]): { globals: GlobalFlags; rest: string[] } {
  const globals: GlobalFlags = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--help' || arg === '--version') break;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (name === 'debug') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`flag --debug takes true or false, not "${inline}"`);
      globals.debug = inline !== 'false';
    } else if (name === 'insecure-policy') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`flag --insecure-policy takes true or false, not "${inline}"`);
      globals.insecurePolicy = inline !== 'false';
    } else if (name in globalValueFlags) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`flag --${name} needs a value`);
      globals[globalValueFlags[name] as 'overrideOs' | 'policy' | 'registriesD'] = value;
    } else if (unsupportedGlobalFlags.includes(name)) {
      const where = name === 'tls-verify' ? ': give it after the verb (regx inspect --tls-verify=false ...)' : '';
      throw new UsageError(`the global flag --${name} is not supported yet${where}`);
    } else
      throw new UsageError(
        `unknown global flag: --${name} (regx takes --debug, --policy, --insecure-policy, --registries.d and --override-os/--override-arch/--override-variant before the command)`,
      );
  }
  return { globals, rest: argv.slice(i) };
}

function help(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'Usage: regx COMMAND [OPTIONS]',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `regx COMMAND --help` for its options.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parseGlobalFlags>;
  try {
    parsed = parseGlobalFlags(argv);
  } catch (err) {
    io.stderr.write(`regx: ${(err as Error).message}\n`);
    return exitStatusFor(err);
  }
  const [verb, ...rest] = parsed.rest;
  // Property descriptors, not a spread: the process's io has a lazy stdin getter that a spread would run.
  const verbIO: CliIO = Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as CliIO;
  verbIO.globals = { ...io.globals, ...parsed.globals };
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(help(commands));
    return verb ? 0 : 2;
  }
  if (verb === '--version') {
    io.stdout.write(`regx version ${process.env.REGX_VERSION ?? '0.1.0'}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    io.stderr.write(`regx: unknown command "${verb}"\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const sides: RegistrySides = (verbIO.registrySides ??= new Map());
  try {
    return await command.run(rest, verbIO);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`regx ${verb}: ${message}\n`);
    for (const line of remediesFor(err, command.flags ?? [], sides)) io.stderr.write(`hint: ${line}\n`);
    if (process.env.REGX_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitStatusFor(err, verbIO.exitCodes);
  }
}

/** Runs `regx` on this process's arguments and exits with its status (dist/regx.js calls this). */
export function start(): void {
  const controller = new AbortController();
  // Interrupted (Ctrl-C, or a CI job cancelled with SIGTERM): the verb stops and cleans up after itself
  // (temp files, a private podman service) before the process exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    // process.stdin is built on first access (a file stream loads fs/promises and readline): only login reads it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    signal: controller.signal,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // Exit as soon as the output is flushed: nothing a verb started is left to finish by then
      // (clients are closed), and waiting for the loop to drain costs tens of ms per run.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (err: unknown) => {
      process.stderr.write(`regx: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) start();
