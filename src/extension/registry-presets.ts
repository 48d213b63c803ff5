import type { RegistrySetting } from './registry-settings';

/** The registries "Add Registry" offers by name. `url` undefined: the user types the host. */
export interface RegistryPreset {
  readonly label: string;
  readonly detail: string;
  readonly setting?: RegistrySetting;
  /** Asks for a host, e.g. the OpenShift route; `kind` is applied to what the user types. */
  readonly ask?: { prompt: string; placeholder: string; kind: RegistrySetting['kind'] };
  readonly needsLogin: boolean;
  /** What to type at Log In: which user name, and where the password or token comes from. */
  readonly loginHint?: string;
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
    loginHint: 'Customer Portal user name and password, or a registry service account (name with a | and its token).',
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
    loginHint: 'Customer Portal user name and password, or a registry service account.',
  },
  {
    label: 'Docker Hub',
    detail: 'docker.io - name the repositories to watch (e.g. library/alpine)',
    setting: { url: 'docker.io', name: 'Docker Hub', kind: 'dockerhub', repositories: ['library/alpine'] },
    needsLogin: false,
  },
  {
    label: 'GitHub Container Registry',
    detail: 'ghcr.io - name the repositories to watch (owner/image); it does not list its catalog',
    setting: { url: 'ghcr.io', name: 'GitHub Container Registry', kind: 'generic' },
    needsLogin: true,
    loginHint: 'User name: your GitHub user. Password: a personal access token with the read:packages scope (write:packages to push).',
  },
  {
    label: 'GitLab Container Registry',
    detail: 'registry.gitlab.com - name the repositories to watch (group/project/image)',
    setting: { url: 'registry.gitlab.com', name: 'GitLab Container Registry', kind: 'generic' },
    needsLogin: true,
    loginHint: 'User name: your GitLab user (or a deploy token name). Password: a personal access token or deploy token with read_registry.',
  },
  {
    label: 'Harbor',
    detail: 'A Harbor registry: search through its API; projects list for admins',
    ask: { prompt: 'Harbor host', placeholder: 'harbor.example.com', kind: 'harbor' },
    needsLogin: true,
    loginHint: 'User name and password of your Harbor account, or a robot account (robot$name) and its secret.',
  },
  {
    label: 'Sonatype Nexus',
    detail: 'A Nexus Docker repository connector (its own port or a path-based host)',
    ask: { prompt: 'Host and port of the Docker connector', placeholder: 'nexus.example.com:8443', kind: 'generic' },
    needsLogin: true,
    loginHint: 'User name and password of your Nexus account, or a user token (its name and pass code).',
  },
  {
    label: 'JFrog Artifactory',
    detail: 'An Artifactory Docker registry (e.g. company.jfrog.io)',
    ask: { prompt: 'Artifactory host', placeholder: 'company.jfrog.io', kind: 'generic' },
    needsLogin: true,
    loginHint: 'User name: your Artifactory user. Password: an identity token or API key from your profile.',
  },
  {
    label: 'Amazon ECR',
    detail: 'ACCOUNT.dkr.ecr.REGION.amazonaws.com - logins are 12-hour tokens',
    ask: { prompt: 'ECR registry host', placeholder: '123456789012.dkr.ecr.us-east-1.amazonaws.com', kind: 'generic' },
    needsLogin: true,
    loginHint: 'User name: AWS. Password: the output of `aws ecr get-login-password --region REGION` (valid 12 hours).',
  },
  {
    label: 'Azure Container Registry',
    detail: 'NAME.azurecr.io',
    ask: { prompt: 'ACR registry host', placeholder: 'myregistry.azurecr.io', kind: 'generic' },
    needsLogin: true,
    loginHint:
      'User name: 00000000-0000-0000-0000-000000000000. Password: the accessToken of `az acr login --name NAME --expose-token` (or a service principal id and secret, or a repository-scoped token).',
  },
  {
    label: 'Google Artifact Registry',
    detail: 'REGION-docker.pkg.dev - name the repositories to watch (project/repository/image)',
    ask: { prompt: 'Artifact Registry host', placeholder: 'europe-west1-docker.pkg.dev', kind: 'generic' },
    needsLogin: true,
    loginHint: 'User name: oauth2accesstoken. Password: the output of `gcloud auth print-access-token` (valid one hour).',
  },
  {
    label: 'OpenShift internal registry',
    detail: "The cluster's registry route; log in with your user name and `oc whoami -t`",
    ask: { prompt: 'Host of the internal registry route', placeholder: 'default-route-openshift-image-registry.apps.cluster.example.com', kind: 'openshift' },
    needsLogin: true,
    loginHint: 'User name: your OpenShift user. Password: the token of `oc whoami -t`.',
  },
  {
    label: 'Other registry...',
    detail: 'Any Distribution (OCI) registry: Red Hat Quay on premises, a local registry, ...; you name it and pick its kind',
    ask: { prompt: 'Registry host and port (http:// in front for a plain-HTTP registry)', placeholder: 'registry.example.com:5000', kind: 'generic' },
    needsLogin: false,
  },
];
