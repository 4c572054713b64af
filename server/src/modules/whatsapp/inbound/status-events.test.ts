import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser, testPlatform, type TestPlatform } from '../../../test/harness.js';
import { connectNumber, fundWallet, messageState, outboundMessage, postWebhook, pricing, processWebhooks, statusWebhook, walletBalance, type ConnectedNumber } from '../../../test/whatsapp.js';
import { applyStatusEvents } from './status-events.js';

describe('status reports: forward only, waiting for their message, consent from 131050', () => {
  let t: TestPlatform;
  let n: ConnectedNumber;
  let tenantId: string;

  before(async () => {
    t = await testPlatform();
    tenantId = (await registerUser(t.app, 'statuses')).id;
    n = await connectNumber(t, tenantId, { phoneNumberId: '310000000000001', wabaId: '310000000000002' });
    await fundWallet(t, tenantId, 100_000);
  });
  after(() => t.close());

  const report = async (statuses: Record<string, unknown>[]) => {
    const res = await postWebhook(t, statusWebhook(n.phoneNumberId, n.wabaId, statuses.map((s) => ({ recipient_id: '919812345678', timestamp: '1790000000', ...s }))));
    assert.equal(res.statusCode, 200, res.body);
    await processWebhooks(t);
  };

  test('a report that overtakes the send waits, and is applied when the send path records the wamid', async () => {
    await report([
      { id: 'wamid.early', status: 'sent', timestamp: '1790000001', pricing: pricing('marketing') },
      { id: 'wamid.early', status: 'delivered', timestamp: '1790000002' },
    ]);
    const waiting = await t.db.query<{ status: string; applied_at: Date | null }>("SELECT status, applied_at FROM wa_status_events WHERE wamid = 'wamid.early' ORDER BY status");
    assert.deepEqual(waiting.map((w) => [w.status, w.applied_at]), [['delivered', null], ['sent', null]]);

    // The send path: the message was written before the Graph call, the wamid recorded after it.
    const id = await outboundMessage(t, n, { waId: '919812345678', reservePaise: 104 });
    const applied = await t.db.tx(async (tx) => {
      await tx.query(`UPDATE wa_messages SET wamid = 'wamid.early', status = 'accepted' WHERE id = $1`, [id]);
      return applyStatusEvents(tx, 'wamid.early');
    });
    assert.equal(applied?.status, 'delivered');
    assert.equal(applied?.settled.length, 1);
    const m = await messageState(t, id);
    assert.equal(m.status, 'delivered');
    assert.equal(m.billing_state, 'charged');
    assert.equal(m.sent_at!.toISOString(), new Date(1790000001000).toISOString());
    assert.equal((await t.db.query("SELECT 1 FROM wa_status_events WHERE wamid = 'wamid.early' AND applied_at IS NULL")).length, 0);
    assert.equal(await t.db.tx((tx) => applyStatusEvents(tx, 'wamid.unknown')), null, 'no message: nothing to apply');
  });

  test('a send whose answer never came finds its message through the id in biz_opaque_callback_data', async () => {
    const id = await outboundMessage(t, n, { waId: '919812345678', reservePaise: 104 });
    await report([{ id: 'wamid.timeout', status: 'sent', timestamp: '1790000003', biz_opaque_callback_data: `seva:msg:${id}`, pricing: pricing('marketing') }]);
    const m = await messageState(t, id);
    assert.equal(m.status, 'sent');
    assert.equal(m.billing_state, 'charged');
    assert.equal((await t.db.query<{ wamid: string }>('SELECT wamid FROM wa_messages WHERE id = $1', [id]))[0]!.wamid, 'wamid.timeout');
    // Another number's message cannot be claimed that way.
    const other = await connectNumber(t, tenantId, { phoneNumberId: '310000000000009', wabaId: '310000000000002' });
    const theirs = await outboundMessage(t, other, { waId: '919812345678' });
    await report([{ id: 'wamid.claim', status: 'read', biz_opaque_callback_data: `seva:msg:${theirs}` }]);
    assert.equal((await messageState(t, theirs)).status, 'queued');
  });

  test('the minute sweep applies reports whose message learnt its wamid without applying them', async () => {
    await report([{ id: 'wamid.swept', status: 'read', timestamp: '1790000005' }]);
    const id = await outboundMessage(t, n, { waId: '919812345678', wamid: 'wamid.swept' });
    const processor = t.platform.services.whatsappInbox.inbound.processor;
    assert.equal(await processor.sweepStatuses(), 0, 'too recent: the send path may still be applying it');
    await t.db.query("UPDATE wa_status_events SET received_at = now() - interval '2 minutes' WHERE wamid = 'wamid.swept'");
    assert.equal(await processor.sweepStatuses(), 1);
    assert.equal((await messageState(t, id)).status, 'read');
    assert.equal(await processor.sweepStatuses(), 0);
  });

  test('delivered after failed moves on; failed after delivered and old reports move nothing back', async () => {
    const a = await outboundMessage(t, n, { waId: '919812345678', wamid: 'wamid.order.a' });
    await report([{ id: 'wamid.order.a', status: 'failed', timestamp: '1790000010', errors: [{ code: 131000, title: 'Something went wrong', message: 'x', error_data: { details: 'y' } }] }]);
    assert.equal((await messageState(t, a)).status, 'failed');
    await report([{ id: 'wamid.order.a', status: 'delivered', timestamp: '1790000020' }]);
    let m = await messageState(t, a);
    assert.equal(m.status, 'delivered');
    assert.ok(m.failed_at, 'the failure stays in the record');
    assert.equal(m.error_code, 131000);
    await report([{ id: 'wamid.order.a', status: 'sent', timestamp: '1790000005' }]);
    m = await messageState(t, a);
    assert.equal(m.status, 'delivered', 'a late sent does not move it back');
    assert.ok(m.sent_at);

    const b = await outboundMessage(t, n, { waId: '919812345678', wamid: 'wamid.order.b' });
    await report([{ id: 'wamid.order.b', status: 'delivered', timestamp: '1790000030' }]);
    await report([{ id: 'wamid.order.b', status: 'failed', timestamp: '1790000040', errors: [{ code: 131026, title: 'x' }] }]);
    m = await messageState(t, b);
    assert.equal(m.status, 'delivered');
    assert.equal(m.error_code, null, 'a failure after delivery is kept as an event only');
    // Voice notes are "played": the audio form of read. Unknown statuses are stored, nothing moves.
    await report([{ id: 'wamid.order.b', status: 'played', timestamp: '1790000050' }, { id: 'wamid.order.b', status: 'warning', timestamp: '1790000060' }]);
    m = await messageState(t, b);
    assert.equal(m.status, 'read');
    const events = await t.db.query<{ status: string; applied_at: Date | null }>("SELECT status, applied_at FROM wa_status_events WHERE wamid = 'wamid.order.b' ORDER BY id");
    assert.deepEqual(events.map((e) => e.status), ['delivered', 'failed', 'played', 'warning']);
    assert.ok(events.every((e) => e.applied_at));
  });

  test('failed with 131050: the person stopped marketing, recorded as their consent with the message; the reserve refunded', async () => {
    const before = await walletBalance(t, tenantId);
    const id = await outboundMessage(t, n, { waId: '919800000050', wamid: 'wamid.131050', reservePaise: 104 });
    await report([
      {
        id: 'wamid.131050',
        status: 'failed',
        recipient_id: '919800000050',
        timestamp: '1790000070',
        errors: [{ code: 131050, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', message: 'x', error_data: { details: 'y' } }],
      },
    ]);
    assert.equal(await walletBalance(t, tenantId), before);
    const [c] = await t.db.query<{ id: string; marketing_opted_out_at: Date | null }>('SELECT id, marketing_opted_out_at FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [tenantId, '919800000050']);
    assert.equal(c!.marketing_opted_out_at?.toISOString(), new Date(1790000070 * 1000).toISOString());
    const [e] = await t.db.query<{ action: string; source: string; message_id: string; actor_type: string }>('SELECT action, source, message_id, actor_type FROM wa_consent_events WHERE contact_id = $1', [c!.id]);
    assert.deepEqual({ ...e }, { action: 'marketing_stop', source: 'meta_131050', message_id: id, actor_type: 'system' });
    const [log] = await t.db.query<{ actor_type: string; subject_user_id: string }>("SELECT actor_type, subject_user_id FROM activity_log WHERE action = 'whatsapp.contact_marketing_stopped' AND object_id = $1", [c!.id]);
    assert.deepEqual({ ...log }, { actor_type: 'system', subject_user_id: tenantId });
  });
});
