import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullCommands } from '../../src/extension/pull-commands';

const digest = `sha256:${'ab'.repeat(32)}`;

test('a verified registry: podman, docker and skopeo by tag and by digest, no TLS flag', () => {
  const out = pullCommands({ host: 'quay.io', repository: 'team/app', tag: '1.0', digest, unverified: false, caFile: undefined });
  assert.deepEqual(
    out.map((c) => c.command),
    [
      'podman pull quay.io/team/app:1.0',
      'docker pull quay.io/team/app:1.0',
      'skopeo copy docker://quay.io/team/app:1.0 containers-storage:quay.io/team/app:1.0',
      `podman pull quay.io/team/app@${digest}`,
      `docker pull quay.io/team/app@${digest}`,
      `skopeo copy docker://quay.io/team/app@${digest} containers-storage:quay.io/team/app:1.0`,
    ],
  );
  assert.deepEqual(
    out.map((c) => `${c.tool}/${c.by}`),
    ['podman/tag', 'docker/tag', 'skopeo/tag', 'podman/digest', 'docker/digest', 'skopeo/digest'],
  );
});

test('plain HTTP or unverified TLS: podman and skopeo skip verification for the pull only; docker says what its daemon needs', () => {
  const out = pullCommands({ host: 'reg.lan:5000', repository: 'app', tag: 'v1', digest: undefined, unverified: true, caFile: undefined });
  assert.deepEqual(
    out.map((c) => c.command),
    [
      'podman pull --tls-verify=false reg.lan:5000/app:v1',
      'docker pull reg.lan:5000/app:v1',
      'skopeo copy --src-tls-verify=false docker://reg.lan:5000/app:v1 containers-storage:reg.lan:5000/app:v1',
    ],
  );
  assert.match(out[1]!.detail, /"reg\.lan:5000" to "insecure-registries" in \/etc\/docker\/daemon\.json/);
  assert.doesNotMatch(out[1]!.command, /tls/);
});

test('a platform row pulls by digest only, naming the local copy after its index tag; a CA file is named where each tool reads it', () => {
  const out = pullCommands({ host: 'reg.corp', repository: 'app', tag: undefined, indexTag: 'multi', digest, unverified: false, caFile: '/ca.pem' });
  assert.deepEqual(
    out.map((c) => c.by),
    ['digest', 'digest', 'digest'],
  );
  assert.equal(out[2]!.command, `skopeo copy docker://reg.corp/app@${digest} containers-storage:reg.corp/app:multi`);
  assert.match(out[0]!.detail, /\/etc\/containers\/certs\.d\/reg\.corp\/ca\.crt/);
  assert.match(out[1]!.detail, /\/etc\/docker\/certs\.d\/reg\.corp\/ca\.crt/);
});
