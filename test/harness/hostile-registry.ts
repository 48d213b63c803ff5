// A registry that lies: a loopback HTTP(S) server that answers the Distribution API for one image
// correctly by default, and lets a test replace any answer with a hostile one (a trickling body, an
// endless listing, a redirect elsewhere, an error that echoes the Authorization header, a blob whose
// bytes do not match its digest, ...). It records every request, headers included, so a test can
// check that a credential went nowhere it should not.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { sharedCerts } from './certs';
import type { BuiltImage } from './images';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

/** Return true when the request was answered; false lets the default (honest) answer run. */
export type HostileHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface HostileRegistry {
  readonly host: string;
  readonly url: string;
  readonly caFile?: string;
  /** A --cert-dir folder holding the CA (TLS only). */
  readonly certDir?: string;
  readonly requests: RecordedRequest[];
  /** Serves `image` at repository:tag (and by digest) honestly, unless a handler answers first. */
  serve(repository: string, tag: string, image: BuiltImage): void;
  /** Handlers are tried newest first. */
  on(handler: HostileHandler): void;
  close(): Promise<void>;
}

export interface HostileOptions {
  tls?: boolean;
  /** `Basic` or `Bearer`: ask for credentials on every request that has none. */
  challenge?: string;
}

export async function startHostileRegistry(opts: HostileOptions = {}): Promise<HostileRegistry> {
  const images = new Map<string, { manifest: Buffer; mediaType: string; digest: string }>();
  const blobs = new Map<string, Buffer>();
  const handlers: HostileHandler[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const honest = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (opts.challenge && !req.headers.authorization) {
      res.writeHead(401, { 'www-authenticate': opts.challenge, 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    if (url.pathname === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const [, repo, kind, ref] = m as unknown as [string, string, string, string];
      if (kind === 'manifests') {
        const image = images.get(`${repo}:${ref}`) ?? images.get(`${repo}@${ref}`);
        if (image) {
          res.writeHead(200, { 'content-type': image.mediaType, 'docker-content-digest': image.digest, 'content-length': String(image.manifest.length) });
          return void res.end(req.method === 'HEAD' ? undefined : image.manifest);
        }
      } else {
        const blob = blobs.get(ref);
        if (blob) {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'docker-content-digest': ref, 'content-length': String(blob.length) });
          return void res.end(req.method === 'HEAD' ? undefined : blob);
        }
      }
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
  };

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://hostile');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers });
    req.resume();
    try {
      for (const h of [...handlers].reverse()) if (await h(req, res, url)) return;
      honest(req, res, url);
    } catch {
      res.destroy();
    }
  };

  let server: Server;
  let caFile: string | undefined;
  let certDir: string | undefined;
  if (opts.tls) {
    const certs = await sharedCerts();
    caFile = certs.caFile;
    certDir = certs.certDir;
    // The whole chain, CA included, as a registry behind a corporate CA often sends it.
    server = createHttpsServer(
      { cert: Buffer.concat([readFileSync(certs.certFile), readFileSync(certs.caFile)]), key: readFileSync(certs.keyFile) },
      (req, res) => void listener(req, res),
    );
  } else {
    server = createHttpServer((req, res) => void listener(req, res));
  }
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `${opts.tls ? 'https' : 'http'}://${host}`,
    caFile,
    certDir,
    requests,
    serve(repository, tag, image) {
      const entry = { manifest: image.manifest, mediaType: image.manifestMediaType, digest: image.manifestDigest };
      images.set(`${repository}:${tag}`, entry);
      images.set(`${repository}@${image.manifestDigest}`, entry);
      for (const [digest, data] of image.blobs) blobs.set(digest, data);
    },
    on(handler) {
      handlers.push(handler);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
