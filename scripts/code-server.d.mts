import type { ChildProcess } from 'node:child_process';

export function codeServerBin(root: string): string;
export const quietSettings: Record<string, unknown>;
export interface CodeServerDirs {
  bin: string;
  /** Where the config file goes. */
  home: string;
  userDataDir: string;
  extensionsDir: string;
  env: NodeJS.ProcessEnv;
}
export function installExtension(options: CodeServerDirs & { vsix: string }): Promise<void>;
export function launchCodeServer(options: CodeServerDirs & { folder: string; port?: number }): Promise<{ port: number; child: ChildProcess }>;
