import type { RegistrySetting } from './registry-settings';

/** The registries "Add Registry" offers by name. `url` undefined: the user types the host. */
export interface RegistryPreset {
  readonly label: string;
  readonly detail: string;
  readonly setting?: RegistrySetting;
  /** Asks for a host, e.g. the OpenShift route; `kind` is applied to what the user types. */
  readonly ask?: { prompt: string; placeholder: string; kind: RegistrySetting['kind'] };
  readonly needsLogin: boolean;
}

export const registryPresets: readonly RegistryPreset[] = [
  {
    label: 'Quay.io',
    detail: 'quay.io - public and private repositories; name the repositories or namespaces to watch',
    setting: { url: 'quay.io', name: 'Quay.io', kind: 'quay' },
    needsLogin: false,
  },
  {
    label: 'Red Hat terms-based registry',
    detail: 'registry.redhat.io - log in with Customer Portal credentials or a registry service account',
    setting: { url: 'registry.redhat.io', name: 'Red Hat terms-based registry', kind: 'redhat', repositories: ['ubi9/ubi'] },
    needsLogin: true,
  },
  {
    label: 'Red Hat Container Registry',
    detail: 'registry.access.redhat.com - public, no login',
    setting: { url: 'registry.access.redhat.com', name: 'Red Hat Container Registry', kind: 'redhat', repositories: ['ubi9/ubi', 'ubi9/ubi-minimal'] },
    needsLogin: false,
  },
  {
    label: 'Red Hat partner registry',
    detail: 'registry.connect.redhat.com - certified partner images, login needed',
    setting: { url: 'registry.connect.redhat.com', name: 'Red Hat partner registry', kind: 'redhat' },
    needsLogin: true,
  },
  {
    label: 'Docker Hub',
    detail: 'docker.io - name the repositories to watch (e.g. library/alpine)',
    setting: { url: 'docker.io', name: 'Docker Hub', kind: 'dockerhub', repositories: ['library/alpine'] },
    needsLogin: false,
  },
  {
    label: 'OpenShift internal registry',
    detail: "The cluster's registry route; log in with your user name and `oc whoami -t`",
    ask: { prompt: 'Host of the internal registry route', placeholder: 'default-route-openshift-image-registry.apps.cluster.example.com', kind: 'openshift' },
    needsLogin: true,
  },
  {
    label: 'Other registry...',
    detail: 'Any Distribution (OCI) registry: Harbor, Nexus, Artifactory, Red Hat Quay, a local registry',
    ask: { prompt: 'Registry host and port (http:// in front for a plain-HTTP registry)', placeholder: 'registry.example.com:5000', kind: 'generic' },
    needsLogin: false,
  },
];
