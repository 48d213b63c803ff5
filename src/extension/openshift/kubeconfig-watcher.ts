// Watches the kubeconfig files (KUBECONFIG's list, else ~/.kube/config) for changes made by oc, by
// this extension, or by hand. The directories are watched rather than the files: oc and we replace a
// kubeconfig by renaming a temp file over it, which a watch on the old file would not see.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type * as vscode from 'vscode';

export function watchKubeconfig(files: readonly string[], onChange: () => void): vscode.Disposable {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) byDir.set(dirname(f), (byDir.get(dirname(f)) ?? new Set()).add(basename(f)));
  const watchers: FSWatcher[] = [];
  let pending: NodeJS.Timeout | undefined;
  const changed = (): void => {
    // A write is several events (temp file, rename, lock removal): one refresh for all of them.
    clearTimeout(pending);
    pending = setTimeout(onChange, 150);
  };
  for (const [dir, names] of byDir) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(String(name))) changed();
      });
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // The directory does not exist yet (no kubeconfig): a login made here reloads explicitly.
    }
  }
  return {
    dispose: () => {
      clearTimeout(pending);
      for (const w of watchers) w.close();
    },
  };
}
