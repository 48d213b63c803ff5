// Reads through a fault proxy in front of a real registry: the client waits and retries on 429/5xx
// (honouring Retry-After), retries a read whose connection was cut, and refuses a token realm
// that would downgrade an https registry to plain http.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy } from '../harness/fault-proxy';
import type { FaultProxy } from '../harness/fault-proxy';
import { pushWithSkopeo, writeImageLayout } from '../harness/images';
import { startRegistry, stopAll } from '../harness/registry';
import type { TestRegistry } from '../harness/registry';
import { closeRegistryAgents } from '../harness/registry-http';
import { makeTempDir, removeAllTempDirs } from '../harness/temp';
import { requireTools, runRegx } from '../harness/tools';

const haveTools = requireTools(undefined, ['docker-registry', 'skopeo', 'openssl']);

describe('reads retry through faults', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  before(async () => {
    reg = await startRegistry();
    const layout = makeTempDir('regx-faults-');
    await writeImageLayout(layout, { tag: 't', layers: 1, layerSize: 256 * 1024 });
    await pushWithSkopeo(layout, 't', reg, 'flaky/app:t');
    proxy = await startFaultProxy({ target: reg.host });
  });
  after(async () => {
    await proxy.stop();
    await closeRegistryAgents();
    await stopAll();
    removeAllTempDirs();
  });

  test('429 with Retry-After, then 503s: inspect waits and succeeds', async () => {
    proxy.clearRules();
    proxy.addRule({ method: 'GET', path: /\/manifests\/t$/, action: { kind: 'status', status: 429, retryAfter: 1 } });
    proxy.addRule({ method: 'GET', path: /\/manifests\/t$/, action: { kind: 'status', status: 503 }, times: 2 });
    const r = await runRegx(['inspect', '--tls-verify=false', '--debug', `docker://${proxy.host}/flaky/app:t`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Name, `${proxy.host}/flaky/app`);
    assert.equal(proxy.count('GET', /\/manifests\/t$/), 4, 'three refused attempts and one that went through');
    assert.match(r.stderr, /HTTP 429, retry 1 in 1000 ms/, 'the wait is the one Retry-After asked for');
  });

  test('a config read cut in the middle is retried and completes', async () => {
    proxy.clearRules();
    proxy.addRule({ method: 'GET', path: /\/blobs\/sha256:/, action: { kind: 'cut' } });
    const seen = proxy.count('GET', /\/blobs\/sha256:/);
    const r = await runRegx(['inspect', '--tls-verify=false', '--config', `docker://${proxy.host}/flaky/app:t`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).os, 'linux');
    assert.equal(proxy.count('GET', /\/blobs\/sha256:/) - seen, 2, 'the blob was asked for again, once');
  });

  test('a registry that keeps failing ends in a clear error after the retries', async () => {
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: /\/manifests\/t$/,
      action: { kind: 'status', status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"disk on fire"}]}' },
      times: Infinity,
    });
    const seen = proxy.count('GET', /\/manifests\/t$/);
    const r = await runRegx(['inspect', '--tls-verify=false', `docker://${proxy.host}/flaky/app:t`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /answered 500: unknown: disk on fire/);
    assert.equal(proxy.count('GET', /\/manifests\/t$/) - seen, 5, 'five attempts in all');
  });
});

describe('token realm downgrade', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ tls: true, token: true, tokenIssuer: { tls: false } });
  });
  after(async () => {
    await stopAll();
    removeAllTempDirs();
  });

  test('an https registry whose realm is plain http is refused, and no credentials are sent', async () => {
    const r = await runRegx(['inspect', `--cert-dir=${reg.certDir}`, '--creds=u:downgrade-secret', `docker://${reg.host}/any/app:t`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /http/i);
    assert.match(r.stderr, /realm/i);
    assert.doesNotMatch(r.stderr, /downgrade-secret/);
    assert.equal(reg.tokenIssuer?.requests.length, 0, 'the token server was never asked');
  });
});

describe('token scope re-ask', { skip: !haveTools }, () => {
  let reg: TestRegistry;
  let pushGrants = 0;
  let armed = false;
  before(async () => {
    // The first token that asks for push gets pull only: the registry then answers 401
    // insufficient_scope and the client must ask again rather than fail.
    reg = await startRegistry({
      token: true,
      tokenIssuer: {
        username: 'carol',
        password: 'scope-pw',
        grant: (_account, requested) => {
          if (!armed || !requested.actions.includes('push')) return requested.actions;
          return pushGrants++ === 0 ? requested.actions.filter((a) => a === 'pull') : requested.actions;
        },
      },
    });
    const layout = makeTempDir('regx-scope-');
    await writeImageLayout(layout, { tag: 't' });
    await pushWithSkopeo(layout, 't', reg, 'scoped/app:t', { extraArgs: ['--dest-creds=carol:scope-pw'] });
    armed = true;
  });
  after(async () => {
    await stopAll();
    removeAllTempDirs();
  });

  test('a 401 for a token without the push scope gets a fresh token, and the write succeeds', async () => {
    const seen = reg.tokenIssuer?.requests.length ?? 0;
    const r = await runRegx(['tag', '--tls-verify=false', '--creds=carol:scope-pw', `docker://${reg.host}/scoped/app:t`, 'again']);
    assert.equal(r.code, 0, r.stderr);
    const pushRequests = (reg.tokenIssuer?.requests.slice(seen) ?? []).filter((q) => q.scopes.some((s) => s.includes('push')));
    assert.equal(pushRequests.length, 2, 'the push token was asked for twice: the refused one and the fresh one');
    const tags = await runRegx(['list-tags', '--tls-verify=false', '--creds=carol:scope-pw', `docker://${reg.host}/scoped/app`]);
    assert.deepEqual(JSON.parse(tags.stdout).Tags.sort(), ['again', 't']);
  });

  test('blobs sent at once share one token request for their scope', async () => {
    const layout = makeTempDir('regx-scope-many-');
    await writeImageLayout(layout, { tag: 'many', layers: 6, layerSize: 4096 });
    const seen = reg.tokenIssuer?.requests.length ?? 0;
    const r = await runRegx([
      'copy',
      '--jobs=6',
      '--dest-tls-verify=false',
      '--dest-creds=carol:scope-pw',
      `oci:${layout}:many`,
      `docker://${reg.host}/scoped/many:many`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const asked = (reg.tokenIssuer?.requests.slice(seen) ?? []).filter((q) => q.scopes.includes('repository:scoped/many:pull,push'));
    assert.equal(asked.length, 1, `one token for six parallel blobs, not ${asked.length}`);
  });
});
