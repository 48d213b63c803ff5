// What the copy engine asks of anything that signs an image it wrote (GPG simple signing here,
// sigstore keys in src/core/sigstore/). The engine calls each signer once per copy, for the top
// manifest, after that manifest is stored by digest and before the tag names it: a signer that fails
// leaves no tag, and a tag never names an image whose signing was asked for but did not happen.
// A signer both signs and stores (a lookaside store, the registry's signature API, cosign attachments),
// since where a signature goes depends on its kind.
import type { RegistryClient } from '../registry/client';
import type { ImageReference } from '../reference/reference';
import type { RegistriesConfig } from './registries-d';

export interface SignRequest {
  /** Digest of the manifest the destination reference will name. */
  manifestDigest: string;
  /** The manifest's bytes and media type (a sigstore attachment or a schema 1 digest check needs them). */
  manifest: { bytes: Buffer; mediaType: string };
  /** The identity the signature claims (critical.identity.docker-reference): the destination, or the chosen identity. */
  dockerReference: string;
  /** Where the image was written: its registry, repository, and the tag or digest it gets. */
  destination: ImageReference;
  /** Client of the destination registry, with its credentials and TLS settings. */
  client: RegistryClient;
  /** registries.d as read for this run (lookaside stores, use-sigstore-attachments). */
  registries: RegistriesConfig;
  signal?: AbortSignal;
}

export interface SignResult {
  /** 'simple-signing' (GPG) or 'sigstore'. */
  kind: 'simple-signing' | 'sigstore';
  /** Where it was stored, for the user (a URL without credentials, or "referrers tag sha256-....sig"). */
  storedAt: string;
  /** Who signed: a key fingerprint or a key file's name. */
  signer: string;
}

export interface ImageSigner {
  /** For messages: "GPG key 0123...", "sigstore key key.private". */
  readonly description: string;
  /** Signs `manifestDigest` as `dockerReference` and stores the signature where it belongs; throws a RegxError on failure. */
  sign(req: SignRequest): Promise<SignResult>;
  /**
   * The signature alone, for a destination that keeps signatures itself (a dir: folder's signature-N
   * files); absent when this kind of signature can only be stored in a registry.
   */
  signature?(req: Pick<SignRequest, 'manifestDigest' | 'dockerReference' | 'signal'>): Promise<{ bytes: Buffer; signer: string }>;
}

/** The identity a signature claims: `registry/repo:tag` (or `@digest`), as skopeo writes it. */
export function signatureIdentity(ref: ImageReference): string {
  const name = `${ref.registry}/${ref.repository}`;
  if (ref.digest) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? 'latest'}`;
}
