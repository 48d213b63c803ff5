// regx against a registry that lies (test/harness/hostile-registry.ts): it must not leak a credential
// or a token, write outside its destination, hang past its deadlines, read without bound, or leave a
// tag on an incomplete image. Each test fails without the guard it names.
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NetworkError, RegxError, UntrustedCertificateError } from '../../src/core/errors';
import { RegistryClient } from '../../src/core/registry/client';
import { buildImage } from '../harness/images';
import type { BuiltImage } from '../harness/images';
import { startHostileRegistry } from '../harness/hostile-registry';
import type { HostileRegistry } from '../harness/hostile-registry';
import { startRegistry, stopAll } from '../harness/registry';
import { registryFetch } from '../harness/registry-http';
import { makeTempDir } from '../harness/temp';
import { requireTools, runRegx } from '../harness/tools';

const haveTools = requireTools(undefined, ['docker-registry']);
const secret = 'S3cret-Pa55word';
const basic = Buffer.from(`alice:${secret}`).toString('base64');

/** An environment with no logins of the machine's own. */
function cleanEnv(): Record<string, string> {
  const home = makeTempDir('regx-hostile-home-');
  return { HOME: home, XDG_RUNTIME_DIR: home, REGISTRY_AUTH_FILE: join(home, 'none.json') };
}

function everyHeaderValue(h: HostileRegistry): string {
  return h.requests.map((r) => JSON.stringify(r.headers)).join('\n');
}

describe('a hostile registry', () => {
  let image: BuiltImage;
  const opened: HostileRegistry[] = [];
  const hostile = async (opts: Parameters<typeof startHostileRegistry>[0] = {}): Promise<HostileRegistry> => {
    const h = await startHostileRegistry(opts);
    opened.push(h);
    h.serve('app', 't', image);
    return h;
  };

  before(async () => {
    image = await buildImage({ layers: 2, layerSize: 4096 });
  });
  after(async () => {
    await Promise.all(opened.map((h) => h.close()));
    await stopAll();
  });

  test('an error that echoes the Authorization header and terminal escapes is printed masked and stripped', async () => {
    const h = await hostile({ tls: true, challenge: 'Basic realm="hostile"' });
    h.on((req, res, url) => {
      if (!url.pathname.includes('/manifests/') || !req.headers.authorization) return false;
      const echoed = `bad request with Authorization: ${req.headers.authorization} \u001b]0;owned\u0007\u001b[2J\rcleared`;
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DENIED', message: echoed }] }));
      return true;
    });
    const r = await runRegx(['inspect', `--cert-dir=${h.certDir}`, `--creds=alice:${secret}`, `docker://${h.host}/app:t`], { env: cleanEnv() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /denied: bad request with Authorization: Basic \*\*\*/, 'the registry message still reaches the user');
    assert.ok(everyHeaderValue(h).includes(basic), 'the credential was sent to the registry itself');
    assert.ok(!r.stderr.includes(basic) && !r.stderr.includes(secret), `no credential in: ${r.stderr}`);
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(r.stderr.replace(/\n/g, '')), 'no control characters reach the terminal');
  });

  test('a bearer token the registry echoes back in an error is masked, and never printed', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA';
    const h = await hostile({ tls: true });
    h.on((req, res, url) => {
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
        return true;
      }
      if (!req.headers.authorization) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="${h.url}/token",service="hostile",scope="repository:app:pull"`,
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        return true;
      }
      if (!url.pathname.includes('/manifests/')) return false;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ code: 'DENIED', message: `token ${token} is not good enough (you sent ${req.headers.authorization})` }] }));
      return true;
    });
    const r = await runRegx(['inspect', `--cert-dir=${h.certDir}`, `--creds=alice:${secret}`, `docker://${h.host}/app:t`], { env: cleanEnv() });
    assert.equal(r.code, 1);
    assert.ok(
      h.requests.some((q) => q.headers.authorization === `Bearer ${token}`),
      'the token was used with the registry itself',
    );
    assert.match(r.stderr, /denied: token \*\*\* is not good enough \(you sent Bearer \*\*\*\)/);
    assert.ok(!r.stderr.includes('c2lnbmF0dXJlLXNlY3JldA') && !r.stderr.includes(secret) && !r.stderr.includes(basic), r.stderr);
  });

  test('a blob redirected to another origin is fetched there without the credentials', async () => {
    const storage = await hostile({ tls: true });
    const h = await hostile({ tls: true, challenge: 'Basic realm="hostile"' });
    const layer = image.layers[0]?.digest as string;
    h.on((req, res, url) => {
      if (req.headers.authorization && url.pathname.endsWith(`/blobs/${layer}`) && req.method === 'GET') {
        res.writeHead(307, { location: `${storage.url}/v2/app/blobs/${layer}` }).end();
        return true;
      }
      return false;
    });
    const out = makeTempDir('regx-hostile-oci-');
    const r = await runRegx(['copy', `--src-cert-dir=${h.certDir}`, `--src-creds=alice:${secret}`, `docker://${h.host}/app:t`, `oci:${out}:t`], {
      env: cleanEnv(),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      storage.requests.some((q) => q.path.endsWith(layer)),
      'the redirect was followed',
    );
    assert.ok(
      storage.requests.every((q) => q.headers.authorization === undefined),
      'no Authorization header went to the other origin',
    );
  });

  test('a redirect from https down to http is refused, and nothing is sent there', async () => {
    const plain = await hostile();
    const h = await hostile({ tls: true });
    h.on((_req, res, url) => {
      if (!url.pathname.includes('/manifests/')) return false;
      res.writeHead(302, { location: `${plain.url}/v2/app/manifests/t` }).end();
      return true;
    });
    const r = await runRegx(['inspect', '--raw', `--cert-dir=${h.certDir}`, `docker://${h.host}/app:t`], { env: cleanEnv() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /redirected .* to http:\/\/127\.0\.0\.1:\d+; refusing to follow it/);
    assert.equal(plain.requests.length, 0);
  });

  test('a manifest body that trickles a byte at a time ends in a timeout at the deadline, not a hang', async () => {
    const h = await hostile();
    h.on((_req, res, url) => {
      if (!url.pathname.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': image.manifestMediaType, 'content-length': '100000' });
      const timer = setInterval(() => res.write('{'), 200);
      res.on('close', () => clearInterval(timer));
      return true;
    });
    const client = new RegistryClient(h.host, {
      tlsVerify: false,
      deadlineMs: 1500,
      bodyTimeoutMs: 60_000,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const started = Date.now();
    try {
      await assert.rejects(
        client.getManifest('app', 't'),
        (e: unknown) => e instanceof NetworkError && e.reason === 'timeout' && /did not finish within 1\.5 s|1500 ms/.test(e.message),
      );
      assert.ok(Date.now() - started < 10_000, 'it ended near its deadline');
    } finally {
      await client.close();
    }
  });

  test('a registry whose CA is not trusted fails as tls-untrusted, carrying the CA it presented and its fingerprint', async () => {
    const h = await hostile({ tls: true });
    const ca = new X509Certificate(readFileSync(h.caFile as string));
    const client = new RegistryClient(h.host, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      await assert.rejects(client.getManifest('app', 't'), (e: unknown) => {
        assert.ok(e instanceof UntrustedCertificateError, String(e));
        assert.equal(e.reason, 'tls-untrusted');
        assert.equal(e.fingerprint256, ca.fingerprint256);
        assert.equal(new X509Certificate(e.caPem as string).fingerprint256, ca.fingerprint256);
        assert.match(e.message, new RegExp(`presented "Registry Explorer Test CA" with SHA-256 fingerprint ${ca.fingerprint256}`));
        assert.doesNotMatch(e.message, /--/, 'the core names no CLI flag');
        return true;
      });
    } finally {
      await client.close();
    }
  });

  test('a registry that never sends its answer head times out', async () => {
    const h = await hostile();
    h.on((_req, _res, url) => url.pathname.includes('/manifests/'));
    const client = new RegistryClient(h.host, { tlsVerify: false, timeoutMs: 800, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      await assert.rejects(client.getManifest('app', 't'), (e: unknown) => e instanceof NetworkError && e.reason === 'timeout');
    } finally {
      await client.close();
    }
  });

  test('an endless chain of unique Link pages stops at the paging limit', async () => {
    const h = await hostile();
    let served = 0;
    h.on((_req, res, url) => {
      if (url.pathname !== '/v2/app/tags/list') return false;
      served++;
      res.setHeader('link', `</v2/app/tags/list?n=10&last=p${served}>; rel="next"`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'app', tags: [`p${served}`] }));
      return true;
    });
    const client = new RegistryClient(h.host, { tlsVerify: false, paging: { maxPages: 40, maxItems: 1_000_000 } });
    try {
      await assert.rejects(
        client.listTags('app', 10),
        (e: unknown) => e instanceof RegxError && e.reason === 'paging-limit' && /more than 40 pages/.test(e.message),
      );
      assert.equal(served, 40);
    } finally {
      await client.close();
    }
  });

  test('a listing past the item limit stops instead of growing without bound', async () => {
    const h = await hostile();
    h.on((_req, res, url) => {
      if (url.pathname !== '/v2/app/tags/list') return false;
      const last = Number(url.searchParams.get('last') ?? 0);
      res.setHeader('link', `</v2/app/tags/list?last=${last + 1000}>; rel="next"`);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ name: 'app', tags: Array.from({ length: 1000 }, (_, i) => `t${last + i}`) }));
      return true;
    });
    const client = new RegistryClient(h.host, { tlsVerify: false, paging: { maxPages: 1_000_000, maxItems: 5_000 } });
    try {
      await assert.rejects(
        client.listTags('app'),
        (e: unknown) => e instanceof RegxError && e.reason === 'paging-limit' && /more than 5000 entries/.test(e.message),
      );
    } finally {
      await client.close();
    }
  });

  test('a layer digest with a path in it writes nothing outside the oci: destination', async () => {
    const h = await hostile();
    const manifest = JSON.parse(image.manifest.toString('utf8')) as { layers: { digest: string }[] };
    (manifest.layers[0] as { digest: string }).digest = 'sha256:../../../../escaped-by-regx';
    const bytes = Buffer.from(JSON.stringify(manifest));
    h.on((_req, res, url) => {
      if (url.pathname !== '/v2/app/manifests/evil') return false;
      res.writeHead(200, { 'content-type': image.manifestMediaType, 'content-length': String(bytes.length) }).end(bytes);
      return true;
    });
    const parent = makeTempDir('regx-hostile-parent-');
    const out = join(parent, 'layout');
    const r = await runRegx(['copy', '--src-tls-verify=false', `docker://${h.host}/app:evil`, `oci:${out}:t`], { env: cleanEnv() });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /invalid or unsupported digest/);
    assert.deepEqual(
      readdirSync(parent).filter((n) => n !== 'layout'),
      [],
      'nothing written beside the layout',
    );
    assert.ok(!existsSync(join(parent, 'escaped-by-regx')) && !existsSync('/tmp/escaped-by-regx'));
  });

  test('a digest header that is not a digest is never put into a URL: delete removes only the digest it verified, in its repository', async () => {
    const h = await hostile();
    h.on((req, res, url) => {
      if (url.pathname !== '/v2/app/manifests/t' || req.method !== 'HEAD') return false;
      res
        .writeHead(200, {
          'content-type': image.manifestMediaType,
          'docker-content-digest': 'sha256:../../other/manifests/victim',
          'content-length': String(image.manifest.length),
        })
        .end();
      return true;
    });
    const r = await runRegx(['delete', '--tls-verify=false', `docker://${h.host}/app:t`], { env: cleanEnv() });
    assert.equal(r.code, 0, r.stderr);
    const deletes = h.requests.filter((q) => q.method === 'DELETE').map((q) => q.path);
    assert.deepEqual(deletes, [`/v2/app/manifests/${image.manifestDigest}`], 'one DELETE, of the digest the manifest bytes hash to');
    assert.ok(!h.requests.some((q) => q.path.includes('victim')), 'the header digest went into no URL');
  });

  test('a blob whose bytes do not match its digest leaves no tag at the destination', { skip: !haveTools }, async () => {
    const dest = await startRegistry();
    const h = await hostile();
    const layer = image.layers[1]?.digest as string;
    h.on((req, res, url) => {
      if (req.method !== 'GET' || !url.pathname.endsWith(`/blobs/${layer}`)) return false;
      const good = image.blobs.get(layer) as Buffer;
      const bad = Buffer.from(good);
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bad.length) }).end(bad);
      return true;
    });
    const r = await runRegx(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${h.host}/app:t`, `docker://${dest.host}/copied:t`], {
      env: cleanEnv(),
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /digest mismatch/);
    const tag = await registryFetch(dest, '/v2/copied/manifests/t', { method: 'HEAD', headers: { accept: image.manifestMediaType } });
    assert.equal(tag.status, 404, 'the destination tag was never written');
  });
});
