// The launcher chooses a code cache by verb from src/cli/verbs.ts; the verbs are defined in
// src/cli/commands/index.ts. A verb missing from the list would share the catch-all cache.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands/index';
import { verbNames } from '../../src/cli/verbs';

test('the launcher knows every regx verb, in help order', () => {
  assert.deepEqual(
    commands.map((c) => c.name),
    [...verbNames],
  );
});
