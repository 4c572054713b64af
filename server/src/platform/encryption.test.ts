import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecryptionError, createKeyring, decryptString, encryptString, masterKeyId, rewrapString, stringKeyId } from './encryption.js';

describe('envelope encryption of strings', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  test('round-trips, uses a fresh data key each time and hides the plaintext', () => {
    const ring = createKeyring(oldKey);
    const a = encryptString(ring, 'EAAG-secret-token', 'whatsapp:1');
    const b = encryptString(ring, 'EAAG-secret-token', 'whatsapp:1');
    assert.notEqual(a, b);
    assert.match(a, /^sk1\.[A-Za-z0-9_-]+$/);
    assert.ok(!a.includes('secret'));
    assert.equal(decryptString(ring, a, 'whatsapp:1'), 'EAAG-secret-token');
    assert.equal(stringKeyId(a), masterKeyId(oldKey));
  });

  test('refuses a tampered value, the wrong context and the wrong key', () => {
    const ring = createKeyring(oldKey);
    const value = encryptString(ring, 'ABCPE1234F', 'kyc.pan:u1');
    const raw = Buffer.from(value.slice(4), 'base64url');
    raw[raw.length - 20] = raw[raw.length - 20]! ^ 1;
    assert.throws(() => decryptString(ring, 'sk1.' + raw.toString('base64url'), 'kyc.pan:u1'), DecryptionError);
    assert.throws(() => decryptString(ring, value, 'kyc.pan:u2'), DecryptionError, 'moved to another row');
    assert.throws(() => decryptString(createKeyring(newKey), value, 'kyc.pan:u1'), /not configured/);
    assert.throws(() => decryptString(ring, 'plain text'), DecryptionError);
  });

  test('key rotation: old values stay readable with MASTER_KEY_PREVIOUS and re-wrap to the new key', () => {
    const before = createKeyring(oldKey);
    const value = encryptString(before, 'token-123', 'ctx');
    const rotated = createKeyring(newKey, [oldKey]);
    assert.equal(decryptString(rotated, value, 'ctx'), 'token-123');
    const rewrapped = rewrapString(rotated, value, 'ctx');
    assert.ok(rewrapped);
    assert.equal(stringKeyId(rewrapped), masterKeyId(newKey));
    assert.equal(rewrapString(rotated, rewrapped, 'ctx'), null, 'already current');
    // Once re-wrapped, the old key can go.
    assert.equal(decryptString(createKeyring(newKey), rewrapped, 'ctx'), 'token-123');
  });
});
