// Username/password login through the OpenShift OAuth server, as `oc login -u -p` does it: discover the
// endpoints, ask `authorize` as the challenging client (X-CSRF-Token, Basic answer to its challenge),
// take the code from the 302, and trade it for a token with PKCE (S256). The password only travels in
// the Basic header of the authorize request; neither it nor the token is put into any message.
import { createHash, randomBytes } from 'node:crypto';
import { AuthenticationError } from '../errors';
import type { OpenShiftClient } from './api';
import { statusError } from './api';

export const challengingClientId = 'openshift-challenging-client';

export interface OAuthMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  code_challenge_methods_supported?: string[];
}

export interface OAuthToken {
  accessToken: string;
  expiresIn?: number;
}

function base64url(b: Buffer): string {
  return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

export async function oauthMetadata(client: OpenShiftClient): Promise<OAuthMetadata> {
  const res = await client.raw('GET', '/.well-known/oauth-authorization-server', { bearer: false });
  if (res.status !== 200) throw statusError(res, 'GET', '/.well-known/oauth-authorization-server');
  return JSON.parse(res.text) as OAuthMetadata;
}

const badCredentials = 'Login failed (401 Unauthorized)\nVerify you have provided correct credentials.';

/** Trades a username and password for an access token (the `sha256~...` token oc stores). */
export async function requestTokenWithPassword(client: OpenShiftClient, username: string, password: string): Promise<OAuthToken> {
  const meta = await oauthMetadata(client);
  const { verifier, challenge } = pkcePair();
  const redirectUri = `${meta.issuer}/oauth/token/implicit`;
  const authorize = new URL(meta.authorization_endpoint);
  authorize.searchParams.set('client_id', challengingClientId);
  authorize.searchParams.set('code_challenge', challenge);
  authorize.searchParams.set('code_challenge_method', 'S256');
  authorize.searchParams.set('redirect_uri', redirectUri);
  authorize.searchParams.set('response_type', 'code');
  const host = authorize.host;

  // First without credentials: the server answers with the challenges it accepts.
  let res = await client.raw('GET', '', { url: authorize.toString(), bearer: false, headers: { 'X-CSRF-Token': '1' } });
  if (res.status === 401) {
    const challenges = String(res.headers['www-authenticate'] ?? '');
    if (!/\bbasic\b/i.test(challenges)) {
      throw new AuthenticationError(
        `the OAuth server at ${host} does not accept a username and password (no Basic challenge): log in with a token from the web console instead`,
        host,
      );
    }
    const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    res = await client.raw('GET', '', { url: authorize.toString(), bearer: false, headers: { 'X-CSRF-Token': '1', authorization: `Basic ${basic}` } });
  }
  if (res.status === 401) throw new AuthenticationError(badCredentials, host);
  const location = res.headers.location;
  if (res.status !== 302 || typeof location !== 'string') {
    throw new AuthenticationError(`the OAuth server at ${host} answered ${res.status} instead of a redirect with a code`, host);
  }
  const back = new URL(location, authorize);
  const err = back.searchParams.get('error');
  if (err) throw new AuthenticationError(`the OAuth server refused the login: ${back.searchParams.get('error_description') ?? err}`, host);
  const code = back.searchParams.get('code');
  if (!code) throw new AuthenticationError(`the OAuth server at ${host} redirected without a code`, host);

  const form = new URLSearchParams({ code, code_verifier: verifier, grant_type: 'authorization_code', redirect_uri: redirectUri });
  const tokenRes = await client.raw('POST', '', {
    url: meta.token_endpoint,
    bearer: false,
    body: form.toString(),
    contentType: 'application/x-www-form-urlencoded',
    headers: { authorization: `Basic ${Buffer.from(`${challengingClientId}:`).toString('base64')}` },
  });
  if (tokenRes.status !== 200) {
    let why = `HTTP ${tokenRes.status}`;
    try {
      const body = JSON.parse(tokenRes.text) as { error?: string; error_description?: string };
      why = body.error_description ?? body.error ?? why;
    } catch {
      // not JSON
    }
    throw new AuthenticationError(`the OAuth server did not issue a token: ${why}`, host);
  }
  const tok = JSON.parse(tokenRes.text) as { access_token?: string; expires_in?: number };
  if (!tok.access_token) throw new AuthenticationError('the OAuth server answered without an access token', host);
  return { accessToken: tok.access_token, expiresIn: tok.expires_in };
}
