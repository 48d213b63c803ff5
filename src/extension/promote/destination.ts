// Where a promotion goes: a registry of the Registries view (a path in it asked next), or a project of a
// logged-in OpenShift cluster, whose internal registry takes the push with the cluster's own token (as
// `podman login -u $(oc whoami) -p $(oc whoami -t)` would), so no separate registry login is needed.
import * as vscode from 'vscode';
import { projectRegistryDestination } from '../../core/openshift';
import type { RegistryClient } from '../../core/registry/client';
import { cancelled, orCancel } from '../commands/command';
import { logInToInternalRegistryCommand } from '../commands/openshift-internal-registry-log-in';
import { askRegistryHost } from '../commands/pick-registry';
import type { Ctx } from '../ctx';
import type { ClusterNode } from '../openshift/cluster-nodes';

export type PromoteDestination = { kind: 'registry'; host: string } | { kind: 'project'; contextName: string; clusterLabel: string; project: string };

/** A destination resolved for a run: its host, the prefix images go under, and the client that pushes there. */
export interface ResolvedDestination {
  host: string;
  /** `host/project` for a cluster project; otherwise undefined (a path is asked). */
  prefix?: string;
  /** A client of its own (the cluster token as the login); closed after the run. */
  client?: RegistryClient;
  label: string;
}

type Item = vscode.QuickPickItem & { destination?: PromoteDestination; other?: true };

/** Registries first (at once), then "cluster / project" rows as each cluster's projects arrive. */
export async function pickDestination(ctx: Ctx, title: string): Promise<PromoteDestination> {
  const registries: Item[] = ctx.config.registries.map((r) => ({
    label: r.label,
    description: r.label === r.host ? undefined : r.host,
    destination: { kind: 'registry', host: r.host },
  }));
  const other: Item = { label: 'Other registry...', description: 'type a host', other: true };
  const projects: Item[] = [];
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.placeholder = 'Which registry, or which OpenShift project (its internal registry)?';
  qp.ignoreFocusOut = true;
  let open = true;
  const draw = (): void => {
    if (!open) return;
    const clusterRows: Item[] = projects.length ? [{ label: 'OpenShift projects', kind: vscode.QuickPickItemKind.Separator }, ...projects] : [];
    qp.items = [...registries, other, ...clusterRows];
  };
  draw();
  let contexts: ReturnType<Ctx['openshift']['contexts']> = [];
  try {
    contexts = ctx.openshift.contexts();
  } catch (err) {
    ctx.log.warn(`promote: the kubeconfig could not be read: ${(err as Error).message}`);
  }
  qp.busy = contexts.length > 0;
  let pending = contexts.length;
  for (const c of contexts) {
    void (async () => {
      try {
        if (!(await ctx.openshift.isOpenShift(c.contextName))) return;
        for (const p of await ctx.openshift.projects(c.contextName)) {
          projects.push({
            label: `${c.label} / ${p.name}`,
            description: 'internal registry',
            detail: p.displayName,
            destination: { kind: 'project', contextName: c.contextName, clusterLabel: c.label, project: p.name },
          });
        }
        draw();
      } catch (err) {
        // A cluster that cannot be reached now is left out of the list, not an error for a promotion elsewhere.
        ctx.log.warn(`promote: projects of ${c.contextName}: ${ctx.log.redact((err as Error).message)}`);
      } finally {
        if (--pending === 0 && open) qp.busy = false;
      }
    })();
  }
  const chosen = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  open = false;
  qp.dispose();
  const item = orCancel(chosen);
  if (item.other) return { kind: 'registry', host: await askRegistryHost(title) };
  return orCancel(item.destination);
}

/**
 * A cluster project's internal registry. A route not in the Registries view yet is logged in to first
 * (Log In to Internal Registry: it settles how its certificate is trusted and adds it to the view); the
 * push itself always uses the cluster's current token, which outlives no `oc login`.
 */
export async function resolveDestination(ctx: Ctx, d: PromoteDestination): Promise<ResolvedDestination> {
  if (d.kind === 'registry') {
    const label = ctx.config.registries.find((r) => r.host === d.host)?.label ?? d.host;
    return { host: d.host, label };
  }
  const context = ctx.openshift.context(d.contextName);
  if (!context) throw new Error(`The kubeconfig has no context ${d.contextName} any more.`);
  const found = await projectRegistryDestination(ctx.openshift.client(d.contextName), d.project);
  ctx.log.addSecret(found.password);
  if (!ctx.config.registries.some((r) => r.host === found.host)) {
    const node: ClusterNode = { kind: 'cluster', id: `promote:${d.contextName}`, context };
    const loggedIn = await logInToInternalRegistryCommand.run(ctx, node);
    if (loggedIn === undefined) cancelled();
    if (loggedIn !== found.host)
      throw new Error(
        `Log In to Internal Registry logged in to ${String(loggedIn)}, but ${d.project}'s image streams name ${found.host}; add ${found.host} to the Registries view (Add Registry) and promote again.`,
      );
  }
  const configured = ctx.config.registries.find((r) => r.host === found.host);
  const tlsVerify = configured ? configured.tlsVerify && !configured.insecureHttp : true;
  return {
    host: found.host,
    prefix: found.prefix,
    label: `${d.clusterLabel} / ${d.project}`,
    client: ctx.clients.probe(found.host, { tlsVerify, caFile: configured?.caFile, username: found.username, password: found.password }),
  };
}
