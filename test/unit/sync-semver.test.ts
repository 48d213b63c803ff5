// images-by-semver ranges, read with the Masterminds semver v3 rules skopeo uses.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { compareVersions, parseRange, parseVersion, satisfies } from '../../src/core/sync/semver';
import { filterBySemver, newestTags } from '../../src/core/sync/tag-filter';

const tags = [
  '1.0.0',
  '1.2.0',
  '1.2.3',
  '1.2.10',
  '1.3.0',
  '2.0.0',
  '2.0.0-rc.1',
  '2.1.0',
  '0.3.1',
  '0.3.4',
  '0.4.0',
  '0.0.3',
  '0.0.4',
  'v3.12',
  '3.14.1',
  'latest',
  '1.2.3.4',
];
const pick = (range: string): string[] => filterBySemver(tags, range).sort();

test('comparison operators, with missing parts read as zero', () => {
  assert.deepEqual(pick('>= 3.12.0'), ['3.14.1', 'v3.12']);
  assert.deepEqual(pick('>=1.2.3 <2'), ['1.2.10', '1.2.3', '1.3.0']);
  assert.deepEqual(pick('>= 1.2.3, < 1.3'), ['1.2.10', '1.2.3']);
  assert.deepEqual(pick('=1.2.3'), ['1.2.3']);
  assert.deepEqual(pick('1.2.3'), ['1.2.3']);
  assert.deepEqual(pick('<0.1'), ['0.0.3', '0.0.4']);
});

test('a partial version after > and <= means the whole minor or major (>1.2 is 1.3 and up)', () => {
  assert.deepEqual(pick('>1.2'), ['1.3.0', '2.0.0', '2.1.0', '3.14.1', 'v3.12']);
  assert.deepEqual(pick('>2'), ['3.14.1', 'v3.12']);
  assert.deepEqual(pick('<=1.2'), ['0.0.3', '0.0.4', '0.3.1', '0.3.4', '0.4.0', '1.0.0', '1.2.0', '1.2.10', '1.2.3']);
});

test('tilde, caret and wildcards', () => {
  assert.deepEqual(pick('~1.2.3'), ['1.2.10', '1.2.3']);
  assert.deepEqual(pick('~1'), ['1.0.0', '1.2.0', '1.2.10', '1.2.3', '1.3.0']);
  assert.deepEqual(pick('^1.2'), ['1.2.0', '1.2.10', '1.2.3', '1.3.0']);
  assert.deepEqual(pick('^0.3.1'), ['0.3.1', '0.3.4']);
  assert.deepEqual(pick('^0.0.3'), ['0.0.3']);
  assert.deepEqual(pick('1.2.x'), ['1.2.0', '1.2.10', '1.2.3']);
  assert.deepEqual(pick('2.*'), ['2.0.0', '2.1.0']);
  assert.equal(pick('*').length, 14, 'every release, no pre-release, no non-version');
  assert.deepEqual(pick('!=1.2.x, ~1'), ['1.0.0', '1.3.0']);
});

test('hyphen ranges and OR', () => {
  assert.deepEqual(pick('1.2 - 1.3'), ['1.2.0', '1.2.10', '1.2.3', '1.3.0']);
  assert.deepEqual(pick('~0.3 || >=3'), ['0.3.1', '0.3.4', '3.14.1', 'v3.12']);
});

test('a pre-release matches only a range that names one', () => {
  assert.ok(pick('>=2.0.0-0').includes('2.1.0'));
  assert.ok(pick('>=2.0.0-0').includes('2.0.0-rc.1'));
  assert.ok(!pick('>=1.9').includes('2.0.0-rc.1'));
  assert.equal(compareVersions(parseVersion('2.0.0-rc.1')!, parseVersion('2.0.0')!), -1);
  assert.equal(compareVersions(parseVersion('1.0.0-alpha.2')!, parseVersion('1.0.0-alpha.10')!), -1);
  assert.equal(compareVersions(parseVersion('1.0.0-alpha')!, parseVersion('1.0.0-alpha.1')!), -1);
});

test('lenient versions as tags (v prefix, one or two parts); four parts are not versions', () => {
  assert.deepEqual(parseVersion('v3.12'), { major: 3, minor: 12, patch: 0, prerelease: '' });
  assert.deepEqual(parseVersion('7'), { major: 7, minor: 0, patch: 0, prerelease: '' });
  assert.equal(parseVersion('1.2.3.4'), undefined);
  assert.equal(parseVersion('latest'), undefined);
  assert.ok(satisfies(parseVersion('1.2.3+build.5')!, parseRange('1.2.3')));
});

test('a range that cannot be read is refused', () => {
  assert.throws(() => parseRange('>= banana'), /invalid semver range ">= banana"/);
  assert.throws(() => parseRange(''), /invalid semver range/);
  assert.throws(() => parseRange('1.0 ||'), /invalid semver range/);
});

test('newest N: the highest versions; tags that are not versions are left out', () => {
  assert.deepEqual(newestTags(['1.2.0', '1.10.0', '1.9.1', '0.9'], 2), ['1.10.0', '1.9.1']);
  assert.deepEqual(newestTags(['a', 'b', 'c', '1.0'], 2), ['1.0'], 'tags that are not versions take no part in newest');
});
