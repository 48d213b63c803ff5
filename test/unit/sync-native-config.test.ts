// The native sync config: the published JSON schema (schemas/regx-sync.schema.json, run by ajv) and
// the core's own validator judge the same files alike; the validator's messages name the path; the
// reader turns a file into targets (filters, platforms, referrers, prune, destinations by name) and
// resolves credentials from the environment or a file, naming what is missing and never the secret.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parseSyncConfig, resolveConfigCredentials } from '../../src/core/sync/config';
import { validateSyncConfig } from '../../src/core/sync/config-validate';
import { formatReference, parseNormalizedReference } from '../../src/core/reference/reference';
import { isDroppedReferrerTag, newestTags } from '../../src/core/sync/tag-filter';
import { makeTempDir } from '../harness/temp';
import { repoRoot } from '../harness/tools';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'regx-sync.schema.json'), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strictRequired: false });
const schemaValid = ajv.compile(schema);

const base = { version: 1, destinations: [{ registry: 'quay.io/org' }], sources: [{ repository: 'registry.example.com/team/app' }] };
const withSource = (extra: Record<string, unknown>) => ({ ...base, sources: [{ repository: 'registry.example.com/team/app', ...extra }] });
const withRegistry = (settings: unknown) => ({ ...base, registries: { 'quay.io': settings } });

const valid: Array<[string, unknown]> = [
  ['the smallest config', base],
  ['a tag list', withSource({ tags: { list: ['v1', `sha256:${'a'.repeat(64)}`] } })],
  ['regex and semver together, then newest', withSource({ tags: { regex: '^v', semver: '>=1.2 <2', newest: 3 } })],
  ['platforms: all', withSource({ platforms: 'all' })],
  ['a platform list', withSource({ platforms: ['linux/amd64', 'linux/arm64/v8'] })],
  [
    'referrers, signatures, prune, destinations by name',
    {
      ...base,
      destinations: [{ name: 'prod', registry: 'quay.io/org', scoped: true }],
      sources: [{ repository: 'a.example/b', referrers: false, signatures: true, prune: true, destinations: ['prod'] }],
    },
  ],
  [
    'registry limits and a mounted dockerconfigjson',
    withRegistry({ tlsVerify: false, certDir: 'certs', concurrency: 2, rateLimit: 0.5, authFile: '/var/run/secrets/quay/.dockerconfigjson' }),
  ],
  ['credentials from the environment', withRegistry({ credentials: { username: 'robot', passwordFromEnv: 'QUAY_TOKEN' } })],
  ['credentials from files and variables', withRegistry({ credentials: { usernameFromEnv: 'QUAY_USER', passwordFile: '/var/run/secrets/quay/token' } })],
  ['a host with a port', { ...base, registries: { 'localhost:5000': { tlsVerify: false } } }],
];

const invalid: Array<[string, unknown, RegExp]> = [
  ['no version', { sources: base.sources, destinations: base.destinations }, /^version: is required/],
  ['version 2', { ...base, version: 2 }, /^version: expected 1/],
  ['no sources', { version: 1, destinations: base.destinations }, /^sources: is required/],
  ['empty destinations', { ...base, destinations: [] }, /^destinations: expected a non-empty list/],
  ['an unknown top-level key', { ...base, mirrors: [] }, /^mirrors: unknown key/],
  ['a misspelt filter', withSource({ tags: { semvar: '>=1' } }), /^sources\[0\]\.tags\.semvar: unknown key/],
  ['a number where semver goes', withSource({ tags: { semver: 1 } }), /^sources\[0\]\.tags\.semver: expected/],
  ['list with regex', withSource({ tags: { list: ['v1'], regex: 'v' } }), /^sources\[0\]\.tags\.regex: cannot be combined with list/],
  ['newest 0', withSource({ tags: { newest: 0 } }), /^sources\[0\]\.tags\.newest: expected a whole number from 1/],
  ['newest 2.5', withSource({ tags: { newest: 2.5 } }), /^sources\[0\]\.tags\.newest/],
  ['an empty tag list', withSource({ tags: { list: [] } }), /^sources\[0\]\.tags\.list: expected a non-empty list/],
  ['a platform without an architecture', withSource({ platforms: ['linux'] }), /^sources\[0\]\.platforms\[0\]: "linux" is not a platform/],
  ['platforms: some', withSource({ platforms: 'some' }), /^sources\[0\]\.platforms: expected all or a list/],
  ['referrers: "yes"', withSource({ referrers: 'yes' }), /^sources\[0\]\.referrers: expected true or false/],
  ['a source without a repository', { ...base, sources: [{ tags: { list: ['v1'] } }] }, /^sources\[0\]\.repository: is required/],
  ['a destination without a registry', { ...base, destinations: [{ name: 'x' }] }, /^destinations\[0\]\.registry: is required/],
  [
    'a plaintext password',
    withRegistry({ credentials: { username: 'u', password: 'hunter2' } }),
    /^registries\["quay\.io"\]\.credentials\.password: a password is never written/,
  ],
  [
    'a username with no password reference',
    withRegistry({ credentials: { username: 'u' } }),
    /^registries\["quay\.io"\]\.credentials: needs passwordFromEnv or passwordFile/,
  ],
  [
    'both password references',
    withRegistry({ credentials: { username: 'u', passwordFromEnv: 'A', passwordFile: '/f' } }),
    /give passwordFromEnv or passwordFile, not both/,
  ],
  [
    'a variable name with a dash',
    withRegistry({ credentials: { username: 'u', passwordFromEnv: 'QUAY-TOKEN' } }),
    /passwordFromEnv: "QUAY-TOKEN" is not an environment variable name/,
  ],
  ['concurrency 0', withRegistry({ concurrency: 0 }), /^registries\["quay\.io"\]\.concurrency: expected a whole number from 1 to 256/],
  ['a negative rate limit', withRegistry({ rateLimit: -1 }), /^registries\["quay\.io"\]\.rateLimit: expected requests per second/],
  ['a registry key with a path', { ...base, registries: { 'quay.io/org': {} } }, /^registries\["quay\.io\/org"\]: "quay\.io\/org" is not a registry host/],
  ['a source listing a destination twice', withSource({ destinations: ['a', 'a'] }), /^sources\[0\]\.destinations\[1\]: listed twice/],
];

test('the JSON schema and the core validator agree on every valid and invalid config, and the validator names the path', () => {
  for (const [what, doc] of valid) {
    assert.equal(schemaValid(doc), true, `schema accepts ${what}: ${JSON.stringify(schemaValid.errors)}`);
    assert.deepEqual(validateSyncConfig(doc), [], `validator accepts ${what}`);
  }
  for (const [what, doc, message] of invalid) {
    assert.equal(schemaValid(doc), false, `schema refuses ${what}`);
    const problems = validateSyncConfig(doc);
    assert.ok(problems.length > 0, `validator refuses ${what}`);
    const lines = problems.map((p) => `${p.path}: ${p.message}`);
    assert.ok(
      lines.some((l) => message.test(l)),
      `${what}: ${lines.join(' | ')} matches ${message}`,
    );
  }
});

const yaml = (lines: string[]): string => `${lines.join('\n')}\n`;

test('a config becomes targets: filters, platforms, referrers, prune and destinations by name, each path named when wrong', () => {
  const config = parseSyncConfig(
    yaml([
      'version: 1',
      'registries:',
      '  quay.io: {concurrency: 2, rateLimit: 5, tlsVerify: false}',
      'destinations:',
      '  - {name: prod, registry: quay.io/org/prod}',
      '  - {name: dr, registry: "registry.dr.example:5000/mirror", scoped: true}',
      'sources:',
      '  - repository: registry.dev.example/team/app',
      '    tags: {semver: ">=1.2", newest: 2}',
      '    platforms: [linux/amd64, linux/arm64]',
      '    referrers: false',
      '    prune: true',
      '    destinations: [prod]',
      '  - repository: registry.dev.example/team/api',
      '    tags: {list: [v1]}',
    ]),
    '/configs/promote.regx-sync.yaml',
  );
  assert.equal(config.registries.get('quay.io')?.rateLimit, 5);
  const [app, api] = config.targets;
  assert.ok(app && api);
  assert.deepEqual(app.spec.select, { kind: 'match', regex: undefined, semver: '>=1.2' });
  assert.equal(app.spec.newest, 2);
  assert.deepEqual(app.spec.platforms, [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  assert.deepEqual(app.spec.referrers, { signatures: true, others: false });
  assert.equal(app.spec.prune, true);
  assert.equal(app.destinations.length, 1);
  const src = parseNormalizedReference('registry.dev.example/team/app:1.2.0');
  assert.equal(formatReference(app.destinations[0]?.map(src) as never), 'quay.io/org/prod/app:1.2.0');
  assert.deepEqual(app.destinations[0]?.endpoint, { tlsVerify: false }, "the destination registry's settings");
  assert.equal(api.destinations.length, 2, 'no destinations: every destination');
  assert.equal(
    formatReference(api.destinations[1]?.map(parseNormalizedReference('registry.dev.example/team/api:v1')) as never),
    'registry.dr.example:5000/mirror/registry.dev.example/team/api:v1',
  );

  const bad = (lines: string[]): string => {
    try {
      parseSyncConfig(yaml(['version: 1', 'destinations: [{name: prod, registry: quay.io/org}]', 'sources:', ...lines]), 'f.yaml');
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  assert.match(
    bad(['  - {repository: a.example/b}', '  - {repository: a.example/c, tags: {semver: ">= banana"}}']),
    /^f\.yaml: sources\[1\]\.tags\.semver: invalid semver range/,
  );
  assert.match(bad(['  - {repository: a.example/b, tags: {regex: "(?=x)"}}']), /sources\[0\]\.tags\.regex: .*look-around/);
  assert.match(bad(['  - {repository: a.example/b, destinations: [staging]}']), /sources\[0\]\.destinations\[0\]: no destination is named "staging"/);
  assert.match(bad(['  - {repository: "a.example/b:v1"}']), /sources\[0\]\.repository: .*names an image/);
  assert.match(bad(['  - {repository: a.example/b, tags: {list: ["bad tag"]}}']), /sources\[0\]\.tags\.list\[0\]/);
  assert.match(bad(['  - {repository: a.example/b, tags: {semvar: "1"}}']), /sources\[0\]\.tags\.semvar: unknown key/);
});

test('credentials come from a variable or a file; a missing one is named, the secret never', async () => {
  const dir = makeTempDir('sync-config-creds');
  writeFileSync(join(dir, 'token'), 's3cret-from-file\n');
  const text = yaml([
    'version: 1',
    'registries:',
    '  quay.io: {credentials: {username: robot, passwordFromEnv: QUAY_TOKEN}}',
    '  registry.dev.example: {credentials: {usernameFromEnv: DEV_USER, passwordFile: token}}',
    'destinations: [{registry: quay.io/org}]',
    'sources: [{repository: registry.dev.example/team/app}]',
  ]);
  const file = join(dir, 'promote.regx-sync.yaml');
  const config = parseSyncConfig(text, file);
  const targets = await resolveConfigCredentials(config, { QUAY_TOKEN: 'env-secret', DEV_USER: 'dev' });
  assert.deepEqual(
    targets[0]?.spec.endpoint?.credentials,
    { username: 'dev', password: 's3cret-from-file' },
    'the file is relative to the config; its newline is dropped',
  );
  assert.deepEqual(targets[0]?.destinations[0]?.endpoint?.credentials, { username: 'robot', password: 'env-secret' });
  await assert.rejects(resolveConfigCredentials(config, { DEV_USER: 'dev' }), (err: Error) => {
    assert.match(err.message, /registries\["quay\.io"\]\.credentials\.passwordFromEnv: the environment variable QUAY_TOKEN is not set/);
    return true;
  });
  const missing = parseSyncConfig(text.replace('passwordFile: token', 'passwordFile: nope'), file);
  await assert.rejects(resolveConfigCredentials(missing, { QUAY_TOKEN: 'env-secret', DEV_USER: 'dev' }), (err: Error) => {
    assert.match(err.message, /registries\["registry\.dev\.example"\]\.credentials\.passwordFile: cannot read .*nope: no such file/);
    assert.doesNotMatch(err.message, /env-secret|s3cret/);
    return true;
  });
});

test('newest N ranks by semver, leaves non-versions out, and ranks pre-releases below their release', () => {
  assert.deepEqual(newestTags(['latest', 'v1.9.0', '1.10.0', '2.0.0-rc.1', '2.0.0', 'nightly'], 3), ['2.0.0', '2.0.0-rc.1', '1.10.0']);
});

test('a listing leaves out the referrer tags whose kind stays behind: .sig with signatures, .att/.sbom with other artifacts, the referrers index with either', () => {
  const hex = 'ab'.repeat(32);
  const tags = ['v1', `sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`, `sha256-${hex}`];
  const dropped = (signatures: boolean, others: boolean): string[] => tags.filter((t) => isDroppedReferrerTag(t, { signatures, others }));
  assert.deepEqual(dropped(true, true), []);
  assert.deepEqual(dropped(false, true), [`sha256-${hex}.sig`, `sha256-${hex}`]);
  assert.deepEqual(dropped(true, false), [`sha256-${hex}.att`, `sha256-${hex}.sbom`, `sha256-${hex}`]);
  assert.deepEqual(dropped(false, false), tags.slice(1));
});
