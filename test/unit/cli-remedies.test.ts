// The CLI's hints after a failure: phrased as flags of the verb that failed, never one it would refuse.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AuthenticationError, NetworkError, RegxError, TlsError, UntrustedCertificateError } from '../../src/core/errors';
import type { ErrorReason } from '../../src/core/errors';
import { commands } from '../../src/cli/commands/index';
import { noteRegistrySide, remediesFor } from '../../src/cli/remedies';
import type { RegistrySides } from '../../src/cli/remedies';

const host = 'reg.example.com:5000';
const reasons: ErrorReason[] = [
  'auth-required',
  'auth-refused',
  'tls-untrusted',
  'tls-hostname',
  'tls-expired',
  'tls-failed',
  'no-matching-platform',
  'confirmation-required',
  'keychain',
  'unreachable',
  'not-found',
  'referrers-invalidated',
];

function errorFor(reason: ErrorReason): RegxError {
  if (reason === 'auth-required' || reason === 'auth-refused') return new AuthenticationError('x', host, reason);
  if (reason === 'tls-untrusted') return new UntrustedCertificateError('x', host, undefined, undefined);
  if (reason === 'tls-hostname' || reason === 'tls-expired' || reason === 'tls-failed') return new TlsError('x', host, { reason });
  if (reason === 'unreachable') return new NetworkError('x', { reason });
  return new RegxError(reason, 'x');
}

test('every hint of every verb names only flags that verb accepts', () => {
  for (const command of commands) {
    const accepted = new Set((command.flags ?? []).map((f) => `--${f.name}`));
    for (const reason of reasons) {
      for (const line of remediesFor(errorFor(reason), command.flags ?? [])) {
        for (const flag of line.match(/--[a-z][a-z0-9.-]*/g) ?? [])
          assert.ok(accepted.has(flag), `regx ${command.name} hints ${flag} for ${reason}, which it refuses: ${line}`);
      }
    }
  }
});

test('a copy hint names the side whose registry failed', () => {
  const copy = commands.find((c) => c.name === 'copy');
  assert.ok(copy?.flags);
  const sides: RegistrySides = new Map();
  noteRegistrySide(sides, 'src.example.com', 'src-');
  noteRegistrySide(sides, host, 'dest-');
  const [auth] = remediesFor(new AuthenticationError('x', host, 'auth-required'), copy.flags, sides);
  assert.equal(auth, `log in with \`regx login ${host}\`, or pass --dest-creds USERNAME:PASSWORD`);
  const tls = remediesFor(new UntrustedCertificateError('x', host, undefined, undefined), copy.flags, sides).join('\n');
  assert.match(tls, /--dest-cert-dir DIR/);
  assert.match(tls, /--dest-tls-verify=false/);
  assert.doesNotMatch(tls, /--src-/);
  // An error from a host no side was noted for: both sides are named, never the unprefixed flag.
  const unknown = remediesFor(new AuthenticationError('x', 'elsewhere', 'auth-required'), copy.flags, sides).join('\n');
  assert.match(unknown, /--src-creds \/ --dest-creds/);
});

test('inspect hints its own flags: --creds, --cert-dir, --tls-verify=false, the platform overrides and --raw', () => {
  const inspect = commands.find((c) => c.name === 'inspect');
  assert.ok(inspect?.flags);
  assert.match(
    remediesFor(new AuthenticationError('x', host, 'auth-refused'), inspect.flags)[0] ?? '',
    /^log in again with `regx login reg\.example\.com:5000`, or pass --creds USERNAME:PASSWORD$/,
  );
  assert.deepEqual(remediesFor(new UntrustedCertificateError('x', host, undefined, undefined), inspect.flags), [
    'trust its CA with --cert-dir DIR (a folder holding the CA certificate as ca.crt)',
    'or skip verification for this registry only with --tls-verify=false',
  ]);
  assert.match(remediesFor(new RegxError('no-matching-platform', 'x'), inspect.flags)[0] ?? '', /--override-os.*--platform.*--raw prints the index itself/);
  assert.deepEqual(remediesFor(new RegxError('not-found', 'x'), inspect.flags), []);
});
