import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageReferenceName, isDigest, referenceParts, referenceSuffix, shortReferenceSuffix, tagOrDigest } from '../../src/core/reference/tag-or-digest';

const digest = `sha256:${'ab'.repeat(32)}`;

test('a reference is a tag or a digest, and says which', () => {
  assert.deepEqual(tagOrDigest('v1.2'), { kind: 'tag', tag: 'v1.2' });
  assert.deepEqual(tagOrDigest(digest), { kind: 'digest', digest });
  assert.equal(isDigest(digest), true);
  assert.equal(isDigest('latest'), false);
  assert.deepEqual(referenceParts('v1'), { tag: 'v1' });
  assert.deepEqual(referenceParts(digest), { digest });
});

test('a tag joins its repository with ":" and a digest with "@"', () => {
  assert.equal(referenceSuffix('v1'), ':v1');
  assert.equal(referenceSuffix({ kind: 'digest', digest }), `@${digest}`);
  assert.equal(imageReferenceName('r.test:5000', 'team/app', 'v1'), 'r.test:5000/team/app:v1');
  assert.equal(imageReferenceName('r.test:5000', 'team/app', digest), `r.test:5000/team/app@${digest}`);
  assert.equal(shortReferenceSuffix(digest), '@abababababab');
  assert.equal(shortReferenceSuffix('v1'), ':v1');
});
