// A local container engine reached through its REST API over a unix socket, as Podman Desktop and
// Container Tools reach them: podman's libpod API or the Docker Engine API (which podman also serves).
// One connection answers the image list, inspect, remove, tag, and the archive export/import the copy
// engine uses for `containers-storage:` and `docker-daemon:`.
import type { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RegxError, sanitizeRemoteText } from '../errors';
import { findPodman, localPodmanEnv, podmanOption, podmanStorageArgs, startPodmanService } from './podman-service';
import type { PodmanService, StorageSettings } from './podman-service';
import { engineMessage, readBody, readJson, unixRequest } from './unix-http';
import { pushThroughLibpod } from './libpod-push';
import type { EnginePushOptions } from './libpod-push';
import type { UnixRequest, UnixResponse } from './unix-http';

export type { StorageSettings } from './podman-service';
export type { EnginePushOptions } from './libpod-push';

/** Which API a connection speaks. */
export type LocalEngineKind = 'podman' | 'docker';

/** One image in the engine's store, as its image list shows it. */
export interface LocalImage {
  /** The image ID, `sha256:<hex>` (the config digest for podman and classic Docker stores). */
  id: string;
  /** `repository:tag` names; an untagged image has none. */
  repoTags: string[];
  /** `repository@sha256:...` names the image was pulled or pushed as. */
  repoDigests: string[];
  /** Bytes in the store, as the engine counts them. */
  size: number;
  created: Date;
}

/** What inspecting one image adds to its list row. */
export interface LocalImageDetails extends LocalImage {
  architecture: string;
  os: string;
  variant?: string;
  /** The layers' uncompressed digests (config `rootfs.diff_ids`). */
  diffIds: string[];
  labels: Record<string, string>;
  env: string[];
  cmd: string[];
  entrypoint: string[];
  user?: string;
  /** The digest of the manifest podman keeps for the image, when it keeps one. */
  manifestDigest?: string;
  /** That manifest's media type (podman only). */
  manifestMediaType?: string;
}

/** Where a podman engine keeps its images. */
export interface LocalStore {
  graphRoot: string;
  runRoot: string;
  driver: string;
}

export type ArchiveFormat = 'oci-archive' | 'docker-archive';

export interface LocalEngine {
  readonly kind: LocalEngineKind;
  readonly socketPath: string;
  /** The engine's name and version, e.g. `Podman Engine 4.3.1`. */
  readonly engine: string;
  /** True when this connection started its own podman service (stopped by close()). */
  readonly privateService: boolean;
  /**
   * The store a podman engine serves, when known without asking (a private service started with a
   * root, run root and driver, or a socket checked against the store wanted); readStore() asks.
   */
  readonly store: LocalStore | undefined;
  /** Asks a podman engine where its store is (slow: podman gathers its whole system info); undefined for Docker. */
  readStore(): Promise<LocalStore | undefined>;
  listImages(): Promise<LocalImage[]>;
  inspectImage(idOrName: string): Promise<LocalImageDetails>;
  removeImage(idOrName: string, options?: { force?: boolean }): Promise<void>;
  /** Adds the name `repository:tag` to an image. */
  tagImage(idOrName: string, reference: string): Promise<void>;
  /** The engine's archive of one image, streamed as the engine writes it. */
  exportImage(idOrName: string, format: ArchiveFormat, signal?: AbortSignal): Promise<Readable>;
  /** Loads an archive into the store; resolves to the names (or IDs) the engine reports loaded. */
  loadImage(archive: Readable, signal?: AbortSignal): Promise<string[]>;
  /** podman only: pushes an image from the store to a registry itself (libpod-push.ts); `registry` names it in errors. */
  pushImage(idOrName: string, registry: string, options: EnginePushOptions): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Speak only this API (default: podman's sockets first, then Docker's). */
  kind?: LocalEngineKind;
  /** Use only this socket. */
  socketPath?: string;
  env?: NodeJS.ProcessEnv;
  /** The containers-storage store wanted; a podman socket serving another store is passed over. */
  storage?: StorageSettings;
  /** Start a private podman service when no podman socket answers (default true). */
  startService?: boolean;
  podmanPath?: string;
  /** How long each socket gets to answer a ping (default 2 s). */
  pingTimeoutMs?: number;
  signal?: AbortSignal;
}

const LIBPOD = '/v4.0.0/libpod';

/** The sockets to try for each API, in the order the engines' own clients try them. */
export function candidateSockets(kind: LocalEngineKind, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const fromUrl = (v: string | undefined): void => {
    if (v?.startsWith('unix://')) out.push(v.slice('unix://'.length));
  };
  if (kind === 'podman') {
    fromUrl(env.CONTAINER_HOST);
    if (env.XDG_RUNTIME_DIR) out.push(join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'));
    out.push('/run/podman/podman.sock');
  } else {
    fromUrl(env.DOCKER_HOST);
    out.push('/var/run/docker.sock');
  }
  return [...new Set(out)];
}

interface Probe {
  socketPath: string;
  isPodman: boolean;
  engine: string;
}

/** A ping: cheap on both engines (their version and info calls take seconds), and its headers say which engine answers. */
async function probe(socketPath: string, timeoutMs: number, signal?: AbortSignal): Promise<Probe | undefined> {
  try {
    const res = await unixRequest(socketPath, { path: '/_ping', headTimeoutMs: timeoutMs, signal });
    res.body.resume();
    if (res.status !== 200) return undefined;
    const header = (name: string): string => sanitizeRemoteText(String(res.headers[name] ?? ''), 100);
    const libpod = header('libpod-api-version');
    if (libpod) return { socketPath, isPodman: true, engine: `Podman Engine ${libpod}` };
    const server = /^Docker\/(\S+)/.exec(header('server'));
    return { socketPath, isPodman: false, engine: server ? `Docker Engine ${server[1]}` : `Docker Engine API ${header('api-version')}`.trim() };
  } catch {
    return undefined;
  }
}

function sameStore(want: Partial<LocalStore>, have: LocalStore): boolean {
  return (
    (!want.graphRoot || want.graphRoot === have.graphRoot) && (!want.runRoot || want.runRoot === have.runRoot) && (!want.driver || want.driver === have.driver)
  );
}

/** The store podman itself would use with these settings and this environment (asks podman when a storage.conf is named). */
async function expectedStore(
  podman: string | undefined,
  storage: StorageSettings | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Partial<LocalStore> | undefined> {
  const given: Partial<LocalStore> = { graphRoot: storage?.root, runRoot: storage?.runroot, driver: storage?.driver };
  if (!env.CONTAINERS_STORAGE_CONF || !podman || (given.graphRoot && given.runRoot && given.driver)) {
    return given.graphRoot || given.runRoot || given.driver ? given : undefined;
  }
  const out = await new Promise<string>((resolve) => {
    execFile(
      podman,
      [...podmanStorageArgs(storage), 'info', podmanOption('format'), '{{json .Store}}'],
      { env: localPodmanEnv(env), timeout: 20_000 },
      (err, stdout) => resolve(err ? '' : stdout),
    );
  });
  try {
    const s = JSON.parse(out) as { graphRoot?: string; runRoot?: string; graphDriverName?: string };
    return { graphRoot: s.graphRoot, runRoot: s.runRoot, driver: s.graphDriverName };
  } catch {
    return given;
  }
}

/**
 * Connects to a local engine: an explicit socket, else CONTAINER_HOST and podman's sockets, else
 * DOCKER_HOST and Docker's socket, else (podman installed) a private podman service started for this
 * connection. Throws `engine-unavailable` when nothing answers.
 */
export async function connectLocalEngine(options: ConnectOptions = {}): Promise<LocalEngine> {
  const env = options.env ?? process.env;
  const timeout = options.pingTimeoutMs ?? 2000;
  const kinds: LocalEngineKind[] = options.kind ? [options.kind] : ['podman', 'docker'];
  const podman = findPodman(env, options.podmanPath);
  const want = kinds.includes('podman') ? await expectedStore(podman, options.storage, env) : undefined;
  const tried: string[] = [];
  const passedOver: string[] = [];
  for (const kind of kinds) {
    const sockets = options.socketPath ? [options.socketPath] : candidateSockets(kind, env);
    for (const s of sockets) {
      if (tried.includes(s)) continue;
      tried.push(s);
      // No socket file, no engine: skipped without a round trip, so a private service starts sooner.
      if (!existsSync(s)) continue;
      const p = await probe(s, timeout, options.signal);
      if (!p) continue;
      if (kind === 'podman' && !p.isPodman) continue;
      const engine = new RestEngine(kind, p, undefined);
      if (p.isPodman && kind === 'podman' && want) {
        engine.store = await engine.readStore();
        if (engine.store && !sameStore(want, engine.store)) {
          passedOver.push(`${s} serves ${engine.store.graphRoot}`);
          continue;
        }
      }
      return engine;
    }
  }
  if (kinds.includes('podman') && podman && options.startService !== false && !options.socketPath) {
    const service = await startPodmanService(podman, { storage: options.storage, env, signal: options.signal });
    const p = await probe(service.socketPath, timeout * 5, options.signal);
    if (!p) {
      await service.stop();
      throw new RegxError('engine-unavailable', `the podman service started on ${service.socketPath} does not answer its version`);
    }
    const engine = new RestEngine('podman', p, service);
    const st = options.storage;
    if (st?.root && st.runroot && st.driver) engine.store = { graphRoot: st.root, runRoot: st.runroot, driver: st.driver };
    return engine;
  }
  const over = passedOver.length ? `; passed over (another store): ${passedOver.join(', ')}` : '';
  throw new RegxError(
    'engine-unavailable',
    `no container engine answered (tried ${tried.map((t) => `unix://${t}`).join(', ') || 'no socket'}${over}) and podman is not installed to start one. ` +
      `Start podman's API socket (the podman.socket systemd unit, user or system) or a Docker Engine, or install podman.`,
  );
}

interface ListEntry {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size?: number;
  Created?: number | string;
}

interface InspectEntry extends ListEntry {
  Architecture?: string;
  Os?: string;
  Variant?: string;
  Digest?: string;
  ManifestType?: string;
  RootFS?: { Layers?: string[] | null };
  User?: string;
  Config?: { Env?: string[] | null; Cmd?: string[] | null; Entrypoint?: string[] | null; Labels?: Record<string, string> | null; User?: string };
}

function asId(id: string | undefined): string {
  if (!id) return '';
  return id.includes(':') ? id : `sha256:${id}`;
}

function asDate(v: number | string | undefined): Date {
  if (typeof v === 'number') return new Date(v * 1000);
  return v ? new Date(v) : new Date(0);
}

function listRow(e: ListEntry): LocalImage {
  return {
    id: asId(e.Id),
    repoTags: (e.RepoTags ?? []).filter((t) => t && t !== '<none>:<none>'),
    repoDigests: (e.RepoDigests ?? []).filter((d) => d && !d.startsWith('<none>@')),
    size: typeof e.Size === 'number' ? e.Size : 0,
    created: asDate(e.Created),
  };
}

class RestEngine implements LocalEngine {
  readonly kind: LocalEngineKind;
  readonly socketPath: string;
  readonly engine: string;
  readonly privateService: boolean;
  store: LocalStore | undefined;
  private readonly isPodman: boolean;

  constructor(
    kind: LocalEngineKind,
    p: Probe,
    private readonly service: PodmanService | undefined,
  ) {
    this.kind = kind;
    this.socketPath = p.socketPath;
    this.engine = p.engine;
    this.isPodman = p.isPodman;
    this.privateService = service !== undefined;
  }

  private get libpod(): boolean {
    return this.kind === 'podman';
  }

  private async call(req: UnixRequest, what: string, okStatuses: number[] = [200]): Promise<UnixResponse> {
    const res = await unixRequest(this.socketPath, req);
    if (okStatuses.includes(res.status)) return res;
    const msg = await engineMessage(res);
    const reason = res.status === 404 ? 'not-found' : res.status === 409 ? 'conflict' : res.status >= 500 ? 'server-error' : 'bad-response';
    throw new RegxError(reason, `${this.engine}: ${what}: ${msg || `HTTP ${res.status}`}`, { serverCode: String(res.status), serverMessage: msg });
  }

  async readStore(): Promise<LocalStore | undefined> {
    if (!this.isPodman) return undefined;
    const res = await this.call({ path: `${LIBPOD}/info` }, 'reading the store settings');
    const info = await readJson<{ store?: { graphRoot?: string; runRoot?: string; graphDriverName?: string } }>(res);
    const s = info.store;
    return s ? { graphRoot: s.graphRoot ?? '', runRoot: s.runRoot ?? '', driver: s.graphDriverName ?? '' } : undefined;
  }

  async listImages(): Promise<LocalImage[]> {
    const res = await this.call({ path: this.libpod ? `${LIBPOD}/images/json` : '/images/json' }, 'listing images');
    const rows = await readJson<ListEntry[] | null>(res);
    return (rows ?? []).map(listRow);
  }

  async inspectImage(idOrName: string): Promise<LocalImageDetails> {
    const name = encodeURIComponent(idOrName);
    const res = await this.call({ path: this.libpod ? `${LIBPOD}/images/${name}/json` : `/images/${name}/json` }, `inspecting ${idOrName}`);
    const e = await readJson<InspectEntry>(res);
    const c = e.Config ?? {};
    return {
      ...listRow(e),
      architecture: e.Architecture ?? '',
      os: e.Os ?? '',
      ...(e.Variant ? { variant: e.Variant } : {}),
      diffIds: e.RootFS?.Layers ?? [],
      labels: c.Labels ?? {},
      env: c.Env ?? [],
      cmd: c.Cmd ?? [],
      entrypoint: c.Entrypoint ?? [],
      ...(c.User || e.User ? { user: c.User || e.User } : {}),
      ...(e.Digest ? { manifestDigest: e.Digest } : {}),
      ...(e.ManifestType ? { manifestMediaType: e.ManifestType } : {}),
    };
  }

  async removeImage(idOrName: string, options: { force?: boolean } = {}): Promise<void> {
    const name = encodeURIComponent(idOrName);
    const q = options.force ? '?force=true' : '';
    const res = await this.call({ method: 'DELETE', path: this.libpod ? `${LIBPOD}/images/${name}${q}` : `/images/${name}${q}` }, `removing ${idOrName}`);
    res.body.resume();
  }

  async tagImage(idOrName: string, reference: string): Promise<void> {
    // The repository is everything before the last ':' that follows the last '/'.
    const slash = reference.lastIndexOf('/');
    const colon = reference.lastIndexOf(':');
    const repo = colon > slash ? reference.slice(0, colon) : reference;
    const tag = colon > slash ? reference.slice(colon + 1) : 'latest';
    const q = `repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`;
    const name = encodeURIComponent(idOrName);
    const res = await this.call(
      { method: 'POST', path: this.libpod ? `${LIBPOD}/images/${name}/tag?${q}` : `/images/${name}/tag?${q}` },
      `tagging ${idOrName} as ${reference}`,
      [200, 201],
    );
    res.body.resume();
  }

  async exportImage(idOrName: string, format: ArchiveFormat, signal?: AbortSignal): Promise<Readable> {
    const name = encodeURIComponent(idOrName);
    const path = this.libpod ? `${LIBPOD}/images/${name}/get?format=${format === 'oci-archive' ? 'oci-archive' : 'docker-archive'}` : `/images/${name}/get`;
    if (!this.libpod && format !== 'docker-archive') throw new RegxError('unsupported', `${this.engine} exports docker-archive only`);
    // The engine writes the archive before it answers; large images take a while.
    const res = await this.call({ path, signal, headTimeoutMs: 30 * 60_000 }, `exporting ${idOrName}`);
    return res.body;
  }

  async loadImage(archive: Readable, signal?: AbortSignal): Promise<string[]> {
    const path = this.libpod ? `${LIBPOD}/images/load` : '/images/load?quiet=1';
    const res = await this.call(
      { method: 'POST', path, body: archive, signal, headers: { 'content-type': 'application/x-tar' }, headTimeoutMs: 30 * 60_000 },
      'loading an image archive',
    );
    if (this.libpod) {
      const j = await readJson<{ Names?: string[] }>(res);
      return j.Names ?? [];
    }
    // Docker streams JSON lines: {"stream":"Loaded image: name\n"} or {"errorDetail":...}.
    const text = (await readBody(res.body, 16 * 1024 * 1024)).toString('utf8');
    const names: string[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let j: { stream?: string; error?: string; errorDetail?: { message?: string } };
      try {
        j = JSON.parse(line) as typeof j;
      } catch {
        continue;
      }
      if (j.error || j.errorDetail) {
        const msg = sanitizeRemoteText(j.errorDetail?.message ?? j.error ?? '', 400);
        throw new RegxError('server-error', `${this.engine}: loading an image archive: ${msg}`, { serverMessage: msg });
      }
      const m = /Loaded image(?: ID)?: (\S+)/.exec(j.stream ?? '');
      if (m?.[1]) names.push(m[1]);
    }
    return names;
  }

  async pushImage(idOrName: string, registry: string, options: EnginePushOptions): Promise<void> {
    if (!this.libpod) throw new RegxError('unsupported', `${this.engine} is reached through the Docker Engine API here; only podman's own API pushes for regx`);
    await pushThroughLibpod(this.socketPath, LIBPOD, this.engine, idOrName, registry, options);
  }

  async close(): Promise<void> {
    await this.service?.stop();
  }
}
