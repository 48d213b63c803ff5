// The two rows both trees (Registries, OpenShift Clusters) show in place of content: an error with
// a retry on click, and a plain message ("no tags", "no image streams").
import * as vscode from 'vscode';

/** Makes `item` an error row: red error icon, the detail as tooltip, `retry` run on click. */
export function asErrorRow(item: vscode.TreeItem, message: string, detail: string | undefined, retry: vscode.Command): vscode.TreeItem {
  item.label = message;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = detail;
  item.command = retry;
  return item;
}

/** Makes `item` an informational row. */
export function asMessageRow(item: vscode.TreeItem, message: string, detail?: string): vscode.TreeItem {
  item.label = message;
  item.iconPath = new vscode.ThemeIcon('info');
  if (detail !== undefined) item.tooltip = detail;
  return item;
}
