import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextValue } from '../../src/extension/tree/context-value';
import type { Node, TagDetails } from '../../src/extension/tree/nodes';
import type { ConfiguredRegistry } from '../../src/extension/registry-settings';
import { isInspectRequest } from '../../src/webview/inspect/protocol';

const registry: ConfiguredRegistry = {
  host: 'r.test',
  label: 'r.test',
  kind: 'generic',
  caFile: undefined,
  tlsVerify: true,
  insecureHttp: false,
  repositories: [],
};
const tokens = (node: Node, details?: TagDetails): string[] => contextValue(node, details).split(' ');

test('a registry row says whether it is logged in, and Log Out only shows for logins made here', () => {
  const base = { kind: 'registry', id: 'registry:r.test', registry, filter: undefined } as const;
  assert.deepEqual(tokens({ ...base, login: undefined }), ['registry', 'loggedOut']);
  assert.deepEqual(tokens({ ...base, login: { username: 'u', source: '/run/containers/0/auth.json', ownLogin: false } }), ['registry', 'loggedIn']);
  assert.deepEqual(tokens({ ...base, login: { username: 'u', source: 'VS Code secret storage', ownLogin: true }, filter: 'app' }), [
    'registry',
    'loggedIn',
    'ownLogin',
    'filtered',
  ]);
});

test('a tag row offers digest actions only once its digest is known, and marks an index', () => {
  const tag: Node = { kind: 'tag', id: 'tag:r.test/a:1', registry, repository: 'a', tag: '1' };
  const details: TagDetails = {
    digest: 'sha256:x',
    mediaType: 'application/vnd.oci.image.index.v1+json',
    isIndex: true,
    size: undefined,
    created: undefined,
    platforms: [],
    error: undefined,
  };
  assert.deepEqual(tokens(tag), ['tag']);
  assert.deepEqual(tokens(tag, details), ['tag', 'resolved', 'index']);
  assert.deepEqual(tokens(tag, { ...details, error: 'details unavailable' }), ['tag', 'index']);
});

test('error rows carry their actions as tokens for the inline buttons', () => {
  const parent: Node = { kind: 'registry', id: 'registry:r.test', registry, login: undefined, filter: undefined };
  assert.deepEqual(tokens({ kind: 'error', id: 'e', parent, registry, message: 'm', detail: 'd', actions: ['signIn', 'retry'] }), ['error', 'signIn', 'retry']);
});

test('the Inspect panel accepts only the messages of its protocol from the webview', () => {
  assert.equal(isInspectRequest({ type: 'ready' }), true);
  assert.equal(isInspectRequest({ type: 'openRaw', what: 'config' }), true);
  assert.equal(isInspectRequest({ type: 'openRaw', what: '/etc/passwd' }), false);
  assert.equal(isInspectRequest({ type: 'copy', text: 42 }), false);
  assert.equal(isInspectRequest('ready'), false);
});
