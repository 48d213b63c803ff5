import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { nextPageUrl } from '../../src/core/registry/paging';
import { RegistryError } from '../../src/core/errors';

const req = new URL('https://reg.example.com:5000/v2/_catalog?n=2');

test('a relative Link is resolved against the request URL', () => {
  assert.equal(nextPageUrl('</v2/_catalog?last=b&n=2>; rel="next"', req, 'reg'), '/v2/_catalog?last=b&n=2');
});

test('an absolute Link on the same origin is followed', () => {
  assert.equal(nextPageUrl('<https://reg.example.com:5000/v2/_catalog?last=c&n=2>; rel="next"', req, 'reg'), '/v2/_catalog?last=c&n=2');
});

test('a Link to another host is refused, not followed', () => {
  assert.throws(
    () => nextPageUrl('<https://evil.example.com/v2/_catalog?last=b>; rel="next"', req, 'reg'),
    (err: unknown) => err instanceof RegistryError && /another host/.test(err.message),
  );
  assert.throws(
    () => nextPageUrl('<http://reg.example.com:5000/v2/_catalog?last=b>; rel="next"', req, 'reg'),
    /another host/,
    'a scheme downgrade is another origin',
  );
});

test('only rel=next counts, among several links and bare rel values', () => {
  assert.equal(nextPageUrl('</v2/x?p=1>; rel="prev", </v2/x?p=3>; rel=next', req, 'reg'), '/v2/x?p=3');
  assert.equal(nextPageUrl(['</v2/x?p=1>; rel="prev"', '</v2/x?p=4>; rel="next"'], req, 'reg'), '/v2/x?p=4');
  assert.equal(nextPageUrl('</v2/x?p=1>; rel="prev"', req, 'reg'), undefined);
  assert.equal(nextPageUrl(undefined, req, 'reg'), undefined);
});
