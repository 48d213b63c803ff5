// How one registry wants to be authenticated, learned from its challenges, and the header each
// request needs: Basic with the user's credentials, or a Bearer token per scope from the realm the
// registry named (cached until it expires, fetched again on 401 or insufficient_scope).
import { findChallenge, parseWWWAuthenticate } from '../auth/challenge';
import type { Challenge } from '../auth/challenge';
import type { Credentials } from '../auth/credentials';
import { TokenCache, fetchBearerToken } from '../auth/token';
import type { HttpClient } from '../http/client';

export type CredentialSource = Credentials | undefined | (() => Promise<Credentials | undefined>);

export class AuthSession {
  private challenge: Challenge | undefined;
  private credentials: Promise<Credentials | undefined> | undefined;
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly http: HttpClient,
    private readonly source: CredentialSource,
    private readonly tokens: TokenCache = new TokenCache(),
    private readonly fixedToken?: string,
  ) {}

  getCredentials(): Promise<Credentials | undefined> {
    if (!this.credentials) this.credentials = typeof this.source === 'function' ? this.source() : Promise.resolve(this.source);
    return this.credentials;
  }

  /** Where the credentials came from (for "logged in via ..."), never the secret. */
  async credentialSource(): Promise<string | undefined> {
    return (await this.getCredentials())?.source;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  /** Records the challenge of a 401 (or of the ping). Returns false when it offers nothing we can answer. */
  learn(wwwAuthenticate: string | string[] | undefined): boolean {
    const challenges = parseWWWAuthenticate(wwwAuthenticate);
    const chosen = findChallenge(challenges, 'bearer') ?? findChallenge(challenges, 'basic');
    if (!chosen) return false;
    this.challenge = chosen;
    return true;
  }

  /** The challenge's own scope plus ours, deduplicated. */
  private scopesFor(scopes: readonly string[], challenge: Challenge): string[] {
    const all = [...scopes];
    for (const s of (challenge.params.scope ?? '').split(' ')) if (s && !all.includes(s)) all.push(s);
    return all;
  }

  /** The Authorization header for a request needing `scopes`, or undefined when anonymous is all we know. */
  async authorization(registryUrl: string, scopes: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
    if (this.fixedToken) return `Bearer ${this.fixedToken}`;
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const creds = await this.getCredentials();
    if (challenge.scheme === 'basic') {
      if (!creds) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const all = this.scopesFor(scopes, challenge);
    const key = TokenCache.key(registryUrl, all, creds?.username);
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    // Several blobs start at once with the same scope: one token request serves them all.
    let pending = this.pending.get(key);
    if (!pending) {
      pending = fetchBearerToken({ challenge, scopes: all, credentials: creds, http: this.http, registryUrl, signal })
        .then((fetched) => {
          this.tokens.set(key, fetched);
          return fetched.token;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  /** Forgets the token used for `scopes`, after the registry refused it. */
  async invalidate(registryUrl: string, scopes: readonly string[]): Promise<void> {
    const challenge = this.challenge;
    if (!challenge || challenge.scheme !== 'bearer') return;
    const creds = await this.getCredentials();
    this.tokens.invalidate(TokenCache.key(registryUrl, this.scopesFor(scopes, challenge), creds?.username));
  }
}
