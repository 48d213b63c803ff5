// The OpenShift internal registry's image signature API, in front of a real Distribution 2.8 for tests:
// a small HTTP proxy that passes every registry request through and adds what OpenShift's registry adds.
// Written from OpenShift's documentation ("Accessing image signatures using registry API": PUT a JSON
// signature to `/extensions/v2/<namespace>/<name>/signatures/<digest>`, whose `name` is
// `<digest>@<32-character signature name>` and whose content follows containers/image's format; GET the
// same path to list them) and from the registry's own handler (openshift/image-registry,
// pkg/dockerregistry/server/signaturedispatcher.go), which the documentation's example abbreviates:
//  - every response carries `X-Registry-Supports-Signatures: 1` (the registry sets it on all of them);
//  - the JSON field for the version is `schemaVersion` (the page's example writes `version`; the server
//    and containers/image use `schemaVersion`), and only 2 is accepted: anything else is 400
//    SIGNATURE_INVALID "only schemaVersion=2 is currently supported";
//  - a PUT whose body is not JSON is 400 SIGNATURE_INVALID; an empty `type` becomes "AtomicImageV1";
//    `content` (base64 in JSON) must not be empty and `name` must be `<digest>@<32 characters>` naming an
//    image the registry has (else 400, or 404 for an unknown image), unique (else 409 SIGNATURE_EXISTS);
//    success is 201 Created with no body;
//  - GET answers 404 (no body) when the digest names no image, else 200
//    `{"signatures":[{"schemaVersion":2,"name":...,"type":...,"content":"<base64>"}]}` in
//    `application/json; charset=utf-8`; a GET or PUT without a digest is 400 NAME_INVALID;
//  - other methods on the path are 405.
// Plain HTTP on both sides; the registry's own auth is not in play (tests run it open).
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TestRegistry } from '../harness/registry';

export interface StoredImageSignature {
  name: string;
  type: string;
  content: Buffer;
}

export interface SignatureApiFront {
  host: string;
  port: number;
  /** Signatures by image digest, as the cluster's ImageSignature objects hold them. */
  readonly signatures: Map<string, StoredImageSignature[]>;
  /** Requests to the extensions path: method, path, status. */
  readonly log: { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

const SIGNATURE_PATH = /^\/extensions\/v2\/(?<name>.+?)\/signatures\/(?<digest>[^/]*)$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

function readAll(stream: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    stream.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) stream.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function errcode(res: ServerResponse, status: number, code: string, message: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-registry-supports-signatures': '1' });
  res.end(JSON.stringify({ errors: [{ code, message, detail }] }));
}

export async function startSignatureApiFront(upstream: TestRegistry): Promise<SignatureApiFront> {
  const signatures = new Map<string, StoredImageSignature[]>();
  const log: SignatureApiFront['log'] = [];
  const backend = new URL(upstream.url);

  /** Whether the registry holds the manifest `digest` in repository `name`. */
  const imageExists = (name: string, digest: string): Promise<boolean> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: backend.hostname, port: backend.port, method: 'HEAD', path: `/v2/${name}/manifests/${digest}`, headers: { accept: '*/*' } },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', reject);
      req.end();
    });

  const extension = async (req: IncomingMessage, res: ServerResponse, name: string, digest: string): Promise<number> => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'PUT') {
      res.writeHead(405, { allow: 'GET, PUT', 'x-registry-supports-signatures': '1' });
      res.end();
      return 405;
    }
    if (!digest) {
      errcode(res, 400, 'NAME_INVALID', 'invalid repository name', 'the image ID must be specified (sha256:<digest>');
      return 400;
    }
    if (method === 'GET') {
      if (!DIGEST.test(digest) || !(await imageExists(name, digest))) {
        res.writeHead(404, { 'x-registry-supports-signatures': '1' });
        res.end();
        return 404;
      }
      const list = (signatures.get(digest) ?? []).map((s) => ({ schemaVersion: 2, name: s.name, type: s.type, content: s.content.toString('base64') }));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-registry-supports-signatures': '1' });
      res.end(JSON.stringify({ signatures: list }));
      return 200;
    }
    const body = await readAll(req);
    let sig: { schemaVersion?: unknown; name?: unknown; type?: unknown; content?: unknown };
    try {
      sig = JSON.parse(body.toString('utf8')) as typeof sig;
      if (typeof sig !== 'object' || sig === null) throw new Error('not an object');
    } catch (err) {
      errcode(res, 400, 'SIGNATURE_INVALID', 'invalid image signature', (err as Error).message);
      return 400;
    }
    const type = typeof sig.type === 'string' && sig.type !== '' ? sig.type : 'AtomicImageV1';
    if (sig.schemaVersion !== 2) {
      errcode(res, 400, 'SIGNATURE_INVALID', 'invalid image signature', 'only schemaVersion=2 is currently supported');
      return 400;
    }
    const content = typeof sig.content === 'string' ? Buffer.from(sig.content, 'base64') : Buffer.alloc(0);
    const sigName = typeof sig.name === 'string' ? sig.name : '';
    const [imageName, signatureName, ...rest] = sigName.split('@');
    if (content.length === 0 || rest.length > 0 || !imageName || !signatureName || signatureName.length !== 32) {
      errcode(
        res,
        400,
        'SIGNATURE_INVALID',
        'invalid image signature',
        `ImageSignature "${sigName}" is invalid: name must be <imageName>@<signatureName> with a 32-character signature name, and content is required`,
      );
      return 400;
    }
    if (!DIGEST.test(imageName) || !(await imageExists(name, imageName))) {
      res.writeHead(404, { 'x-registry-supports-signatures': '1' });
      res.end();
      return 404;
    }
    const list = signatures.get(imageName) ?? [];
    if (list.some((s) => s.name === sigName)) {
      errcode(res, 409, 'SIGNATURE_EXISTS', 'image signature already exists', `imagesignatures.image.openshift.io "${sigName}" already exists`);
      return 409;
    }
    list.push({ name: sigName, type, content });
    signatures.set(imageName, list);
    res.writeHead(201, { 'x-registry-supports-signatures': '1' });
    res.end();
    return 201;
  };

  const proxy = (req: IncomingMessage, res: ServerResponse): void => {
    const up = httpRequest(
      { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: { ...req.headers, host: backend.host } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, { ...r.headers, 'x-registry-supports-signatures': '1' });
        r.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = SIGNATURE_PATH.exec(path);
    if (!m?.groups) return proxy(req, res);
    extension(req, res, m.groups.name as string, m.groups.digest as string).then(
      (status) => log.push({ method: req.method ?? '', path, status }),
      () => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    signatures,
    log,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
