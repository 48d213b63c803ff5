// Reading gpg's machine-readable secret key listing (what Sign Image... offers): the primary key's
// fingerprint (never a subkey's), user ids unescaped and cleaned, keys that cannot sign or are expired
// marked. The listing below is real gpg 2.2 output, with a second key added in the same format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSecretKeys } from '../../src/core/signing/gpg-keys';

const listing = [
  'sec:u:3072:1:90CD1F7AA8E79A0F:1796283198:::u:::scESC:::+:::23::0:',
  'fpr:::::::::18B53724B0952672BD663EDB90CD1F7AA8E79A0F:',
  'grp:::::::::16C1203B5CFBD978749069A6FD23845F83066B94:',
  'uid:u::::1796283198::FD2B84A97262B57411D9EED2592ACBD97F94365B::Ops\\x3a Release <ops@e>::::::::::0:',
  'ssb:u:3072:1:16A5AC14B969D390:1796283198::::::e:::+:::23:',
  'fpr:::::::::8B652B84249FD073046246BE16A5AC14B969D390:',
  'grp:::::::::1F39AAA4A5746B70D50D96A350989C8B2EC4B851:',
  'sec:e:255:22:1111222233334444:1600000000:1650000000::u:::cC:::+:::ed25519::0:',
  'fpr:::::::::AAAABBBBCCCCDDDDEEEEFFFF1111222233334444:',
  'uid:e::::1600000000::0000::Old \\x1b[31mkey\\x1b[0m <old@e>::::::::::0:',
  'uid:r::::1600000000::0001::Revoked uid <gone@e>::::::::::0:',
  '',
].join('\n');

test('secret keys: the primary fingerprint, user ids unescaped without control characters, whether each can sign', () => {
  assert.deepEqual(parseSecretKeys(listing), [
    { fingerprint: '18B53724B0952672BD663EDB90CD1F7AA8E79A0F', uids: ['Ops: Release <ops@e>'], canSign: true, unusable: false },
    // Expired ("e"), certify-only ("cC"): listed as such, and its revoked user id left out.
    { fingerprint: 'AAAABBBBCCCCDDDDEEEEFFFF1111222233334444', uids: ['Old [31mkey[0m <old@e>'], canSign: false, unusable: true },
  ]);
});

test('a listing with no secret keys, or not from gpg at all, gives none', () => {
  assert.deepEqual(parseSecretKeys(''), []);
  assert.deepEqual(parseSecretKeys('gpg: keybox created\nsec:u:1:1:X'), []);
});
