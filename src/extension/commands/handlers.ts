// Every command's handler. The packaged extension keeps this module and all it alone needs (the copy
// engine, signing, sync, OpenShift actions...) in a bundle of its own, dist/extension-commands.js, loaded
// on the first command rather than at activation (src/extension/launcher.ts, scripts/build.mjs).
import { addRegistryCommand } from './add-registry';
export { checkSyncFile } from '../promote/sync-file-problems';
import type { Command } from './command';
import { commandIds } from './command-ids';
import type { CommandId } from './command-ids';
import { copyImageCommand } from './copy-image';
import { copyDigestReferenceCommand, copyPullCommandCommand } from './copy-reference';
import { deleteImageCommand, deleteSelectedCommand } from './delete-image';
import { clearFilterCommand, filterRepositoriesCommand } from './filter-repositories';
import { inspectImageCommand } from './inspect-image';
import { loadMoreCommand } from './load-more';
import { inspectLocalImageCommand } from './local-inspect-image';
import { pullIntoLocalImagesCommand } from './local-pull-image';
import { pushLocalImageCommand } from './local-push-image';
import { refreshLocalImagesCommand } from './local-refresh';
import { removeLocalImageCommand } from './local-remove-image';
import { logInCommand } from './log-in';
import { logOutCommand } from './log-out';
import { openSbomCommand } from './open-sbom';
import { createPullSecretCommand } from './openshift-pull-secret';
import { deleteImageStreamTagCommand } from './openshift-delete-tag';
import { describeImageStreamCommand } from './openshift-describe';
import { exposeInternalRegistryCommand } from './openshift-expose-registry';
import { grantRegistryRoleCommand } from './openshift-grant-role';
import { importImageCommand } from './openshift-import-image';
import { logInToInternalRegistryCommand } from './openshift-internal-registry-log-in';
import { logInToClusterCommand } from './openshift-log-in';
import { refreshClustersCommand } from './openshift-refresh';
import { revokeRegistryRoleCommand } from './openshift-revoke-role';
import { tagImageStreamTagCommand } from './openshift-tag';
import { trustClusterCertificateCommand } from './openshift-trust-certificate';
import { promoteCommand, syncFileCommand, syncFileDryRunCommand } from './promote';
import { refreshCommand } from './refresh';
import { removeRegistryCommand } from './remove-registry';
import { clearTagFilterCommand, copyRepositoryNameCommand, deleteRepositoryCommand, filterTagsCommand } from './repository-actions';
import { retryCommand } from './retry';
import { signImageCommand } from './sign-image';
import { tagImageCommand } from './tag-image';
import { trustCertificateCommand } from './trust-certificate';
import { searchRepositoriesCommand } from './search-repositories';
import { showLogCommand } from './show-log';
import { addRepositoryToWatchCommand } from './watch-repository';

/**
 * Every command the extension has, by id: a command declared in command-ids.ts without a handler here, or
 * one here that is not declared, fails to compile.
 */
export const commands: { readonly [I in CommandId]: Command } = {
  [commandIds.addRegistry]: addRegistryCommand,
  [commandIds.removeRegistry]: removeRegistryCommand,
  [commandIds.refresh]: refreshCommand,
  [commandIds.logIn]: logInCommand,
  [commandIds.logOut]: logOutCommand,
  [commandIds.filterRepositories]: filterRepositoriesCommand,
  [commandIds.clearFilter]: clearFilterCommand,
  [commandIds.addRepositoryToWatch]: addRepositoryToWatchCommand,
  [commandIds.searchRepositories]: searchRepositoriesCommand,
  [commandIds.trustCertificate]: trustCertificateCommand,
  [commandIds.retry]: retryCommand,
  [commandIds.loadMore]: loadMoreCommand,
  [commandIds.copyDigestReference]: copyDigestReferenceCommand,
  [commandIds.copyPullCommand]: copyPullCommandCommand,
  [commandIds.inspectImage]: inspectImageCommand,
  [commandIds.copyImage]: copyImageCommand,
  [commandIds.tagImage]: tagImageCommand,
  [commandIds.signImage]: signImageCommand,
  [commandIds.deleteImage]: deleteImageCommand,
  [commandIds.deleteSelected]: deleteSelectedCommand,
  [commandIds.copyRepositoryName]: copyRepositoryNameCommand,
  [commandIds.filterTags]: filterTagsCommand,
  [commandIds.clearTagFilter]: clearTagFilterCommand,
  [commandIds.deleteRepository]: deleteRepositoryCommand,
  [commandIds.showLog]: showLogCommand,
  [commandIds.promote]: promoteCommand,
  [commandIds.syncFileDryRun]: syncFileDryRunCommand,
  [commandIds.syncFile]: syncFileCommand,
  // Local Images (podman's or Docker's store)
  [commandIds.refreshLocalImages]: refreshLocalImagesCommand,
  [commandIds.pushLocalImage]: pushLocalImageCommand,
  [commandIds.pullIntoLocalImages]: pullIntoLocalImagesCommand,
  [commandIds.inspectLocalImage]: inspectLocalImageCommand,
  [commandIds.removeLocalImage]: removeLocalImageCommand,
  [commandIds.openSbom]: openSbomCommand,
  // OpenShift (the OpenShift Clusters view)
  [commandIds.logInToCluster]: logInToClusterCommand,
  [commandIds.refreshClusters]: refreshClustersCommand,
  [commandIds.trustClusterCertificate]: trustClusterCertificateCommand,
  [commandIds.describeImageStream]: describeImageStreamCommand,
  [commandIds.importImage]: importImageCommand,
  [commandIds.tagImageStreamTag]: tagImageStreamTagCommand,
  [commandIds.deleteImageStreamTag]: deleteImageStreamTagCommand,
  [commandIds.grantRegistryRole]: grantRegistryRoleCommand,
  [commandIds.revokeRegistryRole]: revokeRegistryRoleCommand,
  [commandIds.createPullSecret]: createPullSecretCommand,
  [commandIds.exposeInternalRegistry]: exposeInternalRegistryCommand,
  [commandIds.logInToInternalRegistry]: logInToInternalRegistryCommand,
};
