import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleBytes } from '../../test/meta.js';
import { signWebhook, signatureSha256, verifyWebhookSignature } from './webhook-signature.js';

// The published vector (../shared/meta/README.md): app secret `test_app_secret`, the exact bytes of two examples.
const VECTORS = [
  { file: 'webhook-inbound-text.json', bytes: 985, signature: 'sha256=1c041e1c07f50386213ac582d2e17d24d70f1ed42949a6e5a5607057b805b5fc' },
  { file: 'webhook-status-delivered.json', bytes: 899, signature: 'sha256=5b4715807517cfb5c1972707cb57d096b3f36a669e813b9215c09c1e6fa8e8fd' },
];

test('the published signature vectors verify over the exact example bytes', () => {
  for (const v of VECTORS) {
    const raw = exampleBytes(v.file);
    assert.equal(raw.length, v.bytes, `${v.file}: trailing newline included`);
    assert.equal(signatureSha256('test_app_secret', raw), v.signature);
    assert.equal(verifyWebhookSignature('test_app_secret', raw, v.signature), true);
    assert.equal(verifyWebhookSignature('test_app_secret', raw, v.signature.toUpperCase().replace('SHA256=', 'sha256=')), true, 'hex case does not matter');
  }
});

test('anything else fails: other secret, changed or re-serialised body, other formats', () => {
  const raw = exampleBytes('webhook-inbound-text.json');
  const sig = VECTORS[0]!.signature;
  assert.equal(verifyWebhookSignature('other_secret', raw, sig), false);
  assert.equal(verifyWebhookSignature('test_app_secret', Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), sig), false, 're-serialised JSON is not the signed bytes');
  assert.equal(verifyWebhookSignature('test_app_secret', Buffer.concat([raw, Buffer.from(' ')]), sig), false);
  for (const bad of [undefined, '', sig.slice(7), 'sha1=' + sig.slice(7), sig.slice(0, -1), sig + '00', 'sha256=' + 'z'.repeat(64)]) {
    assert.equal(verifyWebhookSignature('test_app_secret', raw, bad), false, String(bad));
  }
});

test('several secrets: the platform app’s or the number’s own; empty secrets never match', () => {
  const raw = exampleBytes('webhook-status-delivered.json');
  assert.equal(verifyWebhookSignature(['number_secret', 'test_app_secret'], raw, VECTORS[1]!.signature), true);
  assert.equal(verifyWebhookSignature(['', 'x'], raw, signatureSha256('', raw)), false);
  const headers = signWebhook('test_app_secret', raw);
  assert.equal(headers['x-hub-signature-256'], VECTORS[1]!.signature);
  assert.match(headers['x-hub-signature']!, /^sha1=[0-9a-f]{40}$/);
});
