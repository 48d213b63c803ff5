// Authorization as the real cluster decides it for the roles that matter here: ClusterRoles bound in a
// namespace by RoleBindings (the double's own rolebindings store, so grants made through the API take
// effect) or cluster-wide by ClusterRoleBindings. A refusal reads exactly like the apiserver's.
import { ApiError, qualified } from './status';

export interface Rule {
  groups: string[];
  resources: string[];
  verbs: string[];
}

const all = ['*'];
const read = ['get', 'list', 'watch'];
const write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const imageResources = [
  'imagestreams',
  'imagestreamtags',
  'imagestreamimages',
  'imagestreamimports',
  'imagestreammappings',
  'imagestreams/layers',
  'imagetags',
];
const workloads = ['secrets', 'serviceaccounts', 'configmaps', 'pods', 'services', 'routes', 'buildconfigs', 'deploymentconfigs'];

/** The ClusterRoles the double knows (a simplified but faithful subset of the real rules). */
export const clusterRoles: Record<string, Rule[]> = {
  'cluster-admin': [{ groups: all, resources: all, verbs: all }],
  admin: [{ groups: all, resources: all, verbs: all }],
  edit: [
    {
      groups: ['', 'image.openshift.io', 'route.openshift.io', 'apps.openshift.io', 'build.openshift.io'],
      resources: [...imageResources, ...workloads],
      verbs: [...read, ...write],
    },
    { groups: ['', 'project.openshift.io'], resources: ['namespaces', 'projects'], verbs: ['get'] },
  ],
  view: [
    {
      groups: ['', 'image.openshift.io', 'route.openshift.io', 'apps.openshift.io', 'build.openshift.io'],
      resources: [...imageResources, 'serviceaccounts', 'configmaps', 'pods', 'services', 'routes'],
      verbs: read,
    },
    { groups: ['', 'project.openshift.io'], resources: ['namespaces', 'projects'], verbs: ['get'] },
  ],
  'system:image-puller': [{ groups: ['image.openshift.io', ''], resources: ['imagestreams/layers'], verbs: ['get'] }],
  'system:image-pusher': [{ groups: ['image.openshift.io', ''], resources: ['imagestreams/layers'], verbs: ['get', 'update'] }],
  'registry-viewer': [
    {
      groups: ['image.openshift.io', ''],
      resources: ['imagestreams', 'imagestreamimages', 'imagestreamtags', 'imagestreammappings', 'imagestreams/layers', 'imagetags'],
      verbs: read,
    },
  ],
  'registry-editor': [
    {
      groups: ['image.openshift.io', ''],
      resources: ['imagestreams', 'imagestreamimages', 'imagestreamtags', 'imagestreammappings', 'imagestreams/layers', 'imagestreamimports', 'imagetags'],
      verbs: [...read, ...write],
    },
  ],
  'shared-resource-viewer': [
    {
      groups: ['image.openshift.io', ''],
      resources: ['imagestreams', 'imagestreamimages', 'imagestreamtags', 'imagestreams/layers', 'imagetags'],
      verbs: read,
    },
  ],
};

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface BindingLike {
  namespace?: string;
  role: string;
  subjects: { kind: string; name: string; namespace?: string }[];
}

function subjectMatches(s: BindingLike['subjects'][number], user: UserInfo, bindingNs: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${s.namespace ?? bindingNs ?? ''}:${s.name}`;
  return false;
}

function allows(rules: Rule[], verb: string, group: string, resource: string): boolean {
  return rules.some(
    (r) =>
      (r.groups.includes('*') || r.groups.includes(group)) &&
      (r.resources.includes('*') || r.resources.includes(resource)) &&
      (r.verbs.includes('*') || r.verbs.includes(verb)),
  );
}

/** True when any binding that holds the user (directly or by group) grants the verb. */
export function can(bindings: BindingLike[], user: UserInfo, verb: string, group: string, resource: string, namespace?: string): boolean {
  for (const b of bindings) {
    // ClusterRoleBindings (no namespace) apply everywhere; RoleBindings only in their namespace.
    if (b.namespace !== undefined && b.namespace !== namespace) continue;
    if (!b.subjects.some((s) => subjectMatches(s, user, b.namespace))) continue;
    const rules = clusterRoles[b.role];
    if (rules && allows(rules, verb, group, resource)) return true;
  }
  return false;
}

/** The apiserver's refusal: no name part for list/create, `at the cluster scope` for cluster resources. */
export function forbidden(user: string, verb: string, group: string, resource: string, name: string | undefined, namespace: string | undefined): ApiError {
  const named = name ? ` "${name}"` : '';
  const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const [base] = resource.split('/');
  return new ApiError(
    403,
    'Forbidden',
    `${qualified(resource, group)}${named} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${where}`,
    { ...(name ? { name } : {}), group, kind: base },
  );
}
