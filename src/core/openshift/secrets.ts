// Pull secrets as `oc create secret docker-registry` / `oc create secret generic --from-file
// .dockerconfigjson=auth.json --type kubernetes.io/dockerconfigjson` make them, and `oc secrets link`.
import { UsageError } from '../errors';
import type { OpenShiftClient } from './api';
import { seg } from './api';
import type { Secret, ServiceAccount } from './types';

export const dockerConfigJsonType = 'kubernetes.io/dockerconfigjson';

function corePath(namespace: string, resource: string, name?: string): string {
  return `/api/v1/namespaces/${seg(namespace)}/${resource}${name === undefined ? '' : `/${seg(name)}`}`;
}

/** The `.dockerconfigjson` bytes oc writes for one registry login. */
export function dockerConfigJson(server: string, username: string, password: string, email?: string): Buffer {
  const entry: Record<string, string> = {
    username,
    password,
    ...(email ? { email } : {}),
    auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
  };
  return Buffer.from(JSON.stringify({ auths: { [server]: entry } }), 'utf8');
}

export interface PullSecretFromLogin {
  namespace: string;
  name: string;
  server: string;
  username: string;
  password: string;
  email?: string;
}

export async function createPullSecret(client: OpenShiftClient, opts: PullSecretFromLogin): Promise<Secret> {
  if (!opts.server) throw new UsageError('a registry server is needed for a pull secret');
  return postSecret(client, opts.namespace, opts.name, dockerConfigJson(opts.server, opts.username, opts.password, opts.email));
}

/** A pull secret holding an auth.json / config.json as is (its bytes are checked to be a docker config). */
export async function createPullSecretFromAuthFile(client: OpenShiftClient, opts: { namespace: string; name: string; authFile: Buffer }): Promise<Secret> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(opts.authFile.toString('utf8'));
  } catch {
    throw new UsageError('the auth file is not JSON: expected a containers auth.json or docker config.json');
  }
  if (!parsed || typeof parsed !== 'object' || !('auths' in parsed))
    throw new UsageError('the auth file has no "auths": expected a containers auth.json or docker config.json');
  return postSecret(client, opts.namespace, opts.name, opts.authFile);
}

function postSecret(client: OpenShiftClient, namespace: string, name: string, config: Buffer): Promise<Secret> {
  const body: Secret = {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name, namespace },
    type: dockerConfigJsonType,
    data: { '.dockerconfigjson': config.toString('base64') },
  };
  return client.post<Secret>(corePath(namespace, 'secrets'), body);
}

export type LinkPurpose = 'pull' | 'mount';

/**
 * `oc secrets link SA SECRET --for=pull|mount` (default mount): GET the service account, add the secret
 * to `imagePullSecrets` (pull) and/or `secrets` (mount) unless it is there, PUT it back whole.
 */
export async function linkSecret(
  client: OpenShiftClient,
  opts: { namespace: string; serviceAccount: string; secret: string; for?: LinkPurpose[] },
): Promise<{ serviceAccount: ServiceAccount; changed: boolean }> {
  const purposes = opts.for?.length ? opts.for : (['mount'] as LinkPurpose[]);
  const path = corePath(opts.namespace, 'serviceaccounts', opts.serviceAccount);
  // The secret must exist, as oc checks before linking.
  await client.get<Secret>(corePath(opts.namespace, 'secrets', opts.secret));
  const sa = await client.get<ServiceAccount>(path);
  let changed = false;
  const add = (field: 'imagePullSecrets' | 'secrets'): void => {
    const list = (sa[field] ??= []);
    if (!list.some((r) => r.name === opts.secret)) {
      list.push({ name: opts.secret });
      changed = true;
    }
  };
  if (purposes.includes('pull')) add('imagePullSecrets');
  if (purposes.includes('mount')) add('secrets');
  if (!changed) return { serviceAccount: sa, changed };
  return { serviceAccount: await client.put<ServiceAccount>(path, sa), changed };
}

/** Reads a pull secret back: the `auths` map of its `.dockerconfigjson`. */
export function decodePullSecret(secret: Secret): Record<string, { username?: string; password?: string; auth?: string; email?: string }> {
  const data = secret.data?.['.dockerconfigjson'];
  if (!data) return {};
  const parsed = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as {
    auths?: Record<string, { username?: string; password?: string; auth?: string }>;
  };
  return parsed.auths ?? {};
}
