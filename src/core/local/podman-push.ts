// The fast way from podman's store to a registry: podman pushes the image itself (libpod-push.ts),
// reading its store directly and compressing while it uploads, instead of writing an archive of the
// whole image that regx then reads, compresses and uploads (local-transport.ts, the export route).
// It is taken only when it is the same copy: a `containers-storage:` image bound for a registry
// tag, with nothing asked of the copy that podman 4.3's push cannot do as regx would (a CA or
// client certificate of regx's for that registry, a bearer or identity token, zstd or a compression
// level, a manifest format, digests to keep, signing). Everything else, and every Docker Engine,
// takes the export route.
// What stays regx's: the destination tag is read first (the caller's overwrite protection reads it
// before the copy starts; here it also proves regx's own TLS trust and reach), credentials come from
// regx's lookup, and the result is checked afterwards: the tag is read back and must name a manifest
// whose config is the store's image (the image ID is the config digest) with one layer per diff_id.
import { AuthenticationError, CancelledError, NotFoundError, RegistryError, RegxError } from '../errors';
import type { ImageLocation } from '../reference/transport';
import { formatImageLocation } from '../reference/transport';
import { formatReference } from '../reference/reference';
import type { RegistryClient } from '../registry/client';
import type { ProgressTracker } from '../image/copy-progress';
import type { CompressionOptions } from '../image/layer-compression';
import type { ManifestFormat } from '../image/convert';
import type { UploadMode } from '../registry/uploads';
import { connectFor, engineName } from './local-transport';
import type { LocalLocation } from './local-transport';
import type { LocalEngine } from './engine';

/** Which way a local image goes to a registry: podman's own push, or regx's export route (and why). */
export type LocalPushRoute = { by: 'engine-push' } | { by: 'export'; why: string };

/** What of a copy's options decides the route. */
export interface RouteOptions {
  preserveDigests?: boolean;
  format?: ManifestFormat;
  compression?: CompressionOptions;
  signers?: readonly unknown[];
  uploadMode?: UploadMode;
  chunkSize?: number;
}

type StorageLocation = Extract<ImageLocation, { transport: 'containers-storage' }>;
type RegistryLocation = Extract<ImageLocation, { transport: 'docker' }>;

/** The route for a copy from a local store to a registry; `client` is the destination's, with regx's settings for it. */
export async function localPushRoute(src: LocalLocation, dst: RegistryLocation, opts: RouteOptions, client: RegistryClient): Promise<LocalPushRoute> {
  const exportFor = (why: string): LocalPushRoute => ({ by: 'export', why });
  if (src.transport !== 'containers-storage') return exportFor('a Docker Engine API has no push of its own for regx to hand the image to');
  if (dst.ref.digest) return exportFor('the destination is named by digest, which must come out exactly');
  if (opts.preserveDigests) return exportFor('digests are to be kept, which means uploading the layers as the store keeps them');
  if (opts.format) return exportFor('a manifest format was asked for');
  if (opts.compression?.format === 'zstd') return exportFor('zstd was asked for, and podman 4.3 may reuse gzip layers the registry already has instead');
  if (opts.compression?.level !== undefined) return exportFor("a compression level was asked for, which podman's push API does not take");
  if (opts.signers && opts.signers.length > 0) return exportFor('the image is to be signed as it is pushed');
  if (opts.uploadMode || opts.chunkSize) return exportFor('an upload mode was asked for');
  const reach = client.reachSettings();
  if (reach.extraTrust)
    return exportFor('regx trusts a CA file or certificate folder (or presents a client certificate) for this registry, which podman would not use');
  if (reach.bearerToken) return exportFor("a bearer token is set for this registry, which podman's push API does not take");
  // regx itself asks for credentials only when the registry challenges it; a lookup that fails (a broken
  // credential helper) is left to that route, where an open registry never needs it.
  let credentials;
  try {
    credentials = await client.credentials();
  } catch (err) {
    return exportFor(`the credentials for this registry could not be read (${err instanceof Error ? err.message : String(err)})`);
  }
  if (credentials?.identityToken) return exportFor('the credentials for this registry are an identity token, which podman 4.3 does not pass on');
  return { by: 'engine-push' };
}

export interface EnginePushResult {
  /** The engine that pushed, e.g. `Podman Engine 4.3.1`. */
  engine: string;
  /** The manifest the destination tag names after the push, read back and checked. */
  digest: string;
  mediaType: string;
  /** The store's manifest of the image, when podman keeps one (else the pushed one's). */
  sourceDigest: string;
  sourceMediaType: string;
  layers: number;
  /** Bytes of the pushed config and layers (compressed), whether podman uploaded them or the registry had them. */
  bytes: number;
}

interface PushedManifest {
  config?: { digest?: string; size?: number };
  layers?: { digest?: string; size?: number }[];
}

/** Reads the tag back: it must name the store's image (same config, one layer per diff_id). */
async function verifyPushed(
  client: RegistryClient,
  dst: RegistryLocation,
  tag: string,
  configDigest: string,
  layerCount: number,
  engine: string,
  signal: AbortSignal | undefined,
): Promise<{ digest: string; mediaType: string; bytes: number }> {
  const where = `${dst.ref.registry}/${dst.ref.repository}:${tag}`;
  const m = await client.getManifest(dst.ref.repository, tag, signal);
  let parsed: PushedManifest;
  try {
    parsed = JSON.parse(m.bytes.toString('utf8')) as PushedManifest;
  } catch {
    parsed = {};
  }
  const layers = Array.isArray(parsed.layers) ? parsed.layers : [];
  if (parsed.config?.digest !== configDigest || layers.length !== layerCount) {
    throw new RegxError(
      'conflict',
      `${engine} said it pushed the image to ${where}, but the tag names ${m.digest} (config ${parsed.config?.digest ?? 'none'}, ${layers.length} layers), not the image ${configDigest} with ${layerCount} layers: another push may have replaced it`,
    );
  }
  const size = (n: number | undefined): number => (typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0);
  return { digest: m.digest, mediaType: m.mediaType, bytes: size(parsed.config.size) + layers.reduce((n, l) => n + size(l.size), 0) };
}

/** The digest the tag names now, or undefined (absent, or not readable with push-only rights). */
async function tagDigest(client: RegistryClient, dst: RegistryLocation, tag: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    return (await client.headManifest(dst.ref.repository, tag, signal))?.digest;
  } catch (err) {
    if (err instanceof AuthenticationError || (err instanceof RegistryError && (err.status === 401 || err.status === 403))) return undefined;
    throw err;
  }
}

/**
 * Has podman push `src` to `dst` under `tag` with regx's credentials and TLS choice for that registry,
 * reporting progress from podman's lines, and checks what the tag names afterwards.
 */
export async function pushWithPodman(
  src: StorageLocation,
  dst: RegistryLocation,
  tag: string,
  client: RegistryClient,
  tracker: ProgressTracker,
  signal: AbortSignal | undefined,
  connecting?: Promise<LocalEngine>,
): Promise<EnginePushResult> {
  // The tag is read before the push, with regx's own TLS trust and credentials (a registry regx cannot
  // reach fails with regx's own error; the caller's overwrite check read the same tag), while podman's
  // service starts: both take a few hundred milliseconds.
  const before = tagDigest(client, dst, tag, signal);
  before.catch(() => undefined);
  const engine = await (connecting ?? connectFor(src, { signal })).catch(async (err: unknown) => {
    await before.catch(() => undefined);
    throw err;
  });
  try {
    const name = await engineName(engine, src);
    const [details] = await Promise.all([
      engine.inspectImage(name).catch((err: unknown) => {
        if (err instanceof RegxError && err.reason === 'not-found')
          throw new NotFoundError(`${formatImageLocation(src)}: no such image in ${engine.engine}'s store (${err.serverMessage ?? err.message})`);
        throw err;
      }),
      before,
    ]);
    const credentials = await client.credentials();
    const destination = formatReference({ registry: dst.ref.registry, repository: dst.ref.repository, tag });
    tracker.begin(details.diffIds.length + 1, 0);
    const started = new Set<string>();
    let layersDone = false;
    await engine.pushImage(name, dst.ref.registry, {
      destination,
      tlsVerify: client.reachSettings().tlsVerify,
      ...(credentials ? { credentials: { username: credentials.username, password: credentials.password } } : {}),
      compressionFormat: 'gzip',
      signal,
      // containers/image says when each blob starts, and moves to the config once every layer is up.
      onLine: (line) => {
        const blob = /^Copying blob (\S+)/.exec(line);
        if (blob?.[1]) started.add(blob[1]);
        if (/^Copying config/.test(line) && !layersDone) {
          layersDone = true;
          for (const d of started) tracker.blobDone(d, 0, 'copied');
        }
        if (/^Writing manifest/.test(line)) {
          tracker.blobDone(details.id, 0, 'copied');
          tracker.phase('manifests');
        }
      },
    });
    if (signal?.aborted) throw new CancelledError();
    const pushed = await verifyPushed(client, dst, tag, details.id, details.diffIds.length, engine.engine, signal);
    return {
      engine: engine.engine,
      ...pushed,
      sourceDigest: details.manifestDigest ?? pushed.digest,
      sourceMediaType: details.manifestMediaType ?? pushed.mediaType,
      layers: details.diffIds.length,
    };
  } finally {
    await engine.close();
  }
}
