import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readAuthFile, removeAllAuthEntries, removeAuthEntry, setAuthEntry } from '../../src/core/auth/authfile';
import { AuthFileError } from '../../src/core/errors';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'regx-authfile-'));
  roots.push(d);
  return d;
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('setAuthEntry creates the file 0600 in a 0700 directory, tab-indented like podman', async () => {
  const d = dir();
  const p = join(d, 'containers', 'auth.json');
  assert.equal(await setAuthEntry(p, 'localhost:5000', 'user', 'pa:ss'), p);
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.equal(statSync(join(d, 'containers')).mode & 0o777, 0o700);
  assert.equal(readFileSync(p, 'utf8'), `{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "${b64('user:pa:ss')}"\n\t\t}\n\t}\n}`);
});

test('other entries, credHelpers and unknown keys are kept; auths keys are sorted', async () => {
  const d = dir();
  const p = join(d, 'auth.json');
  writeFileSync(
    p,
    JSON.stringify({ auths: { 'z.example': { auth: b64('z:z'), email: 'z@z' } }, credHelpers: { 'gcr.io': 'gcloud' }, HttpHeaders: { 'User-Agent': 'x' } }),
    { mode: 0o644 },
  );
  await setAuthEntry(p, 'a.example', 'a', 'b');
  const doc = JSON.parse(readFileSync(p, 'utf8'));
  assert.deepEqual(Object.keys(doc.auths), ['a.example', 'z.example']);
  assert.deepEqual(doc.auths['z.example'], { auth: b64('z:z'), email: 'z@z' });
  assert.deepEqual(doc.credHelpers, { 'gcr.io': 'gcloud' });
  assert.deepEqual(doc.HttpHeaders, { 'User-Agent': 'x' });
  assert.equal(statSync(p).mode & 0o777, 0o600, 'rewritten files are 0600 whatever they were');
  await setAuthEntry(p, 'a.example', 'a2', 'b2');
  assert.equal(JSON.parse(readFileSync(p, 'utf8')).auths['a.example'].auth, b64('a2:b2'), 'a second login replaces the entry');
});

test('writes leave no temp files behind', async () => {
  const d = dir();
  const p = join(d, 'auth.json');
  for (let i = 0; i < 5; i++) await setAuthEntry(p, `r${i}.example`, 'u', 'p');
  await removeAuthEntry(p, 'r1.example');
  assert.deepEqual(readdirSync(d), ['auth.json']);
});

test('a malformed existing file is an error naming it, and is left untouched', async () => {
  const d = dir();
  const p = join(d, 'auth.json');
  const broken = '{"auths": {"keep.example": {"auth": "x"}';
  writeFileSync(p, broken);
  await assert.rejects(setAuthEntry(p, 'new.example', 'u', 'p'), (e: unknown) => e instanceof AuthFileError && e.message.includes(p));
  await assert.rejects(removeAuthEntry(p, 'keep.example'), AuthFileError);
  await assert.rejects(removeAllAuthEntries(p), AuthFileError);
  assert.equal(readFileSync(p, 'utf8'), broken);
  assert.deepEqual(readdirSync(d), ['auth.json']);
  writeFileSync(p, '[1,2]');
  await assert.rejects(readAuthFile(p), /not a JSON object/);
});

test('removeAuthEntry removes one login, says whether there was one, and creates nothing', async () => {
  const d = dir();
  const p = join(d, 'auth.json');
  await setAuthEntry(p, 'a.example', 'u', 'p');
  await setAuthEntry(p, 'b.example', 'u', 'p');
  assert.equal(await removeAuthEntry(p, 'a.example'), true);
  assert.equal(await removeAuthEntry(p, 'a.example'), false);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(p, 'utf8')).auths), ['b.example']);
  const missing = join(d, 'none.json');
  assert.equal(await removeAuthEntry(missing, 'a.example'), false);
  await removeAllAuthEntries(missing);
  assert.deepEqual(readdirSync(d).sort(), ['auth.json']);
});

test('removeAllAuthEntries empties auths and keeps the rest of the file', async () => {
  const d = dir();
  const p = join(d, 'auth.json');
  writeFileSync(p, JSON.stringify({ auths: { 'a.example': { auth: b64('u:p') } }, other: 1 }));
  await removeAllAuthEntries(p);
  assert.deepEqual(JSON.parse(readFileSync(p, 'utf8')), { auths: {}, other: 1 });
});
