import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TlsError } from '../../core/errors';
import { discoverRegistryHost, internalRegistryCredentials, resolveContext } from '../../core/openshift';
import { withRegistry } from '../registry-settings';
import { pickCluster } from '../openshift/pick';
import { cancelled } from './command';
import type { Command } from './command';
import { chooseTrust } from './trust-certificate';
import { commandIds } from './command-ids';

/** Asks how to trust the registry route's certificate; the cluster's own CA first, since it often signs the route. */
async function chooseRouteTrust(
  ctx: Parameters<Command['run']>[0],
  host: string,
  why: string,
  clusterCa: string | undefined,
  clusterName: string,
): Promise<{ caFile?: string; skipVerify?: true }> {
  if (!clusterCa) return chooseTrust(ctx, host, why);
  const useCluster = "Trust the Cluster's CA";
  const other = 'Other Choices...';
  const choice = await vscode.window.showWarningMessage(
    why,
    {
      modal: true,
      detail: `The route ${host} may be signed by the CA the kubeconfig trusts for ${clusterName}. Use that CA for ${host}, or choose a CA file or skipping verification.`,
    },
    useCluster,
    other,
  );
  if (choice === other) return chooseTrust(ctx, host, why);
  if (choice !== useCluster) cancelled();
  const dir = join(ctx.extension.globalStorageUri.fsPath, 'cluster-ca');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${clusterName.replace(/[^A-Za-z0-9.-]+/g, '_')}.pem`);
  writeFileSync(file, clusterCa, { mode: 0o644 });
  return { caFile: file };
}

/**
 * `podman login -u $(oc whoami) -p $(oc whoami -t) ROUTE`: finds the internal registry's route, checks
 * the login there with the cluster token, and adds the registry to the Registries view, so its
 * repositories (one per image stream) browse like any registry's.
 */
export const logInToInternalRegistryCommand: Command = {
  id: commandIds.logInToInternalRegistry,
  title: 'Log In to Internal Registry',
  async run(ctx, arg) {
    const title = 'Log In to Internal Registry';
    const cluster = await pickCluster(ctx, arg, title);
    const client = ctx.openshift.client(cluster.contextName);
    const projects = await ctx.openshift.projects(cluster.contextName).catch(() => []);
    const namespaces = [...new Set([...(cluster.namespace ? [cluster.namespace] : []), ...projects.map((p) => p.name), 'openshift'])];
    const found = await discoverRegistryHost(client, namespaces);
    if (!found) {
      const expose = 'Expose Internal Registry';
      const choice = await vscode.window.showWarningMessage(
        `The internal registry of ${cluster.label} has no route yet.`,
        { detail: 'A cluster administrator can expose it (Expose Internal Registry).' },
        expose,
      );
      if (choice === expose) await vscode.commands.executeCommand(commandIds.exposeInternalRegistry, arg);
      return undefined;
    }
    const host = found.host.toLowerCase();
    const { username, password } = await internalRegistryCredentials(client);
    ctx.log.addSecret(password);
    const resolved = resolveContext(ctx.openshift.kubeconfig(), cluster.contextName);
    const configured = ctx.config.registries.find((r) => r.host === host);
    let tlsVerify = configured ? configured.tlsVerify : !resolved.insecure;
    let caFile = configured?.caFile;
    for (;;) {
      const probe = ctx.clients.probe(host, { tlsVerify, caFile, username, password });
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking the login for ${host}...` }, () =>
          probe.checkLogin(),
        );
        break;
      } catch (error) {
        if (!(error instanceof TlsError) || !tlsVerify) throw error;
        ctx.log.warn(`login to ${host}: ${error.message}`);
        const trust = await chooseRouteTrust(ctx, host, error.message, resolved.caPem, resolved.clusterName);
        if (trust.caFile) caFile = trust.caFile;
        else tlsVerify = false;
      } finally {
        void probe.close();
      }
    }
    await ctx.config.updateRegistries((list) =>
      withRegistry(list, {
        url: host,
        name: configured?.label ?? `Internal registry (${cluster.label})`,
        kind: 'openshift',
        ...(caFile ? { caFile } : {}),
        ...(!tlsVerify ? { tlsVerify: false } : {}),
      }),
    );
    await ctx.logins.save(host, username, password);
    ctx.log.info(`logged in to the internal registry ${host} of ${cluster.contextName} as ${username} (found by ${found.source})`);
    void vscode.window.showInformationMessage(
      `Logged in to ${host} as ${username}. The Registries view lists its repositories (one per image stream); the login lasts as long as the cluster token.`,
    );
    return host;
  },
};
