import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { CancelledError, DigestMismatchError, SizeMismatchError } from '../../src/core/errors';
import { destinationTag } from '../../src/core/image/copy';
import { digestOf, StreamVerifier, verifiedChunks } from '../../src/core/image/digest';
import { manifestRefs } from '../../src/core/image/manifest-walk';
import { runPool } from '../../src/core/image/pool';
import { parseImageLocation } from '../../src/core/reference/transport';

async function* parts(...p: string[]): AsyncIterable<Buffer> {
  for (const s of p) yield Buffer.from(s);
}

test('verifiedChunks holds back the last chunk until the digest checks out', async () => {
  const good = digestOf(Buffer.from('abcdef'));
  const out: string[] = [];
  for await (const c of verifiedChunks(parts('ab', 'cd', 'ef'), new StreamVerifier(good, 6, 'layer'))) out.push(Buffer.from(c).toString());
  assert.deepEqual(out, ['ab', 'cd', 'ef']);
  const sent: string[] = [];
  await assert.rejects(async () => {
    for await (const c of verifiedChunks(parts('ab', 'cX', 'ef'), new StreamVerifier(good, 6, 'layer'))) sent.push(Buffer.from(c).toString());
  }, DigestMismatchError);
  assert.deepEqual(sent, ['ab', 'cX'], 'the final chunk never left');
  await assert.rejects(async () => {
    for await (const _ of verifiedChunks(parts('abcdefg'), new StreamVerifier(good, 6, 'layer'))) void _;
  }, SizeMismatchError);
});

test('the destination tag defaults to the source tag, then latest; an explicit one wins', () => {
  assert.equal(destinationTag(parseImageLocation('docker://r.example/a'), 'v1'), 'v1');
  assert.equal(destinationTag(parseImageLocation('docker://r.example/a'), undefined), 'latest');
  assert.equal(destinationTag(parseImageLocation('docker://r.example/a:v2'), 'v1'), 'v2');
  assert.equal(destinationTag(parseImageLocation('oci:/tmp/x'), 'v1'), 'v1');
  assert.equal(destinationTag(parseImageLocation('oci:/tmp/x:t'), 'v1'), 't');
});

test('manifestRefs lists config and layers, skips foreign layers, lists index children, refuses bad descriptors', () => {
  const d = (n: string) => digestOf(Buffer.from(n));
  const image = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 1 },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('l'), size: 2 },
      { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: d('f'), size: 3, urls: ['https://example.invalid/f'] },
    ],
  };
  const refs = manifestRefs(Buffer.from(JSON.stringify(image)), image.mediaType);
  assert.deepEqual(
    refs.blobs.map((b) => b.digest),
    [d('c'), d('l')],
  );
  const index = { schemaVersion: 2, manifests: [{ mediaType: image.mediaType, digest: d('m'), size: 5 }] };
  assert.deepEqual(
    manifestRefs(Buffer.from(JSON.stringify(index)), 'application/vnd.oci.image.index.v1+json').manifests.map((m) => m.digest),
    [d('m')],
  );
  assert.throws(() => manifestRefs(Buffer.from(JSON.stringify({ ...image, layers: [{ digest: 5 }] })), image.mediaType), /invalid manifest/);
});

test('runPool runs at most `limit` at once; the first failure aborts the rest and is what is thrown', async () => {
  let running = 0;
  let peak = 0;
  await runPool([1, 2, 3, 4, 5, 6, 7], 3, async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setImmediate(r));
    running--;
  });
  assert.equal(peak, 3);
  const started: number[] = [];
  const boom = new Error('boom');
  await assert.rejects(
    runPool([1, 2, 3, 4, 5], 2, async (n, signal) => {
      started.push(n);
      if (n === 1) throw boom;
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError()), { once: true }));
    }),
    (err: unknown) => err === boom,
  );
  assert.deepEqual(started, [1, 2], 'nothing new starts after a failure');
  const outer = new AbortController();
  outer.abort();
  await assert.rejects(
    runPool([1], 1, async () => undefined, outer.signal),
    CancelledError,
  );
});
