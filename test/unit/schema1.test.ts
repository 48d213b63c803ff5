import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { ManifestInvalidError } from '../../src/core/errors';
import { isSignedSchema1, manifestFileDigest, schema1Payload } from '../../src/core/image/schema1';
import { signSchema1 } from '../harness/schema1';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

const payload = JSON.stringify(
  {
    schemaVersion: 1,
    name: 'team/app',
    tag: 'v1',
    architecture: 'amd64',
    fsLayers: [{ blobSum: `sha256:${'a'.repeat(64)}` }],
    history: [{ v1Compatibility: '{"id":"x"}' }],
  },
  null,
  3,
);

describe('Docker schema 1 digests', () => {
  test('a signed manifest digests as its payload without the signatures', () => {
    const { signed } = signSchema1(payload);
    assert.equal(isSignedSchema1(signed), true);
    assert.equal(schema1Payload(signed).toString(), payload);
    assert.equal(manifestFileDigest(signed), sha256(payload));
    assert.notEqual(manifestFileDigest(signed), sha256(signed));
  });

  test('signatures that agree on the format are all accepted; ones that disagree are refused', () => {
    const { signed } = signSchema1(payload, [{}, { time: 'later' }]);
    assert.equal(manifestFileDigest(signed), sha256(payload));
    const { signed: conflicting, formatLength } = signSchema1(payload, [{}, {}]);
    const bad = Buffer.from(
      conflicting
        .toString()
        .replace(
          /"protected": "([^"]+)"\n(?![\s\S]*"protected")/,
          `"protected": "${b64url(JSON.stringify({ formatLength: formatLength - 1, formatTail: b64url('\n}') }))}"\n`,
        ),
    );
    assert.throws(() => schema1Payload(bad), /disagree on formatLength/);
  });

  test('anything else digests as its bytes: unsigned schema 1, schema 2, OCI, not JSON at all', () => {
    for (const bytes of [
      payload,
      JSON.stringify({ schemaVersion: 1, signatures: null }),
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', signatures: [1] }),
      'hello',
    ]) {
      assert.equal(isSignedSchema1(Buffer.from(bytes)), false, bytes);
      assert.equal(manifestFileDigest(Buffer.from(bytes)), sha256(bytes), bytes);
    }
  });

  test('a signed manifest whose signatures cannot say where the payload ends is refused', () => {
    const header = (h: unknown) => Buffer.from(JSON.stringify({ schemaVersion: 1, signatures: [{ protected: b64url(JSON.stringify(h)) }] }));
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from('{"schemaVersion":1,"signatures":[]}'), /has no signatures/],
      [Buffer.from('{"schemaVersion":1,"signatures":{}}'), /has no signatures/],
      [Buffer.from('{"schemaVersion":1,"signatures":[{}]}'), /no protected header/],
      [Buffer.from('{"schemaVersion":1,"signatures":[{"protected":"!!"}]}'), /not base64url/],
      [header({ formatTail: 'Cn0' }), /no usable formatLength/],
      [header({ formatLength: 3 }), /no formatTail/],
      [header({ formatLength: 10_000, formatTail: 'Cn0' }), /no usable formatLength/],
      [header({ formatLength: -1, formatTail: 'Cn0' }), /no usable formatLength/],
    ];
    for (const [bytes, message] of cases)
      assert.throws(
        () => manifestFileDigest(bytes),
        (err: unknown) => err instanceof ManifestInvalidError && message.test(err.message),
        bytes.toString(),
      );
  });
});
