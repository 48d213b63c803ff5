// The OpenShift OAuth server as `oc login -u -p` meets it: discovery, the challenging client's
// authorize (X-CSRF-Token, Basic challenge, 302 with a code) and the token endpoint with PKCE.
import { createHash, randomBytes } from 'node:crypto';
import type { Ctx, Reply, RouteDef } from './context';
import { forbidden } from './rbac';
import { notFound, success } from './status';

const clientId = 'openshift-challenging-client';

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

function authorize(ctx: Ctx): Reply {
  const q = ctx.query;
  const redirect = `${ctx.oauthUrl}/oauth/token/implicit`;
  if (q.get('client_id') !== clientId) return oauthError(400, 'unauthorized_client', 'the client is not authorized to request a token using this method');
  if (q.get('response_type') !== 'code')
    return oauthError(400, 'unsupported_response_type', 'the authorization server does not support obtaining a token using this method');
  if (q.get('redirect_uri') !== redirect) return oauthError(400, 'invalid_request', 'the redirect_uri does not match the client');
  if (!ctx.headers['x-csrf-token']) {
    return {
      status: 401,
      text: 'A non-empty X-CSRF-Token header is required to receive basic-auth challenges\n',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    };
  }
  const auth = String(ctx.headers.authorization ?? '');
  const challenge = { 'www-authenticate': 'Basic realm="openshift"', 'content-type': 'text/plain; charset=utf-8' };
  if (!auth.toLowerCase().startsWith('basic ')) return { status: 401, text: '', headers: challenge };
  const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = ctx.state.users.get(decoded.slice(0, colon));
  if (colon < 0 || !user || user.password === undefined || user.password !== decoded.slice(colon + 1)) return { status: 401, text: '', headers: challenge };
  const code = randomBytes(18).toString('base64url');
  ctx.state.oauthCodes.set(code, {
    user: user.name,
    challenge: q.get('code_challenge') ?? '',
    method: q.get('code_challenge_method') ?? 'plain',
    redirectUri: redirect,
    used: false,
  });
  const location = new URL(redirect);
  location.searchParams.set('code', code);
  location.searchParams.set('state', q.get('state') ?? '');
  return { status: 302, text: '', headers: { location: location.toString() } };
}

function token(ctx: Ctx): Reply {
  const auth = String(ctx.headers.authorization ?? '');
  const client = auth.toLowerCase().startsWith('basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
  if (client !== `${clientId}:`) return oauthError(401, 'unauthorized_client', 'client authentication failed');
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  if (form.get('grant_type') !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'the grant type is not supported');
  const entry = ctx.state.oauthCodes.get(form.get('code') ?? '');
  if (!entry || entry.used)
    return oauthError(400, 'invalid_grant', 'the provided authorization grant is invalid, expired, revoked, or was issued to another client');
  if (form.get('redirect_uri') !== entry.redirectUri) return oauthError(400, 'invalid_grant', 'the redirect_uri does not match');
  const verifier = form.get('code_verifier') ?? '';
  const expected = entry.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  if (!entry.challenge || expected !== entry.challenge) return oauthError(400, 'invalid_grant', 'the code_verifier does not match the code_challenge');
  entry.used = true;
  return { status: 200, body: { access_token: ctx.state.issueToken(entry.user), token_type: 'Bearer', expires_in: 86400, scope: 'user:full' } };
}

/** The name the OAuth API gives a token's OAuthAccessToken: sha256~ + base64url(sha256(token without prefix)). */
function tokenObjectName(token: string): string {
  return `sha256~${createHash('sha256')
    .update(token.replace(/^sha256~/, ''))
    .digest('base64url')}`;
}

export function oauthRoutes(): RouteDef[] {
  return [
    {
      method: 'DELETE',
      pattern: /^\/apis\/oauth\.openshift\.io\/v1\/oauthaccesstokens\/(?<name>[^/]+)$/,
      handler: (ctx) => {
        const name = ctx.params.name as string;
        if (ctx.user === 'system:anonymous') throw forbidden(ctx.user, 'delete', 'oauth.openshift.io', 'oauthaccesstokens', name, undefined);
        // system:oauth-token-deleter lets everyone delete their own tokens; someone else's reads as not found.
        for (const [token, user] of ctx.state.tokens) {
          if (tokenObjectName(token) === name && (user === ctx.user || ctx.allowed('delete', 'oauth.openshift.io', 'oauthaccesstokens', undefined))) {
            ctx.state.tokens.delete(token);
            return { status: 200, body: success('oauthaccesstokens', 'oauth.openshift.io', name) };
          }
        }
        throw notFound('oauthaccesstokens', 'oauth.openshift.io', name);
      },
    },
    {
      method: 'GET',
      pattern: /^\/\.well-known\/oauth-authorization-server$/,
      anonymous: true,
      handler: (ctx) => ({
        status: 200,
        body: {
          issuer: ctx.oauthUrl,
          authorization_endpoint: `${ctx.oauthUrl}/oauth/authorize`,
          token_endpoint: `${ctx.oauthUrl}/oauth/token`,
          scopes_supported: ['user:check-access', 'user:full', 'user:info', 'user:list-projects', 'user:list-scoped-projects'],
          response_types_supported: ['code', 'token'],
          grant_types_supported: ['authorization_code', 'implicit'],
          code_challenge_methods_supported: ['plain', 'S256'],
        },
      }),
    },
    { method: 'GET', pattern: /^\/oauth\/authorize$/, anonymous: true, handler: authorize },
    { method: 'POST', pattern: /^\/oauth\/token$/, anonymous: true, handler: token },
  ];
}
