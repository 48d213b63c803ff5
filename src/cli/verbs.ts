// The names of regx's verbs, in help order. The launcher (src/cli/launcher.ts) picks a code cache
// by verb before the bundle that defines the commands is loaded, so it needs them apart from
// commands/index.ts; test/unit/cli-verbs.test.ts keeps the two the same.
export const verbNames: readonly string[] = [
  'copy',
  'sync',
  'inspect',
  'delete',
  'tag',
  'referrers',
  'verify',
  'list-tags',
  'catalog',
  'login',
  'logout',
  'manifest-digest',
  'ref',
  'generate-sigstore-key',
];
