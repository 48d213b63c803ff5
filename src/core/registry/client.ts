// The Distribution API of one registry: ping, catalog and tags (paged), manifests, small blobs,
// delete. Every request goes through `request()`, which picks the scheme, authenticates (Basic or
// Bearer per scope), follows redirects for reads, and retries what is safe to retry.
// transport: unified - every byte goes through the core's one HttpClient (http/client.ts).
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AuthenticationError, DigestMismatchError, NetworkError, RegistryError, RegxError, TagDeleteUnsupportedError, sanitizeRemoteText } from '../errors';
import { HttpClient, connectionReleased, readBody } from '../http/client';
import type { HttpClientOptions, HttpMethod, RequestGate } from '../http/client';
import { backoffDelay, defaultRetryPolicy, sleep } from '../http/retry';
import type { RetryPolicy } from '../http/retry';
import { isNotTlsError } from '../http/tls';
import { digestOf, headerDigest, manifestDigest, parseDigest, verifyBytes, verifyManifestBytes } from '../image/digest';
import { manifestAcceptTypes, manifestMediaType } from '../image/mediatypes';
import type { Credentials } from '../auth/credentials';
import { CATALOG_SCOPE, scopeFor } from '../auth/token';
import type { TokenCache } from '../auth/token';
import { anchoredTagRegexp } from '../reference/grammar';
import { registryApiHost } from '../reference/registry-host';
import { AuthSession } from './auth-session';
import type { CredentialSource } from './auth-session';
import { displayUrl, readErrorBody, registryErrorFor } from './errors';
import { nextPageUrl } from './paging';
import { isDigest } from '../reference/tag-or-digest';

/** containers/image refuses manifests over 4 MiB; so do we, before reading them whole. */
export const maxManifestBytes = 4 * 1024 * 1024;

export type Action = 'pull' | 'push' | 'delete' | '*';

export interface RegistryClientOptions {
  /** Verify TLS (default true). false also allows falling back to plain HTTP, as skopeo's --tls-verify=false does. */
  tlsVerify?: boolean;
  caFile?: string;
  certDir?: string;
  credentials?: CredentialSource;
  /** A bearer token sent as is (skopeo's --registry-token), instead of any credentials. */
  bearerToken?: string;
  timeoutMs?: number;
  /** Idle time allowed between body chunks, ms. */
  bodyTimeoutMs?: number;
  /** Overall deadline of one request whose answer is read whole (manifests, lists, tokens), ms. */
  deadlineMs?: number;
  retry?: RetryPolicy;
  connections?: number;
  tokenCache?: TokenCache;
  /** Bounds on one listing (_catalog, tags/list), far above any real registry's, so an endless chain of pages ends. */
  paging?: PagingLimits;
  /** Paces this registry's requests and hears its 429s (shared by every client of one sync to it). */
  gate?: RequestGate;
  /** Called for each retried request, with no secrets in it. */
  onRetry?: (what: string, attempt: number, reason: string, delayMs: number) => void;
}

export interface PagingLimits {
  maxPages: number;
  maxItems: number;
}

export const defaultPagingLimits: PagingLimits = { maxPages: 10_000, maxItems: 2_000_000 };

export interface RegistryRequest {
  method: HttpMethod;
  /** A path under the registry (`/v2/...`, may carry a query) or an absolute URL (e.g. an upload Location). */
  path: string;
  /** The repository the request is about; its scope is asked for with `actions`. */
  repository?: string;
  actions?: Action[];
  /** Extra scopes (e.g. pull on the source repository of a cross-repository mount). */
  scopes?: string[];
  headers?: Record<string, string>;
  body?: Buffer | string | (() => Readable);
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Follow 3xx for GET/HEAD (blob downloads often redirect to storage). Default true for GET/HEAD. */
  followRedirects?: boolean;
  /** Overall deadline of the exchange, body included (0: none); default the client's. */
  deadlineMs?: number;
}

export interface ManifestResult {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface Page<T> {
  items: T[];
  /** Path and query of the next page, on the same origin; undefined on the last page. */
  next?: string;
}

/** One page of the referrers API: raw entries (checked by the caller), and the filters the registry says it applied. */
export interface ReferrersPage {
  items: unknown[];
  next?: string;
  filtersApplied: string[];
}

export function sha256Digest(bytes: Buffer): string {
  return digestOf(bytes, 'sha256');
}

export class RegistryClient {
  readonly registry: string;
  readonly http: HttpClient;
  private readonly auth: AuthSession;
  private readonly options: RegistryClientOptions;
  private origin: Promise<string> | undefined;
  /** Whether /v2/ said `X-Registry-Supports-Signatures: 1` (OpenShift's signature API); undefined until seen. */
  private signatureApi: boolean | undefined;

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry;
    this.options = options;
    const httpOptions: HttpClientOptions = {
      tls: { verify: options.tlsVerify !== false, caFile: options.caFile, certDir: options.certDir },
      timeoutMs: options.timeoutMs,
      bodyTimeoutMs: options.bodyTimeoutMs,
      deadlineMs: options.deadlineMs,
      retry: options.retry,
      connections: options.connections,
      gate: options.gate,
    };
    this.http = new HttpClient(httpOptions);
    this.auth = new AuthSession(this.http, options.credentials, options.tokenCache, options.bearerToken);
  }

  /** Where the credentials in use came from ("auth.json", "OS keychain", ...), or undefined when anonymous. */
  credentialSource(): Promise<string | undefined> {
    return this.auth.credentialSource();
  }

  /** The credentials in use (resolved once), for APIs beside the registry's own (Harbor's). */
  credentials(): Promise<Credentials | undefined> {
    return this.auth.getCredentials();
  }

  /**
   * How this client reaches the registry, for another program asked to do the same (a local engine
   * that pushes for regx): whether it verifies TLS, whether it trusts more than the system's CAs or
   * presents a client certificate, whether it sends a fixed bearer token. No secrets.
   */
  reachSettings(): { tlsVerify: boolean; extraTrust: boolean; bearerToken: boolean } {
    const o = this.options;
    return { tlsVerify: o.tlsVerify !== false, extraTrust: Boolean(o.caFile || o.certDir), bearerToken: o.bearerToken !== undefined };
  }

  /** `https://host` normally; `http://host` only when TLS verification is off and the registry does not speak TLS. */
  baseUrl(signal?: AbortSignal): Promise<string> {
    this.origin ??= this.discoverOrigin(signal);
    this.origin.catch(() => {
      this.origin = undefined;
    });
    return this.origin;
  }

  private async discoverOrigin(signal?: AbortSignal): Promise<string> {
    const host = registryApiHost(this.registry);
    const https = `https://${host}`;
    try {
      await this.pingAt(https, signal);
      return https;
    } catch (err) {
      // Plain HTTP only when verification is off AND the server proved it speaks HTTP: it answered the
      // TLS hello in plain HTTP. A reset, a refusal or a timeout proves nothing (a TLS registry on a bad
      // day, or someone in the middle), and falling back then could send credentials in clear text.
      // The first real request over http is ping enough (it learns a 401 challenge the same way).
      if (this.options.tlsVerify === false && err instanceof NetworkError && isNotTlsError(err)) return `http://${host}`;
      throw err;
    }
  }

  private async pingAt(base: string, signal?: AbortSignal): Promise<void> {
    const url = new URL('/v2/', base);
    // An https probe that may fall back to http is tried once: a plain-HTTP registry will not
    // start speaking TLS on a retry.
    const probing = base.startsWith('https:') && this.options.tlsVerify === false;
    const res = await this.http.send({ method: 'GET', url, signal, idempotent: !probing });
    if (res.statusCode === 404 || res.statusCode >= 500) {
      const said = await readErrorBody(res);
      const what =
        res.statusCode === 404
          ? `${this.registry} does not serve the registry API (GET /v2/ answered 404)`
          : `${this.registry} answered ${res.statusCode} to GET /v2/`;
      throw new RegistryError(`${what}${said.message ? `: ${said.message}` : ''}`, res.statusCode, said.code, displayUrl(url), {
        serverMessage: said.message,
        reason: res.statusCode === 404 ? 'unsupported' : undefined,
      });
    }
    this.signatureApi = res.headers['x-registry-supports-signatures'] === '1';
    await res.body.dump().catch(() => undefined);
    await connectionReleased();
    if (res.statusCode === 401) this.auth.learn(res.headers['www-authenticate']);
  }

  /** Whether the registry offers the signature API extension, as containers/image decides it: from the /v2/ answer's header. */
  async supportsSignatures(signal?: AbortSignal): Promise<boolean> {
    await this.baseUrl(signal);
    if (this.signatureApi === undefined) {
      const res = await this.request({ method: 'GET', path: '/v2/', signal });
      this.signatureApi = res.headers['x-registry-supports-signatures'] === '1';
      await res.body.dump().catch(() => undefined);
    }
    return this.signatureApi;
  }

  /**
   * Sends one request, authenticated, and returns the answer whatever its status (but 401 after a
   * fresh token or with wrong credentials, which throws AuthenticationError). Callers that only
   * want success use `send()`.
   */
  async request(req: RegistryRequest): Promise<Dispatcher.ResponseData> {
    const base = await this.baseUrl(req.signal);
    let url = new URL(req.path, base);
    const scopes = [...(req.repository ? [scopeFor(req.repository, req.actions ?? ['pull'])] : []), ...(req.scopes ?? [])];
    const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
    let reauthenticated = false;
    for (let hops = 0; ;) {
      const sameOrigin = url.origin === base;
      const authorization = sameOrigin ? await this.auth.authorization(base, scopes, req.signal) : undefined;
      const headers = { ...req.headers, ...(authorization ? { authorization } : {}) };
      const res = await this.http.send({
        method: req.method,
        url,
        headers,
        body: req.body,
        idempotent: req.idempotent,
        signal: req.signal,
        deadlineMs: req.deadlineMs,
        onRetry: this.options.onRetry
          ? (attempt, reason, delay) => this.options.onRetry?.(`${req.method} ${displayUrl(url)}`, attempt, reason, delay)
          : undefined,
      });
      // OpenShift's registry says it on every answer: learnt from what is asked anyway, at no extra request.
      if (sameOrigin && this.signatureApi === undefined) this.signatureApi = res.headers['x-registry-supports-signatures'] === '1';
      if (res.statusCode === 401 && sameOrigin) {
        const challenge = res.headers['www-authenticate'];
        if (!reauthenticated && this.auth.learn(challenge)) {
          reauthenticated = true;
          const hadAuth = authorization !== undefined;
          if (hadAuth) await this.auth.invalidate(base, scopes);
          // Basic with credentials already sent and refused: asking again will not help.
          const canAnswer = this.auth.scheme === 'bearer' || (!hadAuth && (await this.auth.getCredentials()) !== undefined);
          if (canAnswer) {
            await res.body.dump().catch(() => undefined);
            continue;
          }
        }
        // The registry's own words ("unauthorized: authentication required") reach the user, as skopeo prints them.
        const said = req.method === 'HEAD' ? {} : await readErrorBody(res);
        await res.body.dump().catch(() => undefined);
        const creds = await this.auth.getCredentials();
        const words = said.message ?? 'unauthorized';
        throw new AuthenticationError(
          creds
            ? `${this.registry} refused the credentials for ${creds.username} (from ${creds.source}): ${words}`
            : `${this.registry} requires authentication: ${words}`,
          this.registry,
          creds ? 'auth-refused' : 'auth-required',
          { serverCode: said.code, serverMessage: said.message },
        );
      }
      if (follow && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump().catch(() => undefined);
        if (++hops > 5)
          throw new RegistryError(
            `${this.registry} redirected more than 5 times (${req.method} ${displayUrl(url)})`,
            res.statusCode,
            undefined,
            displayUrl(url),
            { reason: 'redirect-limit' },
          );
        let next: URL;
        try {
          next = new URL(String(res.headers.location), url);
        } catch {
          throw new RegistryError(
            `${this.registry} redirected to an unreadable location (${req.method} ${displayUrl(url)})`,
            res.statusCode,
            undefined,
            displayUrl(url),
            { reason: 'bad-response' },
          );
        }
        // Only to the web: a redirect to file:, data: or another scheme is refused; https -> http is a downgrade.
        if ((next.protocol !== 'https:' && next.protocol !== 'http:') || (url.protocol === 'https:' && next.protocol === 'http:')) {
          throw new RegistryError(
            `${this.registry} redirected ${req.method} ${displayUrl(url)} to ${next.protocol}//${next.host}; refusing to follow it`,
            res.statusCode,
            undefined,
            displayUrl(url),
            { reason: 'bad-response' },
          );
        }
        url = next;
        continue;
      }
      return res;
    }
  }

  /** `request()` that throws a typed error unless the answer is 2xx. */
  async send(req: RegistryRequest): Promise<Dispatcher.ResponseData> {
    const res = await this.request(req);
    if (res.statusCode >= 200 && res.statusCode < 300) return res;
    throw await registryErrorFor(res, req.method, new URL(req.path, await this.baseUrl()), this.registry);
  }

  /** Checks the registry answers and, when credentials are set, that it accepts them. */
  async checkLogin(signal?: AbortSignal): Promise<void> {
    const res = await this.send({ method: 'GET', path: '/v2/', signal });
    await res.body.dump();
  }

  async catalogPage(pageSize: number, next?: string, signal?: AbortSignal): Promise<Page<string>> {
    const path = next ?? `/v2/_catalog?n=${pageSize}`;
    const { headers, bytes } = await this.readWhole({ method: 'GET', path, scopes: [CATALOG_SCOPE], signal }, maxManifestBytes * 4);
    const body = parseJsonBody<{ repositories?: string[] | null }>(bytes, `${this.registry} catalog page`);
    return { items: body.repositories ?? [], next: await this.nextPage(headers.link, path) };
  }

  async tagsPage(repository: string, pageSize: number, next?: string, signal?: AbortSignal): Promise<Page<string>> {
    const path = next ?? `/v2/${repository}/tags/list?n=${pageSize}`;
    const { headers, bytes } = await this.readWhole({ method: 'GET', path, repository, signal }, maxManifestBytes * 4);
    const body = parseJsonBody<{ tags?: string[] | null }>(bytes, `${this.registry}/${repository} tag list`);
    return { items: body.tags ?? [], next: await this.nextPage(headers.link, path) };
  }

  /**
   * A GET whose body is read whole, retried when the connection breaks in the middle of the body
   * (the transport only retries until the response head has arrived).
   */
  private async readWhole(
    req: RegistryRequest,
    limit: number,
    tooLarge?: (size: number) => Error,
  ): Promise<{ headers: Dispatcher.ResponseData['headers']; bytes: Buffer; contentType?: string }> {
    const policy = this.options.retry ?? defaultRetryPolicy;
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(req);
      try {
        const bytes = await readBody(res, limit, tooLarge, new URL(req.path, await this.baseUrl()));
        await connectionReleased();
        return { headers: res.headers, bytes, contentType: res.headers['content-type'] as string | undefined };
      } catch (err) {
        const lost = err instanceof NetworkError && err.reason === 'connection-lost';
        if (attempt >= policy.attempts || !lost || req.signal?.aborted) throw err;
        const delay = backoffDelay(policy, attempt);
        this.options.onRetry?.(`${req.method} ${req.path}`, attempt, (err as Error).message, delay);
        await sleep(delay, req.signal);
      }
    }
  }

  private async nextPage(link: string | string[] | undefined, path: string): Promise<string | undefined> {
    const base = await this.baseUrl();
    return nextPageUrl(link, new URL(path, base), this.registry);
  }

  /**
   * Every page, in order. A Link back to a page already read is an error, not a loop; so is a list past
   * the paging limits (an endless chain of unique pages from a broken or hostile registry).
   */
  async *pages(fetchPage: (next?: string) => Promise<Page<string>>): AsyncGenerator<string[]> {
    const limits = this.options.paging ?? defaultPagingLimits;
    const seen = new Set<string>();
    let next: string | undefined;
    let pages = 0;
    let items = 0;
    do {
      const page = await fetchPage(next);
      pages++;
      items += page.items.length;
      if (items > limits.maxItems)
        throw new RegxError(
          'paging-limit',
          `${this.registry} listed more than ${limits.maxItems} entries; stopped reading (the limit is there so a broken registry cannot make the list endless)`,
        );
      yield page.items;
      next = page.next;
      if (next && seen.has(next))
        throw new RegistryError(
          `${this.registry} sent a paging Link back to a page already read (${sanitizeRemoteText(next, 200)}); the list would never end`,
          0,
          'PAGING_LOOP',
          next,
          { reason: 'paging-limit' },
        );
      if (next && pages >= limits.maxPages)
        throw new RegxError(
          'paging-limit',
          `${this.registry} sent more than ${limits.maxPages} pages; stopped reading (the limit is there so a broken registry cannot make the list endless)`,
        );
      // Only the last few pages matter for a loop check that stays small in memory.
      if (next) seen.add(next);
      if (seen.size > 1000) seen.delete(seen.values().next().value as string);
    } while (next);
  }

  async listRepositories(pageSize = 1000, signal?: AbortSignal): Promise<string[]> {
    const all: string[] = [];
    for await (const items of this.pages((next) => this.catalogPage(pageSize, next, signal))) all.push(...items);
    return all;
  }

  async listTags(repository: string, pageSize = 1000, signal?: AbortSignal): Promise<string[]> {
    const all: string[] = [];
    for await (const items of this.pages((next) => this.tagsPage(repository, pageSize, next, signal))) all.push(...items);
    return all;
  }

  /**
   * A manifest, read whole (4 MiB at most). Its kind is decided by its body (a Content-Type that
   * contradicts it is refused); a digest reference, of any supported algorithm, is checked before it
   * names a request and the bytes are verified against it; a tag's digest is computed from the bytes.
   */
  async getManifest(repository: string, reference: string, signal?: AbortSignal, accept: readonly string[] = manifestAcceptTypes): Promise<ManifestResult> {
    const expected = isDigest(reference) ? reference : undefined;
    if (expected) parseDigest(expected);
    const { bytes, contentType } = await this.readWhole(
      { method: 'GET', path: `/v2/${repository}/manifests/${reference}`, repository, headers: { accept: accept.join(', ') }, signal },
      maxManifestBytes,
    );
    const mediaType = manifestMediaType(bytes, contentType);
    if (expected) verifyManifestBytes(bytes, mediaType, expected, `manifest ${repository}@${expected}`);
    return { bytes, digest: expected ?? manifestDigest(bytes, mediaType), mediaType };
  }

  /**
   * The digest, media type and size of a manifest, or undefined when it does not exist. The digest
   * header is used only when it is a valid digest (and, for a digest reference, that digest);
   * otherwise the manifest is read and hashed.
   */
  async headManifest(repository: string, reference: string, signal?: AbortSignal): Promise<ManifestHead | undefined> {
    if (isDigest(reference)) parseDigest(reference);
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      repository,
      headers: { accept: manifestAcceptTypes.join(', ') },
      signal,
    });
    await res.body.dump().catch(() => undefined);
    if (res.statusCode === 404) return undefined;
    if (res.statusCode < 200 || res.statusCode >= 300)
      throw await registryErrorFor(res, 'HEAD', new URL(`/v2/${repository}/manifests/${reference}`, await this.baseUrl()), this.registry);
    const digest = headerDigest(res.headers['docker-content-digest']);
    if (!digest || (isDigest(reference) && digest !== reference)) {
      // No usable digest header: read the manifest to know it.
      const m = await this.getManifest(repository, reference, signal);
      return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
    }
    return { digest, mediaType: String(res.headers['content-type'] ?? '').split(';')[0] ?? '', size: Number(res.headers['content-length'] ?? 0) };
  }

  /**
   * Stores a manifest under `reference` (a tag, or the digest its bytes must have) and returns its
   * digest. A digest reference the bytes do not match is refused before anything is sent. When the
   * registry answers with another digest than ours, the manifest is read back before anything is
   * concluded: the same bytes (a registry that names them its own way) are success; other bytes
   * mean the reference names something else now, and the error says what.
   */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    return (await this.pushManifest(repository, reference, bytes, mediaType, signal)).digest;
  }

  /**
   * putManifest(), also telling what the registry said of a manifest's `subject`: the OCI-Subject header
   * a registry with the referrers API sends back when it indexed the manifest as a referrer.
   */
  async pushManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<{ digest: string; ociSubject?: string }> {
    const pinned = isDigest(reference) ? reference : undefined;
    const digest = manifestDigest(bytes, mediaType, pinned ? parseDigest(pinned).algorithm : 'sha256');
    if (pinned && pinned !== digest) throw new DigestMismatchError(pinned, digest, `manifest to push to ${repository}@${pinned}`);
    const put = () =>
      this.send({
        method: 'PUT',
        path: `/v2/${repository}/manifests/${reference}`,
        repository,
        actions: ['pull', 'push'],
        headers: { 'content-type': mediaType },
        body: bytes,
        signal,
      });
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await put();
        break;
      } catch (err) {
        // Distribution's filesystem storage rewrites a repository's blob link in place: a manifest PUT that
        // reads it while another client links the same blob into the same repository (shards of one sync
        // writing tags of one repository, say) sees it empty and answers DIGEST_INVALID / MANIFEST_BLOB_UNKNOWN
        // for a blob that is there. The blobs were moved before this PUT, so a short wait reads the finished
        // link; a blob that is really missing fails the same way again and that answer stands.
        const raced =
          err instanceof RegistryError && err.status === 400 && (err.registryCode === 'MANIFEST_BLOB_UNKNOWN' || err.registryCode === 'DIGEST_INVALID');
        if (!raced || attempt >= 3 || signal?.aborted) throw err;
        await sleep(150 * attempt, signal);
      }
    }
    await res.body.dump();
    await connectionReleased();
    const ociSubject = headerDigest(res.headers['oci-subject']);
    const done = ociSubject ? { digest, ociSubject } : { digest };
    const header = res.headers['docker-content-digest'];
    if (header === undefined) return done;
    const served = headerDigest(header);
    if (served) {
      const algorithm = parseDigest(served).algorithm;
      // Ours in the registry's algorithm, or (schema 1) the hash of the signed bytes: the same manifest.
      if (served === manifestDigest(bytes, mediaType, algorithm) || served === digestOf(bytes, algorithm)) return done;
    }
    let stored: ManifestResult;
    try {
      stored = await this.getManifest(repository, reference, signal);
    } catch (err) {
      if (err instanceof RegxError && (err.reason === 'auth-required' || err.reason === 'auth-refused' || err.reason === 'denied')) {
        throw new DigestMismatchError(
          digest,
          sanitizeRemoteText(String(header).slice(0, 200)),
          `manifest pushed to ${repository}:${reference} (the registry's answer; the manifest could not be read back to check)`,
        );
      }
      throw err;
    }
    if (stored.bytes.equals(bytes) || manifestDigest(stored.bytes, stored.mediaType) === digest) return done;
    throw new DigestMismatchError(
      digest,
      stored.digest,
      `manifest pushed to ${repository}:${reference}: the registry stored other bytes, and ${repository}:${reference} now names ${stored.digest}`,
    );
  }

  /**
   * One page of the OCI 1.1 referrers API (`GET /v2/<name>/referrers/<digest>`), or undefined when the
   * registry answers as one without the API does (404, 405, 501). The body is an image index read whole
   * (bounded) and its descriptors checked; `next` follows the Link header on the same origin.
   */
  async referrersPage(repository: string, digest: string, artifactType?: string, next?: string, signal?: AbortSignal): Promise<ReferrersPage | undefined> {
    parseDigest(digest);
    const path = next ?? `/v2/${repository}/referrers/${digest}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`;
    const url = new URL(path, await this.baseUrl(signal));
    const res = await this.request({ method: 'GET', path, repository, headers: { accept: 'application/vnd.oci.image.index.v1+json' }, signal });
    if (res.statusCode === 404 || res.statusCode === 405 || res.statusCode === 501) {
      await res.body.dump().catch(() => undefined);
      return undefined;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw await registryErrorFor(res, 'GET', url, this.registry);
    const bytes = await readBody(res, maxManifestBytes, undefined, url);
    await connectionReleased();
    const body = parseJsonBody<{ manifests?: unknown }>(bytes, `${this.registry}/${repository} referrers of ${digest}`);
    if (!body || typeof body !== 'object' || !Array.isArray(body.manifests))
      throw new RegistryError(
        `${this.registry}/${repository} answered the referrers of ${digest} with something that is not an image index`,
        res.statusCode,
        'BAD_RESPONSE',
        displayUrl(url),
        { reason: 'bad-response' },
      );
    const filters = String(res.headers['oci-filters-applied'] ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    return { items: body.manifests as unknown[], next: await this.nextPage(res.headers.link, path), filtersApplied: filters };
  }

  /** Deletes the manifest `digest` names; a digest that is not a valid one never reaches the URL. */
  async deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<void> {
    parseDigest(digest);
    const path = `/v2/${repository}/manifests/${digest}`;
    const res = await this.request({ method: 'DELETE', path, repository, actions: ['pull', 'push', 'delete'], signal });
    if (res.statusCode === 202 || res.statusCode === 200) {
      await res.body.dump();
      return;
    }
    const err = await registryErrorFor(res, 'DELETE', new URL(path, await this.baseUrl()), this.registry);
    if (res.statusCode === 405 || (err instanceof RegistryError && err.registryCode === 'UNSUPPORTED')) {
      throw new RegistryError(
        `deletion is disabled on this registry (${this.registry})${err instanceof RegxError && err.serverMessage ? `: ${err.serverMessage}` : ''}; on Distribution it is enabled with storage.delete.enabled: true in its config (or REGISTRY_STORAGE_DELETE_ENABLED=true)`,
        res.statusCode,
        'UNSUPPORTED',
        displayUrl(new URL(path, await this.baseUrl())),
        { reason: 'deletion-disabled', serverMessage: err instanceof RegxError ? err.serverMessage : undefined },
      );
    }
    throw err;
  }

  /**
   * Removes one tag and leaves the manifest and its other tags (Distribution 3, Quay and Zot accept
   * DELETE /v2/<name>/manifests/<tag>). A registry that deletes only by digest refuses it: Distribution 2
   * answers 400 DIGEST_INVALID, others 405, 501 or UNSUPPORTED. That refusal is a TagDeleteUnsupportedError
   * (reason `unsupported`), so a caller can fall back to deleting the digest with every tag naming it.
   */
  async deleteTag(repository: string, tag: string, signal?: AbortSignal): Promise<void> {
    if (!anchoredTagRegexp.test(tag)) throw new RegxError('invalid-reference', `${JSON.stringify(tag)} is not a tag`);
    const path = `/v2/${repository}/manifests/${tag}`;
    const res = await this.request({ method: 'DELETE', path, repository, actions: ['pull', 'push', 'delete'], signal });
    if (res.statusCode === 202 || res.statusCode === 200 || res.statusCode === 204) {
      await res.body.dump();
      return;
    }
    const url = displayUrl(new URL(path, await this.baseUrl()));
    const err = await registryErrorFor(res, 'DELETE', new URL(path, await this.baseUrl()), this.registry);
    const code = err instanceof RegistryError ? err.serverCode : undefined;
    if (
      res.statusCode === 405 ||
      res.statusCode === 501 ||
      code === 'UNSUPPORTED' ||
      (res.statusCode === 400 && (code === 'DIGEST_INVALID' || code === 'TAG_INVALID'))
    ) {
      throw new TagDeleteUnsupportedError(
        `${this.registry} does not remove a tag on its own (it deletes images by digest)`,
        res.statusCode,
        code,
        url,
        err instanceof RegxError ? err.serverMessage : undefined,
      );
    }
    throw err;
  }

  /** A small blob (an image config) read whole and digest-verified. */
  async getBlobBytes(repository: string, digest: string, limit = maxManifestBytes * 4, signal?: AbortSignal): Promise<Buffer> {
    parseDigest(digest);
    const { bytes } = await this.readWhole(
      { method: 'GET', path: `/v2/${repository}/blobs/${digest}`, repository, signal },
      limit,
      (size) => new RegistryError(`blob ${digest} is ${size} bytes, more than the ${limit} bytes read whole`, 0, 'BLOB_TOO_LARGE', digest),
    );
    verifyBytes(bytes, digest, `blob ${repository}@${digest}`);
    return bytes;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

function parseJsonBody<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new RegistryError(`${what} is not JSON`, 0, 'BAD_RESPONSE', what);
  }
}
