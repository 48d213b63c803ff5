// The `.sig` attachment's layout as pure functions: a new attachment as containers/image writes it, and
// adding to one cosign wrote (its config's created/history kept, nothing added twice, diff_ids following).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  appendLayers,
  layerDescriptor,
  parseSigManifest,
  SIGSTORE_SIGNATURE_ANNOTATION,
  SIGSTORE_SIGNATURE_MEDIA_TYPE,
  sha256,
} from '../../src/core/sigstore/attachment-layout';
import { ManifestInvalidError } from '../../src/core/errors';
import { cosignSignature } from '../harness/shapes';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const layer = (n: number) => ({
  mediaType: SIGSTORE_SIGNATURE_MEDIA_TYPE,
  payload: Buffer.from(`{"n":${n}}`),
  annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: `c2ln${n}` },
});

test('a new attachment is the OCI manifest and empty image config containers/image writes', () => {
  const out = appendLayers(undefined, [layerDescriptor(layer(1))]);
  const p = layer(1).payload;
  assert.equal(out.configBytes?.toString(), `{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["${sha256(p)}"]}}`);
  assert.equal(
    out.manifestBytes?.toString(),
    `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${sha256(out.configBytes as Buffer)}","size":${out.configBytes?.length}},"layers":[{"mediaType":"${SIGSTORE_SIGNATURE_MEDIA_TYPE}","digest":"${sha256(p)}","size":${p.length},"annotations":{"${SIGSTORE_SIGNATURE_ANNOTATION}":"c2ln1"}}]}`,
  );
});

test("adding to cosign's attachment keeps its layers and config fields, and adds nothing twice", () => {
  const shape = cosignSignature('registry.example', 'team/app', DIGEST);
  const m = JSON.parse(shape.top.bytes.toString()) as { config: { digest: string }; layers: unknown[] };
  const parts = parseSigManifest(shape.top.bytes, shape.blobs.get(m.config.digest) as Buffer, 'team/app.sig');
  const out = appendLayers(parts, [layerDescriptor(layer(2)), ...(m.layers as never[])]);
  assert.equal(out.added.length, 1, "cosign's own layer is there already");
  const merged = JSON.parse(out.manifestBytes?.toString() ?? '') as { layers: unknown[]; config: { digest: string } };
  assert.deepEqual(merged.layers[0], m.layers[0]);
  assert.deepEqual(merged.layers[1], layerDescriptor(layer(2)));
  const config = JSON.parse(out.configBytes?.toString() ?? '') as Record<string, unknown> & { rootfs: { diff_ids: string[] } };
  assert.equal(config.created, '0001-01-01T00:00:00Z');
  assert.deepEqual(config.history, [{ created: '0001-01-01T00:00:00Z' }]);
  assert.deepEqual(config.rootfs.diff_ids, [(m.layers[0] as { digest: string }).digest, sha256(layer(2).payload)]);
  assert.equal(merged.config.digest, sha256(out.configBytes as Buffer));
  assert.deepEqual(
    appendLayers(parseSigManifest(out.manifestBytes as Buffer, out.configBytes as Buffer, 'x'), [layerDescriptor(layer(2))]).added,
    [],
    'the same signature again adds nothing',
  );
  // Same payload, another signature: a different signature, added.
  assert.equal(
    appendLayers(parts, [layerDescriptor({ ...layer(2), annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: 'other' } }), layerDescriptor(layer(2))]).added.length,
    2,
  );
});

test('an attachment that is not one is refused, not rewritten', () => {
  assert.throws(() => parseSigManifest(Buffer.from('{"layers":{}}'), Buffer.from('{}'), 'x.sig'), ManifestInvalidError);
  assert.throws(() => parseSigManifest(Buffer.from('{"layers":[{"digest":"sha256:00"}]}'), Buffer.from('{}'), 'x.sig'), ManifestInvalidError);
  assert.throws(
    () => parseSigManifest(Buffer.from(JSON.stringify({ layers: Array.from({ length: 1001 }, () => layerDescriptor(layer(1))) })), Buffer.from('{}'), 'x.sig'),
    /more than the 1000/,
  );
  assert.throws(() => parseSigManifest(Buffer.from('{"layers":[]}'), Buffer.from('[]'), 'x.sig'), /config of x\.sig is not a JSON object/);
});
