// The cluster's internal image registry: exposing its default route (cluster-admin only), finding the
// host to log in to, and the credentials to use there (the user's name and the cluster token).
import { KubernetesError, RegxError } from '../errors';
import type { OpenShiftClient } from './api';
import { listImageStreams } from './imagestreams';
import type { ImageConfig, Route } from './types';
import { whoami } from './whoami';

export const registryConfigPath = '/apis/imageregistry.operator.openshift.io/v1/configs/cluster';
export const defaultRoutePath = '/apis/route.openshift.io/v1/namespaces/openshift-image-registry/routes/default-route';
export const imageConfigPath = '/apis/config.openshift.io/v1/images/cluster';

/** `oc patch configs.imageregistry.operator.openshift.io/cluster --type merge -p '{"spec":{"defaultRoute":true}}'`. */
export async function exposeInternalRegistry(client: OpenShiftClient): Promise<void> {
  try {
    await client.patch(registryConfigPath, { spec: { defaultRoute: true } });
  } catch (e) {
    if (e instanceof KubernetesError && e.status === 403) {
      throw new KubernetesError(
        `Exposing the internal registry needs a cluster administrator (it changes the cluster-wide image registry configuration); ask one to run: oc patch configs.imageregistry.operator.openshift.io/cluster --type merge -p '{"spec":{"defaultRoute":true}}'. The server said: ${e.message}`,
        e.status,
        e.serverCode,
        e.url,
        e.details,
      );
    }
    throw e;
  }
}

export interface RegistryHost {
  host: string;
  /** Where it was found: the default route, the cluster image config, or an image stream's public repository. */
  source: 'route' | 'image-config' | 'imagestream';
}

function swallowAccess(e: unknown): undefined {
  // A normal user may not read the route or the cluster config: try the next place.
  if (e instanceof KubernetesError && (e.status === 403 || e.status === 404)) return undefined;
  throw e;
}

/** The external host of the internal registry, from the first place that knows it, or undefined when not exposed. */
export async function discoverRegistryHost(client: OpenShiftClient, namespaces: string[] = []): Promise<RegistryHost | undefined> {
  const route = await client.get<Route>(defaultRoutePath).catch(swallowAccess);
  if (route?.spec.host) return { host: route.spec.host, source: 'route' };
  const config = await client.get<ImageConfig>(imageConfigPath).catch(swallowAccess);
  const external = config?.status?.externalRegistryHostnames?.[0];
  if (external) return { host: external, source: 'image-config' };
  for (const ns of namespaces) {
    const streams = await listImageStreams(client, ns).catch(swallowAccess);
    for (const s of streams ?? []) {
      const pub = s.status?.publicDockerImageRepository;
      if (pub) return { host: pub.split('/')[0] as string, source: 'imagestream' };
    }
  }
  return undefined;
}

/** What `podman login -u USER -p $(oc whoami -t) HOST` uses: the user's name and the cluster token. */
export async function internalRegistryCredentials(client: OpenShiftClient): Promise<{ username: string; password: string }> {
  const token = client.bearerToken();
  if (!token) throw new KubernetesError('this kubeconfig user has no token: log in to the cluster with a token or a password first', 401, 'Unauthorized', '');
  return { username: await whoami(client), password: token };
}

/** Where a promotion into one project of a cluster goes: the internal registry's route, the project as its path, the cluster login. */
export interface ProjectRegistryDestination {
  host: string;
  /** `host/project`: every repository promoted there becomes an image stream of the project. */
  prefix: string;
  username: string;
  password: string;
}

/**
 * A project's place in the cluster's internal registry, pushed to as `podman push` after `podman login -u
 * $(oc whoami) -p $(oc whoami -t)` would: the registry's external host and the cluster token.
 */
export async function projectRegistryDestination(client: OpenShiftClient, project: string): Promise<ProjectRegistryDestination> {
  // A user who may not read the route finds it on an image stream: the project's, else the shared
  // `openshift` namespace's, which every authenticated user may read (a new project has none yet).
  const found = await discoverRegistryHost(client, [project, 'openshift']);
  if (!found)
    throw new RegxError(
      'not-found',
      `the internal registry of ${client.server} has no route: a cluster administrator can expose it (oc patch configs.imageregistry.operator.openshift.io/cluster --type merge -p '{"spec":{"defaultRoute":true}}')`,
    );
  const host = found.host.toLowerCase();
  return { host, prefix: `${host}/${project}`, ...(await internalRegistryCredentials(client)) };
}
