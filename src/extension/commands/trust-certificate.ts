// Trusting a registry's certificate the way a cluster's is trusted: the top of the chain the registry
// presents is shown (SHA-256 fingerprint, subject, issuer, validity) before anything is trusted; one
// click saves that CA in the extension's own storage and names it as this registry's CA file, so it is
// used for this registry only. Skipping verification is a separate, explicit choice for this registry.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { presentedCa } from '../../core/http/tls';
import type { PresentedCertificate } from '../../core/http/tls';
import type { Ctx } from '../ctx';
import { withRegistry, withRegistryFields } from '../registry-settings';
import { cancelled } from './command';
import type { Command } from './command';
import { pickRegistry } from './pick-registry';
import { commandIds } from './command-ids';

export type RegistryTrust = { caFile: string } | { skipVerify: true };

export const trustChoices = {
  trust: 'Trust this CA',
  caFile: 'Use a CA File...',
  skip: 'Skip Verification for This Registry Only',
} as const;

/** The dialog's detail: what the registry presented, in the words `openssl x509 -text` users know. */
export function presentedDetail(host: string, presented: PresentedCertificate | undefined): string {
  if (!presented) return `${host} presented a certificate that cannot be verified, and none could be read from it.`;
  const facts = [
    `Subject: ${presented.subjectName || '(none)'}`,
    `Issuer: ${presented.issuerName || '(none)'}`,
    `Valid from ${presented.validFrom} to ${presented.validTo}`,
    `SHA-256 fingerprint:\n${presented.fingerprint256}`,
  ].join('\n');
  const advice = presented.isRoot
    ? `Trust it only if this is the fingerprint your registry administrator gave you. It is saved in the extension's own storage and used for ${host} only.`
    : `${host} did not send the CA that signed this certificate, so trusting the certificate alone would not verify it: choose the CA's file, or skip verification for ${host} only.`;
  return `${host} presented a certificate this editor does not trust. The top of the chain it sent:\n\n${facts}\n\n${advice}`;
}

/** Writes `pem` (plus the CAs of the file the registry had, if any) as this registry's CA file; temp + rename. */
function saveCa(ctx: Ctx, host: string, pem: string): string {
  const dir = join(ctx.extension.globalStorageUri.fsPath, 'registry-ca');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${host.replace(/[^A-Za-z0-9.-]+/g, '_')}.pem`);
  const previous = ctx.config.registries.find((r) => r.host === host)?.caFile;
  let kept = '';
  try {
    if (previous) kept = readFileSync(previous, 'utf8');
  } catch {
    kept = '';
  }
  const bundle = kept.includes(pem.trim()) ? kept : `${kept.trimEnd()}${kept.trim() ? '\n' : ''}${pem}`;
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, bundle, { mode: 0o644 });
  renameSync(temp, file);
  return file;
}

/**
 * Asks how to trust `host`: the CA it presents (when it sends a root), a CA file, or no verification for
 * this registry only. Closing the dialog cancels. A trusted CA is written to storage here; the settings
 * are changed by saveRegistryTrust, once the caller knows the registry answers.
 */
export async function chooseTrust(ctx: Ctx, host: string, why: string): Promise<RegistryTrust> {
  const presented = await presentedCa(new URL(`https://${host}`)).catch((error: unknown) => {
    ctx.log.warn(`could not read the certificate ${host} presents: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (presented) ctx.log.info(`${host} presents ${presented.subjectName} issued by ${presented.issuerName}, SHA-256 ${presented.fingerprint256}`);
  const buttons = [...(presented?.isRoot ? [trustChoices.trust] : []), trustChoices.caFile, trustChoices.skip];
  const choice = await vscode.window.showWarningMessage(why, { modal: true, detail: presentedDetail(host, presented) }, ...buttons);
  if (choice === trustChoices.trust && presented) return { caFile: saveCa(ctx, host, presented.pem) };
  if (choice === trustChoices.skip) return { skipVerify: true };
  if (choice !== trustChoices.caFile) cancelled();
  const picked = await vscode.window.showOpenDialog({
    title: `CA certificate for ${host}`,
    canSelectMany: false,
    openLabel: 'Trust this CA',
    filters: { 'PEM certificates': ['pem', 'crt', 'cer'], 'All files': ['*'] },
  });
  const file = picked?.[0];
  if (!file) cancelled();
  return { caFile: file.fsPath };
}

/** Records the choice in the registry's entry (adding the registry when it is not listed yet). */
export async function saveRegistryTrust(ctx: Ctx, host: string, trust: RegistryTrust): Promise<void> {
  const fields = 'caFile' in trust ? { caFile: trust.caFile, tlsVerify: true } : { tlsVerify: false };
  const known = ctx.config.registries.some((r) => r.host === host);
  await ctx.config.updateRegistries((list) => (known ? withRegistryFields(list, host, fields) : withRegistry(list, { url: host, ...fields })));
  ctx.log.info('caFile' in trust ? `trusting ${host} with CA file ${trust.caFile}` : `TLS verification skipped for ${host}, as chosen`);
}

/** Asks, then saves: the action of a "certificate is not trusted" row and of a copy that met one. */
export async function trustRegistry(ctx: Ctx, host: string, why: string): Promise<RegistryTrust> {
  const trust = await chooseTrust(ctx, host, why);
  await saveRegistryTrust(ctx, host, trust);
  return trust;
}

export const trustCertificateCommand: Command = {
  id: commandIds.trustCertificate,
  title: 'Trust Certificate',
  async run(ctx, arg) {
    const host = await pickRegistry(ctx, arg, { title: 'Trust Certificate', allowOther: false });
    await trustRegistry(ctx, host, `The certificate of ${host} is not trusted. Trust it?`);
  },
};
