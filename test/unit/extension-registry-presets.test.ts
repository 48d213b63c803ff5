// Add Registry's presets: the enterprise and cloud registries users come with, each saying how to log in.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { registryPresets } from '../../src/extension/registry-presets';
import { parseRegistryUrl } from '../../src/extension/registry-settings';

test('GitHub, GitLab, Harbor, Nexus, Artifactory, ECR, ACR and Artifact Registry are offered besides the Red Hat ones', () => {
  const labels = registryPresets.map((p) => p.label);
  for (const name of [
    'Quay.io',
    'GitHub Container Registry',
    'GitLab Container Registry',
    'Harbor',
    'Sonatype Nexus',
    'JFrog Artifactory',
    'Amazon ECR',
    'Azure Container Registry',
    'Google Artifact Registry',
    'Other registry...',
  ]) {
    assert.ok(labels.includes(name), name);
  }
});

test('every preset that needs a login says what to type, and each ask placeholder is a host the settings accept', () => {
  for (const p of registryPresets) {
    if (p.needsLogin) assert.ok(p.loginHint && /User name|user name|account/.test(p.loginHint), `${p.label} has a login hint`);
    if (p.ask) assert.ok(parseRegistryUrl(p.ask.placeholder), `${p.label}: ${p.ask.placeholder}`);
    if (p.setting) assert.ok(parseRegistryUrl(p.setting.url), p.setting.url);
  }
  assert.match(registryPresets.find((p) => p.label === 'Amazon ECR')?.loginHint ?? '', /aws ecr get-login-password/);
});
