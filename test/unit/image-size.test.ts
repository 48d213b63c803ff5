import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestImageSize } from '../../src/core/image/image-size';

const oci = 'application/vnd.oci.image.manifest.v1+json';
const manifest = (config: unknown, layers: unknown[]): Buffer => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: oci, config, layers }));

test('an image size is its config plus its layers', () => {
  assert.equal(manifestImageSize(manifest({ digest: 'sha256:c', size: 100 }, [{ size: 1000 }, { size: 20 }]), oci), 1120);
});

test('an index, a manifest without layers and hostile sizes have no image size', () => {
  assert.equal(manifestImageSize(Buffer.from('{"schemaVersion":2,"manifests":[]}'), 'application/vnd.oci.image.index.v1+json'), undefined);
  assert.equal(manifestImageSize(Buffer.from('{"schemaVersion":1}'), oci), undefined);
  assert.equal(manifestImageSize(manifest({ size: 1 }, [{ size: -5 }]), oci), undefined);
  assert.equal(manifestImageSize(manifest({ size: 1 }, [{ size: 2 ** 60 }]), oci), undefined);
  assert.equal(manifestImageSize(Buffer.from('not json'), oci), undefined);
});
