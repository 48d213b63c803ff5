// A *.regx-sync.yaml file's problems land on the text they are about: the path the core's validator or
// reader names (`sources[1].tags.semver`) is found in the YAML's nodes, and YAML syntax errors keep
// their own place; a good file gives its config.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { checkSyncFile, pathKeys } from '../../src/extension/promote/sync-file-problems';

const text = (lines: string[]): string => `${lines.join('\n')}\n`;
const at = (t: string, p: { start: number; end: number }): string => t.slice(p.start, p.end);

test('paths split into keys and indexes, quoted registry hosts included', () => {
  assert.deepEqual(pathKeys('sources[1].tags.semver'), ['sources', 1, 'tags', 'semver']);
  assert.deepEqual(pathKeys('registries["quay.io:443"].credentials.passwordFromEnv'), ['registries', 'quay.io:443', 'credentials', 'passwordFromEnv']);
  assert.deepEqual(pathKeys(''), []);
});

test('each problem is placed on its node: a wrong value, an unknown key, a bad range, an unknown destination', () => {
  const t = text([
    'version: 1',
    'destinations: [{name: prod, registry: quay.io/org}]',
    'sources:',
    '  - repository: a.example/app',
    '    tags: {newest: 0}',
    '  - repository: a.example/api',
    '    tags:',
    '      semvar: ">=1"',
  ]);
  const { problems, config } = checkSyncFile(t, 'p.regx-sync.yaml');
  assert.equal(config, undefined);
  const newest = problems.find((p) => p.message.startsWith('sources[0].tags.newest'));
  assert.equal(newest && at(t, newest), '0');
  const unknown = problems.find((p) => p.message.startsWith('sources[1].tags.semvar'));
  assert.equal(unknown && at(t, unknown), '">=1"', 'an unknown key: its value is marked');

  const semantic = text([
    'version: 1',
    'destinations: [{name: prod, registry: quay.io/org}]',
    'sources:',
    '  - repository: a.example/app',
    '    tags: {semver: ">= banana"}',
    '    destinations: [staging]',
  ]);
  const s = checkSyncFile(semantic, 'p.regx-sync.yaml').problems;
  assert.deepEqual(
    s.map((p) => at(semantic, p)),
    ['">= banana"', 'staging'],
  );
  assert.match(s[0]?.message ?? '', /^sources\[0\]\.tags\.semver: invalid semver range/);
  assert.match(s[1]?.message ?? '', /no destination is named "staging"/);
});

test('a YAML syntax error keeps its place; a good file gives its config and no problem', () => {
  const bad = 'version: 1\nsources: [\n';
  const { problems } = checkSyncFile(bad, 'p.regx-sync.yaml');
  assert.equal(problems.length > 0, true);
  assert.ok((problems[0]?.start ?? -1) >= 0 && (problems[0]?.start ?? 0) <= bad.length);
  const good = checkSyncFile(text(['version: 1', 'destinations: [{registry: quay.io/org}]', 'sources: [{repository: a.example/app}]']), 'p.regx-sync.yaml');
  assert.deepEqual(good.problems, []);
  assert.equal(good.config?.targets.length, 1);
});
