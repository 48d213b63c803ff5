// The read side against real Distribution registries: regx inspect/list-tags/catalog compared with
// skopeo in each setup users run (plain HTTP, self-signed TLS, htpasswd Basic, Bearer tokens).
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pushWithSkopeo, skopeoFlags, writeImageLayout, writeMultiPlatformLayout } from '../harness/images';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { seedRepositories, seedTags } from '../harness/seed';
import { makeTempDir } from '../harness/temp';
import { requireTools, run, runRegx } from '../harness/tools';

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo', 'htpasswd', 'openssl']);

async function skopeoJson(args: string[]): Promise<Record<string, unknown>> {
  const r = await run('skopeo', args);
  assert.equal(r.code, 0, `skopeo ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function regxJson(args: string[]): Promise<Record<string, unknown>> {
  const r = await runRegx(args);
  assert.equal(r.code, 0, `regx ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** skopeo 1.9 prints no LayersData; every field it does print must be equal, value for value. */
async function assertInspectMatchesSkopeo(reg: TestRegistry, ref: string, extra: string[] = []): Promise<Record<string, unknown>> {
  // Same trust and credentials as skopeo gets, spelled the same way.
  const ours = await regxJson(['inspect', ...skopeoFlags(reg, ''), ...extra, `docker://${reg.host}/${ref}`]);
  const theirs = await skopeoJson(['inspect', ...skopeoFlags(reg, ''), ...extra, `docker://${reg.host}/${ref}`]);
  for (const [field, value] of Object.entries(theirs)) assert.deepEqual(ours[field], value, `field ${field} differs from skopeo`);
  for (const field of ['Name', 'Digest', 'RepoTags', 'Created', 'DockerVersion', 'Labels', 'Architecture', 'Os', 'Layers', 'LayersData', 'Env'])
    assert.ok(field in ours, `regx prints ${field}`);
  return ours;
}

describe('read side on a plain HTTP registry', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
    const layout = makeTempDir('regx-read-');
    await writeImageLayout(layout, { tag: 'v1', layers: 3, labels: { 'org.example/team': 'a&b <c>' }, env: ['PATH=/usr/bin', 'A=1'] });
    await pushWithSkopeo(layout, 'v1', reg, 'team/app:v1');
    await pushWithSkopeo(layout, 'v1', reg, 'team/app:v1.1');
    await writeImageLayout(join(layout, 'oci'), { tag: 'o1', mediaType: 'oci', layers: 2 });
    await pushWithSkopeo(join(layout, 'oci'), 'o1', reg, 'team/oci:o1');
    await writeMultiPlatformLayout(join(layout, 'multi'), 'm', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    await pushWithSkopeo(join(layout, 'multi'), 'm', reg, 'team/multi:m');
  });
  after(() => stopAll());

  test('inspect prints what skopeo inspect prints, docker schema 2 and OCI', async () => {
    const ours = await assertInspectMatchesSkopeo(reg, 'team/app:v1');
    assert.deepEqual(ours.RepoTags, ['v1', 'v1.1']);
    assert.deepEqual(ours.Labels, { 'org.example/team': 'a&b <c>' });
    assert.equal((ours.LayersData as unknown[]).length, 3);
    await assertInspectMatchesSkopeo(reg, 'team/oci:o1');
  });

  test('inspect output is skopeo format byte for byte (4-space indent, Go escaping) apart from LayersData', async () => {
    const ours = await runRegx(['inspect', '--tls-verify=false', `docker://${reg.host}/team/app:v1`]);
    const theirs = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/team/app:v1`]);
    const withoutLayersData = ours.stdout.replace(/ {4}"LayersData": \[[\s\S]*?\n {4}\],\n/, '');
    assert.equal(withoutLayersData, theirs.stdout);
    assert.match(ours.stdout, /\\u0026b \\u003cc\\u003e/, 'labels are escaped as Go escapes them');
  });

  test('inspect --raw prints the manifest bytes as served, --config the config as skopeo shows it', async () => {
    for (const ref of ['team/app:v1', 'team/multi:m']) {
      const ours = await runRegx(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/${ref}`]);
      const theirs = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/${ref}`]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
    }
    for (const extra of [['--config'], ['--config', '--raw']]) {
      const ours = await runRegx(['inspect', ...extra, '--tls-verify=false', `docker://${reg.host}/team/app:v1`]);
      const theirs = await run('skopeo', ['inspect', ...extra, '--tls-verify=false', `docker://${reg.host}/team/app:v1`]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout, `inspect ${extra.join(' ')}`);
    }
  });

  test('an index resolves to the host platform, or to --override-arch', async () => {
    const host = await assertInspectMatchesSkopeo(reg, 'team/multi:m');
    assert.equal(host.Architecture, 'amd64');
    const arm = await assertInspectMatchesSkopeo(reg, 'team/multi:m', ['--override-arch=arm64']);
    assert.equal(arm.Architecture, 'arm64');
    assert.notDeepEqual(arm.Layers, host.Layers);
    const none = await runRegx(['inspect', '--tls-verify=false', '--override-arch=s390x', `docker://${reg.host}/team/multi:m`]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no image for linux\/s390x.*linux\/amd64/);
  });

  test('inspect by digest names the same image', async () => {
    const byTag = await regxJson(['inspect', '--tls-verify=false', `docker://${reg.host}/team/app:v1`]);
    const byDigest = await regxJson(['inspect', '--tls-verify=false', `docker://${reg.host}/team/app@${String(byTag.Digest)}`]);
    assert.equal(byDigest.Digest, byTag.Digest);
  });

  test('a missing image or repository exits 2 with the registry message', async () => {
    for (const ref of ['team/app:nope', 'team/nothing:v1']) {
      const r = await runRegx(['inspect', '--tls-verify=false', `docker://${reg.host}/${ref}`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /manifest unknown/);
    }
  });

  test('list-tags matches skopeo list-tags', async () => {
    const ours = await regxJson(['list-tags', '--tls-verify=false', `docker://${reg.host}/team/app`]);
    const theirs = await skopeoJson(['list-tags', '--tls-verify=false', `docker://${reg.host}/team/app`]);
    assert.deepEqual(ours, theirs);
  });

  test('an invalid reference is refused before any network call, with exit 2', async () => {
    const r = await runRegx(['inspect', 'docker://127.0.0.1:9/Team/App']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /repository name .*must be lowercase/);
  });

  test('plain HTTP is not used unless TLS verification is turned off, as with skopeo', async () => {
    const r = await runRegx(['inspect', `docker://${reg.host}/team/app:v1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(reg.host.replace(/\./g, '\\.')));
  });
});

describe('paging', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  let repos: string[];
  let tags: string[];
  before(async () => {
    reg = await startRegistry();
    repos = (await seedRepositories(reg, 1500)).repositories;
    tags = (await seedTags(reg, 'big/tags', 2500)).tags;
  });
  after(() => stopAll());

  test('catalog follows Link paging through 1,500 repositories, complete and in order', async () => {
    const out = await regxJson(['catalog', '--tls-verify=false', '--page-size=100', reg.host]);
    const expected = [...repos, 'big/tags'].sort();
    assert.equal((out.Repositories as string[]).length, 1501);
    assert.deepEqual(out.Repositories, expected);
  });

  test('list-tags follows paging through 2,500 tags, complete and in the registry order, as skopeo sees them', async () => {
    const ours = await regxJson(['list-tags', '--tls-verify=false', `docker://${reg.host}/big/tags`]);
    assert.equal((ours.Tags as string[]).length, 2500);
    // Distribution's filesystem driver lists tags in directory order, not sorted: keep its order.
    assert.deepEqual([...(ours.Tags as string[])].sort(), [...tags].sort());
    const theirs = await skopeoJson(['list-tags', '--tls-verify=false', `docker://${reg.host}/big/tags`]);
    assert.deepEqual(ours, theirs);
  });
});

describe('TLS with a certificate from an untrusted CA', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ tls: true });
    const layout = makeTempDir('regx-tls-');
    await writeImageLayout(layout, { tag: 't' });
    await pushWithSkopeo(layout, 't', reg, 'secure/app:t');
  });
  after(() => stopAll());

  test('is rejected by default with an error that says certificate and how to trust it', async () => {
    const r = await runRegx(['inspect', `docker://${reg.host}/secure/app:t`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /certificate/);
    assert.match(r.stderr, /--cert-dir/);
    assert.match(r.stderr, /--tls-verify=false/);
  });

  test('is accepted with the CA in --cert-dir, and with --tls-verify=false', async () => {
    await assertInspectMatchesSkopeo(reg, 'secure/app:t');
    const r = await runRegx(['inspect', '--tls-verify=false', `docker://${reg.host}/secure/app:t`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Name, `${reg.host}/secure/app`);
  });
});

describe('htpasswd Basic auth over TLS', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ tls: true, htpasswd: { username: 'alice', password: 'pa:ss:word' } });
    const layout = makeTempDir('regx-basic-');
    await writeImageLayout(layout, { tag: 't' });
    await pushWithSkopeo(layout, 't', reg, 'private/app:t');
  });
  after(() => stopAll());

  test('the right password (containing colons) is accepted and matches skopeo', async () => {
    await assertInspectMatchesSkopeo(reg, 'private/app:t');
  });

  test('a wrong password is refused with a clear error that does not echo it', async () => {
    const r = await runRegx(['inspect', `--cert-dir=${reg.certDir}`, '--creds=alice:wrong-secret', `docker://${reg.host}/private/app:t`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the credentials for alice/);
    assert.doesNotMatch(r.stderr, /wrong-secret/);
  });

  test("without credentials the registry's own words reach the user, as skopeo prints them, and the hint names inspect's own flags", async () => {
    const home = makeTempDir('regx-home-');
    const env = { HOME: home, XDG_RUNTIME_DIR: home, REGISTRY_AUTH_FILE: join(home, 'none.json') };
    const r = await runRegx(['inspect', `--cert-dir=${reg.certDir}`, `docker://${reg.host}/private/app:t`], { env });
    const s = await run('skopeo', ['inspect', `--cert-dir=${reg.certDir}`, `docker://${reg.host}/private/app:t`], { env });
    assert.equal(r.code, 1);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /unauthorized: authentication required/);
    assert.match(r.stderr, /requires authentication: unauthorized: authentication required/);
    assert.match(r.stderr, new RegExp(`hint: log in with \`regx login ${reg.host.replace(/[.[\]]/g, '\\$&')}\`, or pass --creds USERNAME:PASSWORD`));
  });

  test('copy without credentials hints with the flag of the side that failed (--src-creds), never a flag copy refuses', async () => {
    const home = makeTempDir('regx-home-');
    const out = makeTempDir('regx-oci-');
    const r = await runRegx(['copy', `--src-cert-dir=${reg.certDir}`, `docker://${reg.host}/private/app:t`, `oci:${out}:t`], {
      env: { HOME: home, XDG_RUNTIME_DIR: home, REGISTRY_AUTH_FILE: join(home, 'none.json') },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unauthorized: authentication required/);
    assert.match(r.stderr, /--src-creds USERNAME:PASSWORD/);
    assert.doesNotMatch(r.stderr, /--dest-creds|--creds |--cert-dir|--tls-verify/);
  });

  test('credentials come from the auth.json named by --authfile', async () => {
    const file = join(makeTempDir('regx-authfile-'), 'auth.json');
    writeFileSync(file, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('alice:pa:ss:word').toString('base64') } } }));
    const r = await runRegx(['inspect', `--cert-dir=${reg.certDir}`, `--authfile=${file}`, `docker://${reg.host}/private/app:t`]);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('Bearer token auth', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ token: true, tokenIssuer: { username: 'bob', password: 'tok-secret' } });
    const layout = makeTempDir('regx-token-');
    await writeImageLayout(layout, { tag: 't' });
    await pushWithSkopeo(layout, 't', reg, 'tok/app:t', { extraArgs: ['--dest-creds=bob:tok-secret'] });
  });
  after(() => stopAll());

  test('inspect asks the token server for the repository scope and matches skopeo', async () => {
    const seen = reg.tokenIssuer?.requests.length ?? 0;
    const ours = await regxJson(['inspect', '--tls-verify=false', '--creds=bob:tok-secret', `docker://${reg.host}/tok/app:t`]);
    const theirs = await skopeoJson(['inspect', '--tls-verify=false', '--creds=bob:tok-secret', `docker://${reg.host}/tok/app:t`]);
    assert.equal(ours.Digest, theirs.Digest);
    assert.deepEqual(ours.Layers, theirs.Layers);
    const ourRequests = reg.tokenIssuer?.requests.slice(seen) ?? [];
    assert.ok(
      ourRequests.some((q) => q.scopes.includes('repository:tok/app:pull') && q.account === 'bob'),
      'a token was asked for repository:tok/app:pull as bob',
    );
  });

  test('a wrong password is refused with a clear error that does not echo it', async () => {
    const r = await runRegx(['inspect', '--tls-verify=false', '--creds=bob:nope-pw', `docker://${reg.host}/tok/app:t`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bob/);
    assert.doesNotMatch(r.stderr, /nope-pw/);
  });
});

describe('inspect of an OCI layout', { skip: !haveTools }, () => {
  test('prints what skopeo inspect prints for oci:DIR:TAG, and --raw the same bytes', async () => {
    const layout = makeTempDir('regx-oci-inspect-');
    await writeImageLayout(layout, { tag: 'v2', mediaType: 'oci', layers: 2, labels: { a: 'b' } });
    for (const extra of [[], ['--raw'], ['--config']]) {
      const ours = await runRegx(['inspect', ...extra, `oci:${layout}:v2`]);
      const theirs = await run('skopeo', ['inspect', ...extra, `oci:${layout}:v2`]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      if (extra.length) assert.equal(ours.stdout, theirs.stdout, `inspect ${extra.join(' ')}`);
      else {
        const o = JSON.parse(ours.stdout) as Record<string, unknown>;
        for (const [field, value] of Object.entries(JSON.parse(theirs.stdout) as Record<string, unknown>)) assert.deepEqual(o[field], value, field);
        assert.equal('Name' in o, false, 'an OCI layout has no Name, as in skopeo');
      }
    }
    const missing = await runRegx(['inspect', `oci:${layout}:nope`]);
    assert.equal(missing.code, 2, missing.stderr);
  });
});
