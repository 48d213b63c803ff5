import * as vscode from 'vscode';

class EmptyRegistriesTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('registryExplorer.registries', new EmptyRegistriesTree()),
    vscode.commands.registerCommand('registryExplorer.addRegistry', () => undefined),
    vscode.commands.registerCommand('registryExplorer.refresh', () => undefined),
  );
}

export function deactivate(): void {}
