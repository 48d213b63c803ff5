// TLS settings as containers/image reads them: a cert dir's CAs add to the system roots, a missing
// cert dir adds nothing (skopeo ignores it), a kubeconfig's CA is the whole trust.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { test } from 'node:test';
import { connectTlsOptions } from '../../src/core/http/tls';
import { UsageError } from '../../src/core/errors';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('a cert dir that does not exist adds nothing, as with skopeo; one with ca.crt adds it to the system roots', () => {
  const missing = connectTlsOptions({ certDir: join(tmpdir(), `regx-no-such-dir-${process.pid}`) });
  assert.equal(missing.rejectUnauthorized, true);
  assert.equal(missing.ca, undefined, 'the system roots, unchanged');
  const dir = join(tmpdir(), `regx-certdir-${process.pid}-${Date.now()}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'ca.crt'), pem);
  const withCa = connectTlsOptions({ certDir: dir });
  assert.equal(withCa.ca?.length, rootCertificates.length + 1);
  assert.equal(withCa.ca?.at(-1), pem);
});

test('a cert dir with a client key but no certificate is refused', () => {
  const dir = join(tmpdir(), `regx-certdir-key-${process.pid}-${Date.now()}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'client.key'), 'key');
  assert.throws(
    () => connectTlsOptions({ certDir: dir }),
    (e: unknown) => e instanceof UsageError && /has no matching certificate/.test(e.message),
  );
});

test("a kubeconfig's CA is the only trust (caPemOnly); a CA the user trusted for a registry adds to the roots", () => {
  assert.deepEqual(connectTlsOptions({ caPem: pem, caPemOnly: true }).ca, [pem]);
  assert.equal(connectTlsOptions({ caPem: pem }).ca?.length, rootCertificates.length + 1);
  assert.deepEqual(connectTlsOptions({ verify: false }).ca, [], 'no CA store built when nothing is verified');
});
