import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { e2eSkipReason, startCodeServer } from './code-server';
import type { CodeServer } from './code-server';
import { Workbench } from './workbench';

const skip = e2eSkipReason();
let server: CodeServer;
let bench: Workbench;

before(async () => {
  if (skip) return;
  server = await startCodeServer();
  bench = await Workbench.open(server.url);
});

afterEach((t) => bench?.screenshotIfFailed(t));

after(async () => {
  await bench?.close();
  await server?.stop();
});

test('the Registries view welcomes a user with no registry and offers Add Registry', { skip }, async () => {
  await bench.openView('Registries');
  const pane = bench.pane('Registries');
  await pane.getByText('No registry is configured yet').waitFor();
  const button = pane.locator('.monaco-button', { hasText: 'Add Registry' });
  await button.waitFor();
  assert.equal(await button.count(), 1);
  await bench.screenshot('activation-welcome');
});

test('Add Registry from the welcome view writes the registry to the settings and the tree shows it', { skip }, async () => {
  await bench.pane('Registries').locator('.monaco-button', { hasText: 'Add Registry' }).click();
  await bench.pick('Which registry?', 'Other registry...');
  await bench.typeAndAccept('Registry host and port', 'registry.example.test:5000');
  // "Other" asks a name and a kind too.
  await bench.typeAndAccept('Name shown in the Registries view', 'Example registry');
  await bench.pick('What kind of registry is it?', 'Distribution (OCI)');
  await bench.treeRow('Registries', 'Example registry').waitFor();
  const rows = await bench.readTreeRows('Registries');
  assert.deepEqual(
    rows.map((r) => [r.label, r.level, r.expanded]),
    [['Example registry', 1, false]],
  );
  const settings = JSON.parse(readFileSync(join(server.userDataDir, 'User/settings.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings['registryExplorer.registries'], [{ url: 'registry.example.test:5000', kind: 'generic', name: 'Example registry' }]);
  await bench.screenshot('activation-registries');
});
