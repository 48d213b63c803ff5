// The Local Images view's pure parts: names split at the tag (not a port), rows grouped by
// repository in natural order, what the view says when no engine answers, and the pull plan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEngineFailure } from '../../src/extension/local/engine-failure';
import { groupByRepository, imageIdDigest, rowReference, shortImageId, splitName, untaggedRepository } from '../../src/extension/local/local-listing';
import type { LocalImageRecord } from '../../src/extension/local/local-listing';
import { localPullPlan } from '../../src/extension/local/push-plan';

const id = (c: string): string => `sha256:${c.repeat(64)}`;
const image = (c: string, names: string[]): LocalImageRecord => ({ id: id(c), names, size: 1000, created: '2026-01-01T00:00:00.000Z' });

test('a name splits at its tag, not at a registry port, and a digest-pinned name has no tag', () => {
  assert.deepEqual(splitName('127.0.0.1:5000/team/app:v1'), { repository: '127.0.0.1:5000/team/app', tag: 'v1' });
  assert.deepEqual(splitName('localhost:5000/app'), { repository: 'localhost:5000/app', tag: undefined });
  assert.deepEqual(splitName('quay.io/a/b@sha256:' + 'a'.repeat(64)), { repository: 'quay.io/a/b', tag: undefined });
});

test('images are grouped by repository, one row per name, untagged images last under <none>, in natural order', () => {
  const groups = groupByRepository([
    image('a', ['localhost/demo/app:v10', 'localhost/demo/app:v2']),
    image('b', ['docker.io/library/alpine:3.20']),
    image('c', []),
    image('d', ['localhost/demo/app:v9', 'docker.io/library/alpine:latest']),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.repository, g.rows.map((r) => r.tag ?? shortImageId(r.image.id))]),
    [
      ['docker.io/library/alpine', ['3.20', 'latest']],
      ['localhost/demo/app', ['v2', 'v9', 'v10']],
      [untaggedRepository, ['cccccccccccc']],
    ],
  );
  const untagged = groups[2]!.rows[0]!;
  assert.equal(rowReference(untagged), 'c'.repeat(64), 'an image without a name is named by its full ID');
  assert.equal(rowReference(groups[1]!.rows[0]!), 'localhost/demo/app:v2');
});

test('image IDs read with and without their algorithm', () => {
  assert.equal(shortImageId(id('e')), 'eeeeeeeeeeee');
  assert.equal(shortImageId('e'.repeat(64)), 'eeeeeeeeeeee');
  assert.equal(imageIdDigest('e'.repeat(64)), id('e'));
  assert.equal(imageIdDigest(id('e')), id('e'));
});

test('no engine: the row says how to start podman (user or system socket), that it is missing, or names the set socket', () => {
  const base = { configuredSocket: undefined, podmanInstalled: true, root: false, detail: 'no container engine answered' };
  const user = describeEngineFailure(base);
  assert.equal(user.startCommand, 'systemctl --user start podman.socket');
  assert.match(user.hint, /systemctl --user start podman\.socket/);
  assert.equal(user.detail, 'no container engine answered');
  assert.equal(describeEngineFailure({ ...base, root: true }).startCommand, 'systemctl start podman.socket');
  const missing = describeEngineFailure({ ...base, podmanInstalled: false });
  assert.equal(missing.startCommand, undefined);
  assert.match(missing.hint, /podman is not installed/);
  const set = describeEngineFailure({ ...base, configuredSocket: '/tmp/x.sock' });
  assert.match(set.message, /\/tmp\/x\.sock/);
  assert.match(set.hint, /Local Engine: Socket setting/);
});

test('a pull plan compares image IDs: free name, same image (nothing to write), or another image (ask)', () => {
  assert.deepEqual(localPullPlan(id('a'), undefined).state, { kind: 'new' });
  assert.deepEqual(localPullPlan(id('a'), 'a'.repeat(64)).state, { kind: 'same' });
  const replace = localPullPlan(id('a'), id('b')).state;
  assert.equal(replace.kind, 'replace');
  assert.equal(replace.kind === 'replace' && replace.currentDigest, id('b'));
});
