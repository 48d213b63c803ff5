import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseOcLoginCommand } from '../../src/extension/openshift/oc-login-command';

test("the web console's Copy login command gives the server and the token", () => {
  assert.deepEqual(parseOcLoginCommand('oc login --token=sha256~AbC-123_x --server=https://api.c1.example.com:6443'), {
    server: 'https://api.c1.example.com:6443',
    token: 'sha256~AbC-123_x',
  });
  assert.deepEqual(parseOcLoginCommand('  oc login --server "https://api.c1.example.com:6443" --token sha256~t  '), {
    server: 'https://api.c1.example.com:6443',
    token: 'sha256~t',
  });
  assert.deepEqual(parseOcLoginCommand('oc login https://api.c2:6443 --insecure-skip-tls-verify=true'), { server: 'https://api.c2:6443', insecure: true });
});

test('anything else is not an oc login line', () => {
  assert.equal(parseOcLoginCommand('https://api.c1.example.com:6443'), undefined);
  assert.equal(parseOcLoginCommand('oc whoami --server=https://x'), undefined);
  assert.equal(parseOcLoginCommand('oc login --token=sha256~t'), undefined, 'no server');
});
