// A faithful OpenShift API double: a real HTTPS server on 127.0.0.1:<free port> (certificate from the
// harness test CA, so clients exercise CA verification) that answers the calls in openshift-api.md
// with the real status codes and Status messages. Tests inspect `double.state` (or GET /_double/state).
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeCerts, sharedCerts } from '../harness/certs';
import type { TestCerts } from '../harness/certs';
import type { DoubleOptions, RouteDef } from './context';
import { makeCtx } from './context';
import { Importer } from './importer';
import { oauthRoutes } from './oauth';
import { clusterRoutes } from './routes-cluster';
import { coreRoutes } from './routes-core';
import { imageRoutes, runScheduledImports } from './routes-image';
import { DoubleState } from './state';
import { ApiError, pathNotFound, unauthorized } from './status';

export interface RequestRecord {
  method: string;
  path: string;
  user: string;
  status: number;
}

export interface OpenShiftDouble {
  /** `https://127.0.0.1:PORT`: the server URL for a kubeconfig. */
  url: string;
  host: string;
  /** Where the OAuth server answers: the API server itself, or its own origin with `separateOAuthServer`. */
  oauthUrl: string;
  /** The OAuth server's own CA (only with `separateOAuthServer`). */
  oauthCaPem?: string;
  /** PEM of the CA that signed the server certificate (undefined without TLS). */
  caPem?: string;
  caFile?: string;
  certs?: TestCerts;
  state: DoubleState;
  /** Every API request answered, in order (no bodies, no tokens). */
  requests: RequestRecord[];
  /** A fresh token for a user (created when unknown). */
  tokenFor(user: string): string;
  /** Runs the scheduled-import controller once (the real one runs every 15 minutes); returns `ns/is:tag` moved. */
  runScheduledImports(): Promise<string[]>;
  /**
   * Writes a kubeconfig for `user` as `oc login` would have (CA data, token, context `<ns>/<cluster>/<user>`,
   * current) and returns its context name: what an extension or CLI test points KUBECONFIG at.
   */
  /** A kubeconfig as `oc login` writes it; `token` (one the cluster accepts, e.g. from `tokens`) instead of a fresh one. */
  writeKubeconfig(file: string, user: string, namespace?: string, token?: string): string;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void, certs: TestCerts | undefined): Promise<{ server: Server; host: string }> {
  const server: Server = certs
    ? createHttpsServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile), ca: readFileSync(certs.caFile) }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startOpenShiftDouble(options: DoubleOptions = {}): Promise<OpenShiftDouble> {
  const tls = options.tls !== false;
  const certs = tls ? await sharedCerts() : undefined;
  // A separate OAuth server has its own CA, as the OAuth route's ingress certificate does on a real cluster.
  const oauthCerts = options.separateOAuthServer ? await makeCerts() : undefined;
  const state = new DoubleState(options.appsDomain ?? 'apps-crc.testing', options.registryRouteHost);
  state.seed();
  for (const [token, user] of Object.entries(options.tokens ?? {})) {
    if (!state.users.has(user)) state.addUser(user);
    state.tokens.set(token, user);
  }
  const importer = new Importer({ caPem: options.registryCaPem ?? (certs ? readFileSync(certs.caFile, 'utf8') : undefined) });
  const oauth = oauthRoutes();
  const apiRoutes: RouteDef[] = [
    ...(options.separateOAuthServer ? oauth.filter((r) => r.pattern.source.includes('well-known')) : oauth),
    ...coreRoutes(),
    ...imageRoutes(),
    ...clusterRoutes(),
  ];
  const requests: RequestRecord[] = [];
  const urls = { api: '', oauth: '' };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', ...headers });
    res.end(text);
  };

  const handle = async (routes: RouteDef[], baseUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const body = await readBody(req);
    if (path === '/_double/state' && method === 'GET') {
      return send(res, 200, inspect(state));
    }
    const auth = String(req.headers.authorization ?? '');
    let user = 'system:anonymous';
    let status = 500;
    try {
      const route = routes.find((r) => r.method === method && r.pattern.test(path));
      if (!route?.anonymous && auth) {
        const token = auth.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : '';
        const who = state.tokens.get(token);
        if (!who) throw unauthorized();
        user = who;
      }
      if (!route) throw pathNotFound();
      const m = route.pattern.exec(path);
      const ctx = makeCtx({
        state,
        options,
        importer,
        baseUrl,
        oauthUrl: urls.oauth,
        user,
        method,
        path,
        params: { ...(m?.groups ?? {}) },
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      const reply = await route.handler(ctx);
      status = reply.status;
      if (reply.text !== undefined) {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.text);
      } else send(res, reply.status, reply.body, reply.headers);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
      status = err.code;
      send(res, err.code, err.body());
    } finally {
      if (!path.startsWith('/_double/')) requests.push({ method, path, user, status });
    }
  };

  const listener =
    (routes: RouteDef[], which: 'api' | 'oauth') =>
    (req: IncomingMessage, res: ServerResponse): void => {
      handle(routes, urls[which], req, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, 500, new ApiError(500, 'InternalError', String(e)).body());
      });
    };
  const api = await listen(listener(apiRoutes, 'api'), certs);
  const servers = [api.server];
  const host = api.host;
  const baseUrl = `${tls ? 'https' : 'http'}://${host}`;
  urls.api = baseUrl;
  urls.oauth = baseUrl;
  if (oauthCerts) {
    const o = await listen(
      listener(
        oauth.filter((r) => !r.pattern.source.includes('well-known')),
        'oauth',
      ),
      oauthCerts,
    );
    servers.push(o.server);
    urls.oauth = `https://${o.host}`;
  }
  return {
    url: baseUrl,
    host,
    oauthUrl: urls.oauth,
    oauthCaPem: oauthCerts ? readFileSync(oauthCerts.caFile, 'utf8') : undefined,
    caPem: certs ? readFileSync(certs.caFile, 'utf8') : undefined,
    caFile: certs?.caFile,
    certs,
    state,
    requests,
    tokenFor(user: string): string {
      if (!state.users.has(user)) state.addUser(user);
      return state.issueToken(user);
    },
    runScheduledImports: () => runScheduledImports(state, importer),
    writeKubeconfig(file: string, user: string, namespace = 'myproject', given?: string): string {
      if (!state.users.has(user)) state.addUser(user);
      const token = given ?? state.issueToken(user);
      const cluster = host.replace(/\./g, '-');
      const context = `${namespace}/${cluster}/${user}`;
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        preferences: {},
        'current-context': context,
        clusters: [
          { name: cluster, cluster: { server: baseUrl, ...(certs ? { 'certificate-authority-data': readFileSync(certs.caFile).toString('base64') } : {}) } },
        ],
        users: [{ name: `${user}/${cluster}`, user: { token } }],
        contexts: [{ name: context, context: { cluster, namespace, user: `${user}/${cluster}` } }],
      };
      // JSON is YAML: kubeconfig readers (client-go, ours) accept it as is.
      writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
      return context;
    },
    async stop(): Promise<void> {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      await importer.close();
    },
  };
}

/** The state as JSON for tests outside this process (GET /_double/state). */
function inspect(state: DoubleState): unknown {
  const values = <T>(m: Map<string, T>): T[] => [...m.values()];
  return {
    namespaces: [...state.namespaces.keys()],
    imagestreams: values(state.imagestreams),
    rolebindings: values(state.rolebindings),
    secrets: values(state.secrets),
    serviceaccounts: values(state.serviceaccounts),
    routes: values(state.routes),
    registryConfig: state.registryConfig,
  };
}
