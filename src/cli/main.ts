// `regx`: parse the verb, run it, turn typed errors into a message on stderr and an exit status
// (2 for "not found" and invalid references, as skopeo does; 1 for everything else).
import { reasonOf } from '../core/errors';
import { remediesFor } from './remedies';
import type { RegistrySides } from './remedies';
import type { CliCommand, CliIO } from './io';
import { commands } from './commands/index';

function exitStatusFor(err: unknown): number {
  switch (reasonOf(err)) {
    case 'not-found':
    case 'invalid-reference':
    case 'unsupported-transport':
    case 'usage':
      return 2;
    case 'cancelled':
      return 130;
    default:
      return 1;
  }
}

function help(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return ['Usage: regx COMMAND [OPTIONS]', '', 'Commands:', ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'Run `regx COMMAND --help` for its options.', ''].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(help(commands));
    return verb ? 0 : 2;
  }
  if (verb === '--version') {
    io.stdout.write(`regx ${process.env.REGX_VERSION ?? '0.1.0'}\n`);
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
  // Set on the io itself, not on a spread copy: the copy would read (and so build) process.stdin.
  const sides: RegistrySides = (io.registrySides ??= new Map());
  try {
    return await command.run(rest, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`regx ${verb}: ${message}\n`);
    for (const line of remediesFor(err, command.flags ?? [], sides)) io.stderr.write(`hint: ${line}\n`);
    if (process.env.REGX_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitStatusFor(err);
  }
}

/** Runs `regx` on this process's arguments and exits with its status (dist/regx.js calls this). */
export function start(): void {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
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
