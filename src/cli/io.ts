// What a CLI verb may touch: its streams and environment, injected so verbs are testable in-process.
import type { FlagSpec } from './args';
import type { RegistrySides } from './remedies';
import type { ExitCodeStyle } from './exit-codes';

/** Flags given before the verb (`regx --debug copy ...`), as skopeo takes its global flags; a verb's own flags win. */
export interface GlobalFlags {
  debug?: boolean;
  overrideOs?: string;
  overrideArch?: string;
  overrideVariant?: string;
  /** skopeo's --policy, --insecure-policy and --registries.d given before the verb. */
  policy?: string;
  insecurePolicy?: boolean;
  registriesD?: string;
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Where a verb notes which flag prefix speaks for which registry, so a failure's hint names the right side. */
  registrySides?: RegistrySides;
  globals?: GlobalFlags;
  /** Which exit statuses a failure maps to (exit-codes.ts); a verb sets it from its flags. Default skopeo's. */
  exitCodes?: ExitCodeStyle;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** The flags the verb accepts: hints after a failure name only these. */
  flags?: readonly FlagSpec[];
  /** Returns the process exit status. Throwing a RegxError prints its message and maps to a status. */
  run(argv: string[], io: CliIO): Promise<number>;
}
