import * as vscode from 'vscode';
import { ConfirmationRequiredError } from '../../core/errors';
import { importImage, tagNamePattern } from '../../core/openshift';
import type { ImportImageOptions, ImportImageResult } from '../../core/openshift';
import { parseNormalizedReference } from '../../core/reference/reference';
import { isClusterNode, pickCluster, pickProject, refreshClusters, validObjectName } from '../openshift/pick';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

function sourceProblem(v: string): string | undefined {
  if (!v.trim()) return 'Enter the image to import, e.g. quay.io/team/app:v1';
  try {
    parseNormalizedReference(v.trim());
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

type ImportOption = 'scheduled' | 'local' | 'insecure' | 'all';

/**
 * `oc import-image IS[:TAG] --from SRC [--confirm] [--scheduled] [--reference-policy=local] [--insecure] [--all]`:
 * the core refuses (without sending anything) what oc refuses without --confirm; the user is asked,
 * and only then is the import sent again with confirm. The result is per image, in the server's words.
 */
export const importImageCommand: Command = {
  id: commandIds.importImage,
  title: 'Import Image',
  async run(ctx, arg) {
    const title = 'Import Image';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const fromNode = isClusterNode(arg) && arg.kind === 'imagestreamtag' && arg.tag.sourceKind === 'DockerImage' ? arg.tag.sourceName : undefined;
    const from = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: 'Image to import (registry/repository:tag)',
        placeHolder: 'quay.io/team/app:v1',
        value: fromNode,
        ignoreFocusOut: true,
        validateInput: sourceProblem,
      }),
    ).trim();
    const ref = parseNormalizedReference(from);
    const streamDefault =
      isClusterNode(arg) && arg.kind === 'imagestream'
        ? arg.name
        : isClusterNode(arg) && arg.kind === 'imagestreamtag'
          ? arg.stream
          : ref.repository.split('/').pop();
    const stream = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: `Image stream in ${namespace}`,
        value: streamDefault,
        ignoreFocusOut: true,
        validateInput: validObjectName,
      }),
    ).trim();
    const options = orCancel(
      await vscode.window.showQuickPick(
        [
          { label: 'Scheduled', detail: 'Import again periodically, so the tag follows the registry (--scheduled)', option: 'scheduled' as ImportOption },
          { label: 'Reference policy local', detail: 'Pull through the internal registry (--reference-policy=local)', option: 'local' as ImportOption },
          { label: 'Insecure', detail: 'Allow HTTP or unverified HTTPS to the source registry (--insecure)', option: 'insecure' as ImportOption },
          { label: 'All tags', detail: 'Import every tag of the source repository (--all)', option: 'all' as ImportOption },
        ],
        { title, placeHolder: 'Options (none: a one-time import of one tag)', canPickMany: true, ignoreFocusOut: true },
      ),
    ).map((o) => o.option);
    const all = options.includes('all');
    let tag: string | undefined;
    if (!all) {
      const tagDefault = isClusterNode(arg) && arg.kind === 'imagestreamtag' ? arg.tag.tag : (ref.tag ?? 'latest');
      tag = orCancel(
        await vscode.window.showInputBox({
          title,
          prompt: `Tag of ${stream}`,
          value: tagDefault,
          ignoreFocusOut: true,
          validateInput: (v) => (tagNamePattern.test(v.trim()) ? undefined : 'Up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"'),
        }),
      ).trim();
    }
    const request: ImportImageOptions = {
      namespace,
      stream,
      tag,
      from,
      all,
      scheduled: options.includes('scheduled') || undefined,
      insecure: options.includes('insecure') || undefined,
      referencePolicy: options.includes('local') ? 'local' : undefined,
    };
    const client = ctx.openshift.client(cluster.contextName);
    const target = `${namespace}/${stream}${tag ? `:${tag}` : ''}`;
    const run = (confirm: boolean): Thenable<ImportImageResult> =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Importing ${from} into ${target}...`, cancellable: true },
        (_p, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return importImage(client, { ...request, confirm, signal: abort.signal });
        },
      );
    let result: ImportImageResult;
    try {
      result = await run(false);
    } catch (error) {
      if (!(error instanceof ConfirmationRequiredError)) throw error;
      const creating = error.change === 'create';
      const confirm = creating ? 'Create and Import' : 'Update and Import';
      const detail = creating
        ? `The image stream ${stream} does not exist in ${namespace}: create it and import ${from}?`
        : `${error.message}: import ${from} instead?`;
      const choice = await vscode.window.showWarningMessage(
        creating ? `No image stream named "${stream}" exists.` : 'The image stream has a different import spec.',
        { modal: true, detail },
        confirm,
      );
      if (choice !== confirm) cancelled();
      result = await run(true);
    }
    refreshClusters(ctx);
    const lines = result.images.map((i) =>
      i.status === 'Success' ? `${i.tag}: imported ${i.image ?? ''}` : `${i.tag || from}: ${i.message ?? i.reason ?? 'failed'}`,
    );
    ctx.log.info(`import ${from} into ${target}: ${lines.join('; ')}`);
    if (result.ok) {
      const first = result.images[0];
      void vscode.window.showInformationMessage(
        result.images.length === 1 && first
          ? `Imported ${from} into ${namespace}/${stream}:${first.tag} (${first.image ?? 'no image ID'}).`
          : `Imported ${result.images.length} tags into ${namespace}/${stream}.`,
      );
    } else {
      const failed = result.images.filter((i) => i.status !== 'Success');
      // The server still created the spec tag; its failure is what the user needs to read.
      void vscode.window
        .showErrorMessage(
          `Import Image: ${failed.map((i) => `${i.tag ? `${stream}:${i.tag}` : from}: ${i.message ?? i.reason ?? 'failed'}`).join('; ')}`,
          'Open Log',
        )
        .then((c) => c === 'Open Log' && ctx.log.show());
    }
    return result;
  },
};
