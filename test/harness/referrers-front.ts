// An OCI 1.1 referrers API in front of a real Distribution 2.8 (which has none), for tests: a small HTTP
// proxy that answers `GET /v2/<name>/referrers/<digest>` from the manifests actually stored behind it and
// passes every other request through unchanged. It follows the distribution spec's "Listing Referrers"
// and "Pushing Manifests with Subject":
//  - a manifest PUT with a `subject` that the registry stores is remembered and answered with
//    `OCI-Subject: <subject digest>`; a DELETE by digest the registry performs forgets it;
//  - the answer is 200 with an OCI image index (Content-Type application/vnd.oci.image.index.v1+json),
//    an empty one when nothing refers; each descriptor has the manifest's artifactType (else, for an
//    image manifest, its config's media type; an index without one has none) and its annotations;
//  - `?artifactType=` filters, and the answer then carries `OCI-Filters-Applied: artifactType`;
//  - past `pageSize` entries the list is paged with a `Link: <...>; rel="next"` header;
//  - a malformed digest is 400, never 404 (a 404 means "no referrers API" to clients);
//  - manifests listed in a referrers tag schema index (`sha256-<hex>`) pushed before the front saw them
//    are included when their `subject` names the digest ("Enabling the Referrers API").
// Plain HTTP on both sides; the registry's own auth is not in play (tests run it open).
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TestRegistry } from './registry';

export interface FrontExchange {
  method: string;
  path: string;
  status: number;
}

export interface ReferrersFront {
  host: string;
  port: number;
  url: string;
  readonly log: FrontExchange[];
  /** Exchanges matching method (any when undefined) and path pattern. */
  count(method: string | undefined, path: RegExp): number;
  stop(): Promise<void>;
}

export interface ReferrersFrontOptions {
  /** Entries per page of the referrers list (default 10). */
  pageSize?: number;
  /** Ignore `artifactType` (a registry that does not filter: no OCI-Filters-Applied header). */
  noFiltering?: boolean;
}

interface Entry {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MANIFEST_TYPES = [
  OCI_INDEX,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The descriptor a referrers list holds for `bytes` (spec: artifactType, else the config's media type; annotations). */
function entryOf(bytes: Buffer, mediaType: string, digest: string): { entry: Entry; subject?: string } | undefined {
  let body: { mediaType?: unknown; artifactType?: unknown; config?: { mediaType?: unknown }; annotations?: unknown; subject?: { digest?: unknown } };
  try {
    body = JSON.parse(bytes.toString('utf8')) as typeof body;
  } catch {
    return undefined;
  }
  const type = typeof body.mediaType === 'string' ? body.mediaType : mediaType;
  const entry: Entry = { mediaType: type, digest, size: bytes.length };
  if (typeof body.artifactType === 'string' && body.artifactType) entry.artifactType = body.artifactType;
  else if (type !== OCI_INDEX && typeof body.config?.mediaType === 'string') entry.artifactType = body.config.mediaType;
  if (body.annotations && typeof body.annotations === 'object') entry.annotations = body.annotations as Record<string, string>;
  const subject = typeof body.subject?.digest === 'string' ? body.subject.digest : undefined;
  return { entry, subject };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startReferrersFront(upstream: TestRegistry, opts: ReferrersFrontOptions = {}): Promise<ReferrersFront> {
  const pageSize = opts.pageSize ?? 10;
  const target = new URL(upstream.url);
  // repository -> subject digest -> referrer digest -> descriptor
  const store = new Map<string, Map<string, Map<string, Entry>>>();
  const log: FrontExchange[] = [];

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body?: Buffer | IncomingMessage): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: target.hostname, port: target.port, method, path, headers }, resolve);
      req.on('error', reject);
      if (Buffer.isBuffer(body)) req.end(body);
      else if (body) (body as IncomingMessage).pipe(req);
      else req.end();
    });

  const upstreamManifest = async (repository: string, reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string } | undefined> => {
    const res = await forward('GET', `/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_TYPES, host: target.host });
    const bytes = await readAll(res);
    if (res.statusCode !== 200) return undefined;
    return { bytes, mediaType: String(res.headers['content-type'] ?? ''), digest: String(res.headers['docker-content-digest'] ?? '') };
  };

  const listing = async (repository: string, subject: string): Promise<Entry[]> => {
    const entries = new Map(store.get(repository)?.get(subject) ?? []);
    // Referrers a client listed in the tag schema before the API was there.
    const tagged = await upstreamManifest(repository, subject.replace(':', '-'));
    if (tagged && tagged.mediaType === OCI_INDEX) {
      const index = JSON.parse(tagged.bytes.toString('utf8')) as { manifests?: { digest?: string }[] };
      for (const d of index.manifests ?? []) {
        if (typeof d.digest !== 'string' || entries.has(d.digest)) continue;
        const m = await upstreamManifest(repository, d.digest);
        const e = m && entryOf(m.bytes, m.mediaType, d.digest);
        if (e && e.subject === subject) entries.set(d.digest, e.entry);
      }
    }
    return [...entries.values()].sort((a, b) => (a.digest < b.digest ? -1 : 1));
  };

  const answerReferrers = async (res: ServerResponse, url: URL, repository: string, digest: string): Promise<number> => {
    if (!DIGEST.test(digest)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] }));
      return 400;
    }
    let entries = await listing(repository, digest);
    const headers: Record<string, string> = { 'content-type': OCI_INDEX, 'docker-distribution-api-version': 'registry/2.0' };
    const artifactType = url.searchParams.get('artifactType');
    if (artifactType !== null && !opts.noFiltering) {
      entries = entries.filter((e) => e.artifactType === artifactType);
      headers['oci-filters-applied'] = 'artifactType';
    }
    const page = Math.max(0, Number(url.searchParams.get('page') ?? '0') || 0);
    const slice = entries.slice(page * pageSize, (page + 1) * pageSize);
    if ((page + 1) * pageSize < entries.length) {
      const next = new URL(url.pathname, 'http://front');
      if (artifactType !== null) next.searchParams.set('artifactType', artifactType);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.pathname}${next.search}>; rel="next"`;
    }
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: slice }));
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(body);
    return 200;
  };

  const passThrough = async (req: IncomingMessage, body?: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; upstream: IncomingMessage }> => {
    const up = await forward(req.method ?? 'GET', req.url ?? '/', req.headers, body ?? req);
    return { status: up.statusCode ?? 502, headers: up.headers, upstream: up };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://front');
    const referrers = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname);
    if (referrers && req.method === 'GET') return answerReferrers(res, url, referrers[1] as string, decodeURIComponent(referrers[2] as string));
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest && req.method === 'PUT') {
      const body = await readAll(req);
      const up = await passThrough(req, body);
      const headers = { ...up.headers };
      const digest = String(up.headers['docker-content-digest'] ?? '');
      const found = up.status === 201 ? entryOf(body, String(req.headers['content-type'] ?? '').split(';')[0] ?? '', digest) : undefined;
      if (found?.subject && DIGEST.test(found.subject)) {
        const repo = manifest[1] as string;
        const subjects = store.get(repo) ?? new Map<string, Map<string, Entry>>();
        store.set(repo, subjects);
        const list = subjects.get(found.subject) ?? new Map<string, Entry>();
        subjects.set(found.subject, list);
        list.set(digest, found.entry);
        headers['oci-subject'] = found.subject;
      }
      res.writeHead(up.status, headers);
      up.upstream.pipe(res);
      await once(res, 'finish');
      return up.status;
    }
    const up = await passThrough(req);
    if (manifest && req.method === 'DELETE' && up.status === 202)
      for (const list of store.get(manifest[1] as string)?.values() ?? []) list.delete(decodeURIComponent(manifest[2] as string));
    res.writeHead(up.status, up.headers);
    up.upstream.pipe(res);
    await once(res, 'finish');
    return up.status;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).then(
      (status) => log.push({ method: req.method ?? '', path: req.url ?? '', status }),
      (err: unknown) => {
        log.push({ method: req.method ?? '', path: req.url ?? '', status: 502 });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`referrers front: ${(err as Error).message}`);
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    count: (method, path) => log.filter((e) => (method === undefined || e.method === method) && path.test(e.path)).length,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
