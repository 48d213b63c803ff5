// What a CLI verb may touch: its streams and environment, injected so verbs are testable in-process.
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit status. Throwing a RegxError prints its message and maps to a status. */
  run(argv: string[], io: CliIO): Promise<number>;
}
