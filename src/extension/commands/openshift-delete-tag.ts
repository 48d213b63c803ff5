import * as vscode from 'vscode';
import { deleteTag, getImageStream, imageStreamModel } from '../../core/openshift';
import { isClusterNode, pickCluster, pickImageStream, pickProject, refreshClusters } from '../openshift/pick';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** `oc tag -d IS:TAG`, after a modal confirmation: the spec tag and its history go. */
export const deleteImageStreamTagCommand: Command = {
  id: commandIds.deleteImageStreamTag,
  title: 'Delete Image Stream Tag',
  async run(ctx, arg) {
    const title = 'Delete Image Stream Tag';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const stream = await pickImageStream(ctx, cluster, namespace, arg, title);
    const client = ctx.openshift.client(cluster.contextName);
    let tag: string;
    if (isClusterNode(arg) && arg.kind === 'imagestreamtag') tag = arg.tag.tag;
    else {
      const model = imageStreamModel(await getImageStream(client, namespace, stream));
      tag = orCancel(
        await vscode.window.showQuickPick(
          model.tags.map((t) => ({ label: t.tag, description: t.sourceLine })),
          { title, placeHolder: `Which tag of ${stream}?`, ignoreFocusOut: true },
        ),
      ).label;
    }
    const remove = 'Delete Tag';
    const choice = await vscode.window.showWarningMessage(
      `Delete ${stream}:${tag} from project ${namespace}?`,
      { modal: true, detail: 'The tag and its history are removed from the image stream (oc tag -d). Images stay in the registry until they are pruned.' },
      remove,
    );
    if (choice !== remove) cancelled();
    const message = await deleteTag(client, namespace, `${stream}:${tag}`);
    ctx.log.info(message);
    refreshClusters(ctx);
    void vscode.window.showInformationMessage(message);
  },
};
