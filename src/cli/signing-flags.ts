// The signing flags of `regx copy` (skopeo copy's spellings) and the signers they make. One place for
// them: every signing method adds its flag and its signer here, and they share the passphrase file,
// the identity and registries.d.
import { UsageError } from '../core/errors';
import { parseCanonicalReference } from '../core/reference/reference';
import type { ImageReference } from '../core/reference/reference';
import { loadRegistriesConfig, registriesDirPath } from '../core/signing/registries-d';
import type { RegistriesConfig } from '../core/signing/registries-d';
import type { ImageSigner } from '../core/signing/signer';
import { SigstoreKeySigner } from '../core/sigstore/signer';
import { GpgSigner } from '../core/signing/gpg-sign';
import { flagString } from './args';
import type { FlagSpec, ParsedArgs } from './args';
import type { CliIO } from './io';
import { askPassphrase, readPassphraseFile } from './passphrase';

export const signingFlags: FlagSpec[] = [
  {
    name: 'sign-by',
    kind: 'string',
    help: "sign the copy with this GPG key (a fingerprint) through gpg and GNUPGHOME; stored in the registry's signature API, else the lookaside registries.d names (lookaside-staging, file://)",
  },
  {
    name: 'sign-by-sigstore-private-key',
    kind: 'string',
    help: "sign the copy with this cosign-format private key; the signature joins the image's sha256-<hex>.sig attachment (registries.d must set use-sigstore-attachments: true for the destination)",
  },
  { name: 'sign-passphrase-file', kind: 'string', help: "the signing key's passphrase: the first line of this file (default: asked on the terminal)" },
  { name: 'sign-identity', kind: 'string', help: 'the identity the signature claims, a full REGISTRY/REPOSITORY:TAG or @DIGEST (default: the destination)' },
  {
    name: 'registries.d',
    kind: 'string',
    help: 'folder of registries.d files saying where signatures are stored (default: ~/.config/containers/registries.d, else /etc/containers/registries.d)',
  },
];

export interface SigningChoice {
  signers: ImageSigner[];
  signIdentity?: ImageReference;
  registries?: RegistriesConfig;
}

/** --sign-identity as containers/image takes it: canonical (no short names) and with a tag or digest. */
function signIdentity(value: string): ImageReference {
  const ref = parseCanonicalReference(value);
  if (!ref.tag && !ref.digest) throw new UsageError(`--sign-identity ${value}: a signature names a tag or a digest, and this has neither`);
  return ref;
}

/** The signers the flags ask for, with their keys opened (so a wrong passphrase fails before anything is copied). */
export async function signingChoice(p: ParsedArgs, io: CliIO): Promise<SigningChoice> {
  const sigstoreKey = flagString(p, 'sign-by-sigstore-private-key');
  const passphraseFile = flagString(p, 'sign-passphrase-file');
  const identity = flagString(p, 'sign-identity');
  const signers: ImageSigner[] = [];
  const gpgKey = flagString(p, 'sign-by');
  if (gpgKey !== undefined && sigstoreKey !== undefined && passphraseFile !== undefined)
    throw new UsageError('only one of --sign-by and --sign-by-sigstore-private-key can be used with --sign-passphrase-file');
  if (gpgKey !== undefined) {
    // Without a passphrase file gpg asks through its own agent and pinentry, as skopeo's gpgme does.
    const passphrase = passphraseFile !== undefined ? await readPassphraseFile(passphraseFile) : undefined;
    signers.push(new GpgSigner({ keyIdentity: gpgKey, passphrase, env: io.env }));
  }
  if (sigstoreKey !== undefined) {
    const passphrase = passphraseFile !== undefined ? await readPassphraseFile(passphraseFile) : await askPassphrase(io, sigstoreKey, 'sign-passphrase-file');
    signers.push(await SigstoreKeySigner.fromFile(sigstoreKey, passphrase));
  }
  if (signers.length === 0) {
    if (identity !== undefined) throw new UsageError('--sign-identity needs a signing flag (--sign-by or --sign-by-sigstore-private-key)');
    if (passphraseFile !== undefined) throw new UsageError('--sign-passphrase-file needs a signing flag (--sign-by or --sign-by-sigstore-private-key)');
    return { signers };
  }
  const registries = await loadRegistriesConfig(await registriesDirPath(flagString(p, 'registries.d') ?? io.globals?.registriesD, io.env));
  return { signers, registries, ...(identity !== undefined ? { signIdentity: signIdentity(identity) } : {}) };
}

/**
 * Proves each signer can sign, writing nothing: a signature of a throwaway payload, kept by no one. A dry
 * run uses it so that a key gpg does not have, or an agent that cannot unlock it, fails the dry run as it
 * would fail the real one (a sigstore key is already proven when it is opened).
 */
export async function checkSigners(signers: readonly ImageSigner[], signal?: AbortSignal): Promise<void> {
  const probe = { manifestDigest: `sha256:${'0'.repeat(64)}`, dockerReference: 'regx.invalid/dry-run/signing-check:latest', signal };
  for (const signer of signers) await signer.signature?.(probe);
}
