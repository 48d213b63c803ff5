// The internal registry's configuration (cluster-admin only), its default route and the cluster image config.
import type { Ctx, RouteDef } from './context';
import { forbidden } from './rbac';
import { badRequest, notFound } from './status';

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const cur = target[k];
      const next = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : {};
      mergePatch(next, v as Record<string, unknown>);
      target[k] = next;
    } else target[k] = v;
  }
}

export function clusterRoutes(): RouteDef[] {
  const registryGroup = 'imageregistry.operator.openshift.io';
  return [
    {
      method: 'GET',
      pattern: /^\/apis\/imageregistry\.operator\.openshift\.io\/v1\/configs\/cluster$/,
      handler: (ctx) => {
        ctx.authorize('get', registryGroup, 'configs', 'cluster', undefined);
        return { status: 200, body: { kind: 'Config', apiVersion: `${registryGroup}/v1`, ...ctx.state.registryConfig } };
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/apis\/imageregistry\.operator\.openshift\.io\/v1\/configs\/cluster$/,
      handler: (ctx: Ctx) => {
        ctx.authorize('patch', registryGroup, 'configs', 'cluster', undefined);
        const type = String(ctx.headers['content-type'] ?? '').split(';')[0];
        if (type !== 'application/merge-patch+json' && type !== 'application/json-patch+json' && type !== 'application/strategic-merge-patch+json') {
          return {
            status: 415,
            body: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
              reason: 'UnsupportedMediaType',
              code: 415,
            },
          };
        }
        if (type !== 'application/merge-patch+json') throw badRequest('the double only implements merge patches');
        mergePatch(ctx.state.registryConfig as unknown as Record<string, unknown>, ctx.json<Record<string, unknown>>());
        ctx.state.registryConfig.metadata.resourceVersion = ctx.state.nextResourceVersion();
        // The operator creates (or removes) the default route as soon as the config changes.
        ctx.state.reconcileRegistryRoute();
        return { status: 200, body: { kind: 'Config', apiVersion: `${registryGroup}/v1`, ...ctx.state.registryConfig } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apis\/route\.openshift\.io\/v1\/namespaces\/(?<ns>[^/]+)\/routes\/(?<name>[^/]+)$/,
      handler: (ctx) => {
        ctx.authorize('get', 'route.openshift.io', 'routes', ctx.params.name, ctx.params.ns);
        const r = ctx.state.routes.get(`${ctx.params.ns}/${ctx.params.name}`);
        if (!r) throw notFound('routes', 'route.openshift.io', ctx.params.name as string);
        return { status: 200, body: { kind: 'Route', apiVersion: 'route.openshift.io/v1', ...r } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apis\/config\.openshift\.io\/v1\/images\/cluster$/,
      handler: (ctx) => {
        if (!ctx.options.imageConfigReadable || ctx.user === 'system:anonymous') {
          if (!ctx.allowed('get', 'config.openshift.io', 'images', undefined))
            throw forbidden(ctx.user, 'get', 'config.openshift.io', 'images', 'cluster', undefined);
        }
        return { status: 200, body: { kind: 'Image', apiVersion: 'config.openshift.io/v1', ...ctx.state.imageConfig } };
      },
    },
  ];
}
