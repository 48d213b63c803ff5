import * as vscode from 'vscode';
import { parseSubject, registryRoles } from '../../core/openshift';
import type { Subject, SubjectKind } from '../../core/openshift';
import { orCancel } from '../commands/command';

const roleDetails: Record<(typeof registryRoles)[number], string> = {
  'system:image-puller': "Pull images from the project's image streams",
  'system:image-pusher': "Push images to the project's image streams (and pull)",
  'registry-viewer': 'Browse and pull from the registry',
  'registry-editor': 'Browse, pull from and push to the registry',
};

export async function pickRegistryRole(title: string): Promise<string> {
  return orCancel(
    await vscode.window.showQuickPick(
      registryRoles.map((r) => ({ label: r, detail: roleDetails[r] })),
      { title, placeHolder: 'Which role?', ignoreFocusOut: true },
    ),
  ).label;
}

/** A user, group or service account, as `oc policy add-role-to-user/-group` takes them. */
export async function pickSubject(title: string, namespace: string): Promise<Subject> {
  const kind = orCancel(
    await vscode.window.showQuickPick(
      [
        { label: 'User', detail: 'A user name, e.g. alice', subjectKind: 'User' as SubjectKind },
        { label: 'Group', detail: 'A group name, e.g. developers', subjectKind: 'Group' as SubjectKind },
        {
          label: 'Service account',
          detail: `A service account of ${namespace} (e.g. default), or system:serviceaccount:NS:NAME`,
          subjectKind: 'ServiceAccount' as SubjectKind,
        },
      ],
      { title, placeHolder: 'Who?', ignoreFocusOut: true },
    ),
  ).subjectKind;
  const name = orCancel(
    await vscode.window.showInputBox({
      title,
      prompt: kind === 'User' ? 'User name' : kind === 'Group' ? 'Group name' : 'Service account name',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
    }),
  ).trim();
  return parseSubject(name, kind, namespace);
}
