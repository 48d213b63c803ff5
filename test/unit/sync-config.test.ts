// skopeo's sync YAML as regx reads it, skopeo's destination naming rules, the shard split, exit
// statuses derived from failure reasons, and the summary's size bound.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseSkopeoSyncYaml } from '../../src/core/sync/skopeo-yaml';
import { basePath, cleanPath, syncDestination } from '../../src/core/sync/naming';
import { inShard, parseShard, shardOf } from '../../src/core/sync/shard';
import { goRegExp, filterByRegex } from '../../src/core/sync/tag-filter';
import { formatReference, parseNormalizedReference } from '../../src/core/reference/reference';
import { EXIT, exitStatusFor, syncExitStatus } from '../../src/cli/exit-codes';
import { syncSummary } from '../../src/cli/commands/sync';
import { AuthenticationError, NetworkError, RegxError, UsageError } from '../../src/core/errors';
import type { SyncResult } from '../../src/core/sync/run';

const digest = `sha256:${'a'.repeat(64)}`;

test("skopeo's YAML: images with tags, digests and none (every tag), regex and semver maps, per-registry TLS and credentials", () => {
  const specs = parseSkopeoSyncYaml(
    [
      'registry.example.com:',
      '  images:',
      '    busybox: []',
      '    redis:',
      '      - 1.0',
      '      - "2.0"',
      `      - ${digest}`,
      '    empty:',
      '  images-by-tag-regex:',
      '    nginx: ^1\\.13\\.[12]-alpine-perl$',
      '  images-by-semver:',
      '    alpine: ">= 3.12.0"',
      '  credentials:',
      '    username: john',
      '    password: this is a secret',
      '  tls-verify: yes',
      '  cert-dir: /home/john/certs',
      '  unknown-key: ignored as yaml.v2 does',
      'quay.io:',
      '  tls-verify: false',
      '  images:',
      '    coreos/etcd:',
      '      - latest',
    ].join('\n'),
  );
  const summary = specs.map((s) => [formatReference(s.ref), s.select]);
  assert.deepEqual(summary, [
    ['registry.example.com/busybox', { kind: 'all' }],
    ['registry.example.com/redis', { kind: 'list', refs: ['1.0', '2.0', digest] }],
    ['registry.example.com/empty', { kind: 'all' }],
    ['registry.example.com/nginx', { kind: 'regex', pattern: '^1\\.13\\.[12]-alpine-perl$' }],
    ['registry.example.com/alpine', { kind: 'semver', range: '>= 3.12.0' }],
    ['quay.io/coreos/etcd', { kind: 'list', refs: ['latest'] }],
  ]);
  assert.deepEqual(specs[0]?.endpoint, { tlsVerify: true, certDir: '/home/john/certs', credentials: { username: 'john', password: 'this is a secret' } });
  assert.deepEqual(specs[5]?.endpoint, { tlsVerify: false });
});

test('a Docker Hub registry key normalizes as skopeo does (docker.io/library/...)', () => {
  const [spec] = parseSkopeoSyncYaml('docker.io:\n  images:\n    busybox: [latest]\n');
  assert.equal(formatReference(spec!.ref), 'docker.io/library/busybox');
});

test('what skopeo would skip with a log line is refused before anything runs', () => {
  assert.throws(() => parseSkopeoSyncYaml('r.io:\n  images:\n    Bad_Name: []\n'), /not a repository name/);
  assert.throws(() => parseSkopeoSyncYaml('r.io:\n  images:\n    app: ["no spaces"]\n'), /"no spaces" is neither a tag nor a digest/);
  assert.throws(() => parseSkopeoSyncYaml('r.io:\n  images-by-tag-regex:\n    app: "(?=x)"\n'), /look-around/);
  assert.throws(() => parseSkopeoSyncYaml('r.io:\n  images-by-semver:\n    app: "> banana"\n'), /invalid semver range/);
  assert.throws(() => parseSkopeoSyncYaml('r.io:\n  tls-verify: maybe\n  images:\n    app: []\n'), /tls-verify: expected true or false/);
  assert.throws(() => parseSkopeoSyncYaml('r.io:\n  images: [a, b]\n'), /expected a map of repositories/);
  assert.throws(() => parseSkopeoSyncYaml('r.io: {}\nr.io: {}\n'), /unique/);
  assert.deepEqual(parseSkopeoSyncYaml(''), []);
});

test('Go regexes: unanchored as Go matches them, a leading (?i) is a flag', () => {
  assert.deepEqual(filterByRegex(['v1', 'xv1y', 'V2'], 'v[0-9]'), ['v1', 'xv1y']);
  assert.deepEqual(filterByRegex(['v1', 'V2'], '(?i)^v[0-9]$'), ['v1', 'V2']);
  assert.throws(() => goRegExp('(a)\\1'), /back-reference/);
  assert.throws(() => goRegExp('(?U)a+'), /ungreedy/);
});

test("destination naming: the source's last element, or with scoped its whole name, joined as Go's path.Join", () => {
  const dest = (src: string, to: string, scoped: boolean): string => formatReference(syncDestination(parseNormalizedReference(src), to, scoped));
  assert.equal(dest('quay.io/org/app:1', 'r.io/mirror', false), 'r.io/mirror/app:1');
  assert.equal(dest('quay.io/org/app:1', 'r.io/mirror', true), 'r.io/mirror/quay.io/org/app:1');
  assert.equal(dest('busybox:1.36', 'r.io//a/./b/../c/', true), 'r.io/a/c/docker.io/library/busybox:1.36');
  assert.equal(dest(`quay.io/org/app@${digest}`, 'r.io', false), `r.io/app@${digest}`);
  assert.equal(dest('quay.io/org/app:1', 'someone', false), 'docker.io/someone/app:1');
  assert.throws(() => dest('127.0.0.1:5000/a:1', 'r.io', true), /"r\.io\/127\.0\.0\.1:5000\/a:1" is not a valid image reference/);
  assert.equal(cleanPath('/a/../../b'), '/b');
  assert.equal(cleanPath('a/../..'), '..');
  assert.equal(basePath('a/b/'), 'b');
});

test('shards: I/N parsed 0-based; every key in exactly one shard; stable', () => {
  assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
  for (const bad of ['4/4', '-1/4', '1/0', 'a/b', '1']) assert.throws(() => parseShard(bad), /invalid shard/);
  const keys = Array.from({ length: 500 }, (_, i) => `r.io/app:t${i}`);
  const counts = [0, 0, 0, 0];
  for (const k of keys) {
    const owners = [0, 1, 2, 3].filter((i) => inShard(k, { index: i, count: 4 }));
    assert.equal(owners.length, 1);
    counts[owners[0] as number]!++;
    assert.equal(shardOf(k, 4), owners[0]);
  }
  for (const c of counts) assert.ok(c > 80, `balanced enough: ${counts.join(',')}`);
});

test('exit statuses: skopeo style by default for a thrown error, the detailed ones on request', () => {
  const auth = new AuthenticationError('no', 'r.io', 'auth-refused');
  const net = new NetworkError('down', { reason: 'timeout' });
  const bad = new RegxError('digest-mismatch', 'x');
  assert.deepEqual(
    [auth, net, bad, new UsageError('u'), new RegxError('not-found', 'n')].map((e) => exitStatusFor(e)),
    [1, 1, 1, 2, 2],
  );
  assert.deepEqual(
    [auth, net, bad, new UsageError('u'), new RegxError('not-found', 'n')].map((e) => exitStatusFor(e, 'detailed')),
    [77, 75, 1, 2, 2],
  );
  assert.equal(exitStatusFor(new RegxError('rate-limited', 'r'), 'detailed'), EXIT.retryable);
  assert.equal(exitStatusFor(new RegxError('server-error', 'r'), 'detailed'), EXIT.retryable);
});

test('a sync exit status from its failures: first failure without keep-going; auth, all-retryable or partial with it', () => {
  assert.equal(syncExitStatus([], true, 'detailed'), 0);
  assert.equal(syncExitStatus(['timeout', 'digest-mismatch'], false, 'detailed'), 75);
  assert.equal(syncExitStatus(['timeout', 'server-error'], true, 'detailed'), 75);
  assert.equal(syncExitStatus(['timeout', 'digest-mismatch'], true, 'detailed'), 3);
  assert.equal(syncExitStatus(['digest-mismatch', 'auth-refused'], true, 'detailed'), 77);
  assert.equal(syncExitStatus(['not-found'], true, 'detailed'), 3);
  assert.equal(syncExitStatus(['cancelled', 'timeout'], true, 'detailed'), 130);
  assert.equal(syncExitStatus(['auth-refused'], true, 'skopeo'), 1);
});

test('the summary stays under 4 KB (a Tekton result) however many images fail, and says how many it left out', () => {
  const long = `docker://registry.example.com/${'very-long-name/'.repeat(15)}app:tag`;
  const result: SyncResult = {
    plan: [],
    copied: 10,
    skipped: 5,
    notRun: 0,
    bytes: 123,
    digests: [],
    prunes: [],
    pruned: 0,
    referrersCarried: 0,
    signaturesCarried: 0,
    signed: 0,
    failures: Array.from({ length: 2000 }, (_, i) => ({
      source: `${long}${i}`,
      destination: `${long}${i}`,
      reason: 'server-error',
      message: 'x'.repeat(500),
      phase: 'copy' as const,
    })),
  };
  const s = syncSummary(result, { exitCode: 75, seconds: 12.34, dryRun: false, shard: { index: 2, count: 8 } });
  const text = JSON.stringify(s);
  assert.ok(Buffer.byteLength(text) < 4096, `${Buffer.byteLength(text)} bytes`);
  assert.equal(s.failed, 2000);
  assert.equal((s.failures as unknown[]).length + (s.moreFailures as number), 2000);
  assert.ok((s.failures as unknown[]).length >= 1);
  assert.equal(s.shard, '2/8');
});
