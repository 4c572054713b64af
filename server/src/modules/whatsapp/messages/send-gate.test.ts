import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { captureServer } from '../../../test/meta.js';
import { sendKit, type SendKit } from './test-fixtures.js';

/**
 * The send gate keeps checked keys and resolved numbers in memory (send-http.ts, README "Hot path").
 * A change that must stop sending reaches it through the wa_send_gate notification, whoever makes the
 * change — here plain SQL, as an admin tool would — so the next sends are refused without waiting for
 * the cache to expire. On PostgreSQL the notice crosses a connection: the test allows it two seconds,
 * far below the 30 s the entries would otherwise live.
 */

const text = (from: string) => ({ from, to: '16505551201', type: 'text', text: { body: 'Hello' } });
const codeOf = (r: LightMyRequestResponse) => (r.json() as { error: { code: string } }).error.code;

describe('send gate caches', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let s: SendKit;

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    s = sendKit(t, hook);
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  /** Sends until the answer is not 200 (at most 2 s); returns that answer. */
  async function untilRefused(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
    const until = Date.now() + 2000;
    for (;;) {
      const r = await send();
      if (r.statusCode !== 200 || Date.now() > until) return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  test('a revoked key, a disconnected number and a suspended account stop sending at once, cached or not', async () => {
    const tenantId = await s.tenant();
    const c = await s.connect(tenantId);
    await s.openWindow(c, '16505551201');
    const [revoked, other, third] = [await s.apiKey(tenantId), await s.apiKey(tenantId), await s.apiKey(tenantId)];
    // Each key and the number are in the caches now.
    for (const key of [revoked, other, third]) assert.equal((await s.v1(key, text(c.number.id))).statusCode, 200);

    await t.db.query('UPDATE api_keys SET revoked_at = now() WHERE prefix = $1', [revoked.split('_')[1]]);
    const afterRevoke = await untilRefused(() => s.v1(revoked, text(c.number.id)));
    assert.equal(afterRevoke.statusCode, 401, afterRevoke.body);
    assert.equal(codeOf(afterRevoke), 'invalid_api_key');
    assert.equal((await s.v1(other, text(c.number.id))).statusCode, 200, 'other keys go on');

    await t.db.query("UPDATE wa_numbers SET status = 'disconnected', disconnected_at = now() WHERE id = $1", [c.number.id]);
    const afterDisconnect = await untilRefused(() => s.v1(other, text(c.number.id)));
    assert.equal(afterDisconnect.statusCode, 404, afterDisconnect.body);

    const second = await s.connect(tenantId);
    await s.openWindow(second, '16505551201');
    assert.equal((await s.v1(third, text(second.number.id))).statusCode, 200);
    await t.db.query("UPDATE users SET status = 'suspended' WHERE id = $1", [tenantId]);
    const afterSuspend = await untilRefused(() => s.v1(third, text(second.number.id)));
    assert.equal(afterSuspend.statusCode, 401, afterSuspend.body);
  });

  test('a key whose expiry passes while it is cached stops at its expiry', async () => {
    const tenantId = await s.tenant();
    const c = await s.connect(tenantId);
    await s.openWindow(c, '16505551201');
    const key = await s.apiKey(tenantId);
    // Set before first use, so no change notice is involved: only the cached expiry can stop it.
    await t.db.query("UPDATE api_keys SET expires_at = now() + interval '1 second' WHERE prefix = $1", [key.split('_')[1]]);
    assert.equal((await s.v1(key, text(c.number.id))).statusCode, 200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const r = await s.v1(key, text(c.number.id));
    assert.equal(r.statusCode, 401, r.body);
  });
});
