// What a failed cluster call means for the user and what they can do about it. Pure (no vscode),
// so the mapping from core errors to row actions is unit-tested.
import { AuthenticationError, KubernetesError, NetworkError, TlsError, UntrustedCertificateError, UsageError } from '../../core/errors';
import type { ClusterAction } from './cluster-nodes';

export interface ClusterFailure {
  /** Short, for the row. */
  readonly message: string;
  /** The server's own words, for the tooltip and the log. */
  readonly detail: string;
  readonly actions: readonly ClusterAction[];
}

export function describeClusterFailure(error: unknown, cluster: string): ClusterFailure {
  const detail = error instanceof Error ? error.message : String(error);
  const fail = (message: string, actions: ClusterAction[]): ClusterFailure => ({ message, detail, actions });
  if (error instanceof UntrustedCertificateError) return fail(`The certificate of ${cluster} is not trusted`, ['clusterTrust', 'clusterRetry']);
  if (error instanceof TlsError) return fail(`TLS failed for ${cluster}`, ['clusterRetry']);
  if (error instanceof AuthenticationError || (error instanceof KubernetesError && error.status === 401))
    return fail(`Log in to ${cluster} again (the token is invalid or expired)`, ['clusterLogIn', 'clusterRetry']);
  if (error instanceof KubernetesError && error.status === 403) return fail(firstLine(detail), ['clusterRetry']);
  if (error instanceof NetworkError) return fail(`Cannot reach ${cluster}`, ['clusterRetry']);
  // A kubeconfig without a usable user (no token, a token file that cannot be read).
  if (error instanceof UsageError) return fail(firstLine(detail), ['clusterLogIn', 'clusterRetry']);
  return fail(firstLine(detail), ['clusterRetry']);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}
