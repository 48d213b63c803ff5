// Reading and writing an image's sigstore signature attachment (`sha256-<hex>.sig`, layout in
// attachment-layout.ts) on a registry. Writing is read-modify-write: the current attachment is read,
// the new signatures added to it, their payloads and the new config uploaded, and the attachment read
// once more right before its manifest is written; when another writer changed it meanwhile, the
// signatures are added to theirs instead (as the referrers tag index is kept), so nobody's is lost.
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError, RegistryError, RegxError } from '../errors';
import { MediaType } from '../image/mediatypes';
import type { Descriptor } from '../image/mediatypes';
import type { ManifestResult, RegistryClient } from '../registry/client';
import { headBlob } from '../registry/blobs';
import { pushBlobBytes } from '../registry/uploads';
import { cosignTagFor } from '../supply-chain/kinds';
import { appendLayers, layerDescriptor, layerMatches, parseAttachmentManifest, parseSigManifest } from './attachment-layout';
import type { AttachmentLayer, SigManifestParts } from './attachment-layout';

/** containers/image's limit for one signature payload. */
export const MAX_SIGNATURE_PAYLOAD = 4 * 1024 * 1024;
const MAX_CONFIG = 4 * 1024 * 1024;
/** All the payloads of one attachment together: a signature is a few hundred bytes. */
const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;
const ATTEMPTS = 8;
const SETTLE_MS = 150;

/** One layer of a `.sig` attachment as read: untrusted until verify.ts says otherwise. */
export interface SigstoreLayer extends AttachmentLayer {
  digest: string;
}

function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof RegistryError && err.status === 404) || (err instanceof RegxError && err.reason === 'not-found');
}

/** The attachment manifest at `sha256-<hex>.sig`, or undefined when there is none. Anything but an OCI image manifest there is refused. */
export async function readAttachmentManifest(
  client: RegistryClient,
  repository: string,
  manifestDigest: string,
  signal?: AbortSignal,
): Promise<ManifestResult | undefined> {
  const tag = cosignTagFor(manifestDigest, 'sig');
  let m: ManifestResult;
  try {
    m = await client.getManifest(repository, tag, signal);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (m.mediaType !== MediaType.ociManifest)
    throw new RegxError(
      'manifest-invalid',
      `${client.registry}/${repository}:${tag} should be a sigstore signature attachment (an OCI image manifest) but is a ${m.mediaType}`,
    );
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
  let total = 0;
  for (const d of manifest.layers) {
    total += d.size;
    if (total > MAX_ATTACHMENT_BYTES)
      throw new RegxError(
        'too-large',
        `the signature attachment ${client.registry}/${repository}@${m.digest} holds more than ${MAX_ATTACHMENT_BYTES} bytes of payloads, more than any set of signatures`,
      );
    if (d.size > MAX_SIGNATURE_PAYLOAD)
      throw new RegxError(
        'too-large',
        `a signature payload in ${client.registry}/${repository}@${m.digest} is ${d.size} bytes, more than the ${MAX_SIGNATURE_PAYLOAD} read`,
      );
    const payload = await client.getBlobBytes(repository, d.digest, MAX_SIGNATURE_PAYLOAD, signal);
    if (payload.length !== d.size)
      throw new RegxError(
        'size-mismatch',
        `signature payload ${d.digest} in ${client.registry}/${repository}@${m.digest} is ${payload.length} bytes, not the ${d.size} its descriptor says`,
      );
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
  /** The manifest digest the tag names now (undefined: there is still no attachment). */
  digest?: string;
  added: number;
}

/**
 * Adds the layers `wanted` to the `.sig` attachment of `manifestDigest` in `repository` (creating it
 * when there is none); layers already there are not added twice. `upload` stores an added layer's blob;
 * it and the config go up before the manifest, so the tag never names a manifest with a missing blob.
 */
async function updateAttachment(
  client: RegistryClient,
  repository: string,
  manifestDigest: string,
  wanted: readonly Descriptor[],
  upload: (desc: Descriptor) => Promise<void>,
  signal?: AbortSignal,
): Promise<AttachResult> {
  const tag = cosignTagFor(manifestDigest, 'sig');
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const before = await readAttachmentManifest(client, repository, manifestDigest, signal);
    const parts = before ? await readParts(client, repository, before, signal) : undefined;
    const outcome = appendLayers(parts, wanted);
    if (!outcome.manifestBytes || !outcome.configBytes || !outcome.configDescriptor) return { tag, digest: before?.digest, added: 0 };
    for (const desc of outcome.added) await upload(desc);
    await ensureBlob(client, repository, outcome.configBytes, outcome.configDescriptor, signal);
    // Read again just before writing: another signer may have added its signature meanwhile.
    const again = await client.headManifest(repository, tag, signal);
    if (again?.digest !== before?.digest) continue;
    const digest = await client.putManifest(repository, tag, outcome.manifestBytes, MediaType.ociManifest, signal);
    // And read back a moment after: a writer whose read came before our write may have written over it
    // (registries offer no compare-and-swap). Then ours are added again to theirs; every writer doing
    // the same, all signatures end up there. The pause outlasts another writer's read-to-write gap.
    await sleep(SETTLE_MS + Math.floor(Math.random() * SETTLE_MS), undefined, { signal });
    const after = await readAttachmentManifest(client, repository, manifestDigest, signal);
    const layers = after ? parseAttachmentManifest(after.bytes, `${client.registry}/${repository}@${after.digest}`).layers : [];
    if (wanted.every((w) => layers.some((l) => layerMatches(l, w)))) return { tag, digest: after?.digest ?? digest, added: outcome.added.length };
  }
  throw new RegxError(
    'conflict',
    `${client.registry}/${repository}:${tag}, the signature attachment of ${manifestDigest}, kept changing while signatures were being added; nothing was written to it`,
  );
}

/** Adds new signatures (payload + annotations) to the image's `.sig` attachment, uploading their payloads. */
export async function attachSigstoreSignatures(
  client: RegistryClient,
  repository: string,
  manifestDigest: string,
  layers: readonly AttachmentLayer[],
  signal?: AbortSignal,
): Promise<AttachResult> {
  const payloads = new Map<string, Buffer>();
  const wanted = layers.map((l) => {
    const desc = layerDescriptor(l);
    payloads.set(desc.digest, l.payload);
    return desc;
  });
  return updateAttachment(
    client,
    repository,
    manifestDigest,
    wanted,
    (desc) => ensureBlob(client, repository, payloads.get(desc.digest) as Buffer, desc, signal),
    signal,
  );
}

/**
 * Merges the layers of another `.sig` attachment (`sourceBytes`, one carried from a copy's source, whose
 * blobs are already in `repository`) into this one: the signatures there stay, the source's are added
 * byte for byte (each layer's descriptor and blob unchanged).
 */
export async function mergeSigstoreAttachment(
  client: RegistryClient,
  repository: string,
  manifestDigest: string,
  sourceBytes: Buffer,
  signal?: AbortSignal,
): Promise<AttachResult> {
  const source = parseAttachmentManifest(sourceBytes, `the signature attachment of ${manifestDigest} being carried`);
  return updateAttachment(client, repository, manifestDigest, source.layers, async () => undefined, signal);
}

/** Whether the image's `.sig` attachment in `repository` already holds every layer of `sourceBytes` (another attachment). */
export async function attachmentHolds(
  client: RegistryClient,
  repository: string,
  manifestDigest: string,
  sourceBytes: Buffer,
  signal?: AbortSignal,
): Promise<boolean> {
  const there = await readAttachmentManifest(client, repository, manifestDigest, signal);
  if (!there) return false;
  const have = parseAttachmentManifest(there.bytes, `${client.registry}/${repository}@${there.digest}`).layers;
  const source = parseAttachmentManifest(sourceBytes, `the signature attachment of ${manifestDigest} being carried`);
  return source.layers.every((d) => have.some((h) => layerMatches(h, d)));
}
