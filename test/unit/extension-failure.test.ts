import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationError, NetworkError, RegistryError, TlsError } from '../../src/core/errors';
import { describeFailure } from '../../src/extension/tree/failure';

const host = 'r.test:5000';

test('a certificate failure offers to trust the certificate, and keeps the registry message for the tooltip', () => {
  const f = describeFailure(new TlsError('certificate signed by unknown authority: add its CA file or skip verification', host), 'catalog', host, false);
  assert.deepEqual(f.actions, ['trust', 'retry']);
  assert.match(f.detail, /unknown authority/);
  assert.equal(f.catalogRefused, false);
});

test('an authentication failure offers Sign in, worded for a user with or without a login', () => {
  assert.deepEqual(describeFailure(new AuthenticationError('requires authentication', host), 'catalog', host, false), {
    message: `Sign in to ${host} to see its repositories`,
    detail: 'requires authentication',
    actions: ['signIn', 'retry'],
    catalogRefused: false,
  });
  assert.equal(describeFailure(new AuthenticationError('refused', host), 'tags', host, true).message, `${host} refused the login`);
});

test('a registry refusing _catalog is not an error: the user is asked to name repositories to watch', () => {
  for (const error of [
    new RegistryError('not found', 404, undefined, 'u'),
    new RegistryError('denied', 403, 'DENIED', 'u'),
    new RegistryError('unsupported', 405, 'UNSUPPORTED', 'u'),
  ]) {
    const f = describeFailure(error, 'catalog', host, true);
    assert.equal(f.catalogRefused, true, error.message);
    assert.deepEqual(f.actions, ['watch']);
  }
  assert.deepEqual(describeFailure(new RegistryError('denied', 403, 'DENIED', 'u'), 'catalog', host, false).actions, ['watch', 'signIn']);
});

test('network and server failures offer Retry with the first line of what went wrong', () => {
  assert.deepEqual(describeFailure(new NetworkError('connect ECONNREFUSED 127.0.0.1:1'), 'catalog', host, false).actions, ['retry']);
  const f = describeFailure(new RegistryError('internal error\nstack', 500, undefined, 'u'), 'tags', host, false);
  assert.equal(f.message, 'Could not list tags: internal error');
  assert.equal(
    describeFailure(new RegistryError('repository name not known to registry', 404, 'NAME_UNKNOWN', 'u'), 'tags', host, false).message,
    'No such repository',
  );
});

test('rows follow the error reason: a wrong host name and an expired certificate say so, a timeout and a rate limit offer Retry', () => {
  const hostname = describeFailure(new TlsError('not valid for that name', host, { reason: 'tls-hostname' }), 'tags', host, false);
  assert.equal(hostname.message, `The certificate of ${host} is not valid for that name`);
  assert.equal(
    describeFailure(new TlsError('expired', host, { reason: 'tls-expired' }), 'tags', host, false).message,
    `The certificate of ${host} is expired or not yet valid`,
  );
  assert.deepEqual(describeFailure(new NetworkError('slow', { reason: 'timeout' }), 'tags', host, false), {
    message: `${host} did not answer in time`,
    detail: 'slow',
    actions: ['retry'],
    catalogRefused: false,
  });
  assert.equal(
    describeFailure(new RegistryError('too many requests', 429, 'TOOMANYREQUESTS', 'u'), 'tags', host, false).message,
    `${host} is limiting requests: try again later`,
  );
});
