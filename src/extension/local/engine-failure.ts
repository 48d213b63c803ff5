// What the Local Images view says when no engine answers, and how to start one. Pure (no vscode),
// so the wording for each situation is unit-tested.

export interface EngineSituation {
  /** The socket the user set (the Local Engine: Socket setting), if any. */
  readonly configuredSocket: string | undefined;
  /** podman is on PATH. */
  readonly podmanInstalled: boolean;
  /** The editor runs as root: podman's system socket, not the user's. */
  readonly root: boolean;
  /** The engine's own words, for the tooltip and the log. */
  readonly detail: string;
}

export interface EngineFailure {
  /** Short, for the row. */
  readonly message: string;
  /** How to get an engine answering, for the second row. */
  readonly hint: string;
  /** A shell command that starts one, when there is one to give. */
  readonly startCommand: string | undefined;
  readonly detail: string;
}

export function describeEngineFailure(s: EngineSituation): EngineFailure {
  if (s.configuredSocket) {
    return {
      message: `No engine answers at ${s.configuredSocket}`,
      hint: 'Start the engine that serves it, or change the Local Engine: Socket setting',
      startCommand: undefined,
      detail: s.detail,
    };
  }
  if (!s.podmanInstalled) {
    return {
      message: 'No container engine answers',
      hint: 'podman is not installed, and no Docker socket answers: install podman, or start Docker',
      startCommand: undefined,
      detail: s.detail,
    };
  }
  const startCommand = s.root ? 'systemctl start podman.socket' : 'systemctl --user start podman.socket';
  return { message: 'Podman is not running', hint: `Start its socket: ${startCommand}`, startCommand, detail: s.detail };
}
