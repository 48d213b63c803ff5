import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseArgs, flagBool, flagString, flagList } from '../../src/cli/args';
import { UsageError } from '../../src/core/errors';

const specs = [
  { name: 'tls-verify', kind: 'boolean' as const },
  { name: 'username', short: 'u', kind: 'string' as const },
  { name: 'src-creds', kind: 'string' as const },
  { name: 'tag', kind: 'repeat' as const },
];

test('flags take skopeo spellings: --flag=false, --flag value, -u value', () => {
  const p = parseArgs(['--tls-verify=false', '-u', 'alice', '--src-creds=a:b:c', 'docker://x/y', '--tag', 'a', '--tag=b'], specs);
  assert.equal(flagBool(p, 'tls-verify', true), false);
  assert.equal(flagString(p, 'username'), 'alice');
  assert.equal(flagString(p, 'src-creds'), 'a:b:c', 'a value with colons is kept whole');
  assert.deepEqual(flagList(p, 'tag'), ['a', 'b']);
  assert.deepEqual(p.positional, ['docker://x/y']);
});

test('an unknown flag or a missing value is a usage error', () => {
  assert.throws(() => parseArgs(['--nope'], specs), UsageError);
  assert.throws(() => parseArgs(['--username'], specs), /needs a value/);
  assert.throws(() => parseArgs(['--tls-verify=maybe'], specs), /true or false/);
});

test('everything after -- is positional', () => {
  const p = parseArgs(['--', '--tls-verify'], specs);
  assert.deepEqual(p.positional, ['--tls-verify']);
});
