// Who-am-I, projects and namespaces, secrets, service accounts and role bindings.
import type { RoleBinding, Secret, ServiceAccount } from '../../src/core/openshift/types';
import type { Ctx, Reply, RouteDef } from './context';
import { list, verbOf } from './context';
import { forbidden } from './rbac';
import { alreadyExists, conflict, invalid, notFound, pathNotFound, success } from './status';

const ns = '(?<ns>[^/]+)';
const name = '(?<name>[^/]+)';

function requireNamespace(ctx: Ctx, namespace: string): void {
  if (!ctx.state.namespaces.has(namespace)) throw notFound('namespaces', '', namespace);
}

/** Shared create/replace rules: AlreadyExists on POST, Conflict on a stale resourceVersion, a new one on every write. */
function stored<T extends { metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; creationTimestamp?: string } }>(
  ctx: Ctx,
  map: Map<string, T>,
  resource: string,
  group: string,
  namespace: string,
  incoming: T,
  existingName?: string,
): Reply {
  const objName = existingName ?? incoming.metadata?.name;
  if (!objName) throw invalid(resource, group, '', 'metadata.name', 'Required value: name or generateName is required');
  const k = `${namespace}/${objName}`;
  const existing = map.get(k);
  if (ctx.method === 'POST' && existing) throw alreadyExists(resource, group, objName);
  if (ctx.method === 'PUT') {
    if (!existing) throw notFound(resource, group, objName);
    const rv = incoming.metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(resource, group, objName);
  }
  const meta = existing ? { ...existing.metadata, ...incoming.metadata } : ctx.state.meta(objName, namespace, incoming.metadata);
  meta.name = objName;
  meta.namespace = namespace;
  meta.resourceVersion = ctx.state.nextResourceVersion();
  if (existing) {
    meta.uid = existing.metadata.uid;
    meta.creationTimestamp = existing.metadata.creationTimestamp;
  }
  const obj = { ...incoming, metadata: meta } as T;
  map.set(k, obj);
  return { status: existing ? 200 : 201, body: obj };
}

function namespacedCrud<T extends { metadata: { name: string; resourceVersion?: string } }>(
  prefix: string,
  resource: string,
  group: string,
  kind: string,
  apiVersion: string,
  map: (ctx: Ctx) => Map<string, T>,
  validate?: (ctx: Ctx, obj: T, existing: T | undefined) => void,
): RouteDef[] {
  const collection = new RegExp(`^${prefix}/namespaces/${ns}/${resource}$`);
  const item = new RegExp(`^${prefix}/namespaces/${ns}/${resource}/${name}$`);
  const listH = (ctx: Ctx): Reply => {
    ctx.authorize('list', group, resource, undefined, ctx.params.ns);
    const items = [...map(ctx).entries()].filter(([k]) => k.startsWith(`${ctx.params.ns}/`)).map(([, v]) => v);
    return list(`${kind}List`, apiVersion, items, ctx.state.nextResourceVersion());
  };
  const write = (ctx: Ctx): Reply => {
    const namespace = ctx.params.ns as string;
    ctx.authorize(verbOf(ctx.method, ctx.method !== 'POST'), group, resource, ctx.params.name, namespace);
    requireNamespace(ctx, namespace);
    const obj = ctx.json<T>();
    const existing = ctx.params.name ? map(ctx).get(`${namespace}/${ctx.params.name}`) : undefined;
    validate?.(ctx, obj, existing);
    return stored(ctx, map(ctx), resource, group, namespace, { kind, apiVersion, ...obj }, ctx.params.name);
  };
  return [
    { method: 'GET', pattern: collection, handler: listH },
    { method: 'POST', pattern: collection, handler: write },
    {
      method: 'GET',
      pattern: item,
      handler: (ctx) => {
        ctx.authorize('get', group, resource, ctx.params.name, ctx.params.ns);
        const obj = map(ctx).get(`${ctx.params.ns}/${ctx.params.name}`);
        if (!obj) throw notFound(resource, group, ctx.params.name as string);
        return { status: 200, body: obj };
      },
    },
    { method: 'PUT', pattern: item, handler: write },
    {
      method: 'DELETE',
      pattern: item,
      handler: (ctx) => {
        ctx.authorize('delete', group, resource, ctx.params.name, ctx.params.ns);
        const k = `${ctx.params.ns}/${ctx.params.name}`;
        if (!map(ctx).has(k)) throw notFound(resource, group, ctx.params.name as string);
        map(ctx).delete(k);
        return { status: 200, body: success(resource, group, ctx.params.name as string) };
      },
    },
  ];
}

function validateSecret(_ctx: Ctx, s: Secret): void {
  if (s.type !== 'kubernetes.io/dockerconfigjson') return;
  const data = s.data?.['.dockerconfigjson'];
  if (!data) throw invalid('Secret', '', s.metadata?.name ?? '', 'data[.dockerconfigjson]', 'Required value');
  try {
    JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch (e) {
    throw invalid('Secret', '', s.metadata?.name ?? '', 'data[.dockerconfigjson]', `Invalid value: "<secret contents redacted>": ${(e as Error).message}`);
  }
}

function validateBinding(_ctx: Ctx, rb: RoleBinding, existing: RoleBinding | undefined): void {
  if (!rb.roleRef?.name) throw invalid('RoleBinding', 'rbac.authorization.k8s.io', rb.metadata?.name ?? '', 'roleRef.name', 'Required value');
  if (existing && (existing.roleRef.name !== rb.roleRef.name || existing.roleRef.kind !== rb.roleRef.kind)) {
    throw invalid(
      'RoleBinding',
      'rbac.authorization.k8s.io',
      existing.metadata.name,
      'roleRef',
      `Invalid value: ${JSON.stringify(rb.roleRef)}: cannot change roleRef`,
    );
  }
  for (const s of rb.subjects ?? []) {
    if (s.kind === 'ServiceAccount' && s.apiGroup)
      throw invalid(
        'RoleBinding',
        'rbac.authorization.k8s.io',
        rb.metadata?.name ?? '',
        'subjects[0].apiGroup',
        `Unsupported value: "${s.apiGroup}": supported values: ""`,
      );
  }
}

const discovery: Record<string, string[]> = {
  'image.openshift.io': ['imagestreams', 'imagestreamtags', 'imagestreamimages', 'imagestreamimports'],
  'project.openshift.io': ['projects'],
  'user.openshift.io': ['users'],
  'route.openshift.io': ['routes'],
};

export function coreRoutes(): RouteDef[] {
  return [
    {
      method: 'GET',
      pattern: /^\/apis\/(?<group>[^/]+)\/v1$/,
      handler: (ctx) => {
        const g = ctx.params.group as string;
        const resources = discovery[g];
        if (!resources || ctx.options.openshiftApis === false || (g === 'project.openshift.io' && ctx.options.projectApi === false)) throw pathNotFound();
        return {
          status: 200,
          body: {
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: `${g}/v1`,
            resources: resources.map((name) => ({ name, namespaced: name !== 'users' && name !== 'projects', kind: name })),
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: /^\/apis\/authentication\.k8s\.io\/v1\/selfsubjectreviews$/,
      handler: (ctx) => {
        if (ctx.options.selfSubjectReview === false) throw pathNotFound();
        const info = ctx.state.userInfo(ctx.user);
        const uid = ctx.state.users.get(ctx.user)?.uid;
        return {
          status: 201,
          body: {
            kind: 'SelfSubjectReview',
            apiVersion: 'authentication.k8s.io/v1',
            metadata: { creationTimestamp: null },
            status: { userInfo: { username: info.name, ...(uid ? { uid } : {}), groups: info.groups } },
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apis\/user\.openshift\.io\/v1\/users\/~$/,
      handler: (ctx) => {
        if (ctx.user === 'system:anonymous') throw forbidden(ctx.user, 'get', 'user.openshift.io', 'users', '~', undefined);
        const u = ctx.state.users.get(ctx.user);
        return {
          status: 200,
          body: {
            kind: 'User',
            apiVersion: 'user.openshift.io/v1',
            metadata: { name: ctx.user, uid: u?.uid },
            identities: [`htpasswd_provider:${ctx.user}`],
            groups: u?.groups ?? [],
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: /^\/apis\/project\.openshift\.io\/v1\/projects$/,
      handler: (ctx) => {
        if (ctx.options.projectApi === false) throw pathNotFound();
        if (ctx.user === 'system:anonymous') throw forbidden(ctx.user, 'list', 'project.openshift.io', 'projects', undefined, undefined);
        // Only the projects the caller may see, as the project API filters them.
        const items = [...ctx.state.namespaces.values()]
          .filter((n) => ctx.allowed('get', '', 'namespaces', n.metadata.name))
          .map((n) => ({
            kind: 'Project',
            apiVersion: 'project.openshift.io/v1',
            metadata: n.metadata,
            spec: { finalizers: ['kubernetes'] },
            status: n.status,
          }));
        return list('ProjectList', 'project.openshift.io/v1', items, ctx.state.nextResourceVersion());
      },
    },
    {
      method: 'GET',
      pattern: /^\/apis\/project\.openshift\.io\/v1\/projects\/(?<name>[^/]+)$/,
      handler: (ctx) => {
        if (ctx.options.projectApi === false) throw pathNotFound();
        const n = ctx.state.namespaces.get(ctx.params.name as string);
        // A project the caller may not see reads as forbidden, whether or not it exists.
        if (!ctx.allowed('get', '', 'namespaces', ctx.params.name))
          throw forbidden(ctx.user, 'get', 'project.openshift.io', 'projects', ctx.params.name, ctx.params.name);
        if (!n) throw notFound('projects', 'project.openshift.io', ctx.params.name as string);
        return { status: 200, body: { kind: 'Project', apiVersion: 'project.openshift.io/v1', metadata: n.metadata, status: n.status } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/namespaces$/,
      handler: (ctx) => {
        ctx.authorize('list', '', 'namespaces', undefined, undefined);
        const items = [...ctx.state.namespaces.values()].map((n) => ({ kind: 'Namespace', apiVersion: 'v1', ...n }));
        return list('NamespaceList', 'v1', items, ctx.state.nextResourceVersion());
      },
    },
    ...namespacedCrud<Secret>('/api/v1', 'secrets', '', 'Secret', 'v1', (ctx) => ctx.state.secrets, validateSecret),
    ...namespacedCrud<ServiceAccount>('/api/v1', 'serviceaccounts', '', 'ServiceAccount', 'v1', (ctx) => ctx.state.serviceaccounts),
    ...namespacedCrud<RoleBinding>(
      '/apis/rbac.authorization.k8s.io/v1',
      'rolebindings',
      'rbac.authorization.k8s.io',
      'RoleBinding',
      'rbac.authorization.k8s.io/v1',
      (ctx) => ctx.state.rolebindings,
      validateBinding,
    ),
  ];
}
