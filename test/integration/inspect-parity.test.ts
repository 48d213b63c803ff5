// regx inspect, inspect --format, manifest-digest and the global flags against real skopeo 1.9.3 on
// a real Distribution registry, on the shapes where the two used to differ: labels in any order,
// configs with an empty or no `config` section, an OCI index whose only fitting entry has no
// platform, a Windows-only Docker list, an artifact index, and Docker schema 1 signed manifests.
//
// Where skopeo 1.9.3 differs on purpose, the test says so: it prints no LayersData and no Variant
// (regx does, as later skopeo versions do), has no `json` template function (regx has docker's), and
// computes the digest of a schema 1 manifest with an empty "signatures" list as that of zero bytes
// (regx refuses such a manifest).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildImage, MediaTypes } from '../harness/images';
import type { BuiltImage } from '../harness/images';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { pushBlob, pushImage, registryFetch } from '../harness/registry-http';
import { signSchema1 } from '../harness/schema1';
import { makeTempDir } from '../harness/temp';
import { requireTools, run, runRegx } from '../harness/tools';
import type { RunResult } from '../harness/tools';

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo', 'htpasswd']);

const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** skopeo 1.9.3 has neither field: everything else must be the same bytes. */
function withoutRegxOnlyFields(out: string): string {
  return out.replace(/^ {4}"LayersData": \[(?:\]|[\s\S]*?\n {4}\]),\n/m, '').replace(/^ {4}"Variant": ".*",\n/m, '');
}

async function putManifest(reg: TestRegistry, repo: string, ref: string, body: Buffer, mediaType: string): Promise<void> {
  const res = await registryFetch(reg, `/v2/${repo}/manifests/${ref}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
  assert.equal(res.status, 201, `${repo}:${ref}: ${await res.text()}`);
}

/** An OCI image whose config blob is exactly `config` (no layers). */
async function pushConfigOnly(reg: TestRegistry, repo: string, config: unknown): Promise<void> {
  const blob = Buffer.from(JSON.stringify(config));
  await pushBlob(reg, repo, sha256(blob), blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: sha256(blob), size: blob.length },
      layers: [],
    }),
  );
  await putManifest(reg, repo, 'v1', manifest, MediaTypes.ociManifest);
}

function entry(img: BuiltImage, withPlatform: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mediaType: img.manifestMediaType,
    digest: img.manifestDigest,
    size: img.manifestSize,
    ...(withPlatform ? { platform: img.platform } : {}),
    ...extra,
  };
}

describe('inspect against skopeo 1.9.3, shape by shape', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  let host: string;
  let arm: BuiltImage;
  let unlabelled: BuiltImage;
  let windows: BuiltImage;

  const both = async (args: string[]): Promise<{ ours: RunResult; theirs: RunResult }> => {
    const [ours, theirs] = await Promise.all([runRegx(args), run('skopeo', args)]);
    return { ours, theirs };
  };

  before(async () => {
    reg = await startRegistry({ extraConfig: { compatibility: { schema1: { enabled: true } } } });
    host = reg.host;
    // Label keys that JS and Go order differently: capitals, digits ("10" before "9"), non-ASCII, HTML characters.
    const labels = { zeta: '1', alpha: '2', Mid: '3', 'b&c': '<x>', a_b: 'x', 'a.b': 'y', A: 'z', '9': 'nine', '10': 'ten', é: 'e' };
    await pushImage(reg, 'lab/app', 'v1', await buildImage({ labels }));
    // Maps inside the config that --config prints: ExposedPorts and Volumes, keys out of order.
    const ports = {
      architecture: 'amd64',
      os: 'linux',
      config: { ExposedPorts: { '8080/tcp': {}, '443/tcp': {}, '80/tcp': {} }, Volumes: { '/z': {}, '/a': {} }, Labels: { b: '1', a: '2' }, User: 'app' },
      rootfs: { type: 'layers', diff_ids: [] },
    };
    await pushConfigOnly(reg, 'cfg/ports', ports);
    // Configs with nothing, no config section, an empty one, and null maps.
    await pushConfigOnly(reg, 'cfg/empty', {});
    await pushConfigOnly(reg, 'cfg/noconfig', { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    await pushConfigOnly(reg, 'cfg/emptyconfig', { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } });
    await pushConfigOnly(reg, 'cfg/nulls', {
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: null, Env: null },
      rootfs: { type: 'layers', diff_ids: [] },
    });
    // An OCI index with no entry for this machine but one without a platform.
    const s390x = await buildImage({ mediaType: 'oci', os: 'linux', architecture: 's390x' });
    unlabelled = await buildImage({ mediaType: 'oci', os: 'linux', architecture: 'ppc64le' });
    for (const img of [s390x, unlabelled]) await pushImage(reg, 'nop/idx', img.manifestDigest, img);
    await putManifest(
      reg,
      'nop/idx',
      'v1',
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [entry(s390x, true), entry(unlabelled, false)] })),
      MediaTypes.ociIndex,
    );
    // A Docker list with only a Windows image (as Microsoft's images are), indented as docker writes them.
    windows = await buildImage({ os: 'windows', architecture: 'amd64' });
    await pushImage(reg, 'win/only', windows.manifestDigest, windows);
    const winList = {
      schemaVersion: 2,
      mediaType: MediaTypes.dockerList,
      manifests: [{ ...entry(windows, false), platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' } }],
    };
    await putManifest(reg, 'win/only', 'ltsc', Buffer.from(JSON.stringify(winList, null, 3)), MediaTypes.dockerList);
    // A referrers-style index of artifacts: no entry has a platform, and none is an image.
    const empty = Buffer.from('{}');
    await pushBlob(reg, 'art/idx', sha256(empty), empty);
    const sig = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: 'application/vnd.example.sig',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 }],
      }),
    );
    await putManifest(reg, 'art/idx', sha256(sig), sig, MediaTypes.ociManifest);
    await putManifest(
      reg,
      'art/idx',
      'sigs',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [{ mediaType: MediaTypes.ociManifest, digest: sha256(sig), size: sig.length, artifactType: 'application/vnd.example.sig' }],
        }),
      ),
      MediaTypes.ociIndex,
    );
    // A Docker list for amd64 and arm64, for the platform flags.
    const amd = await buildImage({ os: 'linux', architecture: 'amd64' });
    arm = await buildImage({ os: 'linux', architecture: 'arm64', labels: { arch: 'arm64' } });
    for (const img of [amd, arm]) await pushImage(reg, 'multi/app', img.manifestDigest, img);
    await putManifest(
      reg,
      'multi/app',
      'm',
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.dockerList, manifests: [entry(amd, true), entry(arm, true)] })),
      MediaTypes.dockerList,
    );
  });
  after(() => stopAll());

  const images = ['lab/app:v1', 'cfg/ports:v1', 'cfg/empty:v1', 'cfg/noconfig:v1', 'cfg/emptyconfig:v1', 'cfg/nulls:v1', 'nop/idx:v1'];

  test('plain inspect prints the same bytes as skopeo (labels sorted as Go sorts map keys), LayersData apart', async () => {
    for (const image of images) {
      const { ours, theirs } = await both(['inspect', '--tls-verify=false', `docker://${host}/${image}`]);
      assert.equal(theirs.code, 0, `skopeo ${image}: ${theirs.stderr}`);
      assert.equal(ours.code, 0, `regx ${image}: ${ours.stderr}`);
      assert.equal(withoutRegxOnlyFields(ours.stdout), theirs.stdout, image);
      assert.match(ours.stdout, /"LayersData": \[/, 'regx keeps LayersData');
    }
  });

  test('inspect --config prints the same bytes as skopeo: "config": {} for an empty or missing section, maps sorted', async () => {
    for (const image of images) {
      const { ours, theirs } = await both(['inspect', '--config', '--tls-verify=false', `docker://${host}/${image}`]);
      assert.equal(theirs.code, 0, `skopeo ${image}: ${theirs.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, image);
    }
    const empty = await runRegx(['inspect', '--config', '--tls-verify=false', `docker://${host}/cfg/empty:v1`]);
    assert.match(empty.stdout, /\n {4}"config": \{\},\n/);
    const ports = await runRegx(['inspect', '--config', '--tls-verify=false', `docker://${host}/cfg/ports:v1`]);
    assert.ok(
      ports.stdout.indexOf('"443/tcp"') < ports.stdout.indexOf('"80/tcp"') && ports.stdout.indexOf('"80/tcp"') < ports.stdout.indexOf('"8080/tcp"'),
      ports.stdout,
    );
  });

  test('an OCI index with no entry for this machine resolves to its entry without a platform, as skopeo does', async () => {
    const { ours, theirs } = await both(['inspect', '--tls-verify=false', `docker://${host}/nop/idx:v1`]);
    assert.equal(withoutRegxOnlyFields(ours.stdout), theirs.stdout);
    assert.equal((JSON.parse(ours.stdout) as { Architecture: string }).Architecture, 'ppc64le');
  });

  test('--raw prints any top manifest as served, a Windows-only list and an artifact index included', async () => {
    for (const image of ['win/only:ltsc', 'art/idx:sigs', 'nop/idx:v1', 'multi/app:m', 'lab/app:v1']) {
      const { ours, theirs } = await both(['inspect', '--raw', '--tls-verify=false', `docker://${host}/${image}`]);
      assert.equal(theirs.code, 0, `skopeo ${image}: ${theirs.stderr}`);
      assert.equal(ours.code, 0, `regx ${image}: ${ours.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, image);
    }
    const win = await runRegx(['inspect', '--raw', '--tls-verify=false', `docker://${host}/win/only:ltsc`]);
    assert.match(win.stdout, /^\{\n {3}"schemaVersion": 2,/, 'the bytes as pushed, indentation kept');
  });

  test('--config --raw picks a platform as skopeo does: the config bytes, or the same failure when none fits', async () => {
    for (const image of ['nop/idx:v1', 'art/idx:sigs', 'lab/app:v1']) {
      const { ours, theirs } = await both(['inspect', '--config', '--raw', '--tls-verify=false', `docker://${host}/${image}`]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.stdout, theirs.stdout, image);
    }
    const { ours, theirs } = await both(['inspect', '--config', '--raw', '--tls-verify=false', `docker://${host}/win/only:ltsc`]);
    assert.equal(theirs.code, 1);
    assert.equal(ours.code, 1);
    assert.equal(ours.stdout, '');
    // The CLI's remedy names only flags inspect accepts (each is tried below and in the next test).
    assert.match(
      ours.stderr,
      /no image for linux\/amd64 in this index \(it has: windows\/amd64\)\nhint: choose another with --override-os, --override-arch and --override-variant, or --platform OS\/ARCH\[\/VARIANT\]; --raw prints the index itself\n$/,
    );
    const byPlatform = await runRegx(['inspect', '--config', '--raw', '--platform', 'windows/amd64', '--tls-verify=false', `docker://${host}/win/only:ltsc`]);
    assert.equal(byPlatform.code, 0, byPlatform.stderr);
    assert.deepEqual(byPlatform.stdout, windows.config.toString());
  });

  test('the --override-* flags before the verb (as skopeo takes them) or after it choose the same image as skopeo', async () => {
    for (const args of [
      ['--override-arch', 'arm64', 'inspect', '--tls-verify=false', `docker://${host}/multi/app:m`],
      ['--override-os=windows', 'inspect', '--tls-verify=false', `docker://${host}/win/only:ltsc`],
      ['inspect', '--override-arch=arm64', '--tls-verify=false', `docker://${host}/multi/app:m`],
      ['--override-arch', 's390x', 'inspect', '--override-arch=arm64', '--tls-verify=false', `docker://${host}/multi/app:m`],
    ]) {
      const { ours, theirs } = await both(args);
      assert.equal(theirs.code, 0, `skopeo ${args.join(' ')}: ${theirs.stderr}`);
      assert.equal(ours.code, 0, `regx ${args.join(' ')}: ${ours.stderr}`);
      assert.equal(withoutRegxOnlyFields(ours.stdout), theirs.stdout, args.join(' '));
    }
    const armOut = await runRegx(['--override-arch', 'arm64', 'inspect', '--tls-verify=false', `docker://${host}/multi/app:m`]);
    assert.deepEqual((JSON.parse(armOut.stdout) as { Labels: unknown }).Labels, { arch: 'arm64' });
    const byPlatform = await runRegx(['inspect', '--platform', 'linux/arm64', '--tls-verify=false', `docker://${host}/multi/app:m`]);
    assert.equal(byPlatform.stdout, armOut.stdout, 'regx --platform picks what the override flags pick');
  });

  test('--override-* before copy copies only the image they pick, as skopeo copy does without --all', async () => {
    const dir = makeTempDir('regx-override-copy-');
    const r = await runRegx([
      '--override-arch',
      'arm64',
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      `docker://${host}/multi/app:m`,
      `oci:${dir}:arm`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    assert.deepEqual(
      index.manifests.map((m) => m.digest),
      [arm.manifestDigest],
    );
  });

  test('inspect --format prints what skopeo prints for the templates scripts use', async () => {
    const templates = [
      '{{.Digest}}',
      '{{.Name}}',
      '{{.Name}}\\n',
      '{{.Created}}',
      '{{.Architecture}}/{{.Os}}',
      '{{index .Labels "zeta"}}|{{index .Labels "b&c"}}|{{index .Labels "nope"}}',
      '{{.Labels.alpha}} {{.Labels.nope}}',
      '{{.Labels}}',
      '{{.RepoTags}} {{.Layers}} {{.Env}}',
      '{{range .RepoTags}}tag: {{.}}\\n{{end}}',
      '{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}',
      '{{range .Layers}}{{.}}{{else}}no layers{{end}}',
      '{{if .Env}}has env{{else}}no env{{end}}',
      '{{len .Layers}} layers',
      'literal text only',
      '{{json .}}',
    ];
    for (const image of ['lab/app:v1', 'cfg/empty:v1']) {
      for (const template of templates) {
        const { ours, theirs } = await both(['inspect', '--tls-verify=false', '--format', template, `docker://${host}/${image}`]);
        assert.equal(theirs.code, 0, `skopeo ${template}: ${theirs.stderr}`);
        assert.equal(ours.code, 0, `regx ${template}: ${ours.stderr}`);
        assert.equal(template === '{{json .}}' ? withoutRegxOnlyFields(ours.stdout) : ours.stdout, theirs.stdout, `${image} ${template}`);
      }
    }
  });

  test("inspect --format json: docker's one-line JSON (skopeo 1.9.3 has no json function); bad templates fail before any request", async () => {
    const r = await runRegx(['inspect', '--tls-verify=false', '--format', '{{json .Labels}}', `docker://${host}/lab/app:v1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"10":"ten","9":"nine","A":"z","Mid":"3","a.b":"y","a_b":"x","alpha":"2","b&c":"<x>","zeta":"1","é":"e"}\n');
    const skopeo = await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{json .Labels}}', `docker://${host}/lab/app:v1`]);
    assert.match(skopeo.stderr, /function \\"json\\" not defined/, 'if skopeo learns json, compare the two here');
    // Port 1 on loopback refuses connections: the template error shows no request was tried first.
    const bad = await runRegx(['inspect', '--tls-verify=false', '--format', '{{.Nope}}', 'docker://127.0.0.1:1/lab/app:v1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^regx inspect: template: can't evaluate field Nope in type inspectOutput\n$/);
  });

  test('manifest-digest prints what skopeo prints: a schema 1 manifest signed by Distribution gets its Docker-Content-Digest', async () => {
    const dir = makeTempDir('regx-manifest-digest-');
    // Distribution converts a schema 2 image to schema 1, signed with its own key, for a client that accepts only that.
    const res = await registryFetch(reg, `/v2/lab/app/manifests/v1`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v1+prettyjws' } });
    assert.equal(res.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v1+prettyjws');
    const signed = Buffer.from(await res.arrayBuffer());
    const served = res.headers.get('docker-content-digest') as string;
    assert.notEqual(sha256(signed), served, 'the digest is not that of the bytes');
    const schema2 = Buffer.from(await (await registryFetch(reg, `/v2/lab/app/manifests/v1`, { headers: { accept: MediaTypes.dockerManifest } })).arrayBuffer());
    const payload = JSON.stringify({ schemaVersion: 1, name: 'a/b', tag: 't', architecture: 'amd64', fsLayers: [], history: [] }, null, 3);
    const files: Record<string, Buffer> = {
      'distribution.json': signed,
      'two-signatures.json': signSchema1(payload, [{}, { time: '2025-01-01T00:00:00Z' }]).signed,
      'unsigned-schema1.json': Buffer.from(payload),
      'schema2.json': schema2,
      'not-json.txt': Buffer.from('hello'),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const { ours, theirs } = await both(['manifest-digest', file]);
      assert.equal(theirs.code, 0, `skopeo ${name}: ${theirs.stderr}`);
      assert.equal(ours.code, 0, `regx ${name}: ${ours.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, name);
    }
    assert.equal((await runRegx(['manifest-digest', join(dir, 'distribution.json')])).stdout, `${served}\n`);
    assert.equal((await runRegx(['manifest-digest', join(dir, 'two-signatures.json')])).stdout, `${sha256(payload)}\n`);
  });

  test('manifest-digest failures: a missing file, and (unlike skopeo 1.9.3) a schema 1 manifest with an empty signature list', async () => {
    const dir = makeTempDir('regx-manifest-digest-bad-');
    const missing = await runRegx(['manifest-digest', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /reading manifest from .*nope\.json: no such file/);
    const file = join(dir, 'empty-signatures.json');
    writeFileSync(file, '{"schemaVersion":1,"signatures":[]}');
    // skopeo prints the digest of zero bytes: there is no payload to digest, so regx says so.
    const theirs = await run('skopeo', ['manifest-digest', file]);
    assert.equal(theirs.stdout, `${sha256('')}\n`);
    const ours = await runRegx(['manifest-digest', file]);
    assert.equal(ours.code, 1);
    assert.match(ours.stderr, /it has no signatures/);
    assert.equal((await runRegx(['manifest-digest'])).code, 2);
  });
});

describe('--debug before the verb', { skip: !haveTools }, () => {
  test('regx --debug copy and regx --debug inspect print the debug lines that --debug after the verb prints', async () => {
    const reg = await startRegistry({ htpasswd: { username: 'dbg', password: 'secret-pw' } });
    try {
      await pushImage(reg, 'dbg/app', 'v1', await buildImage());
      const dir = makeTempDir('regx-debug-');
      const authFile = join(dir, 'auth.json');
      writeFileSync(authFile, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('dbg:secret-pw').toString('base64') } } }));
      const copy = await runRegx([
        '--debug',
        'copy',
        '--authfile',
        authFile,
        '--src-tls-verify=false',
        `docker://${reg.host}/dbg/app:v1`,
        `oci:${join(dir, 'layout')}:v1`,
      ]);
      assert.equal(copy.code, 0, copy.stderr);
      assert.match(copy.stderr, /^debug: using credentials for .* from .*auth\.json$/m);
      assert.doesNotMatch(copy.stderr, /secret-pw/);
      const inspect = await runRegx(['--debug', 'inspect', '--authfile', authFile, '--tls-verify=false', `docker://${reg.host}/dbg/app:v1`]);
      const after = await runRegx(['inspect', '--debug', '--authfile', authFile, '--tls-verify=false', `docker://${reg.host}/dbg/app:v1`]);
      assert.equal(inspect.code, 0, inspect.stderr);
      assert.equal(inspect.stderr, after.stderr);
      assert.match(inspect.stderr, /^debug: /m);
      const quiet = await runRegx(['inspect', '--authfile', authFile, '--tls-verify=false', `docker://${reg.host}/dbg/app:v1`]);
      assert.equal(quiet.stderr, '');
    } finally {
      await reg.stop();
    }
  });
});
