import * as vscode from 'vscode';
import { UntrustedCertificateError } from '../../core/errors';
import { login, mergeCaBundles, normalizeServerUrl } from '../../core/openshift';
import type { LoginOptions } from '../../core/openshift';
import { chooseClusterTrust } from '../openshift/cluster-trust';
import { parseOcLoginCommand } from '../openshift/oc-login-command';
import { isClusterNode } from '../openshift/pick';
import { orCancel } from './command';
import type { Command } from './command';
import { commandIds } from './command-ids';

function validServer(v: string): string | undefined {
  if (parseOcLoginCommand(v)) return undefined;
  try {
    const url = new URL(normalizeServerUrl(v.trim()));
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'Enter the API server URL, e.g. https://api.cluster.example.com:6443';
  } catch {
    return 'Enter the API server URL, e.g. https://api.cluster.example.com:6443';
  }
}

/**
 * `oc login` from the palette: a token (the web console's "Copy login command") or a username and
 * password through the OAuth server. The kubeconfig entries are written as oc writes them; the token
 * lives there (where oc keeps it) and is registered with the log so that it is never printed.
 */
export const logInToClusterCommand: Command = {
  id: commandIds.logInToCluster,
  title: 'Log In to Cluster',
  async run(ctx, arg) {
    const title = 'Log In to Cluster';
    const known =
      isClusterNode(arg) && 'contextName' in arg && arg.contextName
        ? ctx.openshift.context(arg.contextName)
        : isClusterNode(arg) && arg.kind === 'cluster'
          ? arg.context
          : undefined;
    const typed = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: "API server URL, or the web console's whole `oc login --token=... --server=...` line",
        placeHolder: 'https://api.cluster.example.com:6443',
        value: known?.server,
        ignoreFocusOut: true,
        validateInput: validServer,
      }),
    ).trim();
    const pasted = parseOcLoginCommand(typed);
    if (pasted?.token) ctx.log.addSecret(pasted.token);
    const server = normalizeServerUrl(pasted?.server ?? typed);
    const options: LoginOptions = { server, ...(pasted?.insecure ? { insecure: true } : {}) };
    if (pasted?.token) options.token = pasted.token;
    // A pasted `oc login --token=...` line brings its token; otherwise ask how to log in.
    if (!options.token) {
      const method = orCancel(
        await vscode.window.showQuickPick(
          [
            { label: 'Token', detail: 'The token of the web console\'s "Copy login command" (sha256~...)', id: 'token' as const },
            { label: 'Username and password', detail: "Through the cluster's OAuth server", id: 'password' as const },
          ],
          { title, placeHolder: 'How do you log in?', ignoreFocusOut: true },
        ),
      ).id;
      if (method === 'token') {
        options.token = orCancel(
          await vscode.window.showInputBox({
            title,
            prompt: `Token for ${server}`,
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : 'Paste the token'),
          }),
        ).trim();
        ctx.log.addSecret(options.token);
      } else {
        options.username = orCancel(
          await vscode.window.showInputBox({
            title,
            prompt: 'Username',
            value: known?.user,
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : 'Enter a username'),
          }),
        ).trim();
        options.password = orCancel(
          await vscode.window.showInputBox({
            title,
            prompt: `Password for ${options.username}`,
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v ? undefined : 'Enter the password'),
          }),
        );
        ctx.log.addSecret(options.password);
      }
    }
    for (;;) {
      try {
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Logging in to ${server}...` }, () =>
          login(options),
        );
        ctx.log.info(`logged in to ${server} as ${result.username}, context ${result.contextName} in ${result.file}`);
        ctx.openshift.reload();
        const project = result.namespace ? ` Using project "${result.namespace}".` : ' You have no projects yet.';
        void vscode.window.showInformationMessage(`Logged in to ${server} as ${result.username}.${project}`);
        return result.contextName;
      } catch (error) {
        if (!(error instanceof UntrustedCertificateError) || options.insecure) throw error;
        ctx.log.warn(`log in to ${server}: ${error.message}`);
        const trust = await chooseClusterTrust(error.host, error.caPem, error.fingerprint256, `The certificate of ${error.host} is not trusted.`);
        // The OAuth server may present another CA than the API server: keep both.
        if ('caPem' in trust) options.caPem = mergeCaBundles(options.caPem, trust.caPem);
        else options.insecure = true;
      }
    }
  },
};
