// The OpenShift core API in one import, for the extension (tree, commands) and the CLI:
//   const client = OpenShiftClient.fromKubeconfig(loadKubeconfig(), contextName);
//   const projects = await listProjects(client);
//   const rows = imageStreamModel(await getImageStream(client, ns, name)).tags;
// Every failure is a typed error from ../errors (KubernetesError carries the server's message).
export * from './age';
export * from './api';
export * from './clusters';
export * from './describe';
export * from './imagestreams';
export * from './import';
export * from './internal-registry';
export * from './kubeconfig';
export * from './login';
export * from './oauth';
export * from './projects';
export * from './rolebindings';
export * from './secrets';
export * from './tag';
export * from './tag-order';
export * from './tag-reference';
export type * from './types';
export * from './whoami';
