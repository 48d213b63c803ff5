import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { osKeychain } from '../../src/core/auth/keychain';
import { KeychainError } from '../../src/core/errors';

test(
  'without a D-Bus session bus the keychain says plainly that there is none',
  { skip: process.platform !== 'linux' && 'Secret Service is Linux only' },
  async () => {
    const kc = osKeychain('regx-unit', {});
    for (const op of [() => kc.get('r.example'), () => kc.set('r.example', 'u', 'p'), () => kc.delete('r.example')]) {
      await assert.rejects(op(), (e: unknown) => e instanceof KeychainError && /^no OS keychain available: no D-Bus session bus/.test(e.message));
    }
  },
);
