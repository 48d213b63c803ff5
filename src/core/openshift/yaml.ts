// The yaml package is a quarter of a megabyte that only the kubeconfig needs; the extension would
// otherwise evaluate it on every activation, before any cluster is asked for. Loaded on first use;
// the extension bundle keeps it in a file of its own (scripts/build.mjs), as it does undici.
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  // Synchronous: the kubeconfig is read and written synchronously, as oc does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('yaml') as typeof Yaml;
  return loaded;
}
