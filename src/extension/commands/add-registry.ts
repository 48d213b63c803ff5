import * as vscode from 'vscode';
import { registryPresets } from '../registry-presets';
import { parseRegistryUrl, withRegistry } from '../registry-settings';
import type { RegistrySetting } from '../registry-settings';
import { orCancel } from './command';
import { logInCommandId } from './log-in';
import type { Command } from './command';

/** Adds a preset or a typed registry to `registryExplorer.registries` (never a secret there). */
export const addRegistryCommand: Command = {
  id: 'registryExplorer.addRegistry',
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
    }
    const host = parseRegistryUrl(setting.url)!.host;
    await ctx.config.updateRegistries((list) => withRegistry(list, setting));
    ctx.log.info(`added registry ${host}`);
    ctx.tree.refresh();
    if (preset.needsLogin && !(await ctx.logins.credentials(host).catch(() => undefined))) {
      const logIn = 'Log In';
      void vscode.window.showInformationMessage(`${preset.label} needs a login.`, logIn).then((choice) => choice === logIn && vscode.commands.executeCommand(logInCommandId, host));
    }
    return host;
  },
};
