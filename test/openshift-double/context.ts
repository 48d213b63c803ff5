// What every handler of the double gets: the caller (from the bearer token), the request, the cluster
// state, and `authorize`, which refuses with the apiserver's exact 403.
import type { IncomingHttpHeaders } from 'node:http';
import type { Importer } from './importer';
import { can, forbidden } from './rbac';
import type { DoubleState } from './state';
import { badRequest } from './status';

export interface DoubleOptions {
  /** Serve HTTPS with the harness test CA (default true); false serves plain HTTP. */
  tls?: boolean;
  /** Answer 404 on the project API, as plain Kubernetes does (to exercise the namespaces fallback). */
  projectApi?: boolean;
  /** False: discovery of the *.openshift.io groups answers 404, as a plain Kubernetes server does. */
  openshiftApis?: boolean;
  /** Answer 404 on selfsubjectreviews, as clusters before Kubernetes 1.28 do. */
  selfSubjectReview?: boolean;
  /** Let every authenticated user read config.openshift.io images/cluster (default: cluster-admin only). */
  imageConfigReadable?: boolean;
  /** The cluster's apps domain (route hosts), default `apps-crc.testing`. */
  appsDomain?: string;
  /**
   * The host the registry's default route gets once exposed (default `default-route-openshift-image-registry.<appsDomain>`):
   * point it at a real test registry (`127.0.0.1:PORT`) to let that registry stand in for the internal one.
   */
  registryRouteHost?: string;
  /** Serve authorize/token from a second HTTPS server with its own CA, as a real cluster's OAuth route. */
  separateOAuthServer?: boolean;
  /** Extra tokens the cluster accepts, token -> user (e.g. one a test registry was told to accept first). */
  tokens?: Record<string, string>;
  /** PEM CA the cluster trusts for registries it imports from (e.g. the harness CA). */
  registryCaPem?: string;
}

export interface Ctx {
  state: DoubleState;
  options: DoubleOptions;
  importer: Importer;
  /** `https://127.0.0.1:PORT` of the server answering this request. */
  baseUrl: string;
  /** The OAuth server's origin (the API server's own unless separateOAuthServer). */
  oauthUrl: string;
  user: string;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T>(): T;
  /** Throws the apiserver's 403 unless the caller may do this. */
  authorize(verb: string, group: string, resource: string, name: string | undefined, namespace: string | undefined): void;
  allowed(verb: string, group: string, resource: string, namespace: string | undefined): boolean;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

export interface RouteDef {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Served without a token (OAuth discovery and endpoints). */
  anonymous?: boolean;
}

export function makeCtx(base: Omit<Ctx, 'json' | 'authorize' | 'allowed'>): Ctx {
  const ctx: Ctx = {
    ...base,
    json<T>(): T {
      try {
        return JSON.parse(base.body.toString('utf8')) as T;
      } catch (e) {
        throw badRequest(
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${(e as Error).message})`,
        );
      }
    },
    allowed(verb, group, resource, namespace) {
      return can(base.state.bindings(), base.state.userInfo(base.user), verb, group, resource, namespace);
    },
    authorize(verb, group, resource, name, namespace) {
      if (!ctx.allowed(verb, group, resource, namespace)) throw forbidden(base.user, verb, group, resource, name, namespace);
    },
  };
  return ctx;
}

/** GET on a collection is `list`, on a name `get`; the rest map one to one. */
export function verbOf(method: string, named: boolean): string {
  switch (method) {
    case 'GET':
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

export function list(kind: string, apiVersion: string, items: unknown[], resourceVersion: string): Reply {
  return { status: 200, body: { kind, apiVersion, metadata: { resourceVersion }, items } };
}
