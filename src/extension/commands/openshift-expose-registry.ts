import * as vscode from 'vscode';
import { discoverRegistryHost, exposeInternalRegistry } from '../../core/openshift';
import { pickCluster } from '../openshift/pick';
import { cancelled } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** The merge patch `spec.defaultRoute: true` on the registry operator's config; a 403 says it needs a cluster administrator. */
export const exposeInternalRegistryCommand: Command = {
  id: commandIds.exposeInternalRegistry,
  title: 'Expose Internal Registry',
  async run(ctx, arg) {
    const title = 'Expose Internal Registry';
    const cluster = await pickCluster(ctx, arg, title);
    const expose = 'Expose';
    const choice = await vscode.window.showWarningMessage(
      `Expose the internal registry of ${cluster.label}?`,
      {
        modal: true,
        detail:
          "This creates the registry's default route, for the whole cluster (configs.imageregistry.operator.openshift.io/cluster spec.defaultRoute: true). It needs a cluster administrator.",
      },
      expose,
    );
    if (choice !== expose) cancelled();
    const client = ctx.openshift.client(cluster.contextName);
    await exposeInternalRegistry(client);
    const found = await discoverRegistryHost(client, cluster.namespace ? [cluster.namespace] : []).catch(() => undefined);
    const message = found
      ? `The internal registry of ${cluster.label} is exposed at ${found.host}.`
      : `The internal registry of ${cluster.label} is being exposed; its route appears once the operator has created it.`;
    ctx.log.info(message);
    void vscode.window.showInformationMessage(message);
  },
};
