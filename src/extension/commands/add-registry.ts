import * as vscode from 'vscode';
import { registryPresets } from '../registry-presets';
import type { RegistryPreset } from '../registry-presets';
import { parseRegistryUrl, withRegistry } from '../registry-settings';
import type { RegistrySetting } from '../registry-settings';
import { orCancel } from './command';
import { logInCommandId } from './log-in';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** Adds a preset or a typed registry to `registryExplorer.registries` (never a secret there). */
export const addRegistryCommand: Command = {
  id: commandIds.addRegistry,
  title: 'Add Registry',
  async run(ctx) {
    const preset = orCancel(
      await vscode.window.showQuickPick(
        registryPresets.map((p) => ({ label: p.label, detail: p.detail, preset: p })),
        { title: 'Add Registry', placeHolder: 'Which registry?', matchOnDetail: true, ignoreFocusOut: true },
      ),
    ).preset;
    let setting: RegistrySetting;
    if (preset.setting) {
      setting = preset.setting;
    } else {
      const ask = preset.ask!;
      const url = orCancel(
        await vscode.window.showInputBox({
          title: `Add Registry: ${preset.label}`,
          prompt: ask.prompt,
          placeHolder: ask.placeholder,
          ignoreFocusOut: true,
          validateInput: (v) => (parseRegistryUrl(v) ? undefined : 'Enter a host name with an optional port, e.g. registry.example.com:5000'),
        }),
      );
      setting = { url: url.trim().replace(/\/+$/, ''), kind: ask.kind };
      if (preset === otherRegistry) setting = { ...setting, ...(await nameAndKind(setting.url)) };
    }
    const host = parseRegistryUrl(setting.url)!.host;
    await ctx.config.updateRegistries((list) => withRegistry(list, setting));
    ctx.log.info(`added registry ${host}`);
    ctx.tree.refresh();
    if (preset.needsLogin && !(await ctx.logins.credentials(host).catch(() => undefined))) {
      const logIn = 'Log In';
      const message = `${preset.label} needs a login.${preset.loginHint ? ` ${preset.loginHint}` : ''}`;
      void vscode.window.showInformationMessage(message, logIn).then((choice) => choice === logIn && vscode.commands.executeCommand(logInCommandId, host));
    }
    return host;
  },
};

const otherRegistry: RegistryPreset | undefined = registryPresets.find((p) => p.label === 'Other registry...');

const kinds: { label: string; registryKind: NonNullable<RegistrySetting['kind']>; detail: string }[] = [
  { label: 'Distribution (OCI)', registryKind: 'generic', detail: 'Any registry: catalog and tags through the registry API' },
  { label: 'Quay', registryKind: 'quay', detail: 'Red Hat Quay: repositories found through its search API' },
  { label: 'Harbor', registryKind: 'harbor', detail: 'Harbor: repositories found through its search API' },
  { label: 'OpenShift internal registry', registryKind: 'openshift', detail: "A cluster's registry route" },
];

/** "Other registry": the name shown in the tree and what kind of registry it is. */
async function nameAndKind(url: string): Promise<Pick<RegistrySetting, 'name' | 'kind'>> {
  const name = orCancel(
    await vscode.window.showInputBox({ title: 'Add Registry: name', prompt: 'Name shown in the Registries view', value: url, ignoreFocusOut: true }),
  ).trim();
  const kind = orCancel(
    await vscode.window.showQuickPick(kinds, { title: 'Add Registry: kind', placeHolder: 'What kind of registry is it?', ignoreFocusOut: true }),
  ).registryKind;
  return { ...(name && name !== url ? { name } : {}), kind };
}
