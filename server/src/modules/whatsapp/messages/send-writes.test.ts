import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testPlatform, type TestPlatform } from '../../../test/harness.js';
import { captureServer } from '../../../test/meta.js';
import { CreditLeases } from '../../wallet/credit-leases.js';
import type { NewOutbound } from './outbound.repo.js';
import { createSendWriter, type SendWriter } from './send-writes.js';
import { sendKit, type Connected } from './test-fixtures.js';

/**
 * wa_send_write (migration 0025) against the rows send-writes.ts builds: every column arrives, the
 * reserves of new sends and the answers of earlier ones go in one call, a bad write fails alone,
 * status reports that overtook an answer are reported pending, and an answer finds its message by
 * primary key however much the log grew since the function's plans were made (migration 0026).
 */
describe('send writes: reserves and Meta’s answers in one call', () => {
  let t: TestPlatform;
  let hook: Awaited<ReturnType<typeof captureServer>>;
  let c: Connected;
  let keyId: string;
  let holdId: string;
  let writes: SendWriter;
  let calls: string[];

  before(async () => {
    hook = await captureServer();
    t = await testPlatform({ env: { META_SANDBOX_WEBHOOK_URL: hook.url } });
    const s = sendKit(t, hook);
    c = await s.connect(await s.tenant(100_000));
    await s.apiKey(c.tenantId);
    keyId = (await t.db.query<{ id: string }>('SELECT id FROM api_keys WHERE tenant_id = $1', [c.tenantId]))[0]!.id;
    const leases = new CreditLeases(t.db, { blockPaise: 10_000, ttlSeconds: 300, marginSeconds: 60 });
    holdId = (await leases.take(c.tenantId, 1)).holdId;
    // Counts the calls that reach the database, to see what went together.
    calls = [];
    const db = { ...t.db, query: (sql: string, params?: readonly unknown[]) => (calls.push(sql), t.db.query(sql, params)) } as typeof t.db;
    writes = createSendWriter(db, { concurrency: 1 });
  });
  after(async () => {
    await t.close();
    await hook.close();
  });

  const message = (over: Partial<NewOutbound> = {}): NewOutbound => ({
    id: randomUUID(),
    tenantId: c.tenantId,
    numberId: c.number.id,
    waId: '919800000001',
    type: 'text',
    content: { messaging_product: 'whatsapp', to: '919800000001', type: 'text', text: { body: 'नमस्ते 🙏 "quoted"' } },
    templateName: null,
    templateLanguage: null,
    category: 'service',
    mediaRef: null,
    contextWamid: null,
    bizOpaque: null,
    reservedPaise: 14,
    holdId,
    source: 'api',
    apiKeyId: keyId,
    sentBy: null,
    ...over,
  });
  const activity = (id: string) => ({
    actor: { type: 'api_key' as const, keyId, userId: c.tenantId },
    meta: { ip: '203.0.113.9', userAgent: 'sdk/1.0', requestId: `req-${id}` },
    entry: { action: 'whatsapp.message_sent', subjectUserId: c.tenantId, object: { type: 'wa_message', id }, details: { source: 'api', pricePaise: 14 } },
  });
  const reserve = (m: NewOutbound) => writes.reserve({ usage: m.reservedPaise ? { holdId, amount: m.reservedPaise, reference: `wa:${m.id}` } : null, message: m, activity: activity(m.id) });

  test('every column of the message row, its activity record and its lease usage arrives', async () => {
    const m = message({
      type: 'template',
      templateName: 'order_ready',
      templateLanguage: 'hi',
      category: 'utility',
      mediaRef: 'https://example.com/a.jpg',
      contextWamid: 'wamid.CONTEXT',
      bizOpaque: 'customer-ref-1',
      source: 'automation',
      sentBy: c.tenantId,
    });
    await reserve(m);
    const [row] = await t.db.query<Record<string, unknown>>('SELECT * FROM wa_messages WHERE id = $1', [m.id]);
    assert.deepEqual(
      {
        tenant: row!.tenant_id, number: row!.number_id, waId: row!.wa_id, type: row!.type, content: row!.content, template: row!.template_name,
        language: row!.template_language, category: row!.category, media: row!.media_ref, context: row!.context_wamid, opaque: row!.biz_opaque_callback_data,
        reserved: Number(row!.reserved_paise), billing: row!.billing_state, hold: row!.hold_id, source: row!.source, key: row!.api_key_id, by: row!.sent_by,
        direction: row!.direction, status: row!.status, wamid: row!.wamid,
      },
      {
        tenant: c.tenantId, number: c.number.id, waId: m.waId, type: 'template', content: m.content, template: 'order_ready',
        language: 'hi', category: 'utility', media: 'https://example.com/a.jpg', context: 'wamid.CONTEXT', opaque: 'customer-ref-1',
        reserved: 14, billing: 'reserved', hold: holdId, source: 'automation', key: keyId, by: c.tenantId,
        direction: 'outbound', status: 'queued', wamid: null,
      },
    );
    const [a] = await t.db.query<Record<string, unknown>>("SELECT * FROM activity_log WHERE object_id = $1 AND action = 'whatsapp.message_sent'", [m.id]);
    assert.deepEqual(
      { type: a!.actor_type, actor: a!.actor_id, subject: a!.subject_user_id, objectType: a!.object_type, outcome: a!.outcome, ip: a!.ip, ua: a!.user_agent, request: a!.request_id, details: a!.details },
      { type: 'api_key', actor: keyId, subject: c.tenantId, objectType: 'wa_message', outcome: 'success', ip: '203.0.113.9', ua: 'sdk/1.0', request: `req-${m.id}`, details: { source: 'api', pricePaise: 14 } },
    );
    const usage = await t.db.query<{ hold_id: string; amount: number }>('SELECT hold_id, amount::int AS amount FROM ledger_lease_usage WHERE reference = $1', [`wa:${m.id}`]);
    assert.deepEqual(usage, [{ hold_id: holdId, amount: 14 }]);

    const free = message({ reservedPaise: 0, holdId: null });
    await reserve(free);
    const [f] = await t.db.query<{ billing_state: string }>('SELECT billing_state FROM wa_messages WHERE id = $1', [free.id]);
    assert.equal(f!.billing_state, 'none');
    assert.equal((await t.db.query('SELECT 1 FROM ledger_lease_usage WHERE reference = $1', [`wa:${free.id}`])).length, 0);
  });

  test('new reserves and earlier answers waiting together go in one call', async () => {
    const first = message();
    await reserve(first);
    const second = message();
    calls.length = 0;
    const [, answer] = await Promise.all([reserve(second), writes.accept(first.id, `wamid.${first.id}`)]);
    assert.equal(calls.length, 1);
    assert.deepEqual(answer, { pending: false });
    const rows = await t.db.query<{ id: string; status: string; wamid: string | null }>('SELECT id, status, wamid FROM wa_messages WHERE id = ANY($1::uuid[]) ORDER BY status', [[first.id, second.id]]);
    assert.deepEqual(rows, [
      { id: first.id, status: 'accepted', wamid: `wamid.${first.id}` },
      { id: second.id, status: 'queued', wamid: null },
    ]);
  });

  test('a write that fails fails alone: the others of its group are written', async () => {
    const good = message();
    const taken = message();
    await reserve(taken);
    calls.length = 0;
    const results = await Promise.allSettled([reserve(good), reserve({ ...message(), id: taken.id }), writes.accept(taken.id, `wamid.${taken.id}`)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok(calls.length > 1, 'the group was tried item by item');
    const [g] = await t.db.query<{ status: string }>('SELECT status FROM wa_messages WHERE id = $1', [good.id]);
    assert.equal(g!.status, 'queued');
    const [a] = await t.db.query<{ status: string }>('SELECT status FROM wa_messages WHERE id = $1', [taken.id]);
    assert.equal(a!.status, 'accepted');
  });

  test('a status report that arrived before the answer is reported pending; a later status is never moved back', async () => {
    const m = message();
    await reserve(m);
    const wamid = `wamid.early-${m.id}`;
    await t.db.query("INSERT INTO wa_status_events (wamid, status, occurred_at) VALUES ($1, 'delivered', now())", [wamid]);
    assert.deepEqual(await writes.accept(m.id, wamid), { pending: true });

    const moved = message();
    await reserve(moved);
    await t.db.query("UPDATE wa_messages SET status = 'read' WHERE id = $1", [moved.id]);
    assert.deepEqual(await writes.accept(moved.id, `wamid.${moved.id}`), { pending: false });
    const [r] = await t.db.query<{ status: string; wamid: string }>('SELECT status, wamid FROM wa_messages WHERE id = $1', [moved.id]);
    assert.deepEqual(r, { status: 'read', wamid: `wamid.${moved.id}` });
  });

  test('an answer looks its message up by primary key, not by reading the whole log, however much it grew', async () => {
    // The function's plans are made and kept while the log is small…
    for (let i = 0; i < 8; i++) {
      const m = message();
      await reserve(m);
      await writes.accept(m.id, `wamid.${m.id}`);
    }
    // …then it grows by thousands of messages (as a day of sending would).
    await t.db.query(
      `INSERT INTO wa_messages (tenant_id, number_id, wa_id, type, content, source, direction, status)
       SELECT $1, $2, '919800000001', 'text', '{}', 'api', 'outbound', 'accepted' FROM generate_series(1, 3000)`,
      [c.tenantId, c.number.id],
    );
    const seqScans = async () => {
      await t.db.query('SELECT pg_stat_force_next_flush()');
      const [r] = await t.db.query<{ n: number }>("SELECT seq_scan::int AS n FROM pg_stat_user_tables WHERE relname = 'wa_messages'");
      return r!.n;
    };
    const before = await seqScans();
    for (let i = 0; i < 4; i++) {
      const m = message();
      await reserve(m);
      assert.deepEqual(await writes.accept(m.id, `wamid.${m.id}`), { pending: false });
    }
    assert.equal(await seqScans(), before);
  });
});
