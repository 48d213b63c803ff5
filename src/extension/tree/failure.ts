// What a failed listing means for the user, and what they can do about it. Pure (no vscode), so
// the mapping from core errors to actions is unit-tested.
import { AuthenticationError, reasonOf } from '../../core/errors';
import type { ErrorAction } from './nodes';

export interface Failure {
  /** Short, for the tree row. */
  readonly message: string;
  /** The registry's own words, for the tooltip and the log. */
  readonly detail: string;
  readonly actions: readonly ErrorAction[];
  /** Not an error: the registry does not list its catalog, so the user names repositories to watch. */
  readonly catalogRefused: boolean;
}

export type Listing = 'catalog' | 'tags';

export function describeFailure(error: unknown, what: Listing, host: string, loggedIn: boolean): Failure {
  const detail = error instanceof Error ? error.message : String(error);
  const fail = (message: string, actions: ErrorAction[], catalogRefused = false): Failure => ({ message, detail, actions, catalogRefused });
  const reason = reasonOf(error);
  switch (reason) {
    case 'tls-untrusted':
      return fail(`The certificate of ${host} is not trusted`, ['trust', 'retry']);
    case 'tls-hostname':
      return fail(`The certificate of ${host} is not valid for that name`, ['trust', 'retry']);
    case 'tls-expired':
      return fail(`The certificate of ${host} is expired or not yet valid`, ['trust', 'retry']);
    case 'tls-failed':
      return fail(`TLS with ${host} failed`, ['trust', 'retry']);
    case 'unreachable':
    case 'connection-lost':
      return fail(`Cannot reach ${host}`, ['retry']);
    case 'timeout':
      return fail(`${host} did not answer in time`, ['retry']);
    case 'rate-limited':
      return fail(`${host} is limiting requests: try again later`, ['retry']);
  }
  // The login itself failed (the registry's challenge was not met), as opposed to a 401 on _catalog alone.
  if (error instanceof AuthenticationError) {
    return loggedIn
      ? fail(`${host} refused the login`, ['signIn', 'retry'])
      : fail(`Sign in to ${host} to see ${what === 'catalog' ? 'its repositories' : 'these tags'}`, ['signIn', 'retry']);
  }
  if (
    what === 'catalog' &&
    (reason === 'not-found' || reason === 'unsupported' || reason === 'denied' || reason === 'auth-required' || reason === 'auth-refused')
  ) {
    // Quay, Docker Hub, Harbor (for non-admins) and the Red Hat registries answer _catalog like this.
    return fail(`${host} does not list its repositories: add the ones to watch`, loggedIn ? ['watch'] : ['watch', 'signIn'], true);
  }
  if (what === 'tags' && reason === 'not-found') return fail('No such repository', ['retry']);
  if (reason === 'denied') return fail(loggedIn ? `${host} denied access` : `Sign in to ${host}`, ['signIn', 'retry']);
  return fail(`Could not list ${what === 'catalog' ? 'repositories' : 'tags'}: ${firstLine(detail)}`, ['retry']);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
