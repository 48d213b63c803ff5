import * as vscode from 'vscode';
import { withRegistry, withRegistryFields } from '../registry-settings';
import { cancelled } from './command';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';

/** Asks how to trust a registry whose certificate failed: a CA file (kept verified) or no verification. */
export async function chooseTrust(host: string, why: string): Promise<{ caFile?: string; skipVerify?: true }> {
  const caChoice = 'Use a CA File...';
  const skipChoice = 'Skip TLS Verification for This Registry';
  const choice = await vscode.window.showWarningMessage(`${why}`, { modal: true, detail: `Trust ${host} with the CA that signed its certificate, or skip verification for ${host} only.` }, caChoice, skipChoice);
  if (choice === skipChoice) return { skipVerify: true };
  if (choice !== caChoice) cancelled();
  const picked = await vscode.window.showOpenDialog({ title: `CA certificate for ${host}`, canSelectMany: false, openLabel: 'Trust this CA', filters: { 'PEM certificates': ['pem', 'crt', 'cer'], 'All files': ['*'] } });
  const file = picked?.[0];
  if (!file) cancelled();
  return { caFile: file.fsPath };
}

export const trustCertificateCommand: Command = {
  id: 'registryExplorer.trustCertificate',
  title: 'Trust Certificate',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Trust Certificate', allowOther: false });
    const trust = await chooseTrust(host, `How should ${host}'s certificate be trusted?`);
    const fields = trust.caFile ? { caFile: trust.caFile, tlsVerify: true } : { tlsVerify: false };
    const known = ctx.config.registries.some((r) => r.host === host);
    await ctx.config.updateRegistries((list) => (known ? withRegistryFields(list, host, fields) : withRegistry(list, { url: host, ...fields })));
    ctx.log.info(trust.caFile ? `trusting ${host} with CA file ${trust.caFile}` : `TLS verification skipped for ${host}`);
  },
};
