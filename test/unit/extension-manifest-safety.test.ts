// A checked-in .vscode/settings.json must not turn off TLS verification for a registry whose login the
// user stored, nor make the extension write logins to disk: those settings are read from user settings only.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  capabilities?: { untrustedWorkspaces?: { supported?: boolean | string } };
};

test('the registry list (with tlsVerify and caFile) and auth.json sharing are application-scoped: a workspace cannot set them', () => {
  const props = manifest.contributes.configuration.properties;
  assert.equal(props['registryExplorer.registries']?.scope, 'application');
  assert.equal(props['registryExplorer.shareLoginsWithAuthFile']?.scope, 'application');
});

test('untrusted workspaces are declared, since nothing a workspace says reaches the registries or the logins', () => {
  assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
});
