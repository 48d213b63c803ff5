import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RegxError } from '../../core/errors';
import { listSecretKeys } from '../../core/signing/gpg-keys';
import type { SecretKey } from '../../core/signing/gpg-keys';
import { GpgSigner } from '../../core/signing/gpg-sign';
import { useSigstoreAttachments } from '../../core/signing/registries-d';
import type { RegistriesConfig } from '../../core/signing/registries-d';
import { signStoredImage } from '../../core/signing/sign-stored';
import type { SignedImage } from '../../core/signing/sign-stored';
import type { ImageSigner } from '../../core/signing/signer';
import { SigstoreKeySigner } from '../../core/sigstore/signer';
import type { ImageReference } from '../../core/reference/reference';
import type { Ctx } from '../ctx';
import { loadRegistriesSetting, registriesDirectorySetting } from '../supply-chain/trust-settings';
import { cancelled, orCancel } from './command';
import type { Command } from './command';
import { imageArgument, imageName } from './image-argument';
import { commandIds } from './command-ids';

/** Asked again this many times after a wrong passphrase. */
const PASSPHRASE_TRIES = 3;

type KeyChoice = vscode.QuickPickItem & { key?: { kind: 'sigstore' } | { kind: 'gpg'; fingerprint: string } };

async function registriesFor(ctx: Ctx): Promise<RegistriesConfig> {
  try {
    return await loadRegistriesSetting(ctx.config.registriesDirectory);
  } catch (error) {
    throw new RegxError('usage', `${error instanceof Error ? error.message : String(error)}. Fix the setting ${registriesDirectorySetting}.`);
  }
}

/** The sigstore key file entry, then the user's GPG secret keys that can sign (or why there are none). */
async function keyChoices(ctx: Ctx): Promise<KeyChoice[]> {
  const items: KeyChoice[] = [
    {
      label: '$(file) Sigstore Key File...',
      description: 'a cosign-format private key (generate-sigstore-key, cosign generate-key-pair)',
      key: { kind: 'sigstore' },
    },
  ];
  let keys: SecretKey[];
  try {
    keys = (await listSecretKeys()).filter((k) => k.canSign && !k.unusable);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.warn(`Sign Image: ${message}`);
    return [...items, { label: 'GPG', kind: vscode.QuickPickItemKind.Separator }, { label: '$(warning) No GPG keys', description: message }];
  }
  items.push({ label: `GPG keys (${process.env.GNUPGHOME ? `GNUPGHOME ${process.env.GNUPGHOME}` : '~/.gnupg'})`, kind: vscode.QuickPickItemKind.Separator });
  if (!keys.length) items.push({ label: '$(info) No GPG secret key that can sign', description: 'gpg lists none' });
  for (const k of keys)
    items.push({
      label: `$(key) ${k.uids[0] ?? k.fingerprint}`,
      description: k.fingerprint,
      detail: k.uids.slice(1).join(', ') || undefined,
      key: { kind: 'gpg', fingerprint: k.fingerprint },
    });
  return items;
}

/** Opens a sigstore private key, asking its passphrase (masked, never kept) until it decrypts the key. */
async function openSigstoreKey(): Promise<SigstoreKeySigner> {
  const file = orCancel(
    (
      await vscode.window.showOpenDialog({
        title: 'Sigstore private key',
        openLabel: 'Sign with This Key',
        canSelectMany: false,
        filters: { 'Private keys': ['private', 'key', 'pem'], 'All files': ['*'] },
      })
    )?.[0],
  );
  let problem: string | undefined;
  for (let i = 0; i < PASSPHRASE_TRIES; i++) {
    const passphrase = orCancel(
      await vscode.window.showInputBox({
        title: `Passphrase of ${basename(file.fsPath)}`,
        prompt: problem ? `${problem} Try again.` : "The key's passphrase (empty if it has none)",
        password: true,
        ignoreFocusOut: true,
      }),
    );
    try {
      return await SigstoreKeySigner.fromFile(file.fsPath, passphrase);
    } catch (error) {
      if (!(error instanceof RegxError) || error.reason !== 'signing-key' || !/passphrase/.test(error.message)) throw error;
      problem = 'Wrong passphrase.';
    }
  }
  throw new RegxError('signing-key', `cannot decrypt ${file.fsPath}: wrong passphrase`);
}

function sign(ctx: Ctx, ref: ImageReference, signer: ImageSigner, registries: RegistriesConfig): Thenable<SignedImage> {
  const name = imageName({ host: ref.registry, repository: ref.repository, reference: ref.digest ?? (ref.tag as string), tag: ref.tag });
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Signing ${name} with ${signer.description}`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const listener = token.onCancellationRequested(() => abort.abort());
      try {
        return await signStoredImage(ctx.clients.for(ref.registry), ref, [signer], registries, abort.signal);
      } finally {
        listener.dispose();
      }
    },
  );
}

/** A GPG key: gpg's agent may know the passphrase (or the key has none); else it is asked here, masked. */
async function signWithGpg(ctx: Ctx, ref: ImageReference, fingerprint: string, registries: RegistriesConfig): Promise<SignedImage> {
  let passphrase = '';
  for (let i = 0; ; i++) {
    try {
      return await sign(ctx, ref, new GpgSigner({ keyIdentity: fingerprint, passphrase }), registries);
    } catch (error) {
      if (!(error instanceof RegxError) || error.reason !== 'signing-failed' || !/passphrase|pinentry/i.test(error.message) || i >= PASSPHRASE_TRIES)
        throw error;
      ctx.log.debug(`gpg could not sign with ${fingerprint} without a passphrase: ${error.message}`);
      passphrase = orCancel(
        await vscode.window.showInputBox({
          title: `Passphrase of GPG key ${fingerprint}`,
          prompt: i ? 'Wrong passphrase. Try again.' : "The key's passphrase",
          password: true,
          ignoreFocusOut: true,
        }),
      );
    }
  }
}

/** Signs a tag with a sigstore key file or one of the user's GPG keys; the signature is stored where registries.d says. */
export const signImageCommand: Command = {
  id: commandIds.signImage,
  title: 'Sign Image',
  async run(ctx, node) {
    const image = await imageArgument(node, 'Sign Image');
    const name = imageName(image);
    const ref: ImageReference = { registry: image.host, repository: image.repository, ...(image.tag ? { tag: image.tag } : { digest: image.reference }) };
    const registries = await registriesFor(ctx);
    const picked = await vscode.window.showQuickPick(keyChoices(ctx), {
      title: `Sign ${name}`,
      placeHolder: 'Sign with a sigstore key file or a GPG key',
      ignoreFocusOut: true,
    });
    const key = orCancel(picked).key;
    if (!key) cancelled();
    let signed: SignedImage;
    if (key.kind === 'sigstore') {
      // Checked before the key is opened: without it the signature would have nowhere to go.
      if (!useSigstoreAttachments(registries, ref)) {
        throw new RegxError(
          'usage',
          `sigstore signatures are stored in the registry as a .sig attachment, which registries.d must allow for ${image.host}/${image.repository}: set use-sigstore-attachments: true for ${image.host} in a .yaml file of ${registries.dir || 'a registries.d folder'} (setting ${registriesDirectorySetting})`,
        );
      }
      signed = await sign(ctx, ref, await openSigstoreKey(), registries);
    } else {
      signed = await signWithGpg(ctx, ref, key.fingerprint, registries);
    }
    const result = signed.signed[0];
    ctx.log.info(`signed ${name} (${signed.digest}) as ${signed.identity} with ${result?.signer}: stored in ${result?.storedAt}`);
    ctx.tree.refreshWhere(image.host, image.repository);
    void vscode.window.showInformationMessage(
      `Signed ${name} with ${result?.kind === 'sigstore' ? 'sigstore key' : 'GPG key'} ${result?.signer}. Stored in ${result?.storedAt}.`,
    );
  },
};
