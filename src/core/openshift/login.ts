// `oc login` without oc: check the credentials against the server, pick the project the way oc picks
// it, and write the kubeconfig entries oc would write. TLS: the server's CA is verified with what the
// kubeconfig already trusts for this server, or a CA the user chose to trust (then saved), or an explicit
// skip (then saved); an unknown CA surfaces as UntrustedCertificateError carrying the CA to offer.
import { readFileSync } from 'node:fs';
import { AuthenticationError, KubernetesError, UsageError } from '../errors';
import { OpenShiftClient } from './api';
import type { ClusterConnection } from './kubeconfig';
import { findClusterForServer, kubeconfigWritePath, loadKubeconfig, mergeCaBundles, normalizeServerUrl, saveLogin } from './kubeconfig';
import { requestTokenWithPassword } from './oauth';
import { listProjects } from './projects';
import { whoami } from './whoami';

export interface LoginOptions {
  /** `https://api.crc.testing:6443` (a missing scheme means https). */
  server: string;
  /** A token, e.g. from the web console's "Copy login command". */
  token?: string;
  /** Username and password for the OAuth server's challenging-client flow. */
  username?: string;
  password?: string;
  /**
   * PEM of a CA (or a bundle) the user chose to trust for this cluster; added to what the kubeconfig already
   * trusts for it and saved as `certificate-authority-data`. When the OAuth server presents another CA than
   * the API server, pass both (`mergeCaBundles(first, err.caPem)`).
   */
  caPem?: string;
  /** The user explicitly chose to skip TLS verification for this cluster; saved as such. */
  insecure?: boolean;
  /** Where to read and write (default: KUBECONFIG / ~/.kube/config, as oc). */
  kubeconfig?: { file?: string; env?: Record<string, string | undefined>; home?: string };
}

export interface LoginResult {
  server: string;
  username: string;
  /** The project the new context selects ('' when the user has none). */
  namespace: string;
  projects: string[];
  file: string;
  clusterName: string;
  userName: string;
  contextName: string;
}

export const invalidTokenMessage = 'The token provided is invalid or expired.';

/** The TLS settings to use for a server: the explicit choice, else what the kubeconfig holds for it. */
function tlsFor(opts: LoginOptions, server: string): Pick<ClusterConnection, 'caPem' | 'insecure'> {
  if (opts.insecure) return { insecure: true };
  const kc = opts.kubeconfig ?? {};
  const existing = findClusterForServer(loadKubeconfig({ env: kc.env, home: kc.home, paths: kc.file ? [kc.file] : undefined }), server);
  const saved = existing?.certificateAuthorityData ?? (existing?.certificateAuthority ? readFileSync(existing.certificateAuthority, 'utf8') : undefined);
  if (opts.caPem) return { caPem: mergeCaBundles(saved, opts.caPem) };
  if (existing?.insecureSkipTlsVerify) return { insecure: true };
  return saved ? { caPem: saved } : {};
}

/** The namespace oc selects: the previous one if still visible, else `default` if visible, else the first. */
export function chooseProject(projects: string[], previous: string | undefined): string {
  if (projects.length === 0) return '';
  if (projects.length === 1) return projects[0] as string;
  if (previous && projects.includes(previous)) return previous;
  if (projects.includes('default')) return 'default';
  return [...projects].sort()[0] as string;
}

export async function login(opts: LoginOptions): Promise<LoginResult> {
  const server = normalizeServerUrl(opts.server);
  if (!opts.token && !(opts.username && opts.password !== undefined)) throw new UsageError('log in with a token, or with a username and password');
  const tls = tlsFor(opts, server);
  const anonymous = new OpenShiftClient({ server, ...tls });
  let token = opts.token;
  let client: OpenShiftClient | undefined;
  try {
    if (!token) token = (await requestTokenWithPassword(anonymous, opts.username as string, opts.password as string)).accessToken;
    client = anonymous.withToken(token);
    let username: string;
    try {
      username = await whoami(client);
    } catch (e) {
      if (e instanceof KubernetesError && e.status === 401) throw new AuthenticationError(invalidTokenMessage, new URL(server).host);
      throw e;
    }
    const projects = (
      await listProjects(client).catch((e: unknown) => {
        // A user who may list neither projects nor namespaces still logs in, with no project (as oc).
        if (e instanceof KubernetesError && e.status === 403) return [];
        throw e;
      })
    ).map((p) => p.name);
    const kc = opts.kubeconfig ?? {};
    const file = kc.file ?? kubeconfigWritePath(kc.env, kc.home);
    const previous = previousNamespace(file, server, username);
    const namespace = chooseProject(projects, previous);
    const saved = saveLogin({ server, username, token, namespace, caPem: opts.caPem ? tls.caPem : undefined, insecure: opts.insecure }, { file });
    return { server, username, namespace, projects, ...saved };
  } finally {
    await anonymous.close();
    await client?.close();
  }
}

function previousNamespace(file: string, server: string, username: string): string | undefined {
  const config = loadKubeconfig({ paths: [file] });
  const cluster = findClusterForServer(config, server);
  if (!cluster) return undefined;
  const current = config.contexts.find((c) => c.name === config.currentContext);
  if (current && current.cluster === cluster.name) return current.namespace;
  return config.contexts.find((c) => c.cluster === cluster.name && c.user.startsWith(`${username}/`))?.namespace;
}
