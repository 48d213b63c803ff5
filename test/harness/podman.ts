// Real podman 4.3 for the local-store tests: rootful, the vfs driver and a private storage root in a temp
// folder (never the machine's own store), and an environment where no engine socket of the machine's
// answers, so regx starts (and must stop) its own podman service on that store.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectRawWithSkopeo, sha256 } from './images';
import type { TestRegistry } from './registry';
import { registryFetch } from './registry-http';
import { makeTempDir } from './temp';
import { run } from './tools';

/** A private store: podman's global flags and skopeo's specifier for the same root, run root and driver. */
export function privateStore(): { flags: string[]; spec: string; root: string; runroot: string } {
  const dir = makeTempDir('podman-store');
  const root = join(dir, 'root');
  const runroot = join(dir, 'run');
  return { flags: ['--root', root, '--runroot', runroot, '--storage-driver', 'vfs'], spec: `[vfs@${root}+${runroot}]`, root, runroot };
}

/** An environment where no engine socket of the machine's can answer (the tests start their own). */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const runtime = makeTempDir('xdg-runtime');
  // regx's own temp files (spooled archives, the private service's socket) go here, to be checked for leftovers.
  return {
    TMPDIR: makeTempDir('regx-tmp'),
    XDG_RUNTIME_DIR: runtime,
    CONTAINER_HOST: `unix://${join(runtime, 'none.sock')}`,
    DOCKER_HOST: `unix://${join(runtime, 'none-docker.sock')}`,
    ...extra,
  };
}

/** Runs podman with a store's flags; fails the test on a non-zero exit. */
export async function podman(flags: string[], args: string[]): Promise<string> {
  const r = await run('podman', [...flags, ...args], { timeoutMs: 180_000 });
  assert.equal(r.code, 0, `podman ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export interface PodmanImage {
  Id: string;
  Digest: string;
  RepoTags: string[];
  RootFS: { Layers: string[] };
}

export async function podmanInspect(flags: string[], name: string): Promise<PodmanImage> {
  return (JSON.parse(await podman(flags, ['image', 'inspect', name])) as PodmanImage[])[0] as PodmanImage;
}

/** The podman processes still running for a store (none once regx is done with its private service). */
export function podmanProcessesFor(root: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const state = /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (cmd.includes('podman') && cmd.includes(root) && state !== 'Z') found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export interface RegistryManifest {
  mediaType?: string;
  config: { digest: string };
  layers: { mediaType: string; digest: string }[];
}

/** The manifest a tag names, as skopeo reads it from the registry, with its raw bytes. */
export async function registryManifest(reg: TestRegistry, repoAndRef: string): Promise<RegistryManifest & { raw: Buffer }> {
  const raw = await inspectRawWithSkopeo(reg, repoAndRef);
  return { ...(JSON.parse(raw.toString('utf8')) as RegistryManifest), raw };
}

/** An image config blob, read from the registry and checked against its digest. */
export async function registryConfig(reg: TestRegistry, repository: string, digest: string): Promise<{ rootfs: { diff_ids: string[] } }> {
  const res = await registryFetch(reg, `/v2/${repository}/blobs/${digest}`);
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(sha256(bytes), digest);
  return JSON.parse(bytes.toString('utf8')) as { rootfs: { diff_ids: string[] } };
}
