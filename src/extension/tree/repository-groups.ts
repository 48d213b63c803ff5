// Grouping a registry's repositories by namespace, only where it helps: a short list stays flat,
// and a namespace holding a single repository is not worth a level of its own.

export type RepositoryEntry = { kind: 'repository'; repository: string } | { kind: 'namespace'; namespace: string; repositories: string[] };

/** Lists at most this long are shown flat. */
export const flatListLimit = 10;

export function groupRepositories(repositories: readonly string[]): RepositoryEntry[] {
  if (repositories.length <= flatListLimit) return repositories.map((repository) => ({ kind: 'repository', repository }));
  const byNamespace = new Map<string, string[]>();
  for (const repository of repositories) {
    const slash = repository.indexOf('/');
    if (slash < 0) continue;
    const ns = repository.slice(0, slash);
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), repository]);
  }
  const entries: RepositoryEntry[] = [];
  const placed = new Set<string>();
  for (const repository of repositories) {
    const slash = repository.indexOf('/');
    const ns = slash < 0 ? undefined : repository.slice(0, slash);
    const members = ns === undefined ? undefined : byNamespace.get(ns);
    if (ns !== undefined && members && members.length > 1) {
      if (!placed.has(ns)) entries.push({ kind: 'namespace', namespace: ns, repositories: members });
      placed.add(ns);
    } else {
      entries.push({ kind: 'repository', repository });
    }
  }
  return entries;
}

/** Case-insensitive substring match on the repository path; an empty filter matches everything. */
export function matchesFilter(repository: string, filter: string | undefined): boolean {
  return !filter || repository.toLowerCase().includes(filter.trim().toLowerCase());
}
