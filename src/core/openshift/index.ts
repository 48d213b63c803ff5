// The OpenShift core API in one import, for the extension (tree, commands) and the CLI. Typical use:
//
//   const config = loadKubeconfig();                           // KUBECONFIG merged as oc, else ~/.kube/config
//   for (const c of listClusterContexts(config)) ...           // cluster nodes: "user @ host", namespace
//   const client = OpenShiftClient.fromKubeconfig(config, c.contextName);
//   await isOpenShift(client); await listProjects(client);     // projects (namespaces fallback)
//   const is = await getImageStream(client, ns, name);
//   imageStreamModel(is).tags                                  // tree rows, in `oc describe is` order
//   describeImageStream(is)                                    // the exact `oc describe is` text
//   await importImage(client, { namespace, stream, tag, from, confirm })   // ConfirmationRequiredError -> ask, retry with confirm
//   await tagImage(client, {...}); await deleteTag(client, ns, 'is:tag');
//   await grantRole(client, ns, role, parseSubject(name, kind, ns)); await revokeRole(...); await listRegistryGrants(client, ns);
//   await createPullSecret(client, {...}); await linkSecret(client, { ..., for: ['pull'] });
//   await exposeInternalRegistry(admin); await discoverRegistryHost(client, [ns]); await internalRegistryCredentials(client);
//   await login({ server, token | username+password, caPem?, insecure? })  // UntrustedCertificateError -> offer err.caPem
//   await logout({ contextName })                               // revokes the token, drops it from the kubeconfig
//
// Every failure is a typed error from ../errors: KubernetesError carries the server's Status message,
// UntrustedCertificateError the CA to offer, ConfirmationRequiredError oc's --confirm wording.
export * from './age';
export * from './api';
export * from './clusters';
export * from './describe';
export * from './imagestreams';
export * from './import';
export * from './internal-registry';
export * from './kubeconfig';
export * from './login';
export * from './logout';
export * from './oauth';
export * from './projects';
export * from './rolebindings';
export * from './secrets';
export * from './tag';
export * from './tag-order';
export * from './tag-reference';
export type * from './types';
export * from './whoami';
