// Reading and writing an image's sigstore signature attachment (`sha256-<hex>.sig`, layout in
// attachment-layout.ts) on a registry. Writing is read-modify-write: the current attachment is read,
// the new signatures added to it, their payloads and the new config uploaded, and the attachment read
// once more right before its manifest is written; when another writer changed it meanwhile, the
// signatures are added to theirs instead (as the referrers tag index is kept), so nobody's is lost.
import { NotFoundError, RegistryError, RegxError } from '../errors';
import { MediaType } from '../image/mediatypes';
import type { Descriptor } from '../image/mediatypes';
import type { ManifestResult, RegistryClient } from '../registry/client';
import { headBlob } from '../registry/blobs';
import { pushBlobBytes } from '../registry/uploads';
import { cosignTagFor } from '../supply-chain/kinds';
import { appendLayers, parseAttachmentManifest, parseSigManifest } from './attachment-layout';
import type { AttachmentLayer, SigManifestParts } from './attachment-layout';

/** containers/image's limit for one signature payload. */
export const MAX_SIGNATURE_PAYLOAD = 4 * 1024 * 1024;
const MAX_CONFIG = 4 * 1024 * 1024;
const ATTEMPTS = 5;

/** One layer of a `.sig` attachment as read: untrusted until verify.ts says otherwise. */
export interface SigstoreLayer extends AttachmentLayer {
  digest: string;
}

function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof RegistryError && err.status === 404) || (err instanceof RegxError && err.reason === 'not-found');
}

/** The attachment manifest at `sha256-<hex>.sig`, or undefined when there is none. Anything but an OCI image manifest there is refused. */
export async function readAttachmentManifest(client: RegistryClient, repository: string, manifestDigest: string, signal?: AbortSignal): Promise<ManifestResult | undefined> {
  const tag = cosignTagFor(manifestDigest, 'sig');
  let m: ManifestResult;
  try {
    m = await client.getManifest(repository, tag, signal);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (m.mediaType !== MediaType.ociManifest) throw new RegxError('manifest-invalid', `${client.registry}/${repository}:${tag} should be a sigstore signature attachment (an OCI image manifest) but is a ${m.mediaType}`);
  return m;
}

async function readParts(client: RegistryClient, repository: string, m: ManifestResult, signal?: AbortSignal): Promise<SigManifestParts> {
  const where = `${client.registry}/${repository}@${m.digest}`;
  const body = JSON.parse(m.bytes.toString('utf8')) as { config?: Descriptor };
  const cfg = body.config;
  if (!cfg || typeof cfg.digest !== 'string') throw new RegxError('manifest-invalid', `invalid manifest: ${where} has no config`);
  const configBytes = await client.getBlobBytes(repository, cfg.digest, MAX_CONFIG, signal);
  return parseSigManifest(m.bytes, configBytes, where);
}

/**
 * Every layer of the image's `.sig` attachment with its payload (digest-verified, 4 MiB at most each),
 * in manifest order; empty when there is no attachment. Layers of any media type come back: the
 * verifier decides what counts as a signature.
 */
export async function readSigstoreLayers(client: RegistryClient, repository: string, manifestDigest: string, signal?: AbortSignal): Promise<SigstoreLayer[]> {
  const m = await readAttachmentManifest(client, repository, manifestDigest, signal);
  if (!m) return [];
  const manifest = parseAttachmentManifest(m.bytes, `${client.registry}/${repository}@${m.digest}`);
  const out: SigstoreLayer[] = [];
  for (const d of manifest.layers) {
    if (d.size > MAX_SIGNATURE_PAYLOAD) throw new RegxError('too-large', `a signature payload in ${client.registry}/${repository}@${m.digest} is ${d.size} bytes, more than the ${MAX_SIGNATURE_PAYLOAD} read`);
    const payload = await client.getBlobBytes(repository, d.digest, MAX_SIGNATURE_PAYLOAD, signal);
    const annotations: Record<string, string> = {};
    if (d.annotations && typeof d.annotations === 'object') for (const [k, v] of Object.entries(d.annotations)) if (typeof v === 'string') annotations[k] = v;
    out.push({ mediaType: d.mediaType, payload, annotations, digest: d.digest });
  }
  return out;
}

async function ensureBlob(client: RegistryClient, repository: string, bytes: Buffer, desc: Descriptor, signal?: AbortSignal): Promise<void> {
  if ((await headBlob(client, repository, desc.digest, signal)) !== undefined) return;
  await pushBlobBytes(client, repository, desc, bytes, { signal, what: `signature attachment blob ${desc.digest}` });
}

export interface AttachResult {
  /** The attachment's tag. */
  tag: string;
  /** The new manifest digest, or the unchanged one when nothing was added. */
  digest?: string;
  added: number;
}

/**
 * Adds `layers` to the `.sig` attachment of `manifestDigest` in `repository` (creating it when there is
 * none); signatures already there are not added twice. Payload blobs and the config are pushed before
 * the manifest, so the tag never names a manifest with a missing blob.
 */
export async function attachSigstoreSignatures(client: RegistryClient, repository: string, manifestDigest: string, layers: readonly AttachmentLayer[], signal?: AbortSignal): Promise<AttachResult> {
  const tag = cosignTagFor(manifestDigest, 'sig');
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const before = await readAttachmentManifest(client, repository, manifestDigest, signal);
    const parts = before ? await readParts(client, repository, before, signal) : undefined;
    const outcome = appendLayers(parts, layers);
    if (!outcome.manifestBytes || !outcome.configBytes || !outcome.configDescriptor) return { tag, digest: before?.digest, added: 0 };
    for (const { layer, desc } of outcome.added) await ensureBlob(client, repository, layer.payload, desc, signal);
    await ensureBlob(client, repository, outcome.configBytes, outcome.configDescriptor, signal);
    // Read again just before writing: another signer may have added its signature meanwhile.
    const again = await client.headManifest(repository, tag, signal);
    if (again?.digest !== before?.digest) continue;
    const digest = await client.putManifest(repository, tag, outcome.manifestBytes, MediaType.ociManifest, signal);
    return { tag, digest, added: outcome.added.length };
  }
  throw new RegxError('conflict', `${client.registry}/${repository}:${tag}, the signature attachment of ${manifestDigest}, kept changing while a signature was being added; nothing was written to it`);
}
