// `oc logout`: revoke the context's OAuth token on the server (its OAuthAccessToken object is named after
// the token's SHA-256), then drop the token from the kubeconfig user entry. As oc, a server that refuses or
// cannot be reached does not stop the local logout: the token leaves the kubeconfig either way.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';
import { OpenShiftClient, seg } from './api';
import { loadKubeconfig, resolveContext, updateKubeconfigFile } from './kubeconfig';
import type { KubeConfig } from './kubeconfig';
import { whoami } from './whoami';
import { yaml } from './yaml';

/** The OAuthAccessToken name of a `sha256~...` token (what the server stores instead of the token). */
export function oauthTokenObjectName(token: string): string {
  const raw = token.startsWith('sha256~') ? token.slice('sha256~'.length) : token;
  return `sha256~${createHash('sha256').update(raw).digest('base64url')}`;
}

export interface LogoutResult {
  /** `Logged "developer" out on "https://api.crc.testing:6443"` */
  message: string;
  /** False when the server did not confirm the revocation (offline, refused, already gone). */
  revoked: boolean;
  file: string;
}

function fileDefiningUser(config: KubeConfig, user: string): string {
  for (const file of config.files) {
    const raw = yaml().parse(readFileSync(file, 'utf8')) as { users?: { name?: string }[] } | null;
    if (raw?.users?.some((u) => u?.name === user)) return file;
  }
  throw new UsageError(`user "${user}" is not in the kubeconfig`);
}

export async function logout(opts: { config?: KubeConfig; contextName?: string } = {}): Promise<LogoutResult> {
  const config = opts.config ?? loadKubeconfig();
  const ctx = resolveContext(config, opts.contextName);
  if (!ctx.token) throw new UsageError(`you are not logged in with a token on "${ctx.server}" (context "${ctx.contextName}")`);
  const client = new OpenShiftClient(ctx);
  let username = ctx.userName.split('/')[0] as string;
  let revoked = false;
  try {
    username = await whoami(client).catch(() => username);
    await client.delete(`/apis/oauth.openshift.io/v1/oauthaccesstokens/${seg(oauthTokenObjectName(ctx.token))}`);
    revoked = true;
  } catch {
    // oc logs and goes on: the local logout must not depend on the server
  } finally {
    await client.close();
  }
  const file = fileDefiningUser(config, ctx.userName);
  updateKubeconfigFile(file, (raw) => {
    for (const u of (raw.users as { name?: string; user?: Record<string, unknown> }[] | undefined) ?? []) {
      if (u.name === ctx.userName && u.user) delete u.user.token;
    }
  });
  return { message: `Logged "${username}" out on "${ctx.server}"`, revoked, file };
}
