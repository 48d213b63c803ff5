import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { loginKey } from '../../src/cli/commands/login';
import { UsageError } from '../../src/core/errors';

test('login keys as podman reads them: URLs become host[:port], namespaces stay, tags and digests are refused', () => {
  assert.deepEqual(loginKey('quay.io'), { key: 'quay.io', registry: 'quay.io' });
  assert.deepEqual(loginKey('https://registry.example.com:8443/v2/'), { key: 'registry.example.com:8443', registry: 'registry.example.com:8443' });
  assert.deepEqual(loginKey('localhost:5000/team/'), { key: 'localhost:5000/team', registry: 'localhost:5000' });
  assert.deepEqual(loginKey('[::1]:5000'), { key: '[::1]:5000', registry: '[::1]:5000' });
  assert.throws(() => loginKey('quay.io/org/app:v1'), UsageError);
  assert.throws(() => loginKey('quay.io/org/app@sha256:abc'), UsageError);
  assert.throws(() => loginKey('/x'), UsageError);
});
