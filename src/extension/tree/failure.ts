// What a failed listing means for the user, and what they can do about it. Pure (no vscode), so
// the mapping from core errors to actions is unit-tested.
import { AuthenticationError, NetworkError, NotFoundError, RegistryError, TlsError } from '../../core/errors';
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
  if (error instanceof TlsError) return fail(`The certificate of ${host} is not trusted`, ['trust', 'retry']);
  if (error instanceof AuthenticationError) {
    return loggedIn ? fail(`${host} refused the login`, ['signIn', 'retry']) : fail(`Sign in to ${host} to see ${what === 'catalog' ? 'its repositories' : 'these tags'}`, ['signIn', 'retry']);
  }
  if (error instanceof NetworkError) return fail(`Cannot reach ${host}`, ['retry']);
  const status = error instanceof RegistryError ? error.status : error instanceof NotFoundError ? 404 : undefined;
  const code = error instanceof RegistryError ? error.registryCode : undefined;
  if (what === 'catalog' && (status === 404 || status === 401 || status === 403 || status === 405 || code === 'UNSUPPORTED' || code === 'DENIED' || code === 'UNAUTHORIZED')) {
    // Quay, Docker Hub, Harbor (for non-admins) and the Red Hat registries answer _catalog like this.
    return fail(`${host} does not list its repositories: add the ones to watch`, loggedIn ? ['watch'] : ['watch', 'signIn'], true);
  }
  if (what === 'tags' && (status === 404 || code === 'NAME_UNKNOWN')) return fail('No such repository', ['retry']);
  if (status === 401 || status === 403) return fail(loggedIn ? `${host} denied access` : `Sign in to ${host}`, ['signIn', 'retry']);
  return fail(`Could not list ${what === 'catalog' ? 'repositories' : 'tags'}: ${firstLine(detail)}`, ['retry']);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
