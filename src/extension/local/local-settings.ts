// The Local Images view's one setting. Read here (not in config.ts) so the view's settings stay with it.
import * as vscode from 'vscode';

export const localEngineSection = 'registryExplorer.localEngine';

/**
 * The socket of podman's or Docker's API the user named (`/path/podman.sock` or `unix:///path`),
 * or undefined to look where podman and Docker's own clients look.
 */
export function configuredSocket(): string | undefined {
  const value = vscode.workspace.getConfiguration(localEngineSection).get<string>('socket', '').trim();
  if (!value) return undefined;
  return value.startsWith('unix://') ? value.slice('unix://'.length) : value;
}
