import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseRegistrySettings,
  parseRegistryUrl,
  withRegistry,
  withRegistryFields,
  withWatchedRepository,
  withoutRegistry,
} from '../../src/extension/registry-settings';

test('registry URLs are reduced to a lowercase host[:port]; http:// means plain HTTP', () => {
  assert.deepEqual(parseRegistryUrl('https://Quay.io/'), { host: 'quay.io', insecureHttp: false });
  assert.deepEqual(parseRegistryUrl('http://127.0.0.1:5000'), { host: '127.0.0.1:5000', insecureHttp: true });
  assert.deepEqual(parseRegistryUrl('[::1]:5000'), { host: '[::1]:5000', insecureHttp: false });
  assert.equal(parseRegistryUrl('quay.io/ns/repo'), undefined);
  assert.equal(parseRegistryUrl('not a host'), undefined);
  assert.equal(parseRegistryUrl(''), undefined);
});

test('the setting is read leniently: bad entries dropped, duplicates merged, kinds guessed, TLS verified by default', () => {
  const registries = parseRegistrySettings([
    { url: 'quay.io' },
    { url: 'https://quay.io/', name: 'again' },
    { name: 'no url' },
    42,
    'registry.access.redhat.com',
    { url: 'http://127.0.0.1:5000', name: ' Local ', tlsVerify: false, caFile: '/ca.pem', repositories: ['a/b', 7, ' ns/ '] },
  ]);
  assert.deepEqual(
    registries.map((r) => [r.host, r.label, r.kind, r.tlsVerify, r.insecureHttp]),
    [
      ['quay.io', 'quay.io', 'quay', true, false],
      ['registry.access.redhat.com', 'registry.access.redhat.com', 'redhat', true, false],
      ['127.0.0.1:5000', 'Local', 'generic', false, true],
    ],
  );
  assert.deepEqual(registries[2]?.repositories, ['a/b', 'ns/']);
  assert.equal(registries[2]?.caFile, '/ca.pem');
  assert.deepEqual(parseRegistrySettings('quay.io'), []);
});

test('adding a registry that is already there merges into its entry instead of duplicating it', () => {
  const current = [{ url: 'quay.io', name: 'Mine', repositories: ['me/app'] }, 'ghcr.io'];
  assert.deepEqual(withRegistry(current, { url: 'https://quay.io', kind: 'quay' }), [
    { url: 'https://quay.io', name: 'Mine', repositories: ['me/app'], kind: 'quay' },
    'ghcr.io',
  ]);
  assert.deepEqual(withRegistry(current, { url: 'r.test:5000' }), [...current, { url: 'r.test:5000' }]);
});

test('fields, watched repositories and removal address a registry by host, whatever URL form the user wrote', () => {
  const current = [{ url: 'https://R.test:5000/' }, 'quay.io'];
  assert.deepEqual(withRegistryFields(current, 'r.test:5000', { tlsVerify: false }), [{ url: 'https://R.test:5000/', tlsVerify: false }, 'quay.io']);
  const watched = withWatchedRepository(withWatchedRepository(current, 'quay.io', 'me/app'), 'quay.io', 'me/app');
  assert.deepEqual(watched, [{ url: 'https://R.test:5000/' }, { url: 'quay.io', repositories: ['me/app'] }]);
  assert.deepEqual(withoutRegistry(current, 'r.test:5000'), ['quay.io']);
});
