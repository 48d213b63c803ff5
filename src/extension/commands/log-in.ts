import * as vscode from 'vscode';
import { AuthenticationError, TlsError } from '../../core/errors';
import type { Ctx } from '../ctx';
import { withRegistry, withRegistryFields } from '../registry-settings';
import { orCancel } from './command';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { chooseTrust } from './trust-certificate';
import { commandIds } from './command-ids';

/**
 * Asks for a username and a password, checks them against the registry, and only then saves
 * them (SecretStorage; auth.json too when the user shares logins). A certificate the registry's
 * settings do not trust leads to the choice of a CA file or skipping verification for that registry.
 */
export const logInCommandId = commandIds.logIn;

/** What Try Again hands the next attempt: the registry and the username typed, never the password. */
interface LoginRetry {
  readonly retryLogin: { readonly host: string; readonly username: string };
}

function isLoginRetry(arg: unknown): arg is LoginRetry {
  const r = (arg as Partial<LoginRetry> | null)?.retryLogin;
  return typeof r === 'object' && r !== null && typeof r.host === 'string' && typeof r.username === 'string';
}

/** A refused password: nothing was saved; Try Again asks again with the same registry and username. */
function offerTryAgain(ctx: Ctx, host: string, username: string, error: AuthenticationError): void {
  const message = ctx.log.redact(error.message);
  ctx.log.error(`Log In failed (${error.reason}): ${message}; nothing was saved`);
  const tryAgain = 'Try Again';
  void vscode.window.showErrorMessage(`Log In: ${message}`, tryAgain, 'Open Log').then((choice) => {
    if (choice === tryAgain) void vscode.commands.executeCommand(logInCommandId, { retryLogin: { host, username } } satisfies LoginRetry);
    if (choice === 'Open Log') ctx.log.show();
  });
}

export const logInCommand: Command = {
  id: commandIds.logIn,
  title: 'Log In',
  async run(ctx, arg) {
    const retry = isLoginRetry(arg) ? arg.retryLogin : undefined;
    const host = retry?.host ?? (await pickRegistry(ctx, arg, { title: 'Log In', allowOther: true }));
    const title = `Log In to ${host}`;
    const configured = ctx.config.registries.find((r) => r.host === host);
    const previous = await ctx.logins.credentials(host).catch(() => undefined);
    const username = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: 'Username',
        value: retry?.username ?? previous?.username,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a username'),
      }),
    ).trim();
    const password = orCancel(
      await vscode.window.showInputBox({
        title,
        prompt: `Password or token for ${username}`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v ? undefined : 'Enter the password'),
      }),
    );
    ctx.log.addSecret(password);

    let tlsVerify = configured ? configured.tlsVerify && !configured.insecureHttp : true;
    let caFile = configured?.caFile;
    for (;;) {
      const client = ctx.clients.probe(host, { tlsVerify, caFile, username, password });
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking the login for ${host}...` }, () =>
          client.checkLogin(),
        );
        break;
      } catch (error) {
        if (error instanceof AuthenticationError && error.reason === 'auth-refused') {
          offerTryAgain(ctx, host, username, error);
          return undefined;
        }
        if (!(error instanceof TlsError) || !tlsVerify) throw error;
        ctx.log.warn(`login to ${host}: ${error.message}`);
        const trust = await chooseTrust(ctx, host, error.message);
        if ('caFile' in trust) caFile = trust.caFile;
        else tlsVerify = false;
      } finally {
        void client.close();
      }
    }

    const tlsFields = { ...(caFile !== configured?.caFile ? { caFile } : {}), ...(!tlsVerify && configured?.tlsVerify !== false ? { tlsVerify: false } : {}) };
    if (!configured) await ctx.config.updateRegistries((list) => withRegistry(list, { url: host, ...tlsFields }));
    else if (Object.keys(tlsFields).length) await ctx.config.updateRegistries((list) => withRegistryFields(list, host, tlsFields));
    const sharedTo = await ctx.logins.save(host, username, password);
    ctx.log.info(`logged in to ${host} as ${username}${sharedTo ? `, also saved to ${sharedTo}` : ''}`);
    void vscode.window.showInformationMessage(`Logged in to ${host} as ${username}.${sharedTo ? ` Also saved to ${sharedTo} for podman and skopeo.` : ''}`);
    return host;
  },
};
