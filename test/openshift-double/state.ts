// The double's cluster: every object it serves, seeded from the captured fixtures, plus users, tokens
// and OAuth codes. Tests read it (double.state) to check what a call created.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageStream, NamedTagEventList, ObjectMeta, RoleBinding, Route, Secret, ServiceAccount } from '../../src/core/openshift/types';
import type { BindingLike, UserInfo } from './rbac';

export const fixturesDir = join(__dirname, '..', '..', '..', 'test', 'openshift-double', 'fixtures');

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')) as T;
}

export interface DoubleUser {
  name: string;
  uid: string;
  password?: string;
  groups: string[];
}

export interface Namespace {
  metadata: ObjectMeta;
  status: { phase: string };
}

export interface OAuthCode {
  user: string;
  challenge: string;
  method: string;
  redirectUri: string;
  used: boolean;
}

export interface ImageConfigObject {
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  status: { internalRegistryHostname: string; externalRegistryHostnames?: string[] };
}

export interface RegistryConfigObject {
  metadata: ObjectMeta;
  spec: { defaultRoute?: boolean; managementState?: string; [k: string]: unknown };
  status: Record<string, unknown>;
}

export const internalRegistryHostname = 'image-registry.openshift-image-registry.svc:5000';

const key = (ns: string, name: string): string => `${ns}/${name}`;

export class DoubleState {
  private rv = 20000;
  readonly users = new Map<string, DoubleUser>();
  /** token -> user name. */
  readonly tokens = new Map<string, string>();
  readonly namespaces = new Map<string, Namespace>();
  readonly imagestreams = new Map<string, ImageStream>();
  readonly rolebindings = new Map<string, RoleBinding>();
  /** Cluster-wide grants (ClusterRoleBindings), e.g. cluster-admin for kubeadmin. */
  readonly clusterBindings: BindingLike[] = [];
  readonly secrets = new Map<string, Secret>();
  readonly serviceaccounts = new Map<string, ServiceAccount>();
  readonly routes = new Map<string, Route>();
  readonly oauthCodes = new Map<string, OAuthCode>();
  registryConfig: RegistryConfigObject;
  imageConfig: ImageConfigObject;

  constructor(
    readonly appsDomain: string,
    readonly registryRouteHost?: string,
  ) {
    this.registryConfig = { metadata: this.meta('cluster'), spec: { managementState: 'Managed', defaultRoute: false }, status: {} };
    this.imageConfig = { metadata: this.meta('cluster'), spec: {}, status: { internalRegistryHostname } };
  }

  nextResourceVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  meta(name: string, namespace?: string, extra: Partial<ObjectMeta> = {}): ObjectMeta {
    return {
      name,
      ...(namespace ? { namespace } : {}),
      uid: randomUUID(),
      resourceVersion: this.nextResourceVersion(),
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ...extra,
    };
  }

  // --- users and grants -------------------------------------------------------------------------

  addUser(name: string, opts: { password?: string; token?: string; groups?: string[] } = {}): string {
    this.users.set(name, { name, uid: randomUUID(), password: opts.password, groups: opts.groups ?? [] });
    const token = opts.token ?? `sha256~${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, name);
    return token;
  }

  issueToken(user: string): string {
    const token = `sha256~${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, user);
    return token;
  }

  userInfo(name: string): UserInfo {
    const u = this.users.get(name);
    const groups = name === 'system:anonymous' ? ['system:unauthenticated'] : [...(u?.groups ?? []), 'system:authenticated:oauth', 'system:authenticated'];
    return { name, groups };
  }

  /** Every grant that applies anywhere: RoleBindings from the store plus ClusterRoleBindings. */
  bindings(): BindingLike[] {
    const out: BindingLike[] = [...this.clusterBindings];
    for (const rb of this.rolebindings.values()) {
      out.push({ namespace: rb.metadata.namespace, role: rb.roleRef.name, subjects: rb.subjects ?? [] });
    }
    return out;
  }

  grantClusterRole(role: string, user: string): void {
    this.clusterBindings.push({ role, subjects: [{ kind: 'User', name: user }] });
  }

  /** A RoleBinding as `oc policy add-role-to-user` names it. */
  bind(namespace: string, role: string, subject: { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string }, name = role): RoleBinding {
    const rb: RoleBinding = {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: this.meta(name, namespace),
      subjects: [subject.kind === 'ServiceAccount' ? subject : { ...subject, apiGroup: 'rbac.authorization.k8s.io' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    };
    this.rolebindings.set(key(namespace, name), rb);
    return rb;
  }

  // --- namespaces and their default objects -------------------------------------------------------

  addProject(name: string, opts: { displayName?: string; admin?: string } = {}): Namespace {
    const ns: Namespace = {
      metadata: this.meta(name, undefined, opts.displayName ? { annotations: { 'openshift.io/display-name': opts.displayName } } : {}),
      status: { phase: 'Active' },
    };
    this.namespaces.set(name, ns);
    for (const sa of ['builder', 'default', 'deployer']) {
      this.serviceaccounts.set(key(name, sa), {
        kind: 'ServiceAccount',
        apiVersion: 'v1',
        metadata: this.meta(sa, name),
        secrets: [{ name: `${sa}-dockercfg-x7k2p` }],
        imagePullSecrets: [{ name: `${sa}-dockercfg-x7k2p` }],
      });
    }
    if (opts.admin) this.bind(name, 'admin', { kind: 'User', name: opts.admin });
    return ns;
  }

  // --- lookups used by handlers and by tests ------------------------------------------------------

  imageStream(ns: string, name: string): ImageStream | undefined {
    return this.imagestreams.get(key(ns, name));
  }
  putImageStream(is: ImageStream): void {
    this.imagestreams.set(key(is.metadata.namespace as string, is.metadata.name), is);
  }
  roleBinding(ns: string, name: string): RoleBinding | undefined {
    return this.rolebindings.get(key(ns, name));
  }
  secret(ns: string, name: string): Secret | undefined {
    return this.secrets.get(key(ns, name));
  }
  serviceAccount(ns: string, name: string): ServiceAccount | undefined {
    return this.serviceaccounts.get(key(ns, name));
  }
  /** The status tag of a stream (tests assert on it). */
  statusTag(ns: string, stream: string, tag: string): NamedTagEventList | undefined {
    return this.imageStream(ns, stream)?.status?.tags?.find((t) => t.tag === tag);
  }

  /** The host of the registry's default route, once exposed. */
  routeHost(): string | undefined {
    return this.routes.get(key('openshift-image-registry', 'default-route'))?.spec.host;
  }

  /** The operator's reaction to defaultRoute: true (a route, and the external hostname in the image config). */
  reconcileRegistryRoute(): void {
    const k = key('openshift-image-registry', 'default-route');
    if (this.registryConfig.spec.defaultRoute) {
      if (!this.routes.has(k)) {
        const host = this.registryRouteHost ?? `default-route-openshift-image-registry.${this.appsDomain}`;
        this.routes.set(k, {
          metadata: this.meta('default-route', 'openshift-image-registry'),
          spec: { host, to: { kind: 'Service', name: 'image-registry' }, tls: { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' } },
          status: { ingress: [{ host, routerName: 'default', conditions: [{ type: 'Admitted', status: 'True' }] }] },
        });
        this.imageConfig.status.externalRegistryHostnames = [host];
      }
    } else {
      this.routes.delete(k);
      delete this.imageConfig.status.externalRegistryHostnames;
    }
  }

  seed(): void {
    for (const [name, display] of [
      ['default', ''],
      ['openshift', ''],
      ['openshift-image-registry', ''],
      ['myproject', 'My Project'],
      ['shared', 'Shared Images'],
    ] as const) {
      this.addProject(name, display ? { displayName: display } : {});
    }
    // oc cluster defaults: developer is admin of their project; image streams in `openshift` are readable by everyone.
    this.users.set('kubeadmin', { name: 'kubeadmin', uid: randomUUID(), password: 'kubeadmin', groups: [] });
    this.grantClusterRole('cluster-admin', 'kubeadmin');
    this.users.set('developer', { name: 'developer', uid: randomUUID(), password: 'developer', groups: [] });
    this.users.set('viewer', { name: 'viewer', uid: randomUUID(), password: 'viewer', groups: [] });
    this.users.set('alice', { name: 'alice', uid: randomUUID(), password: 'alice', groups: [] });
    this.bind('myproject', 'admin', { kind: 'User', name: 'developer' });
    this.bind('myproject', 'view', { kind: 'User', name: 'viewer' });
    this.bind('shared', 'admin', { kind: 'User', name: 'developer' });
    this.bind('openshift', 'shared-resource-viewer', { kind: 'Group', name: 'system:authenticated' }, 'shared-resource-viewers');
    // The captured RoleBinding (namespace "P" in the capture) lives in `shared`.
    const puller = fixture<RoleBinding>('rolebinding-image-puller.json');
    puller.metadata = this.meta(puller.metadata.name, 'shared');
    this.rolebindings.set(key('shared', puller.metadata.name), puller);

    const nodejs = fixture<ImageStream>('imagestream-nodejs.json');
    this.putImageStream(nodejs);
    // A stream whose last import failed, and one with two history items, from the captured tag states.
    this.putImageStream({
      kind: 'ImageStream',
      apiVersion: 'image.openshift.io/v1',
      metadata: this.meta('os-test-image', 'myproject', { generation: 2 }),
      spec: {
        lookupPolicy: { local: false },
        tags: [
          { name: 'latest', from: { kind: 'DockerImage', name: 'os-test-image:latest' }, generation: 2, importPolicy: {}, referencePolicy: { type: 'Source' } },
        ],
      },
      status: { dockerImageRepository: '', tags: [fixture<NamedTagEventList>('tag-import-failed.json')] },
    });
    this.putImageStream({
      kind: 'ImageStream',
      apiVersion: 'image.openshift.io/v1',
      metadata: this.meta('bar', 'myproject', { generation: 1 }),
      spec: { lookupPolicy: { local: false }, tags: [] },
      status: { dockerImageRepository: '', tags: [fixture<NamedTagEventList>('tag-history-two-items.json')] },
    });
  }
}
