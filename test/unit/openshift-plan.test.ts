import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfirmationRequiredError, UsageError } from '../../src/core/errors';
import { planImport } from '../../src/core/openshift/import';
import { oauthTokenObjectName } from '../../src/core/openshift/logout';
import { parseSubject, subjectLabel } from '../../src/core/openshift/rolebindings';
import { dockerConfigJson } from '../../src/core/openshift/secrets';
import { guessSourceKind, validateTagName } from '../../src/core/openshift/tag';
import type { ImageStream } from '../../src/core/openshift/types';

const nodejs = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'test', 'openshift-double', 'fixtures', 'imagestream-nodejs.json'), 'utf8'),
) as ImageStream;

test('import-image: a missing stream needs --confirm, with oc exact message', () => {
  assert.throws(
    () => planImport({ namespace: 'p', stream: 'myis', from: 'quay.io/a/b:1' }, undefined),
    (e: unknown) => {
      assert.ok(e instanceof ConfirmationRequiredError);
      assert.equal(e.message, 'no image stream named "myis" exists');
      return true;
    },
  );
  const isi = planImport(
    { namespace: 'p', stream: 'myis', from: 'quay.io/a/b:1', confirm: true, scheduled: true, insecure: true, referencePolicy: 'local' },
    undefined,
  );
  assert.deepEqual(isi, {
    kind: 'ImageStreamImport',
    apiVersion: 'image.openshift.io/v1',
    metadata: { name: 'myis', namespace: 'p' },
    spec: {
      import: true,
      images: [
        {
          from: { kind: 'DockerImage', name: 'quay.io/a/b:1' },
          to: { name: 'latest' },
          importPolicy: { insecure: true, scheduled: true, importMode: 'Legacy' },
          referencePolicy: { type: 'Local' },
        },
      ],
    },
  });
});

test('import-image: another source for an existing tag needs --confirm; an alias imports its target', () => {
  assert.throws(
    () => planImport({ namespace: 'openshift', stream: 'nodejs', tag: '10-SCL', from: 'quay.io/other/node' }, nodejs),
    /^ConfirmationRequiredError: the image stream has a different import spec "registry.redhat.io\/rhscl\/nodejs-10-rhel7"$/,
  );
  const viaAlias = planImport({ namespace: 'openshift', stream: 'nodejs', tag: 'latest' }, nodejs);
  assert.deepEqual(viaAlias.spec.images?.[0]?.to, { name: '10-SCL' });
  assert.equal(viaAlias.spec.images?.[0]?.from.name, 'registry.redhat.io/rhscl/nodejs-10-rhel7');
  assert.equal(viaAlias.metadata.resourceVersion, '13443', 'a stale stream answers 409');
  assert.throws(() => planImport({ namespace: 'openshift', stream: 'nodejs', tag: 'nope' }, nodejs), /the tag "nope" does not exist on the image stream/);
});

test('import-image --all sends spec.repository and checks the stream import spec', () => {
  assert.throws(
    () => planImport({ namespace: 'openshift', stream: 'nodejs', all: true, from: 'quay.io/x/y' }, nodejs),
    /does not currently import an entire Docker repository$/,
  );
  const isi = planImport({ namespace: 'p', stream: 's', all: true, from: 'quay.io/x/y', confirm: true }, undefined);
  assert.deepEqual(isi.spec.repository, {
    from: { kind: 'DockerImage', name: 'quay.io/x/y' },
    importPolicy: { importMode: 'Legacy' },
    referencePolicy: { type: 'Source' },
  });
  assert.equal(isi.spec.images, undefined);
  assert.throws(() => planImport({ namespace: 'p', stream: 's', all: true, tag: 'x' }, undefined), UsageError);
  const again = planImport({ namespace: 'openshift', stream: 'nodejs', all: true }, nodejs);
  assert.deepEqual(
    again.spec.images?.map((i) => [i.from.name, i.to?.name]),
    [['registry.redhat.io/rhscl/nodejs-10-rhel7', '10-SCL']],
    '--all without --from re-imports the external tags',
  );
});

test('subjects: users, groups and service accounts as oc names them', () => {
  assert.deepEqual(parseSubject('alice'), { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' });
  assert.deepEqual(parseSubject('devs', 'Group'), { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' });
  assert.deepEqual(parseSubject('system:serviceaccount:ci:builder'), { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' });
  assert.deepEqual(parseSubject('deployer', 'ServiceAccount', 'p'), { kind: 'ServiceAccount', name: 'deployer', namespace: 'p' });
  assert.equal(subjectLabel({ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }), 'system:serviceaccount:ci:builder');
});

test('tag names and source kinds', () => {
  validateTagName('v1.2_3-rc');
  assert.throws(() => validateTagName('-bad'), UsageError);
  assert.throws(() => validateTagName('a'.repeat(129)), UsageError);
  assert.throws(() => validateTagName('with:colon'), UsageError);
  assert.equal(guessSourceKind('quay.io/a/b:1'), 'DockerImage');
  assert.equal(guessSourceKind('ruby:3.3'), 'ImageStreamTag');
  assert.equal(guessSourceKind('ruby@sha256:abc'), 'ImageStreamImage');
});

test('docker-registry secret content is what oc writes', () => {
  const json = JSON.parse(dockerConfigJson('quay.io', 'u', 'p:w').toString());
  assert.deepEqual(json, { auths: { 'quay.io': { username: 'u', password: 'p:w', auth: Buffer.from('u:p:w').toString('base64') } } });
});

test('an OAuth token is revoked by the name the server stores it under', () => {
  // sha256("abc") = ba7816bf...15ad, in unpadded base64url.
  assert.equal(oauthTokenObjectName('sha256~abc'), 'sha256~ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
});
