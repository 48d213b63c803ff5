import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { createPullSecret, createPullSecretFromAuthFile, linkSecret } from '../../core/openshift';
import type { LinkPurpose } from '../../core/openshift';
import { pickCluster, pickProject, validObjectName } from '../openshift/pick';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

/**
 * `oc create secret docker-registry` from a registry login this editor has (or `oc create secret generic
 * --from-file .dockerconfigjson=auth.json`), then optionally `oc secrets link default|builder NAME --for pull|mount`.
 */
export const createPullSecretCommand: Command = {
  id: commandIds.createPullSecret,
  title: 'Create Pull Secret',
  async run(ctx, arg) {
    const title = 'Create Pull Secret';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const hosts = [...new Set([...ctx.config.registries.map((r) => r.host), ...ctx.logins.hosts])];
    const logins = (await Promise.all(hosts.map(async (host) => ({ host, creds: await ctx.logins.credentials(host).catch(() => undefined) })))).filter(
      (l) => l.creds?.username && l.creds.password,
    );
    type Source = vscode.QuickPickItem & { host?: string };
    const items: Source[] = [
      ...logins.map((l) => ({ label: l.host, description: `${l.creds!.username} (${l.creds!.source})`, host: l.host })),
      { label: 'From an auth.json file...', description: 'podman/skopeo auth.json or docker config.json' },
    ];
    const source = orCancel(
      await vscode.window.showQuickPick(items, { title, placeHolder: 'Which registry login goes into the secret?', ignoreFocusOut: true }),
    );
    let authFile: Buffer | undefined;
    if (!source.host) {
      const file = (
        await vscode.window.showOpenDialog({
          title: 'auth.json for the pull secret',
          canSelectMany: false,
          openLabel: 'Use this file',
          filters: { JSON: ['json'], 'All files': ['*'] },
        })
      )?.[0];
      if (!file) cancelled();
      authFile = await readFile(file.fsPath);
    }
    const suggested = source.host ? `${source.host.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-pull` : 'pull-secret';
    const name = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: `Secret name in ${namespace}`,
        value: suggested,
        ignoreFocusOut: true,
        validateInput: validObjectName,
      }),
    ).trim();
    const links = orCancel(
      await vscode.window.showQuickPick(
        [
          {
            label: 'default',
            description: 'for pull',
            detail: "Pods of this project pull with it (added to the default service account's imagePullSecrets)",
            purpose: 'pull' as LinkPurpose,
            sa: 'default',
          },
          {
            label: 'builder',
            description: 'for mount',
            detail: "Builds pull and push with it (added to the builder service account's secrets)",
            purpose: 'mount' as LinkPurpose,
            sa: 'builder',
          },
        ],
        { title, placeHolder: 'Link to service accounts (none: only create the secret)', canPickMany: true, ignoreFocusOut: true },
      ),
    );
    const client = ctx.openshift.client(cluster.contextName);
    if (source.host) {
      const creds = logins.find((l) => l.host === source.host)!.creds!;
      await createPullSecret(client, { namespace, name, server: source.host, username: creds.username, password: creds.password });
    } else {
      await createPullSecretFromAuthFile(client, { namespace, name, authFile: authFile! });
    }
    for (const l of links) await linkSecret(client, { namespace, serviceAccount: l.sa, secret: name, for: [l.purpose] });
    const linked = links.map((l) => `${l.sa} (${l.purpose})`).join(', ');
    const message = `Created pull secret ${name} in ${namespace}${source.host ? ` for ${source.host}` : ''}${linked ? `, linked to ${linked}` : ''}.`;
    ctx.log.info(message);
    void vscode.window.showInformationMessage(message);
    return name;
  },
};
