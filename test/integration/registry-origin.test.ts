// How a client with TLS verification off finds a registry's scheme (https first, then http, as
// skopeo's --tls-verify=false): a plain-HTTP registry is used at once, while one that did not answer
// at all is asked again next time, so a registry that was down is not taken for plain HTTP.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { RegistryClient } from '../../src/core/registry/client';
import { buildImage } from '../harness/images';
import { pushImage } from '../harness/registry-http';
import { startRegistry, stopAll } from '../harness/registry';
import { removeAllTempDirs } from '../harness/temp';
import { requireTools } from '../harness/tools';

after(async () => {
  await stopAll();
  removeAllTempDirs();
});

test('a TLS registry that was down at the first request is reached over https once it is up', async (t) => {
  if (!requireTools(t, ['docker-registry', 'openssl'])) return;
  const reg = await startRegistry({ tls: true });
  await pushImage(reg, 'team/app', 'v1', await buildImage({ layers: 1, layerSize: 1024 }));
  const client = new RegistryClient(reg.host, { tlsVerify: false, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  try {
    await reg.stop();
    await assert.rejects(client.getManifest('team/app', 'v1'), /cannot reach/);
    await reg.restart();
    const m = await client.getManifest('team/app', 'v1');
    assert.match(m.digest, /^sha256:/);
    assert.equal(await client.baseUrl(), `https://${reg.host}`);
  } finally {
    await client.close();
  }
});

test('a plain-HTTP registry is used over http without a second ping', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const reg = await startRegistry();
  await pushImage(reg, 'team/app', 'v1', await buildImage({ layers: 1, layerSize: 1024 }));
  const client = new RegistryClient(reg.host, { tlsVerify: false });
  try {
    const m = await client.getManifest('team/app', 'v1');
    assert.match(m.digest, /^sha256:/);
    assert.equal(await client.baseUrl(), `http://${reg.host}`);
  } finally {
    await client.close();
  }
});
