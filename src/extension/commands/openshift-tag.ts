import * as vscode from 'vscode';
import { guessSourceKind, tagImage, tagNamePattern } from '../../core/openshift';
import { isClusterNode, pickCluster, pickProject, refreshClusters } from '../openshift/pick';
import { orCancel } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** `oc tag SRC DEST:TAG [--alias] [--scheduled]`: a source tag is pinned to today's image unless it is an alias. */
export const tagImageStreamTagCommand: Command = {
  id: commandIds.tagImageStreamTag,
  title: 'Tag Image Stream Tag',
  async run(ctx, arg) {
    const title = 'Tag Image Stream Tag';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const sourceDefault =
      isClusterNode(arg) && arg.kind === 'imagestreamtag'
        ? `${arg.stream}:${arg.tag.tag}`
        : isClusterNode(arg) && arg.kind === 'history'
          ? `${arg.stream}@${arg.item.image}`
          : undefined;
    const source = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: `Source: an image stream tag of ${namespace} (is:tag), an image (is@sha256:...), or an external image (registry/repo:tag)`,
        value: sourceDefault,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter the source'),
      }),
    ).trim();
    const stream = source.split(/[:@]/)[0]?.split('/').pop() ?? '';
    const destination = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: `Destination image stream tag in ${namespace} (is:tag)`,
        value: guessSourceKind(source) === 'DockerImage' ? undefined : `${stream}:`,
        ignoreFocusOut: true,
        validateInput: (v) => {
          const [is, tag, ...rest] = v.trim().split(':');
          return is && tag !== undefined && rest.length === 0 && tagNamePattern.test(tag)
            ? undefined
            : 'IMAGESTREAM:TAG, the tag up to 128 letters, digits, "_", "." and "-"';
        },
      }),
    ).trim();
    const external = guessSourceKind(source) === 'DockerImage';
    const picks = orCancel(
      await vscode.window.showQuickPick(
        [
          ...(external
            ? []
            : [{ label: 'Alias', detail: 'Follow the source tag as it moves (--alias) instead of pinning the image it points at now', id: 'alias' }]),
          ...(external ? [{ label: 'Scheduled', detail: 'Import the external image again periodically (--scheduled)', id: 'scheduled' }] : []),
        ],
        { title, placeHolder: 'Options (none: pin the image the source points at now)', canPickMany: true, ignoreFocusOut: true },
      ),
    ).map((p) => p.id);
    const result = await tagImage(ctx.openshift.client(cluster.contextName), {
      source,
      destination,
      namespace,
      alias: picks.includes('alias') || undefined,
      scheduled: picks.includes('scheduled') || undefined,
    });
    ctx.log.info(`${namespace}: ${result.message}`);
    refreshClusters(ctx);
    void vscode.window.showInformationMessage(result.message);
    return result;
  },
};
