import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, formatSize, shortDigest } from '../../src/extension/format';
import { Limiter } from '../../src/extension/limiter';
import { groupRepositories, matchesFilter } from '../../src/extension/tree/repository-groups';

test('a short repository list stays flat, whatever its namespaces', () => {
  assert.deepEqual(groupRepositories(['a/x', 'a/y', 'b']), [
    { kind: 'repository', repository: 'a/x' },
    { kind: 'repository', repository: 'a/y' },
    { kind: 'repository', repository: 'b' },
  ]);
});

test('a long list is grouped by namespace, but a namespace with one repository stays a repository', () => {
  const repos = ['team/a', 'team/b', 'team/c', 'solo/only', 'root1', 'ops/x', 'ops/y', 'team/d', 'r2', 'r3', 'r4'];
  assert.deepEqual(groupRepositories(repos), [
    { kind: 'namespace', namespace: 'team', repositories: ['team/a', 'team/b', 'team/c', 'team/d'] },
    { kind: 'repository', repository: 'solo/only' },
    { kind: 'repository', repository: 'root1' },
    { kind: 'namespace', namespace: 'ops', repositories: ['ops/x', 'ops/y'] },
    { kind: 'repository', repository: 'r2' },
    { kind: 'repository', repository: 'r3' },
    { kind: 'repository', repository: 'r4' },
  ]);
});

test('the repository filter is a case-insensitive substring; empty matches all', () => {
  assert.equal(matchesFilter('Team/App', 'app'), true);
  assert.equal(matchesFilter('team/app', 'web'), false);
  assert.equal(matchesFilter('team/app', ''), true);
  assert.equal(matchesFilter('team/app', undefined), true);
});

test('digests, sizes and ages read short', () => {
  assert.equal(shortDigest('sha256:0123456789abcdef0123'), '0123456789ab');
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(2_345_678), '2.3 MB');
  assert.equal(formatSize(123_456_789), '123 MB');
  const now = Date.parse('2026-12-01T12:00:00Z');
  assert.equal(formatAge('2026-11-28T12:00:00Z', now), '3 days ago');
  assert.equal(formatAge('2026-12-01T11:59:30Z', now), 'just now');
  assert.equal(formatAge('2025-11-30T12:00:00Z', now), '1 year ago');
  assert.equal(formatAge('not a date', now), undefined);
});

test('the limiter never runs more tasks at once than its limit, and runs them all', async () => {
  const limiter = new Limiter(() => 2);
  let running = 0;
  let most = 0;
  const gates: (() => void)[] = [];
  const results = Array.from({ length: 5 }, (_, i) =>
    limiter.run(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => gates.push(r));
      running--;
      return i;
    }),
  );
  for (let released = 0; released < 5;) {
    await new Promise((r) => setImmediate(r));
    assert.ok(running <= 2, `${running} tasks running at once`);
    const gate = gates.shift();
    if (gate) {
      gate();
      released++;
    }
  }
  assert.deepEqual(await Promise.all(results), [0, 1, 2, 3, 4]);
  assert.equal(most, 2);
});
