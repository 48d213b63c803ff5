import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { addRegistryCommand } from './add-registry';
import { guarded } from './command';
import type { Command } from './command';
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

/** Every command the extension has; scripts/check-commands.mjs compares this with package.json. */
export const commands: readonly Command[] = [
  addRegistryCommand,
  removeRegistryCommand,
  refreshCommand,
  logInCommand,
  logOutCommand,
  filterRepositoriesCommand,
  clearFilterCommand,
  addRepositoryToWatchCommand,
  searchRepositoriesCommand,
  trustCertificateCommand,
  retryCommand,
  loadMoreCommand,
  copyDigestReferenceCommand,
  copyPullCommandCommand,
  inspectImageCommand,
  copyImageCommand,
  tagImageCommand,
  signImageCommand,
  deleteImageCommand,
  deleteSelectedCommand,
  copyRepositoryNameCommand,
  filterTagsCommand,
  clearTagFilterCommand,
  deleteRepositoryCommand,
  showLogCommand,
  promoteCommand,
  syncFileDryRunCommand,
  syncFileCommand,
  // Local Images (podman's or Docker's store)
  refreshLocalImagesCommand,
  pushLocalImageCommand,
  pullIntoLocalImagesCommand,
  inspectLocalImageCommand,
  removeLocalImageCommand,
  openSbomCommand,
  // OpenShift (the OpenShift Clusters view)
  logInToClusterCommand,
  refreshClustersCommand,
  trustClusterCertificateCommand,
  describeImageStreamCommand,
  importImageCommand,
  tagImageStreamTagCommand,
  deleteImageStreamTagCommand,
  grantRegistryRoleCommand,
  revokeRegistryRoleCommand,
  createPullSecretCommand,
  exposeInternalRegistryCommand,
  logInToInternalRegistryCommand,
];

export function registerCommands(ctx: Ctx): void {
  for (const command of commands) ctx.own(vscode.commands.registerCommand(command.id, guarded(ctx, command)));
}
