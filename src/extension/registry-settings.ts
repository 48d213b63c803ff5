// The `registryExplorer.registries` setting: what users write, read leniently and normalized
// once, so the rest of the extension deals with one shape. Pure: no vscode import, unit-tested.

export const registryKinds = ['generic', 'quay', 'harbor', 'redhat', 'dockerhub', 'openshift'] as const;
export type RegistryKind = (typeof registryKinds)[number];

/** One entry as stored in settings.json. Never holds a secret. */
export interface RegistrySetting {
  url: string;
  name?: string;
  kind?: RegistryKind;
  caFile?: string;
  tlsVerify?: boolean;
  /** Repositories ("ns/app") or namespaces ("ns/") to show when the registry does not list its catalog. */
  repositories?: string[];
}

export interface ConfiguredRegistry {
  /** host[:port], lowercase, the key the registry is known by in auth.json and SecretStorage. */
  readonly host: string;
  readonly label: string;
  readonly kind: RegistryKind;
  readonly caFile: string | undefined;
  readonly tlsVerify: boolean;
  /** The URL said http:// - plain HTTP, for local test registries. */
  readonly insecureHttp: boolean;
  readonly repositories: readonly string[];
}

/** Splits "https://Host:5000/" into host "host:5000"; an http:// prefix means plain HTTP. */
export function parseRegistryUrl(url: string): { host: string; insecureHttp: boolean } | undefined {
  const m = /^\s*(?:(https?):\/\/)?([^/\s]+?)\/*\s*$/i.exec(url);
  if (!m || !m[2]) return undefined;
  const host = m[2].toLowerCase();
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) return undefined;
  return { host, insecureHttp: m[1]?.toLowerCase() === 'http' };
}

/** Reads the setting as users may have written it: unknown fields ignored, bad entries dropped, duplicates merged. */
export function parseRegistrySettings(value: unknown): ConfiguredRegistry[] {
  if (!Array.isArray(value)) return [];
  const byHost = new Map<string, ConfiguredRegistry>();
  for (const entry of value) {
    const raw: unknown = typeof entry === 'string' ? { url: entry } : entry;
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    if (typeof r.url !== 'string') continue;
    const parsed = parseRegistryUrl(r.url);
    if (!parsed || byHost.has(parsed.host)) continue;
    const kind = registryKinds.find((k) => k === r.kind) ?? guessKind(parsed.host);
    byHost.set(parsed.host, {
      host: parsed.host,
      label: typeof r.name === 'string' && r.name.trim() ? r.name.trim() : parsed.host,
      kind,
      caFile: typeof r.caFile === 'string' && r.caFile ? r.caFile : undefined,
      tlsVerify: r.tlsVerify !== false,
      insecureHttp: parsed.insecureHttp,
      repositories: Array.isArray(r.repositories)
        ? r.repositories.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim())
        : [],
    });
  }
  return [...byHost.values()];
}

function guessKind(host: string): RegistryKind {
  if (host === 'quay.io') return 'quay';
  if (host === 'docker.io' || host === 'registry-1.docker.io') return 'dockerhub';
  if (host.startsWith('registry.redhat.io') || host.startsWith('registry.access.redhat.com') || host.startsWith('registry.connect.redhat.com')) return 'redhat';
  if (/^default-route-openshift-image-registry\./.test(host)) return 'openshift';
  return 'generic';
}

function sameHost(setting: unknown, host: string): boolean {
  const url = typeof setting === 'string' ? setting : (setting as { url?: unknown } | null)?.url;
  return typeof url === 'string' && parseRegistryUrl(url)?.host === host;
}

/** Adds a registry, or merges into the entry for the same host (keeping what the user wrote there). */
export function withRegistry(settings: readonly unknown[], added: RegistrySetting): unknown[] {
  const host = parseRegistryUrl(added.url)?.host;
  const i = host === undefined ? -1 : settings.findIndex((s) => sameHost(s, host));
  if (i < 0) return [...settings, added];
  return settings.map((s, j) => (j === i ? { ...(typeof s === 'string' ? { url: s } : (s as object)), ...added } : s));
}

export function withoutRegistry(settings: readonly unknown[], host: string): unknown[] {
  return settings.filter((s) => !sameHost(s, host));
}

/** Changes some fields of the entry for `host` (which must exist). */
export function withRegistryFields(settings: readonly unknown[], host: string, fields: Partial<RegistrySetting>): unknown[] {
  return settings.map((s) => (sameHost(s, host) ? { ...(typeof s === 'string' ? { url: s } : (s as object)), ...fields } : s));
}

/** Adds a repository or namespace to watch on `host`. */
export function withWatchedRepository(settings: readonly unknown[], host: string, repository: string): unknown[] {
  return settings.map((s) => {
    if (!sameHost(s, host)) return s;
    const entry = (typeof s === 'string' ? { url: s } : s) as RegistrySetting;
    const current = Array.isArray(entry.repositories) ? entry.repositories : [];
    return current.includes(repository) ? entry : { ...entry, repositories: [...current, repository] };
  });
}
