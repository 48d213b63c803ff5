// `regx sync --config FILE` against real Distribution registries: several sources and destinations
// picked by name, each tag filter (list, regex, semver range, newest N by semver), a platform subset
// written as a new index (and one platform as its image), prune planned in the dry run (human and
// --json), left alone without --prune and done with it, and credentials from an environment variable
// and from a mounted .dockerconfigjson.
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  buildImage,
  makeTempDir,
  pushImage,
  pushWithSkopeo,
  registryDigest,
  registryFetch,
  registryManifest,
  removeAllTempDirs,
  requireTools,
  runRegx,
  startRegistry,
  stopAll,
  writeMultiPlatformLayout,
} from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { EXIT } from '../../src/cli/exit-codes';

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

type Event = Record<string, unknown>;

async function regxSync(args: string[], expected = 0, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; events: Event[] }> {
  const r = await runRegx(['sync', ...args], { timeoutMs: 300_000, env });
  assert.equal(r.code, expected, `regx sync ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  const events = args.includes('--json')
    ? r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Event)
    : [];
  return { ...r, events };
}

async function tags(reg: TestRegistry, repository: string): Promise<string[]> {
  const res = await registryFetch(reg, `/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  return (((await res.json()) as { tags: string[] | null }).tags ?? []).sort();
}

async function configFile(lines: string[]): Promise<string> {
  const file = join(makeTempDir('sync-config'), 'promote.regx-sync.yaml');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

test('several sources and destinations by name, each filter, newest N by semver; prune shown in the dry run, done only with --prune', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const c = await startRegistry();
  const app = new Map<string, BuiltImage>();
  for (const tag of ['1.0.0', '1.2.0', '1.3.0', '2.0.0', 'latest', 'dev-1', 'dev-2']) {
    const image = await buildImage({ layers: 1, layerSize: 1024 });
    app.set(tag, image);
    await pushImage(a, 'team/app', tag, image);
  }
  const api = await buildImage({ layers: 1 });
  await pushImage(a, 'team/api', 'v1', api);
  await pushImage(a, 'team/api', 'v2', await buildImage({ layers: 1 }));
  // What prod already holds: a tag no source selects any more, an old version, an alias of a kept
  // image (its manifest is the kept one's: deleting it would delete 2.0.0 too) and a cosign signature tag.
  const old = await buildImage({ layers: 1 });
  await pushImage(b, 'prod/app', 'old', old);
  await pushImage(b, 'prod/app', '1.0.0', app.get('1.0.0') as BuiltImage);
  await pushImage(b, 'prod/app', 'alias', app.get('2.0.0') as BuiltImage);
  const sigTag = `sha256-${(app.get('2.0.0') as BuiltImage).manifestDigest.slice(7)}.sig`;
  await pushImage(b, 'prod/app', sigTag, await buildImage({ layers: 1 }));

  const file = await configFile([
    'version: 1',
    'registries:',
    ...[a, b, c].map((r) => `  "${r.host}": {tlsVerify: false}`),
    'destinations:',
    `  - {name: prod, registry: "${b.host}/prod"}`,
    `  - {name: dr, registry: "${c.host}/dr"}`,
    'sources:',
    `  - repository: ${a.host}/team/app`,
    '    tags: {semver: ">=1.2", newest: 2}',
    '    destinations: [prod]',
    '    prune: true',
    `  - repository: ${a.host}/team/app`,
    '    tags: {regex: "^dev-"}',
    '    destinations: [dr]',
    `  - repository: ${a.host}/team/api`,
    '    tags: {list: [v1]}',
  ]);
  const before = await tags(b, 'prod/app');

  const dry = await regxSync(['--config', file, '--dry-run']);
  const lines = dry.stdout.trim().split('\n').sort();
  const prunes = lines.filter((l) => l.startsWith('prune '));
  assert.deepEqual(
    prunes.map((l) => l.split(' ')[1]),
    [`docker://${b.host}/prod/app:1.0.0`, `docker://${b.host}/prod/app:old`],
    'the alias of a kept image and the signature tag are not pruned',
  );
  assert.equal(prunes.find((l) => l.endsWith(old.manifestDigest))?.split(' ')[1], `docker://${b.host}/prod/app:old`);
  assert.deepEqual(
    lines.filter((l) => !l.startsWith('prune ')).map((l) => l.split(' ').slice(1, 4).join(' ')),
    [
      `docker://${a.host}/team/api:v1 -> docker://${b.host}/prod/api:v1`,
      `docker://${a.host}/team/api:v1 -> docker://${c.host}/dr/api:v1`,
      `docker://${a.host}/team/app:1.3.0 -> docker://${b.host}/prod/app:1.3.0`,
      `docker://${a.host}/team/app:2.0.0 -> docker://${b.host}/prod/app:2.0.0`,
      `docker://${a.host}/team/app:dev-1 -> docker://${c.host}/dr/app:dev-1`,
      `docker://${a.host}/team/app:dev-2 -> docker://${c.host}/dr/app:dev-2`,
    ].sort(),
  );
  assert.match(dry.stderr, /Would sync 6 images: 6 to copy, 0 unchanged, 2 to prune with --prune/);
  const dryJson = await regxSync(['--config', file, '--dry-run', '--json']);
  assert.deepEqual(
    dryJson.events
      .filter((e) => e.action === 'prune')
      .map((e) => e.destination)
      .sort(),
    [`docker://${b.host}/prod/app:1.0.0`, `docker://${b.host}/prod/app:old`],
  );
  assert.equal((dryJson.events.at(-1) as Event).prune, 2);
  assert.deepEqual(await tags(b, 'prod/app'), before, 'the dry runs wrote nothing');
  assert.deepEqual(await tags(c, 'dr/app'), []);

  const run = await regxSync(['--config', file, '--json']);
  assert.equal(run.events.filter((e) => e.event === 'copied').length, 6);
  assert.equal(run.events.filter((e) => e.event === 'pruned').length, 0, 'no prune without --prune');
  assert.match(run.stderr, /2 destination tags no source selects any more were left in place \(--prune removes them/);
  assert.deepEqual(await tags(b, 'prod/app'), ['1.0.0', '1.3.0', '2.0.0', 'alias', 'old', sigTag].sort());
  assert.deepEqual(await tags(b, 'prod/api'), ['v1']);
  assert.deepEqual(await tags(c, 'dr/app'), ['dev-1', 'dev-2']);
  assert.deepEqual(await tags(c, 'dr/api'), ['v1']);
  assert.equal(await registryDigest(b, 'prod/app', '2.0.0'), app.get('2.0.0')?.manifestDigest);

  const pruned = await regxSync(['--config', file, '--json', '--prune']);
  assert.deepEqual(
    pruned.events
      .filter((e) => e.event === 'pruned')
      .map((e) => e.destination)
      .sort(),
    [`docker://${b.host}/prod/app:1.0.0`, `docker://${b.host}/prod/app:old`],
  );
  assert.equal(pruned.events.filter((e) => e.event === 'skipped').length, 6, 'everything else was there already');
  assert.deepEqual(await tags(b, 'prod/app'), ['1.3.0', '2.0.0', 'alias', sigTag].sort());
  assert.deepEqual(await tags(c, 'dr/app'), ['dev-1', 'dev-2'], 'a destination without prune keeps everything');
  const summary = pruned.events.at(-1) as Event;
  assert.equal(summary.pruned, 2);
  assert.equal(summary.exitCode, 0);

  // --prune is refused without a config (nothing says which repositories may lose tags).
  const refused = await runRegx(['sync', '--prune', '--src', 'docker', '--dest', 'docker', `${a.host}/team/app`, `${b.host}/x`]);
  assert.equal(refused.code, EXIT.usage);
  assert.match(refused.stderr, /--prune needs --config/);
});

test('platforms: a list of several writes an index of just those (stable across runs), one platform its image, all the source index', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const layout = makeTempDir('sync-platforms');
  const multi = await writeMultiPlatformLayout(layout, 'multi', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 's390x' },
  ]);
  await pushWithSkopeo(layout, 'multi', a, 'base/multi:1.0');
  const [amd64, arm64, s390x] = multi.images as [BuiltImage, BuiltImage, BuiltImage];
  const file = await configFile([
    'version: 1',
    'registries:',
    ...[a, b].map((r) => `  "${r.host}": {tlsVerify: false}`),
    'destinations:',
    `  - {name: two, registry: "${b.host}/two"}`,
    `  - {name: one, registry: "${b.host}/one"}`,
    `  - {name: all, registry: "${b.host}/all"}`,
    'sources:',
    `  - {repository: ${a.host}/base/multi, platforms: [linux/amd64, linux/arm64], destinations: [two]}`,
    `  - {repository: ${a.host}/base/multi, platforms: [linux/s390x], destinations: [one]}`,
    `  - {repository: ${a.host}/base/multi, platforms: all, destinations: [all]}`,
  ]);
  const first = await regxSync(['--config', file, '--json']);
  assert.equal(first.events.filter((e) => e.event === 'copied').length, 3);

  const index = JSON.parse((await registryManifest(b, 'two/multi', '1.0')).toString('utf8')) as {
    manifests: Array<{ digest: string; platform: { architecture: string } }>;
  };
  assert.deepEqual(
    index.manifests.map((m) => [m.platform.architecture, m.digest]),
    [
      ['amd64', amd64.manifestDigest],
      ['arm64', arm64.manifestDigest],
    ],
  );
  for (const img of [amd64, arm64])
    assert.equal(await registryDigest(b, 'two/multi', img.manifestDigest), img.manifestDigest, 'the chosen images are there by digest');
  assert.equal(await registryDigest(b, 'two/multi', s390x.manifestDigest), undefined, 'the other platform is not');
  assert.equal(await registryDigest(b, 'one/multi', '1.0'), s390x.manifestDigest, 'one platform: its image under the tag');
  assert.equal(await registryDigest(b, 'all/multi', '1.0'), multi.indexDigest, 'all: the source index, digest kept');

  const again = await regxSync(['--config', file, '--json']);
  assert.deepEqual(
    again.events.filter((e) => e.event !== 'planned' && e.event !== 'summary').map((e) => e.event),
    ['skipped', 'skipped', 'skipped'],
    'the subset index is written the same way each run',
  );
});

test('credentials: a password from an environment variable, a mounted .dockerconfigjson as authFile; a missing variable is named', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry({ tls: true, htpasswd: { username: 'alice', password: 'a-secret-1' } });
  const b = await startRegistry({ tls: true, htpasswd: { username: 'bob', password: 'b-secret-2' } });
  const image = await buildImage({ layers: 1 });
  await pushImage(a, 'team/app', 'v1', image);
  const dir = makeTempDir('sync-creds');
  // A Kubernetes pull secret mounted as a file: {"auths": {...}} with base64 user:password.
  await writeFile(join(dir, '.dockerconfigjson'), JSON.stringify({ auths: { [b.host]: { auth: Buffer.from('bob:b-secret-2').toString('base64') } } }));
  const file = await configFile([
    'version: 1',
    'registries:',
    `  "${a.host}": {certDir: "${a.certDir}", credentials: {username: alice, passwordFromEnv: SRC_PASSWORD}}`,
    `  "${b.host}": {certDir: "${b.certDir}", authFile: "${join(dir, '.dockerconfigjson')}"}`,
    `destinations: [{registry: "${b.host}/mirror"}]`,
    `sources: [{repository: ${a.host}/team/app}]`,
  ]);
  // No login anywhere else: the chain of auth files is empty.
  const env = { REGISTRY_AUTH_FILE: join(dir, 'none.json'), HOME: dir, XDG_RUNTIME_DIR: dir, DOCKER_CONFIG: dir };
  const missing = await regxSync(['--config', file], EXIT.usage, env);
  assert.match(missing.stderr, /registries\["127\.0\.0\.1:\d+"\]\.credentials\.passwordFromEnv: the environment variable SRC_PASSWORD is not set/);

  const ok = await regxSync(['--config', file, '--debug'], 0, { ...env, SRC_PASSWORD: 'a-secret-1' });
  assert.equal(await registryDigest(b, 'mirror/app', 'v1'), image.manifestDigest);
  assert.doesNotMatch(ok.stderr + ok.stdout, /a-secret-1|b-secret-2/, 'no secret in the output');
});
