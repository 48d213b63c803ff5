// The plan a copy states before writing (src/core/image/copy-target.ts), read from real Distribution
// registries: what the destination tag names now, compared with what the source names.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { NotFoundError } from '../../src/core/errors';
import { copyTarget } from '../../src/core/image/copy-target';
import { imageSize } from '../../src/core/image/image-size';
import { RegistryClient } from '../../src/core/registry/client';
import { buildImage, pushImage, removeAllTempDirs, requireTools, startRegistry, stopAll } from '../harness';

const clients: RegistryClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await stopAll();
  removeAllTempDirs();
});

const client = (host: string): RegistryClient => {
  const c = new RegistryClient(host, { tlsVerify: false });
  clients.push(c);
  return c;
};

test('a copy plan says whether the destination tag is new, already names the source, or names another image it would replace', async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const b = await startRegistry();
  const image = await buildImage({ layers: 2, layerSize: 3000 });
  const other = await buildImage({ layerSize: 100 });
  await pushImage(a, 'team/app', 'v1', image);
  await pushImage(b, 'team/app', 'same', image);
  await pushImage(b, 'team/app', 'taken', other);
  const src = { client: client(a.host), repository: 'team/app', reference: 'v1' };
  const dst = client(b.host);

  const fresh = await copyTarget(src, { client: dst, repository: 'team/app', reference: 'new' });
  assert.equal(fresh.sourceDigest, image.manifestDigest);
  assert.deepEqual(fresh.state, { kind: 'new' });
  assert.deepEqual((await copyTarget(src, { client: dst, repository: 'team/app', reference: 'same' })).state, { kind: 'same' });
  const taken = await copyTarget(src, { client: dst, repository: 'team/app', reference: 'taken' });
  assert.equal(taken.state.kind, 'replace');
  assert.equal(taken.state.kind === 'replace' && taken.state.currentDigest, other.manifestDigest);
  // A source named by digest plans the same way.
  assert.deepEqual((await copyTarget({ ...src, reference: image.manifestDigest }, { client: dst, repository: 'team/app', reference: 'same' })).state, {
    kind: 'same',
  });
  // A repository that does not exist at the destination is a new tag, not an error.
  assert.deepEqual((await copyTarget(src, { client: dst, repository: 'nobody/here', reference: 'v1' })).state, { kind: 'new' });
  await assert.rejects(copyTarget({ ...src, reference: 'missing' }, { client: dst, repository: 'team/app', reference: 'v1' }), NotFoundError);
});

test("an image's size is its config plus its layers, read from its manifest", async (t) => {
  if (!requireTools(t, ['docker-registry'])) return;
  const a = await startRegistry();
  const image = await buildImage({ layers: 3, layerSize: 2000 });
  await pushImage(a, 'team/app', 'v1', image);
  const expected = image.configSize + image.layers.reduce((n, l) => n + l.size, 0);
  assert.equal(await imageSize(client(a.host), 'team/app', image.manifestDigest), expected);
  assert.notEqual(expected, image.manifestSize);
});
