// regx sync against real Distribution registries, side by side with real skopeo 1.9.3 sync: the same
// skopeo YAML (or docker source) leaves the same destination tags with the same digests; a re-run that
// changes nothing costs one HEAD per image at the destination; --dry-run writes nothing; blobs shared
// by several images are uploaded once; --keep-going reports a failing image while the others land,
// with the exit statuses an engine acts on; N shards run as N processes cover every image once.
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  buildImage,
  makeTempDir,
  pushImage,
  pushWithSkopeo,
  registryDigest,
  registryFetch,
  regxBundle,
  removeAllTempDirs,
  requireTools,
  run,
  runRegx,
  seedRepositories,
  startRegistry,
  stopAll,
  writeMultiPlatformLayout,
} from '../harness';
import type { BuiltImage, TestRegistry, WrittenIndex } from '../harness';
import { startFaultProxy, stopAllFaultProxies } from '../harness/fault-proxy';
import { parseNormalizedReference } from '../../src/core/reference/reference';
import { formatReference } from '../../src/core/reference/reference';
import { syncDestination } from '../../src/core/sync/naming';
import { EXIT } from '../../src/cli/exit-codes';

after(async () => {
  await stopAllFaultProxies();
  await stopAll();
  removeAllTempDirs();
});

/** Every tag under `prefix/` on a registry, as "repo-below-prefix:tag" -> digest. */
async function inventory(reg: TestRegistry, prefix: string): Promise<Map<string, string>> {
  const catalog = (await (await registryFetch(reg, '/v2/_catalog?n=1000')).json()) as { repositories: string[] | null };
  const out = new Map<string, string>();
  for (const repo of (catalog.repositories ?? []).filter((r) => r.startsWith(`${prefix}/`))) {
    const res = await registryFetch(reg, `/v2/${repo}/tags/list`);
    if (res.status !== 200) continue;
    const tags = ((await res.json()) as { tags: string[] | null }).tags ?? [];
    for (const tag of tags) out.set(`${repo.slice(prefix.length + 1)}:${tag}`, (await registryDigest(reg, repo, tag)) as string);
  }
  return out;
}

function sorted(m: Map<string, string>): Array<[string, string]> {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

interface Source {
  reg: TestRegistry;
  v1: BuiltImage;
  v2: BuiltImage;
  multi: WrittenIndex;
  releases: BuiltImage[];
}

let shared: Promise<Source> | undefined;

/** One source registry for the parity tests: Docker and OCI images, a multi-platform list, version tags, a second repository. */
function source(): Promise<Source> {
  shared ??= (async () => {
    const reg = await startRegistry();
    const v1 = await buildImage({ layers: 2, layerSize: 4096 });
    const v2 = await buildImage({ layers: 1, mediaType: 'oci' });
    await pushImage(reg, 'team/app', 'v1', v1);
    await pushImage(reg, 'team/app', 'v2', v2);
    const releases = await Promise.all(['1.2.3', '1.3.0', '2.0.0-rc.1', '2.0.0'].map(() => buildImage({ layers: 1, layerSize: 512 })));
    for (const [i, tag] of ['1.2.3', '1.3.0', '2.0.0-rc.1', '2.0.0'].entries()) await pushImage(reg, 'team/app', tag, releases[i] as BuiltImage);
    const layout = makeTempDir('sync-multi');
    const multi = await writeMultiPlatformLayout(layout, 'multi', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    await pushWithSkopeo(layout, 'multi', reg, 'team/app:multi');
    // team/base shares team/app:v1's blobs: a sync moves them once.
    await pushImage(reg, 'team/base', 'latest', v1);
    await pushImage(reg, 'team/base', '7', v2);
    return { reg, v1, v2, multi, releases };
  })();
  return shared;
}

before(async () => {
  if (requireTools(undefined, ['docker-registry', 'skopeo'])) await source();
});

async function skopeoSync(args: string[]): Promise<void> {
  const r = await run('skopeo', ['sync', ...args], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, `skopeo sync ${args.join(' ')}: ${r.stderr}`);
}

async function regxSync(args: string[], expected = 0): Promise<{ stdout: string; stderr: string; events: Array<Record<string, unknown>> }> {
  const r = await runRegx(['sync', ...args], { timeoutMs: 300_000 });
  assert.equal(r.code, expected, `regx sync ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  const events = args.includes('--json')
    ? r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
  return { ...r, events };
}

function syncYaml(src: Source): string {
  return [
    `${src.reg.host}:`,
    '  tls-verify: false',
    '  images:',
    '    team/app:',
    '      - v1',
    '      - multi',
    `      - "${src.v2.manifestDigest}"`,
    '    team/base: []',
    '  images-by-tag-regex:',
    "    team/app: '^1\\.[0-9]+\\.[0-9]+$'",
    '',
  ].join('\n');
}

test('a skopeo sync YAML file leaves the same destination tags and digests as skopeo 1.9.3 sync, with and without --all', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const src = await source();
  const ours = await startRegistry();
  const theirs = await startRegistry();
  const file = join(makeTempDir('sync-yaml'), 'sync.yml');
  await writeFile(file, syncYaml(src));
  for (const [prefix, extra] of [
    ['mirror', []],
    ['all', ['--all']],
  ] as const) {
    await skopeoSync(['--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', ...extra, file, `${theirs.host}/${prefix}`]);
    const digestFile = join(makeTempDir('sync-digests'), 'digests');
    await regxSync(['--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', ...extra, '--digestfile', digestFile, file, `${ours.host}/${prefix}`]);
    const expected = await inventory(theirs, prefix);
    const got = await inventory(ours, prefix);
    assert.deepEqual(sorted(got), sorted(expected));
    // What the file asked for, so the comparison is not between two empty registries.
    assert.deepEqual([...got.keys()].sort(), ['app:1.2.3', 'app:1.3.0', 'app:multi', 'app:v1', 'base:7', 'base:latest']);
    assert.equal(got.get('app:multi'), prefix === 'all' ? src.multi.indexDigest : expected.get('app:multi'));
    assert.notEqual(got.get('app:multi'), prefix === 'all' ? undefined : src.multi.indexDigest, 'without --all, one platform image, as skopeo');
    // The entry by digest is pushed by digest, as skopeo does.
    assert.equal(await registryDigest(ours, `${prefix}/app`, src.v2.manifestDigest), src.v2.manifestDigest);
    assert.equal(await registryDigest(theirs, `${prefix}/app`, src.v2.manifestDigest), src.v2.manifestDigest);
    // --digestfile: "DIGEST docker://DESTINATION" per image synced, as later skopeo versions write it.
    const lines = (await readFile(digestFile, 'utf8')).trim().split('\n').sort();
    const wanted = [...got].map(([k, d]) => `${d} docker://${ours.host}/${prefix}/${k}`);
    wanted.push(`${src.v2.manifestDigest} docker://${ours.host}/${prefix}/app@${src.v2.manifestDigest}`);
    assert.deepEqual(lines, wanted.sort());
  }
});

test('--src docker: a whole repository, one tag with --all, and one digest land as skopeo sync puts them', async (t) => {
  if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
  const src = await source();
  const ours = await startRegistry();
  const theirs = await startRegistry();
  for (const [what, extra] of [
    [`${src.reg.host}/team/app`, []],
    [`${src.reg.host}/team/base:7`, ['--all']],
    [`${src.reg.host}/team/app:multi`, ['--all']],
  ] as const) {
    const args = ['--src', 'docker', '--dest', 'docker', '--src-tls-verify=false', '--dest-tls-verify=false', ...extra, what];
    await skopeoSync([...args, `${theirs.host}/d/x`]);
    await regxSync([...args, `${ours.host}/d/x`]);
  }
  const got = await inventory(ours, 'd');
  assert.deepEqual(sorted(got), sorted(await inventory(theirs, 'd')));
  assert.deepEqual([...got.keys()].sort(), [
    'x/app:1.2.3',
    'x/app:1.3.0',
    'x/app:2.0.0',
    'x/app:2.0.0-rc.1',
    'x/app:multi',
    'x/app:v1',
    'x/app:v2',
    'x/base:7',
  ]);
  assert.equal(got.get('x/app:multi'), src.multi.indexDigest, 'the later --all copy of the list replaced the platform image');
});

test("destination names, with and without --scoped, are skopeo's (its dry run names them without any request)", async (t) => {
  if (!requireTools(t, ['skopeo'])) return;
  const cases: Array<[string, string, boolean]> = [
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:6000/mirror', false],
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:6000/mirror/', false],
    ['busybox:1.36', '127.0.0.1:6000//mirror/./x', true],
    ['quay.io/org/sub/tool:2', 'registry.example.com', true],
    ['quay.io/org/sub/tool:2', 'registry.example.com/a/../b', false],
    [`busybox@sha256:${'1'.repeat(64)}`, '127.0.0.1:6000', false],
    ['ghcr.io/owner/img:latest', 'myuser', false],
  ];
  for (const [from, to, scoped] of cases) {
    const r = await run('skopeo', ['sync', '--dry-run', '--src', 'docker', '--dest', 'docker', ...(scoped ? ['--scoped'] : []), from, to]);
    assert.equal(r.code, 0, r.stderr);
    const named = /to="docker:\/\/([^"]+)"/.exec(r.stderr)?.[1] as string;
    const ours = syncDestination(parseNormalizedReference(from), to, scoped);
    assert.equal(formatReference(ours), formatReference(parseNormalizedReference(named)), `${from} -> ${to}${scoped ? ' (scoped)' : ''}`);
  }
  // A scoped source registry with a port is not a valid repository path: both refuse.
  const refused = await run('skopeo', [
    'sync',
    '--dry-run',
    '--src',
    'docker',
    '--dest',
    'docker',
    '--scoped',
    '127.0.0.1:5000/team/app:v1',
    '127.0.0.1:6000/m',
  ]);
  assert.equal(refused.code, 1);
  const mine = await runRegx(['sync', '--dry-run', '--src', 'docker', '--dest', 'docker', '--scoped', '127.0.0.1:5000/team/app:v1', '127.0.0.1:6000/m']);
  assert.equal(mine.code, EXIT.usage, mine.stderr);
  assert.match(mine.stderr, /127\.0\.0\.1:6000\/m\/127\.0\.0\.1:5000\/team\/app:v1" is not a valid image reference/);
});

test('--dry-run reads but writes nothing and prints the plan; the real run then copies each shared blob once; a re-run costs one HEAD per image', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const image = await buildImage({ layers: 3, layerSize: 2048 });
  for (const repo of ['p/one', 'p/two', 'p/three']) await pushImage(a, repo, 'v1', image);
  await pushImage(a, 'p/one', 'v2', await buildImage({ layers: 1 }));
  const b = await startRegistry();
  const pb = await startFaultProxy({ target: b.host });
  const file = join(makeTempDir('sync-shared'), 'sync.yml');
  await writeFile(file, `${a.host}:\n  tls-verify: false\n  images:\n    p/one: []\n    p/two: [v1]\n    p/three: [v1]\n`);
  const args = ['--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', file, `${pb.host}/m`];

  const dry = await regxSync(['--dry-run', ...args]);
  const plan = dry.stdout.trim().split('\n').sort();
  assert.equal(plan.length, 4);
  for (const line of plan) assert.match(line, new RegExp(`^copy docker://${a.host}/p/\\w+:v\\d -> docker://${pb.host}/m/\\w+:v\\d sha256:[0-9a-f]{64}$`));
  assert.deepEqual(
    pb.log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD'),
    [],
    'the dry run wrote nothing',
  );
  assert.equal((await inventory(b, 'm')).size, 0);

  pb.log.length = 0;
  const first = await regxSync(['--json', ...args]);
  assert.equal(first.events.filter((e) => e.event === 'copied').length, 4);
  for (const blob of [...image.layers.map((l) => l.digest), image.configDigest]) {
    // An upload ends in a 201 to a PUT (or a one-shot POST) naming the digest; a mount is a POST with mount=.
    const uploads = pb.log.filter(
      (e) => e.status === 201 && e.path.includes('/blobs/uploads/') && !e.path.includes('mount=') && decodeURIComponent(e.path).includes(`digest=${blob}`),
    );
    assert.equal(uploads.length, 1, `blob ${blob} was uploaded once for three repositories`);
  }
  assert.ok(
    pb.log.some((e) => e.method === 'POST' && e.path.includes('mount=')),
    'the other repositories mounted it',
  );
  const landed = await inventory(b, 'm');
  assert.deepEqual([...landed.keys()].sort(), ['one:v1', 'one:v2', 'three:v1', 'two:v1']);
  assert.equal(landed.get('two:v1'), image.manifestDigest);

  pb.log.length = 0;
  const again = await regxSync(['--json', ...args]);
  assert.deepEqual(
    again.events.filter((e) => e.event !== 'planned' && e.event !== 'summary').map((e) => e.event),
    ['skipped', 'skipped', 'skipped', 'skipped'],
  );
  const manifestHeads = pb.log.filter((e) => e.method === 'HEAD' && e.path.includes('/manifests/'));
  assert.equal(manifestHeads.length, 4, 'one HEAD per image');
  assert.deepEqual(
    pb.log.filter((e) => !(e.method === 'HEAD' && e.path.includes('/manifests/')) && e.path !== '/v2/'),
    [],
    'nothing else but the ping',
  );
  const summary = again.events.at(-1) as Record<string, unknown>;
  assert.equal(summary.event, 'summary');
  assert.equal(summary.skipped, 4);
  assert.equal(summary.exitCode, 0);
});

test('a sync killed mid-way and run again copies only what had not landed: finished images cost one HEAD each', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const images = await Promise.all(['a', 'b', 'c', 'd'].map(() => buildImage({ layers: 1, layerSize: 4096 })));
  for (const [i, tag] of ['a', 'b', 'c', 'd'].entries()) await pushImage(a, 'i/app', tag, images[i] as BuiltImage);
  const pa = await startFaultProxy({ target: a.host });
  // Image c's layer never arrives: the first run is killed while it waits.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  pa.addRule({ method: 'GET', path: new RegExp(`/blobs/${images[2]?.layers[0]?.digest}$`), action: { kind: 'hook', run: () => held }, times: Infinity });
  const b = await startRegistry();
  const pb = await startFaultProxy({ target: b.host });
  const args = [
    'sync',
    '--json',
    '--parallel',
    '1',
    '--src',
    'docker',
    '--dest',
    'docker',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `${pa.host}/i/app`,
    `${pb.host}/i`,
  ];
  const child = spawn(process.execPath, [regxBundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const copied: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const e = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        buffer = buffer.slice(nl + 1);
        if (e.event === 'copied') copied.push(e.source as string);
        if (e.event === 'started' && String(e.source).endsWith(':c')) setTimeout(() => (child.kill('SIGKILL'), resolve()), 300);
      }
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  release();
  // One at a time, in the registry's listing order: whatever landed before c started is done.
  const landed = copied.map((src) => src.split(':').at(-1) as string);
  assert.ok(landed.length >= 1 && !landed.includes('c'), `killed while c was copying, after ${landed.join(', ')}`);
  assert.equal(await registryDigest(b, 'i/app', 'c'), undefined);
  pa.clearRules();
  pb.log.length = 0;
  const again = await regxSync(args.slice(1));
  const outcome = Object.fromEntries(
    again.events.filter((e) => e.event === 'copied' || e.event === 'skipped').map((e) => [String(e.source).split(':').at(-1), e.event]),
  );
  assert.deepEqual(outcome, Object.fromEntries(['a', 'b', 'c', 'd'].map((tag) => [tag, landed.includes(tag) ? 'skipped' : 'copied'])));
  for (const tag of landed) {
    const requests = pb.log.filter((e) => e.path.includes(`/manifests/${tag}`));
    assert.deepEqual(
      requests.map((e) => e.method),
      ['HEAD'],
      `${tag} cost one HEAD`,
    );
  }
  for (const [i, tag] of ['a', 'b', 'c', 'd'].entries()) assert.equal(await registryDigest(b, 'i/app', tag), images[i]?.manifestDigest);
});

test('--keep-going: an image failing mid-sync is reported with its reason and the others land (exit 3); without it the run stops (exit 1)', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const good = await buildImage({ layers: 1 });
  const bad = await buildImage({ layers: 1, layerSize: 8192 });
  for (const tag of ['a', 'b', 'c']) await pushImage(a, 'k/app', tag, good);
  await pushImage(a, 'k/app', 'broken', bad);
  const pa = await startFaultProxy({ target: a.host });
  pa.addRule({ method: 'GET', path: new RegExp(`/blobs/${bad.layers[0]?.digest}$`), action: { kind: 'flip' }, times: Infinity });
  const b = await startRegistry();
  const summaryFile = join(makeTempDir('sync-summary'), 'summary.json');
  const args = ['--src', 'docker', '--dest', 'docker', '--src-tls-verify=false', '--dest-tls-verify=false', `${pa.host}/k/app`, `${b.host}/kg`];
  const r = await regxSync(['--keep-going', '--json', '--summary-file', summaryFile, ...args], EXIT.partial);
  const failed = r.events.filter((e) => e.event === 'failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.source, `docker://${pa.host}/k/app:broken`);
  assert.equal(failed[0]?.reason, 'digest-mismatch');
  assert.equal(r.events.filter((e) => e.event === 'copied').length, 3);
  assert.deepEqual([...(await inventory(b, 'kg')).keys()].sort(), ['app:a', 'app:b', 'app:c']);
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(
    { exitCode: summary.exitCode, copied: summary.copied, failed: summary.failed, failures: summary.failures },
    {
      exitCode: 3,
      copied: 3,
      failed: 1,
      failures: [{ source: `docker://${pa.host}/k/app:broken`, destination: `docker://${b.host}/kg/app:broken`, reason: 'digest-mismatch' }],
    },
  );

  const c = await startRegistry();
  const stopped = await regxSync(['--parallel', '1', ...args.slice(0, -1), `${c.host}/kg`], EXIT.failed);
  assert.match(stopped.stderr, /Failed docker:\/\/.*k\/app:broken.*digest mismatch.*\[digest-mismatch\]/);
  assert.equal(await registryDigest(c, 'kg/app', 'broken'), undefined);
  // skopeo's exit statuses on request: 1 for any failure.
  await regxSync(['--keep-going', '--exit-codes=skopeo', ...args.slice(0, -1), `${c.host}/kg2`], 1);
});

test('exit statuses an engine can act on: 75 for a registry answering 503, 77 for refused credentials (sync, and copy with --exit-codes=detailed)', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const image = await buildImage({ layers: 1 });
  await pushImage(a, 'e/app', 'v1', image);
  await pushImage(a, 'e/app', 'v2', image);
  const pa = await startFaultProxy({ target: a.host });
  pa.addRule({ method: 'GET', path: /\/manifests\/v2$/, action: { kind: 'status', status: 503 }, times: Infinity });
  const b = await startRegistry();
  const unavailable = await regxSync(
    ['--keep-going', '--json', '--src', 'docker', '--dest', 'docker', '--src-tls-verify=false', '--dest-tls-verify=false', `${pa.host}/e/app`, `${b.host}/e`],
    EXIT.retryable,
  );
  assert.equal(unavailable.events.find((e) => e.event === 'failed')?.reason, 'server-error');
  assert.equal(await registryDigest(b, 'e/app', 'v1'), image.manifestDigest, 'the other image landed');

  const locked = await startRegistry({ htpasswd: { username: 'u', password: 'right' } });
  const env = { REGISTRY_AUTH_FILE: join(makeTempDir('noauth'), 'auth.json'), HOME: makeTempDir('home') };
  const denied = await runRegx(
    [
      'sync',
      '--src',
      'docker',
      '--dest',
      'docker',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--dest-creds=u:wrong',
      `${a.host}/e/app:v1`,
      `${locked.host}/e`,
    ],
    { env },
  );
  assert.equal(denied.code, EXIT.auth, denied.stderr);
  const copyArgs = [
    'copy',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--dest-creds=u:wrong',
    `docker://${a.host}/e/app:v1`,
    `docker://${locked.host}/e/app:v1`,
  ];
  assert.equal((await runRegx(copyArgs, { env })).code, 1, "copy keeps skopeo's 1 by default");
  assert.equal((await runRegx(['copy', '--exit-codes=detailed', ...copyArgs.slice(1)], { env })).code, EXIT.auth);
});

test('--shard I/N: N processes run at once cover every image exactly once', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry({ memoryStorage: true });
  const { repositories } = await seedRepositories(a, 8, { prefix: 'shard/r-', tags: ['x', 'y', 'z'] });
  const b = await startRegistry({ memoryStorage: true });
  const file = join(makeTempDir('sync-shard'), 'sync.yml');
  await writeFile(file, `${a.host}:\n  tls-verify: false\n  images:\n${repositories.map((r) => `    ${r}: []\n`).join('')}`);
  const n = 3;
  const runs = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      regxSync(['--json', '--shard', `${i}/${n}`, '--src', 'yaml', '--dest', 'docker', '--dest-tls-verify=false', file, `${b.host}/out`]),
    ),
  );
  const done = runs.flatMap((r) => r.events.filter((e) => e.event === 'copied' || e.event === 'skipped').map((e) => e.source as string));
  assert.equal(done.length, 24);
  assert.equal(new Set(done).size, 24, 'no image in two shards');
  for (const r of runs)
    assert.ok(
      r.events.some((e) => e.event === 'copied'),
      'every shard had work',
    );
  assert.equal((await inventory(b, 'out')).size, 24);
  // The split is stable: the same shard plans the same images on a second run.
  const again = await regxSync([
    '--json',
    '--dry-run',
    '--shard',
    `1/${n}`,
    '--src',
    'yaml',
    '--dest',
    'docker',
    '--dest-tls-verify=false',
    file,
    `${b.host}/out`,
  ]);
  const planned = again.events
    .filter((e) => e.event === 'planned')
    .map((e) => e.source as string)
    .sort();
  const before1 = (runs[1]?.events ?? [])
    .filter((e) => e.event === 'planned')
    .map((e) => e.source as string)
    .sort();
  assert.deepEqual(planned, before1);
});

test('usage: --dest dir is refused (regx has no dir: transport), as are a missing transport, --sign-identity (skopeo sync has none) and a passphrase with no key', async (t) => {
  if (!requireTools(t, [])) return;
  for (const [args, pattern] of [
    [['--src', 'docker', '--dest', 'dir', 'quay.io/a/b', '/tmp/x'], /--dest dir is not supported: regx has no dir: transport/],
    [['--dest', 'docker', 'quay.io/a/b', 'x.io'], /A source transport must be specified/],
    [['--src', 'docker', '--dest', 'docker', 'quay.io/a/b'], /Exactly two arguments expected/],
    [['--src', 'docker', '--dest', 'docker', '--sign-by', 'ABC', '--sign-identity', 'x.io/a:b', 'quay.io/a/b', 'x.io'], /sign-identity/],
    [['--src', 'docker', '--dest', 'docker', '--sign-passphrase-file', '/dev/null', 'quay.io/a/b', 'x.io'], /--sign-passphrase-file needs a signing flag/],
    [['--src', 'docker', '--dest', 'docker', '--shard', '3/3', 'quay.io/a/b', 'x.io'], /invalid shard "3\/3"/],
  ] as const) {
    const r = await runRegx(['sync', ...args]);
    assert.equal(r.code, EXIT.usage, r.stderr);
    assert.match(r.stderr, pattern);
  }
});
