import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { parseRegistryUrl } from '../registry-settings';
import type { ConfiguredRegistry } from '../registry-settings';
import { orCancel } from './command';

/** A tree row or a host string handed to a command (context menu, inline action, another command). */
export function registryOfArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return parseRegistryUrl(arg)?.host;
  if (typeof arg === 'object' && arg !== null && 'registry' in arg) {
    const r = (arg as { registry: ConfiguredRegistry }).registry;
    if (typeof r?.host === 'string') return r.host;
  }
  return undefined;
}

/** Asks for a host[:port] that is not in the list yet. */
export async function askRegistryHost(title: string): Promise<string> {
  const typed = orCancel(
    await vscode.window.showInputBox({
      title,
      prompt: 'Registry host and port',
      placeHolder: 'registry.example.com:5000',
      ignoreFocusOut: true,
      validateInput: (v) => (parseRegistryUrl(v) ? undefined : 'Enter a host name with an optional port, e.g. registry.example.com:5000'),
    }),
  );
  return parseRegistryUrl(typed)!.host;
}

/**
 * The registry a command is about: the row it was run on, or one the user picks from the
 * configured registries (optionally only `among` them), or types when `allowOther`.
 */
export async function pickRegistry(ctx: Ctx, arg: unknown, options: { title: string; allowOther: boolean; among?: readonly string[] }): Promise<string> {
  const fromArg = registryOfArgument(arg);
  if (fromArg) return fromArg;
  const registries = ctx.config.registries.filter((r) => !options.among || options.among.includes(r.host));
  const extra = (options.among ?? []).filter((h) => !registries.some((r) => r.host === h));
  type Item = vscode.QuickPickItem & { host?: string };
  const items: Item[] = [
    ...registries.map((r) => ({ label: r.label, description: r.label === r.host ? undefined : r.host, host: r.host })),
    ...extra.map((h) => ({ label: h, host: h })),
  ];
  if (options.allowOther) items.push({ label: 'Other registry...', description: 'type a host' });
  if (items.length === 0) throw new vscode.CancellationError();
  const chosen = orCancel(await vscode.window.showQuickPick(items, { title: options.title, placeHolder: 'Which registry?', ignoreFocusOut: true }));
  return chosen.host ?? (await askRegistryHost(options.title));
}
