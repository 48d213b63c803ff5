import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parsePlatform, selectPlatform } from '../../src/core/image/platform';
import type { ImageIndex } from '../../src/core/image/mediatypes';

const d = (digest: string, os: string, architecture: string, variant?: string) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest,
  size: 1,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});
const index: ImageIndex = {
  schemaVersion: 2,
  manifests: [
    d('sha256:a', 'linux', 'amd64'),
    d('sha256:b', 'linux', 'arm64', 'v8'),
    d('sha256:c', 'linux', 'arm', 'v6'),
    d('sha256:e', 'linux', 'arm', 'v7'),
    d('sha256:f', 'windows', 'amd64'),
  ],
};

test('os and architecture pick the image', () => {
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 'amd64' }).digest, 'sha256:a');
  assert.equal(selectPlatform(index, { os: 'windows', architecture: 'amd64' }).digest, 'sha256:f');
});

test('a variant asked for must match; arm64 without a variant means v8', () => {
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, 'sha256:e');
  assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm64' }).digest, 'sha256:b');
  assert.throws(() => selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v5' }), /no image for linux\/arm\/v5.*linux\/amd64/);
});

test('a platform flag must be OS/ARCH[/VARIANT]', () => {
  assert.deepEqual(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parsePlatform('linux'), /OS\/ARCH/);
  assert.throws(() => parsePlatform('linux//v7'), /OS\/ARCH/);
});

test('with no match, an OCI index falls back to its first entry without a platform, as containers/image does', () => {
  const bare = (digest: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 });
  const oci: ImageIndex = { schemaVersion: 2, manifests: [d('sha256:a', 'linux', 's390x'), bare('sha256:n'), bare('sha256:m')] };
  assert.equal(selectPlatform(oci, { os: 'linux', architecture: 'amd64' }).digest, 'sha256:n');
  // A matching entry still wins over the unlabelled one.
  assert.equal(selectPlatform(oci, { os: 'linux', architecture: 's390x' }).digest, 'sha256:a');
  // A Docker list has no such fallback: its entries are meant to carry a platform.
  const list: ImageIndex = { ...oci, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' };
  assert.throws(
    () => selectPlatform(list, { os: 'linux', architecture: 'amd64' }),
    /no image for linux\/amd64 in this index \(it has: linux\/s390x, unknown, unknown\)/,
  );
});

test('the no-platform message names no CLI flag', () => {
  assert.throws(
    () => selectPlatform(index, { os: 'plan9', architecture: 'amd64' }),
    (err: Error) => !/--/.test(err.message),
  );
});
