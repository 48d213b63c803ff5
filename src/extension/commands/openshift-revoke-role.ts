import * as vscode from 'vscode';
import { listRegistryGrants, revokeRole, subjectLabel } from '../../core/openshift';
import type { Subject } from '../../core/openshift';
import { grantRows } from '../openshift/cluster-rows';
import { isClusterNode, pickCluster, pickProject, refreshClusters } from '../openshift/pick';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** `oc policy remove-role-from-user|group ROLE NAME -n PROJECT`: every binding of the role loses the subject. */
export const revokeRegistryRoleCommand: Command = {
  id: commandIds.revokeRegistryRole,
  title: 'Revoke Registry Role',
  async run(ctx, arg) {
    const title = 'Revoke Registry Role';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const client = ctx.openshift.client(cluster.contextName);
    let role: string;
    let subject: Subject;
    if (isClusterNode(arg) && arg.kind === 'roleGrant') {
      role = arg.role;
      subject = arg.subject;
    } else {
      const rows = grantRows(await listRegistryGrants(client, namespace));
      if (rows.length === 0) {
        void vscode.window.showInformationMessage(`No registry roles are granted in ${namespace}.`);
        return;
      }
      const picked = orCancel(
        await vscode.window.showQuickPick(
          rows.map((r) => ({ label: r.text.label, description: r.text.description, row: r })),
          { title, placeHolder: 'Whose role?', ignoreFocusOut: true },
        ),
      ).row;
      role = picked.role;
      subject = picked.subject;
    }
    const who = subjectLabel(subject);
    const revoke = 'Revoke';
    if ((await vscode.window.showWarningMessage(`Revoke ${role} from ${who} in ${namespace}?`, { modal: true }, revoke)) !== revoke) cancelled();
    const result = await revokeRole(client, namespace, role, subject);
    const message = `Revoked ${role} from ${who} in ${namespace}${result.deleted.length ? ` (deleted RoleBinding ${result.deleted.join(', ')})` : ''}.`;
    ctx.log.info(message);
    refreshClusters(ctx);
    void vscode.window.showInformationMessage(message);
  },
};
