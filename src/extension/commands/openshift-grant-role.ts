import * as vscode from 'vscode';
import { grantRole, subjectLabel } from '../../core/openshift';
import { pickCluster, pickProject, refreshClusters } from '../openshift/pick';
import { pickRegistryRole, pickSubject } from '../openshift/pick-subject';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** `oc policy add-role-to-user|group ROLE NAME -n PROJECT`, idempotent: a subject that has the role keeps its binding. */
export const grantRegistryRoleCommand: Command = {
  id: commandIds.grantRegistryRole,
  title: 'Grant Registry Role',
  async run(ctx, arg) {
    const title = 'Grant Registry Role';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const subject = await pickSubject(title, namespace);
    const role = await pickRegistryRole(title);
    const result = await grantRole(ctx.openshift.client(cluster.contextName), namespace, role, subject);
    const who = subjectLabel(subject);
    const message = result.changed
      ? `Granted ${role} to ${who} in ${namespace} (RoleBinding ${result.binding}).`
      : `${who} already has ${role} in ${namespace} (RoleBinding ${result.binding}).`;
    ctx.log.info(message);
    refreshClusters(ctx);
    void vscode.window.showInformationMessage(message);
    return result;
  },
};
