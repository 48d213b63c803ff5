// `regx ref` as users run it: the built CLI in a subprocess, its stdout JSON, its stderr and its
// exit status. A preload makes any socket or DNS use fail loudly, proving no network is touched.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, pushWithSkopeo, removeAllTempDirs, requireTools, run, skopeoFlags, startRegistry, stopAll, writeImageLayout } from '../harness';

const root = resolve(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'regx.js');
let scratch = '';
let noNetwork = '';

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'regx-ref-'));
  noNetwork = join(scratch, 'no-network.cjs');
  writeFileSync(
    noNetwork,
    [
      "const net = require('node:net'); const tls = require('node:tls'); const dns = require('node:dns');",
      "const refuse = () => { process.stderr.write('NETWORK USED\\n'); process.exit(99); };",
      'net.Socket.prototype.connect = refuse; net.connect = refuse; net.createConnection = refuse; tls.connect = refuse;',
      'dns.lookup = refuse; dns.promises.lookup = refuse;',
    ].join('\n'),
  );
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function regx(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--require', noNetwork, cli, ...args], { encoding: 'utf8', env: { ...process.env, REGX_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const digest = `sha256:${'e'.repeat(64)}`;

test('the no-network preload does stop a connection made with undici (else the checks below prove nothing)', () => {
  const probe = "require('undici').request('http://127.0.0.1:9/').catch(() => process.exit(0))";
  const r = spawnSync(process.execPath, ['--require', noNetwork, '-e', probe], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 99);
  assert.match(r.stderr, /NETWORK USED/);
});

describe('regx ref: valid references print one JSON object and exit 0', () => {
  const cases: Array<[string, Record<string, string | null>]> = [
    ['redis', { registry: 'docker.io', repository: 'library/redis', tag: null, digest: null }],
    ['redis:7', { registry: 'docker.io', repository: 'library/redis', tag: '7', digest: null }],
    ['index.docker.io/bitnami/redis', { registry: 'docker.io', repository: 'bitnami/redis', tag: null, digest: null }],
    ['docker://localhost:5000/team/app:1.0', { registry: 'localhost:5000', repository: 'team/app', tag: '1.0', digest: null }],
    [`[::1]:5000/repo@${digest}`, { registry: '[::1]:5000', repository: 'repo', tag: null, digest }],
    [`quay.io/ns/app:v1@${digest}`, { registry: 'quay.io', repository: 'ns/app', tag: 'v1', digest }],
    [`example.com/${'a'.repeat(255)}`, { registry: 'example.com', repository: 'a'.repeat(255), tag: null, digest: null }],
  ];
  for (const [input, expected] of cases) {
    test(input.slice(0, 60), () => {
      const r = regx('ref', input);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      assert.equal(r.stdout.split('\n').length, 2, 'one line of JSON');
      assert.deepEqual(JSON.parse(r.stdout), expected);
      assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['registry', 'repository', 'tag', 'digest']);
    });
  }
});

describe('regx ref: invalid references exit 2 with the reason on stderr', () => {
  const cases: Array<[string, string | RegExp]> = [
    ['docker.io/Library/Redis', 'regx ref: invalid reference format: repository name (Library/Redis) must be lowercase\n'],
    ['Ubuntu', 'regx ref: invalid reference format: repository name (library/Ubuntu) must be lowercase\n'],
    [`example.com/${'a'.repeat(256)}`, 'regx ref: repository name must not be more than 255 characters\n'],
    ['docker://registry.example.com/', /^regx ref: invalid reference format: repository name is missing after registry "registry\.example\.com"/],
    ['registry.example.com/', /repository name is missing after registry "registry\.example\.com"/],
    ['sif:x', /^regx ref: transport "sif" not supported/],
    ['containers-storage:x', /is an image in containers-storage, not a registry reference/],
    ['docker-daemon:busybox:latest', /is a Docker Engine image, not a registry reference/],
    [`redis@sha256:${'e'.repeat(63)}`, 'regx ref: invalid checksum digest length\n'],
    [`redis@sha256:${'E'.repeat(64)}`, 'regx ref: invalid checksum digest format\n'],
    [`redis@blake9:${'e'.repeat(64)}`, 'regx ref: unsupported digest algorithm\n'],
    ['a//b', 'regx ref: invalid reference format\n'],
    [`docker://redis:7@${digest}`, /both a tag and a digest/],
    ['docker:redis', /does not start with \/\//],
    ['e'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
    ['oci:/tmp/layout:tag', /OCI layout, not a registry reference/],
    // The file transports are served now (by copy and inspect), but they name no registry.
    ['dir:/tmp/img', /is a dir: image folder, not a registry reference/],
    ['oci-archive:/tmp/x.tar:v1', /is an OCI archive, not a registry reference/],
    ['docker-archive:/tmp/x.tar:busybox:latest', /is a docker-archive, not a registry reference/],
  ];
  for (const [input, message] of cases) {
    test(input.slice(0, 60), () => {
      const r = regx('ref', input);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '', 'nothing on stdout');
      if (typeof message === 'string') assert.equal(r.stderr, message);
      else assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /NETWORK USED|at .*\.js:\d+/, 'no network, no stack trace');
    });
  }
});

describe('regx ref: usage', () => {
  test('no reference, or two, is a usage error (exit 2)', () => {
    for (const args of [[], ['a', 'b']]) {
      const r = regx('ref', ...args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^regx ref: expected exactly one REFERENCE, got \d/);
      assert.match(r.stderr, /Usage: regx ref REFERENCE/);
    }
  });

  test('an unknown flag is a usage error (exit 2)', () => {
    const r = regx('ref', '--tls-verify=false', 'redis');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'regx ref: unknown flag: --tls-verify\n');
  });

  test('a reference after -- may start with a dash, and is then judged by the grammar', () => {
    const r = regx('ref', '--', '-redis');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'regx ref: invalid reference format\n');
  });

  test('--help prints the usage and exits 0; the verb is listed in regx --help', () => {
    const r = regx('ref', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: regx ref REFERENCE/);
    assert.match(r.stdout, /No default tag is added/);
    const top = regx('--help');
    assert.match(top.stdout, /\n {2}ref +Parse and normalize an image reference/);
  });
});

// skopeo is the reference implementation users compare against. On a real registry, the spellings
// below must be accepted by both (and name the same image) or refused by both before any request.
// (Where skopeo 1.9's older copy of the grammar differs from today's Distribution, e.g. IPv6 hosts
// or the 255-character limit counting the host, regx follows Distribution and no case is listed.)
describe('regx ref agrees with skopeo', () => {
  after(async () => {
    await stopAll();
    removeAllTempDirs();
  });

  test('on what a real registry serves, and on what is refused before any request', async (t) => {
    if (!requireTools(t, ['docker-registry', 'skopeo'])) return;
    const reg = await startRegistry();
    const layout = makeTempDir('ref-layout');
    const img = await writeImageLayout(layout, { tag: 'v1' });
    await pushWithSkopeo(layout, 'v1', reg, 'team/app:v1');
    await pushWithSkopeo(layout, 'v1', reg, 'team/app:latest');
    const skopeo = (ref: string) => run('skopeo', ['inspect', '--retry-times=0', ...skopeoFlags(reg, ''), `docker://${ref}`], { timeoutMs: 120_000 });

    const accepted: Array<[string, string | null, string | null]> = [
      [`${reg.host}/team/app:v1`, 'v1', null],
      [`${reg.host}/team/app@${img.manifestDigest}`, null, img.manifestDigest],
      // skopeo adds :latest when it pulls; regx ref shows the reference as written.
      [`${reg.host}/team/app`, null, null],
      [`docker://${reg.host}/team/app:latest`, 'latest', null],
    ];
    for (const [input, tag, digest] of accepted) {
      const theirs = await skopeo(input.replace(/^docker:\/\//, ''));
      assert.equal(theirs.code, 0, `skopeo accepts ${input}: ${theirs.stderr}`);
      const inspected = JSON.parse(theirs.stdout) as { Name: string; Digest: string };
      const ours = regx('ref', input);
      assert.equal(ours.status, 0, ours.stderr);
      const parsed = JSON.parse(ours.stdout) as { registry: string; repository: string; tag: string | null; digest: string | null };
      assert.equal(`${parsed.registry}/${parsed.repository}`, inspected.Name, `same image name for ${input}`);
      assert.deepEqual([parsed.tag, parsed.digest], [tag, digest]);
      assert.equal(inspected.Digest, img.manifestDigest);
    }

    const e = (n: number, c = 'e') => c.repeat(n);
    // [input, a phrase both error messages contain]
    const refused: Array<[string, string]> = [
      [`${reg.host}/Team/app:v1`, 'must be lowercase'],
      [`${reg.host}/`, 'invalid reference format'],
      [`${reg.host}/team//app`, 'invalid reference format'],
      [`${reg.host}/team/app:v1@${img.manifestDigest}`, 'tag and'],
      [`${reg.host}/team/app@sha256:${e(63)}`, 'invalid checksum digest length'],
      [`${reg.host}/team/app@sha256:${e(64, 'E')}`, 'invalid checksum digest format'],
      [`${reg.host}/team/app@md5:${e(64)}`, 'unsupported digest algorithm'],
      [e(64), 'cannot specify 64-byte hexadecimal strings'],
    ];
    for (const [input, phrase] of refused) {
      const theirs = await skopeo(input);
      assert.notEqual(theirs.code, 0, `skopeo refuses ${input}`);
      assert.doesNotMatch(theirs.stderr, /pinging container registry|manifest unknown/, `skopeo refused ${input} before any request`);
      const ours = regx('ref', `docker://${input}`);
      assert.equal(ours.status, 2, `regx refuses docker://${input}`);
      assert.ok(theirs.stderr.includes(phrase), `skopeo: ${theirs.stderr}`);
      assert.ok(ours.stderr.includes(phrase), `regx: ${ours.stderr}`);
    }
  });
});
