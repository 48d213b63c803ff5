// One promotion from a team registry into the cluster, with real parts everywhere but the API server:
// a real Distribution registry stands in for the internal registry (its route points at it, and it takes
// the user's name and cluster token as a login, as the internal registry does), skopeo copies the image,
// and an import makes it an image stream tag with the same digest.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { describeImageStream } from '../../src/core/openshift/describe';
import { getImageStream } from '../../src/core/openshift/imagestreams';
import { importImage } from '../../src/core/openshift/import';
import { discoverRegistryHost, exposeInternalRegistry, internalRegistryCredentials } from '../../src/core/openshift/internal-registry';
import { createPullSecret } from '../../src/core/openshift/secrets';
import {
  buildImage,
  closeRegistryAgents,
  pushImage,
  registryFetch,
  removeAllTempDirs,
  requireTools,
  run,
  skopeoFlags,
  startRegistry,
  stopAll,
} from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';

const tools = ['openssl', 'docker-registry', 'skopeo'];
let team: TestRegistry;
let internal: TestRegistry;
let double: OpenShiftDouble;
let image: BuiltImage;
let token: string;

before(async () => {
  if (!requireTools(undefined, tools)) return;
  team = await startRegistry({ tls: true });
  image = await buildImage({ layers: 2, labels: { app: 'promoted' } });
  await pushImage(team, 'team/app', 'v1', image);
  // The stand-in internal registry accepts exactly the developer's cluster token as the password,
  // and the route the operator creates points at it.
  token = `sha256~${randomBytes(24).toString('base64url')}`;
  internal = await startRegistry({ tls: true, tokenIssuer: { username: 'developer', password: token, anonymous: 'deny' } });
  double = await startOpenShiftDouble({ registryRouteHost: internal.host, tokens: { [token]: 'developer' } });
});
after(async () => {
  await double?.stop();
  await closeRegistryAgents();
  await stopAll();
  removeAllTempDirs();
});

test('promote: expose the registry, log in with the cluster token, copy, import, same digest on both sides', async (t) => {
  if (!requireTools(t, tools)) return;
  const admin = new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('kubeadmin') });
  const dev = new OpenShiftClient({ server: double.url, caPem: double.caPem, token });
  try {
    await exposeInternalRegistry(admin);
    const found = await discoverRegistryHost(dev, ['myproject']);
    assert.deepEqual(found, { host: internal.host, source: 'imagestream' }, 'developer cannot read the route, the image streams name it');
    const creds = await internalRegistryCredentials(dev);
    assert.deepEqual(creds, { username: 'developer', password: token });

    const copy = await run('skopeo', [
      'copy',
      ...skopeoFlags(team, 'src'),
      `--dest-cert-dir=${internal.certDir}`,
      `--dest-creds=${creds.username}:${creds.password}`,
      `docker://${team.host}/team/app:v1`,
      `docker://${found?.host}/myproject/app:v1`,
    ]);
    assert.equal(copy.code, 0, copy.stderr);
    const head = await registryFetch(internal, '/v2/myproject/app/manifests/v1', { method: 'HEAD', headers: { accept: image.manifestMediaType } });
    assert.equal(head.headers.get('docker-content-digest'), image.manifestDigest, 'the copy kept the digest');

    // The cluster's importer pulls with the project's pull secret, as the internal registry's clients do.
    await createPullSecret(dev, { namespace: 'myproject', name: 'internal-pull', server: internal.host, username: creds.username, password: creds.password });
    const r = await importImage(dev, { namespace: 'myproject', stream: 'app', tag: 'v1', from: `${internal.host}/myproject/app:v1`, confirm: true });
    assert.equal(r.ok, true, JSON.stringify(r.images));
    assert.equal(r.images[0]?.image, image.manifestDigest);
    const is = await getImageStream(dev, 'myproject', 'app');
    assert.equal(is.status?.publicDockerImageRepository, `${internal.host}/myproject/app`);
    assert.match(
      describeImageStream(is),
      new RegExp(`Image Repository:\\t${internal.host}/myproject/app\\n[\\s\\S]*  \\* ${internal.host}/myproject/app@${image.manifestDigest}\\n`),
    );
  } finally {
    await Promise.all([admin.close(), dev.close()]);
  }
});
