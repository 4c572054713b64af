import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateSecret, metaSignature, secretKey, signatureHeader, standardSignature } from './signing.js';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'evt_x', type: 'message.received', data: { text: 'नमस्ते' } });
  const now = Math.floor(Date.now() / 1000);

  test('secrets are whsec_ and the base64 of 32 random bytes', () => {
    const a = generateSecret();
    assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(secretKey(a).length, 32);
    assert.notEqual(generateSecret(), a);
  });

  test('the reference standardwebhooks package verifies what we sign, and refuses a changed body or id', () => {
    const secret = generateSecret();
    const headers = { 'webhook-id': 'evt_abc', 'webhook-timestamp': String(now), 'webhook-signature': signatureHeader([secret], 'evt_abc', now, body) };
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.throws(() => new Webhook(secret).verify(body + ' ', headers));
    assert.throws(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_abd' }));
    assert.throws(() => new Webhook(generateSecret()).verify(body, headers));
    // Byte for byte what the reference signs.
    assert.equal(standardSignature(secret, 'evt_abc', now, body), new Webhook(secret).sign('evt_abc', new Date(now * 1000), body));
  });

  test('during a rotation both secrets sign, space-separated, and either one verifies', () => {
    const current = generateSecret();
    const previous = generateSecret();
    const header = signatureHeader([current, previous], 'evt_r', now, body);
    assert.equal(header.split(' ').length, 2);
    const headers = { 'webhook-id': 'evt_r', 'webhook-timestamp': String(now), 'webhook-signature': header };
    assert.ok(new Webhook(current).verify(body, headers));
    assert.ok(new Webhook(previous).verify(body, headers));
    assert.throws(() => new Webhook(generateSecret()).verify(body, headers));
  });

  test('Meta format: sha256= and the hex HMAC of the body keyed with the secret text, as Meta apps check it', () => {
    const secret = generateSecret();
    const expected = 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
    assert.equal(metaSignature(secret, body), expected);
    assert.notEqual(metaSignature(secret, body + ' '), expected);
  });
});
