// Where GPG simple signatures of a registry image live, read and written as containers/image does:
//  - a registry whose /v2/ answers `X-Registry-Supports-Signatures: 1` (OpenShift's internal registry)
//    keeps them behind `/extensions/v2/<name>/signatures/<digest>`: GET lists them as
//    {"signatures":[{"schemaVersion":2,"name":"<digest>@<32 hex>","type":"atomic","content":"<base64>"}]},
//    PUT adds one (201 Created);
//  - otherwise a lookaside store from registries.d: `<base>/<repo>@<algo>=<hex>/signature-<n>`, n from 1
//    until the first missing one; read over file://, http:// or https://, written to file:// only.
// Unlike containers/image, writing never replaces what is there: signatures already stored stay, a
// byte-identical one is not stored twice, and a new file is linked into place only if its name is free.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegxError } from '../errors';
import { readBody } from '../http/client';
import { parseDigest } from '../image/digest';
import type { RegistryClient } from '../registry/client';
import { displayUrl as webUrl, registryErrorFor } from '../registry/errors';
import type { ImageReference } from '../reference/reference';
import { lookasideBase, lookasideSignatureUrl } from './registries-d';
import type { RegistriesConfig } from './registries-d';
import { MAX_SIGNATURE_BYTES } from './openpgp-verify';
import { parseStrictJson } from './strict-json';

/** containers/image stops reading a lookaside store after this many signatures. */
export const MAX_LOOKASIDE_SIGNATURES = 128;
/** The signature API's list is read up to this size (containers/image's limit for it). */
const MAX_SIGNATURE_LIST_BYTES = 4 * 1024 * 1024;
const MAX_API_SIGNATURES = 1000;

export type SimpleStorage = 'signature-api' | 'lookaside';

export interface SimpleSignatureLocation {
  client: RegistryClient;
  /** The image's registry and repository (tag and digest are ignored). */
  ref: ImageReference;
  registries: RegistriesConfig;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface StoredSignatures {
  signatures: Buffer[];
  storage: SimpleStorage;
  /** The store, for messages: a URL without credentials. */
  where: string;
}

/** A store's URL as shown to the user: a file URL whole, a web URL without userinfo or query. */
function displayUrl(url: URL): string {
  return url.protocol === 'file:' ? url.href : webUrl(url);
}

function apiPath(ref: ImageReference, digest: string): string {
  parseDigest(digest);
  return `/extensions/v2/${ref.repository}/signatures/${digest}`;
}

async function readApiSignatures(loc: SimpleSignatureLocation, digest: string): Promise<StoredSignatures> {
  const path = apiPath(loc.ref, digest);
  const where = `${loc.ref.registry}${path}`;
  const res = await loc.client.request({ method: 'GET', path, repository: loc.ref.repository, actions: ['pull'], signal: loc.signal });
  if (res.statusCode !== 200) throw await registryErrorFor(res, 'GET', new URL(path, await loc.client.baseUrl()), loc.client.registry);
  const body = await readBody(
    res,
    MAX_SIGNATURE_LIST_BYTES,
    (size) => new RegxError('too-large', `the signature list at ${where} is larger than ${MAX_SIGNATURE_LIST_BYTES} bytes (${size})`),
  );
  let doc: unknown;
  try {
    doc = parseStrictJson(body.toString('utf8'));
  } catch (err) {
    throw new RegxError('bad-response', `the signature list at ${where} is not valid JSON: ${(err as Error).message}`);
  }
  const list = (doc as { signatures?: unknown } | null)?.signatures;
  if (list !== undefined && list !== null && !Array.isArray(list))
    throw new RegxError('bad-response', `the signature list at ${where} has no "signatures" array`);
  const out: Buffer[] = [];
  for (const s of (list ?? []) as unknown[]) {
    if (out.length >= MAX_API_SIGNATURES) throw new RegxError('too-large', `${where} lists more than ${MAX_API_SIGNATURES} signatures`);
    const e = s as { schemaVersion?: unknown; type?: unknown; content?: unknown };
    // Only what containers/image reads: schema 2 "atomic" signatures; anything else is skipped, as it skips it.
    if (e?.schemaVersion !== 2 || e.type !== 'atomic' || typeof e.content !== 'string') continue;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(e.content)) throw new RegxError('bad-response', `a signature at ${where} is not base64`);
    out.push(Buffer.from(e.content, 'base64'));
  }
  return { signatures: out, storage: 'signature-api', where };
}

/** One lookaside signature, or undefined when it does not exist. */
async function readLookasideOne(loc: SimpleSignatureLocation, url: URL): Promise<Buffer | undefined> {
  if (url.protocol === 'file:') {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(fileURLToPath(url), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new RegxError('usage', `cannot read the signature ${url.href}: ${(err as Error).message}`);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new RegxError('signature-invalid', `${url.href} is not a file`);
      if (st.size > MAX_SIGNATURE_BYTES) throw new RegxError('too-large', `the signature ${url.href} is larger than ${MAX_SIGNATURE_BYTES} bytes`);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    // The lookaside is another origin than the registry: asked without any credentials, never redirected.
    const res = await loc.client.http.send({ method: 'GET', url, signal: loc.signal });
    if (res.statusCode === 404) {
      await res.body.dump().catch(() => undefined);
      return undefined;
    }
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => undefined);
      throw new RegxError(res.statusCode >= 500 ? 'server-error' : 'bad-response', `reading the signature ${displayUrl(url)}: status ${res.statusCode}`);
    }
    return await readBody(
      res,
      MAX_SIGNATURE_BYTES,
      (size) => new RegxError('too-large', `the signature ${displayUrl(url)} is larger than ${MAX_SIGNATURE_BYTES} bytes (${size})`),
      url,
    );
  }
  throw new RegxError('unsupported', `signature storage ${url.protocol}// is not supported (file://, http:// and https:// are)`);
}

async function readLookaside(loc: SimpleSignatureLocation, digest: string): Promise<StoredSignatures> {
  const base = lookasideBase(loc.registries, loc.ref, false, loc.env).url;
  const out: Buffer[] = [];
  for (let n = 1; ; n++) {
    if (n > MAX_LOOKASIDE_SIGNATURES) throw new RegxError('too-large', `more than ${MAX_LOOKASIDE_SIGNATURES} signatures at ${displayUrl(base)}`);
    const one = await readLookasideOne(loc, lookasideSignatureUrl(base, digest, n));
    if (!one) break;
    out.push(one);
  }
  return { signatures: out, storage: 'lookaside', where: displayUrl(base) };
}

/** The simple signatures stored for `digest` of the image at `loc`. */
export async function readSimpleSignatures(loc: SimpleSignatureLocation, digest: string): Promise<StoredSignatures> {
  parseDigest(digest);
  if (await loc.client.supportsSignatures(loc.signal)) return readApiSignatures(loc, digest);
  return readLookaside(loc, digest);
}

export interface WrittenSignatures {
  /** Signatures stored now. */
  added: number;
  /** Signatures that were there already, byte for byte. */
  present: number;
  storage: SimpleStorage;
  where: string;
}

async function writeApi(loc: SimpleSignatureLocation, digest: string, fresh: Buffer[]): Promise<void> {
  const path = apiPath(loc.ref, digest);
  for (const sig of fresh) {
    // The API wants a name of the form <digest>@<32 characters>, unique per image.
    const body = JSON.stringify({ schemaVersion: 2, name: `${digest}@${randomBytes(16).toString('hex')}`, type: 'atomic', content: sig.toString('base64') });
    const res = await loc.client.request({
      method: 'PUT',
      path,
      repository: loc.ref.repository,
      actions: ['pull', 'push'],
      headers: { 'content-type': 'application/json' },
      body,
      signal: loc.signal,
    });
    if (res.statusCode !== 201) throw await registryErrorFor(res, 'PUT', new URL(path, await loc.client.baseUrl()), loc.client.registry);
    await res.body.dump().catch(() => undefined);
  }
}

async function writeLookaside(loc: SimpleSignatureLocation, digest: string, fresh: Buffer[], count: number): Promise<string> {
  const base = lookasideBase(loc.registries, loc.ref, true, loc.env).url;
  if (base.protocol !== 'file:')
    throw new RegxError(
      'unsupported',
      `writing signatures to a ${base.protocol.replace(':', '')} lookaside (${displayUrl(base)}) is not supported: configure a file:// lookaside-staging for ${loc.ref.registry}/${loc.ref.repository} in registries.d`,
    );
  let n = count;
  for (const sig of fresh) {
    for (;;) {
      n++;
      if (n > MAX_LOOKASIDE_SIGNATURES) throw new RegxError('too-large', `more than ${MAX_LOOKASIDE_SIGNATURES} signatures at ${displayUrl(base)}`);
      const file = fileURLToPath(lookasideSignatureUrl(base, digest, n));
      await fsp.mkdir(dirname(file), { recursive: true, mode: 0o755 });
      // Written whole to a private name, then linked into place only if the name is free: a reader never
      // sees half a signature, and a signature another writer stored meanwhile is never replaced.
      const temp = join(dirname(file), `.signature-${process.pid}-${randomBytes(6).toString('hex')}`);
      await fsp.writeFile(temp, sig, { mode: 0o644, flag: 'wx' });
      try {
        await fsp.link(temp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RegxError('usage', `cannot store the signature ${file}: ${(err as Error).message}`);
      } finally {
        await fsp.unlink(temp).catch(() => undefined);
      }
    }
  }
  return displayUrl(base);
}

/** Adds `signatures` to what is stored for `digest` at `loc` (those already there, byte for byte, are skipped). */
export async function writeSimpleSignatures(loc: SimpleSignatureLocation, digest: string, signatures: readonly Buffer[]): Promise<WrittenSignatures> {
  parseDigest(digest);
  const api = await loc.client.supportsSignatures(loc.signal);
  // Read from where it is written: the staging store when there is one.
  const existing = api ? await readApiSignatures(loc, digest) : await readStaging(loc, digest);
  const fresh: Buffer[] = [];
  for (const s of signatures) if (![...existing.signatures, ...fresh].some((e) => e.equals(s))) fresh.push(s);
  const present = signatures.length - fresh.length;
  if (fresh.length === 0) return { added: 0, present, storage: existing.storage, where: existing.where };
  if (api) {
    await writeApi(loc, digest, fresh);
    return { added: fresh.length, present, storage: 'signature-api', where: existing.where };
  }
  const where = await writeLookaside(loc, digest, fresh, existing.signatures.length);
  return { added: fresh.length, present, storage: 'lookaside', where };
}

async function readStaging(loc: SimpleSignatureLocation, digest: string): Promise<StoredSignatures> {
  const base = lookasideBase(loc.registries, loc.ref, true, loc.env).url;
  if (base.protocol !== 'file:') return { signatures: [], storage: 'lookaside', where: displayUrl(base) };
  const out: Buffer[] = [];
  for (let n = 1; n <= MAX_LOOKASIDE_SIGNATURES; n++) {
    const one = await readLookasideOne(loc, lookasideSignatureUrl(base, digest, n));
    if (!one) break;
    out.push(one);
  }
  return { signatures: out, storage: 'lookaside', where: displayUrl(base) };
}
