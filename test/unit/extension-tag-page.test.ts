import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorId, loadMoreId, namespaceId, platformId, registryId, repositoryId, tagId, tagIdPrefix } from '../../src/extension/tree/ids';
import { loadMoreLabel, tagPage } from '../../src/extension/tree/tag-page';

const tags = Array.from({ length: 3000 }, (_, i) => `v${i + 1}`);

test('3,000 tags received at once show a page of them, then a Load more row saying how many are left', () => {
  const first = tagPage(tags, 100, false);
  assert.equal(first.visible.length, 100);
  assert.deepEqual([first.visible[0], first.visible[99]], ['v1', 'v100']);
  assert.equal(first.left, 2900);
  assert.equal(first.more, true);
  assert.equal(loadMoreLabel(first.left), 'Load more (2,900 left)');
  const second = tagPage(tags, 200, false);
  assert.deepEqual([second.visible.length, second.left], [200, 2800]);
});

test('the last page has no Load more row unless the registry has more pages', () => {
  assert.deepEqual(tagPage(tags, 3100, false), { visible: tags, left: 0, more: false });
  const fromServer = tagPage(['a', 'b'], 100, true);
  assert.deepEqual([fromServer.visible, fromServer.left, fromServer.more], [['a', 'b'], 0, true]);
  assert.equal(loadMoreLabel(0), 'Load more...', 'only the registry knows what is left');
  assert.equal(loadMoreLabel(undefined), 'Load more...');
  assert.deepEqual(tagPage([], 100, false), { visible: [], left: 0, more: false });
  assert.equal(tagPage(tags, -5, false).visible.length, 0, 'a nonsense count shows nothing rather than throwing');
});

test('row ids name the whole path, so rows of different kinds or registries never collide', () => {
  const ids = [
    registryId('r.test'),
    namespaceId('r.test', 'team'),
    repositoryId('r.test', 'team'),
    tagId('r.test', 'team', 'v1'),
    platformId('r.test', 'team', 'v1', 'sha256:a'),
    platformId('r.test', 'team', 'v2', 'sha256:a'),
    loadMoreId(repositoryId('r.test', 'team')),
    errorId(registryId('r.test')),
  ];
  assert.equal(new Set(ids).size, ids.length);
  assert.notEqual(namespaceId('r.test', 'team'), repositoryId('r.test', 'team'), 'a namespace and a repository of one name differ');
  assert.ok(tagId('r.test', 'team', 'v1').startsWith(tagIdPrefix('r.test', 'team')));
  assert.ok(tagId('r.test', 'team', 'v1').startsWith(tagIdPrefix('r.test')));
  assert.ok(!tagId('r.test', 'team2', 'v1').startsWith(tagIdPrefix('r.test', 'team')), "another repository's tags are not forgotten with this one's");
});
