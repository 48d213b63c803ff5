// Registry access grants as `oc policy add-role-to-user/-group` and `remove-role-from-*` make them:
// RoleBindings to a ClusterRole, named after the role (`system:image-puller`, then `-0`, `-1`, ... when
// taken), idempotent (a subject already bound keeps its binding), removal by rewriting or deleting bindings.
import { UsageError } from '../errors';
import type { OpenShiftClient } from './api';
import { seg } from './api';
import type { ListOf, RoleBinding, Subject } from './types';

/** The roles that decide who may pull from and push to a project's image streams. */
export const registryRoles = ['system:image-puller', 'system:image-pusher', 'registry-viewer', 'registry-editor'] as const;

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

const rbacGroup = 'rbac.authorization.k8s.io';

function bindingsPath(namespace: string, name?: string): string {
  return `/apis/rbac.authorization.k8s.io/v1/namespaces/${seg(namespace)}/rolebindings${name === undefined ? '' : `/${seg(name)}`}`;
}

/**
 * A subject from what a user types: `alice` (User), a group with kind Group, `system:serviceaccount:NS:NAME`
 * or `NAME` with kind ServiceAccount (in `namespace`).
 */
export function parseSubject(name: string, kind: SubjectKind = 'User', namespace?: string): Subject {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (sa) return { kind: 'ServiceAccount', name: sa[2] as string, namespace: sa[1] as string };
  if (!name) throw new UsageError('a user, group or service account name is needed');
  if (kind === 'ServiceAccount') {
    if (!namespace) throw new UsageError(`service account "${name}" needs a namespace`);
    return { kind, name, namespace };
  }
  return { kind, apiGroup: rbacGroup, name };
}

/** How oc shows a subject: `alice`, `group:devs`, `system:serviceaccount:ns:builder`. */
export function subjectLabel(s: Subject): string {
  if (s.kind === 'ServiceAccount') return `system:serviceaccount:${s.namespace ?? ''}:${s.name}`;
  return s.kind === 'Group' ? `group:${s.name}` : s.name;
}

function sameSubject(a: Subject, b: Subject, bindingNs: string): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false;
  if (a.kind === 'ServiceAccount') return (a.namespace || bindingNs) === (b.namespace || bindingNs);
  return true;
}

export interface RoleGrant {
  binding: string;
  role: string;
  subjects: Subject[];
}

export async function listRoleBindings(client: OpenShiftClient, namespace: string): Promise<RoleBinding[]> {
  const list = await client.get<ListOf<RoleBinding>>(bindingsPath(namespace));
  return list.items ?? [];
}

/** The project's bindings of the registry roles (for a "Registry access" node). */
export async function listRegistryGrants(client: OpenShiftClient, namespace: string): Promise<RoleGrant[]> {
  const roles = new Set<string>(registryRoles);
  return (await listRoleBindings(client, namespace))
    .filter((b) => b.roleRef.kind === 'ClusterRole' && roles.has(b.roleRef.name))
    .map((b) => ({ binding: b.metadata.name, role: b.roleRef.name, subjects: b.subjects ?? [] }))
    .sort((a, b) => (a.binding < b.binding ? -1 : a.binding > b.binding ? 1 : 0));
}

export interface GrantResult {
  /** The binding that holds the subject now. */
  binding: string;
  /** False when the subject already had the role (nothing was sent). */
  changed: boolean;
}

/** `oc policy add-role-to-user ROLE SUBJECT -n NS` (ClusterRole), idempotent. */
export async function grantRole(client: OpenShiftClient, namespace: string, role: string, subject: Subject): Promise<GrantResult> {
  const bindings = await listRoleBindings(client, namespace);
  const ofRole = bindings.filter((b) => b.roleRef.kind === 'ClusterRole' && b.roleRef.name === role);
  for (const b of ofRole) {
    if ((b.subjects ?? []).some((s) => sameSubject(s, subject, namespace))) return { binding: b.metadata.name, changed: false };
  }
  const taken = new Set(bindings.map((b) => b.metadata.name));
  let name = role;
  for (let i = 0; taken.has(name); i++) name = `${role}-${i}`;
  const body: RoleBinding = {
    kind: 'RoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name, namespace },
    subjects: [subject],
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
  };
  await client.post<RoleBinding>(bindingsPath(namespace), body);
  return { binding: name, changed: true };
}

export interface RevokeResult {
  /** Bindings rewritten without the subject. */
  updated: string[];
  /** Bindings deleted because the subject was their last one. */
  deleted: string[];
}

/** `oc policy remove-role-from-user ROLE SUBJECT -n NS`: every binding of the role loses the subject. */
export async function revokeRole(client: OpenShiftClient, namespace: string, role: string, subject: Subject): Promise<RevokeResult> {
  const result: RevokeResult = { updated: [], deleted: [] };
  for (const b of await listRoleBindings(client, namespace)) {
    if (b.roleRef.kind !== 'ClusterRole' || b.roleRef.name !== role) continue;
    const subjects = b.subjects ?? [];
    const rest = subjects.filter((s) => !sameSubject(s, subject, namespace));
    if (rest.length === subjects.length) continue;
    if (rest.length === 0) {
      await client.delete(bindingsPath(namespace, b.metadata.name));
      result.deleted.push(b.metadata.name);
    } else {
      // PUT the object as read, resourceVersion included, so a concurrent change answers 409.
      await client.put<RoleBinding>(bindingsPath(namespace, b.metadata.name), { ...b, subjects: rest });
      result.updated.push(b.metadata.name);
    }
  }
  if (result.updated.length === 0 && result.deleted.length === 0) {
    throw new UsageError(`${subjectLabel(subject)} does not have the role "${role}" in project "${namespace}"`);
  }
  return result;
}
