// Promote into a cluster project, as the editor's Promote... does for "cluster / project": the project's
// place in the internal registry is found through the API (the OpenShift double), and the sync pushes
// there with the user's name and cluster token. A real Distribution registry stands in for the internal
// registry and takes exactly that token as the login; a re-run costs only checks, and a token the
// registry does not take fails each image with an auth reason, writing nothing.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OpenShiftClient } from '../../src/core/openshift/api';
import { exposeInternalRegistry, projectRegistryDestination } from '../../src/core/openshift/internal-registry';
import { parseNormalizedReference } from '../../src/core/reference/reference';
import { RegistryClient } from '../../src/core/registry/client';
import { syncDestination } from '../../src/core/sync/naming';
import { runSync } from '../../src/core/sync/run';
import type { SyncTarget } from '../../src/core/sync/run';
import { buildImage, closeRegistryAgents, pushImage, registryDigest, removeAllTempDirs, requireTools, startRegistry, stopAll } from '../harness';
import type { BuiltImage, TestRegistry } from '../harness';
import { startOpenShiftDouble } from '../openshift-double';
import type { OpenShiftDouble } from '../openshift-double';

const tools = ['openssl', 'docker-registry'];
let team: TestRegistry;
let internal: TestRegistry;
let double: OpenShiftDouble;
let v1: BuiltImage;
let v2: BuiltImage;
let token: string;
const clients: Array<{ close(): Promise<void> }> = [];

before(async () => {
  if (!requireTools(undefined, tools)) return;
  team = await startRegistry({ tls: true });
  v1 = await buildImage({ layers: 2, labels: { v: '1' } });
  v2 = await buildImage({ layers: 1, labels: { v: '2' } });
  await pushImage(team, 'team/app', 'v1', v1);
  await pushImage(team, 'team/app', 'v2', v2);
  token = `sha256~${randomBytes(24).toString('base64url')}`;
  internal = await startRegistry({ tls: true, tokenIssuer: { username: 'developer', password: token, anonymous: 'deny', tls: true } });
  double = await startOpenShiftDouble({ registryRouteHost: internal.host, tokens: { [token]: 'developer' } });
});
after(async () => {
  for (const c of clients) await c.close();
  await double?.stop();
  await closeRegistryAgents();
  await stopAll();
  removeAllTempDirs();
});

function own<T extends { close(): Promise<void> }>(c: T): T {
  clients.push(c);
  return c;
}

function promoteInto(prefix: string): SyncTarget[] {
  return [
    {
      spec: { ref: parseNormalizedReference(`${team.host}/team/app`), select: { kind: 'all' } },
      destinations: [{ map: (src) => syncDestination(src, prefix, false), host: internal.host }],
    },
  ];
}

test('a cluster project as destination: found through the API, pushed with the cluster token, re-run skips', async (t) => {
  if (!requireTools(t, tools)) return;
  const admin = own(new OpenShiftClient({ server: double.url, caPem: double.caPem, token: double.tokenFor('kubeadmin') }));
  const dev = own(new OpenShiftClient({ server: double.url, caPem: double.caPem, token }));
  await assert.rejects(
    projectRegistryDestination(dev, 'myproject'),
    (e: Error & { reason?: string }) => e.reason === 'not-found' && /has no route: a cluster administrator can expose it/.test(e.message),
    'not exposed yet: said so, nothing guessed',
  );
  await exposeInternalRegistry(admin);

  const found = await projectRegistryDestination(dev, 'myproject');
  assert.deepEqual(found, { host: internal.host, prefix: `${internal.host}/myproject`, username: 'developer', password: token });

  const source = own(new RegistryClient(team.host, { caFile: team.caFile }));
  const pushing = own(
    new RegistryClient(found.host, {
      caFile: internal.caFile,
      credentials: { username: found.username, password: found.password, source: 'the cluster token' },
    }),
  );
  const sync = (destination: RegistryClient) =>
    runSync(promoteInto(found.prefix), { clients: { source: () => source, destination: () => destination }, all: true, keepGoing: true });

  const first = await sync(pushing);
  assert.deepEqual(first.failures, []);
  assert.equal(first.copied, 2);
  assert.equal(await registryDigest(internal, 'myproject/app', 'v1'), v1.manifestDigest);
  assert.equal(await registryDigest(internal, 'myproject/app', 'v2'), v2.manifestDigest);

  const again = await sync(pushing);
  assert.deepEqual([again.copied, again.skipped, again.failures.length], [0, 2, 0], 'a re-run finds both images there by digest');

  // A token the registry does not take (an expired login): every image fails with an auth reason, none is written.
  await pushImage(team, 'team/app', 'v3', await buildImage({ labels: { v: '3' } }));
  const stale = own(
    new RegistryClient(found.host, {
      caFile: internal.caFile,
      credentials: { username: 'developer', password: 'sha256~expired', source: 'the cluster token' },
    }),
  );
  const refused = await sync(stale);
  assert.equal(refused.copied, 0);
  assert.ok(refused.failures.length >= 1, 'the new tag failed');
  for (const f of refused.failures) assert.match(f.reason, /^auth/, `${f.destination}: ${f.reason} ${f.message}`);
  assert.equal(await registryDigest(internal, 'myproject/app', 'v3'), undefined, 'nothing was written with the stale token');
});
