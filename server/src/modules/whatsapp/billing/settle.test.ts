import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerUser, testPlatform, type TestPlatform } from '../../../test/harness.js';
import {
  connectNumber,
  fundWallet,
  messageState,
  outboundMessage,
  postWebhook,
  pricing,
  processWebhooks,
  statusWebhook,
  walletBalance,
  type ConnectedNumber,
} from '../../../test/whatsapp.js';
import { placeHold } from '../../wallet/holds.js';
import { isBillable, settlementFor } from './settle.js';

// India's prices from 0011: marketing 104 paise, utility / authentication / service 14.
const MARKETING = 104;
const UTILITY = 14;

describe('settlementFor (pure)', () => {
  const reserved = { billing_state: 'reserved' as const, failed_at: null, pricing_type: null, pricing_category: null };
  test('pricing decides: regular charges, free types release, failure without pricing releases', () => {
    assert.equal(settlementFor(reserved, 'sent', { type: 'regular', category: 'marketing', billable: true }, 'sent'), 'charge');
    assert.equal(settlementFor(reserved, 'delivered', { type: 'free_customer_service', category: 'service', billable: false }, 'delivered'), 'release');
    assert.equal(settlementFor(reserved, 'sent', { type: 'free_entry_point', category: 'marketing', billable: false }, 'sent'), 'release');
    assert.equal(settlementFor(reserved, 'failed', null, 'failed'), 'release');
    assert.equal(settlementFor(reserved, 'read', null, 'read'), null, 'no pricing, no failure: wait');
    assert.equal(settlementFor(reserved, 'failed', null, 'delivered'), null, 'a failure after delivery changes nothing');
  });
  test('settled messages stay settled; a failed and released one is charged when Meta delivers it after all', () => {
    assert.equal(settlementFor({ ...reserved, billing_state: 'charged' }, 'delivered', { type: 'regular', category: 'marketing', billable: true }, 'delivered'), null);
    const released = { billing_state: 'released' as const, failed_at: new Date(), pricing_type: null, pricing_category: null };
    assert.equal(settlementFor(released, 'delivered', { type: 'regular', category: 'utility', billable: true }, 'delivered'), 'rebill');
    assert.equal(settlementFor(released, 'delivered', null, 'delivered'), null, 'without billable pricing nothing to charge');
    assert.equal(settlementFor({ ...released, pricing_type: 'regular', pricing_category: 'utility' }, 'read', null, 'read'), 'rebill');
    assert.equal(settlementFor({ ...released, failed_at: null }, 'delivered', { type: 'regular', category: 'utility', billable: true }, 'delivered'), null, 'released as free: done');
  });
  test('billable: regular yes, free_* no, unknown types by the billable flag', () => {
    assert.equal(isBillable({ type: 'regular', category: null, billable: null }), true);
    assert.equal(isBillable({ type: 'free_group_customer_service', category: null, billable: true }), false);
    assert.equal(isBillable({ type: 'something_new', category: null, billable: true }), true);
    assert.equal(isBillable({ type: 'something_new', category: null, billable: null }), false);
  });
});

describe('settling reserves from Meta’s status reports', () => {
  let t: TestPlatform;
  let n: ConnectedNumber;
  let seq = 0;
  const START = 10_000;

  before(async () => {
    t = await testPlatform();
  });
  after(() => t.close());

  /** A fresh tenant with a funded wallet and a number, so each test's balance stands alone. */
  async function tenant(funds = START) {
    const user = await registerUser(t.app, 'biller');
    seq++;
    const phone = String(100000000000000 + seq * 7919);
    n = await connectNumber(t, user.id, { phoneNumberId: phone, wabaId: String(200000000000000 + seq) });
    if (funds) await fundWallet(t, user.id, funds);
    return user.id;
  }

  const report = async (wamid: string, statuses: Record<string, unknown>[]) => {
    const res = await postWebhook(t, statusWebhook(n.phoneNumberId, n.wabaId, statuses.map((s) => ({ id: wamid, recipient_id: '919876543210', timestamp: '1790000000', ...s }))));
    assert.equal(res.statusCode, 200, res.body);
    await processWebhooks(t);
  };

  const transfersOf = (messageId: string) =>
    t.db.query<{ kind: string; idempotency_key: string }>("SELECT kind, idempotency_key FROM ledger_transfers WHERE metadata->>'messageId' = $1 ORDER BY created_at", [messageId]);

  test('regular at the reserved category: charged as reserved, nothing moves', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.same', reservePaise: MARKETING });
    assert.equal(await walletBalance(t, tenantId), START - MARKETING);
    await report('wamid.same', [{ status: 'sent', pricing: pricing('marketing') }]);
    const m = await messageState(t, id);
    assert.equal(m.billing_state, 'charged');
    assert.equal(m.charged_paise, MARKETING);
    assert.equal(await walletBalance(t, tenantId), START - MARKETING);
    assert.deepEqual(await transfersOf(id), []);
  });

  test('a cheaper category: the difference is refunded to the wallet', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.lower', reservePaise: MARKETING });
    await report('wamid.lower', [{ status: 'sent', pricing: pricing('utility') }]);
    const m = await messageState(t, id);
    assert.equal(m.billing_state, 'charged');
    assert.equal(m.charged_paise, UTILITY);
    assert.equal(m.pricing_category, 'utility');
    assert.equal(await walletBalance(t, tenantId), START - UTILITY);
    assert.deepEqual(await transfersOf(id), [{ kind: 'refund', idempotency_key: `wa-settle:${id}` }]);
  });

  test('a dearer category: the difference is charged', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.higher', reservePaise: UTILITY, category: 'utility' });
    await report('wamid.higher', [{ status: 'delivered', pricing: pricing('marketing') }]);
    const m = await messageState(t, id);
    assert.equal(m.charged_paise, MARKETING);
    assert.equal(await walletBalance(t, tenantId), START - MARKETING);
    assert.deepEqual(await transfersOf(id), [{ kind: 'debit', idempotency_key: `wa-settle:${id}` }]);
  });

  test('a dearer category than the wallet can pay: what is there is charged, never below zero, the shortfall recorded', async () => {
    const tenantId = await tenant(50);
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.short', reservePaise: UTILITY, category: 'utility' });
    assert.equal(await walletBalance(t, tenantId), 36);
    await report('wamid.short', [{ status: 'sent', pricing: pricing('marketing') }]);
    const m = await messageState(t, id);
    assert.equal(m.billing_state, 'charged');
    assert.equal(m.charged_paise, 50);
    assert.equal(await walletBalance(t, tenantId), 0);
    const [log] = await t.db.query<{ details: { shortfallPaise: number; pricePaise: number } }>(
      "SELECT details FROM activity_log WHERE action = 'whatsapp.billing_shortfall' AND object_id = $1",
      [id],
    );
    assert.deepEqual({ ...log!.details }, { pricePaise: MARKETING, chargedPaise: 50, shortfallPaise: MARKETING - 50 });
  });

  test('free pricing (customer service, entry point): the whole reserve goes back', async () => {
    const tenantId = await tenant();
    const a = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.free.1', reservePaise: UTILITY, templateName: null, category: 'service' });
    const b = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.free.2', reservePaise: MARKETING });
    assert.equal(await walletBalance(t, tenantId), START - UTILITY - MARKETING);
    await report('wamid.free.1', [{ status: 'sent', pricing: pricing('service', 'free_customer_service') }]);
    await report('wamid.free.2', [{ status: 'delivered', pricing: pricing('marketing', 'free_entry_point') }]);
    for (const id of [a, b]) {
      const m = await messageState(t, id);
      assert.equal(m.billing_state, 'released');
      assert.equal(m.charged_paise, 0);
    }
    assert.equal(await walletBalance(t, tenantId), START);
  });

  test('failed without billable pricing: refunded; delivered later after all: charged once more', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.fail', reservePaise: MARKETING });
    await report('wamid.fail', [{ status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'x' } }] }]);
    let m = await messageState(t, id);
    assert.equal(m.status, 'failed');
    assert.equal(m.billing_state, 'released');
    assert.equal(m.error_code, 131026);
    assert.equal(await walletBalance(t, tenantId), START);
    // Meta reports it delivered after all, billable: failed is not terminal then, and the charge comes back.
    await report('wamid.fail', [{ status: 'delivered', timestamp: '1790000100', pricing: pricing('marketing') }]);
    m = await messageState(t, id);
    assert.equal(m.status, 'delivered');
    assert.equal(m.billing_state, 'charged');
    assert.equal(m.charged_paise, MARKETING);
    assert.equal(await walletBalance(t, tenantId), START - MARKETING);
    // And again, duplicated: nothing more.
    await report('wamid.fail', [{ status: 'delivered', timestamp: '1790000100', pricing: pricing('marketing') }, { status: 'failed' }]);
    assert.equal(await walletBalance(t, tenantId), START - MARKETING);
    assert.deepEqual((await transfersOf(id)).map((x) => x.idempotency_key), [`wa-settle:${id}`, `wa-rebill:${id}`]);
  });

  test('duplicates and out-of-order reports never bill twice: pricing on sent and delivered, read first, sent twice', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.dup', reservePaise: MARKETING });
    await report('wamid.dup', [{ status: 'read', timestamp: '1790000300' }]);
    await report('wamid.dup', [{ status: 'delivered', timestamp: '1790000200', pricing: pricing('utility') }]);
    await report('wamid.dup', [{ status: 'sent', timestamp: '1790000100', pricing: pricing('utility') }]);
    await report('wamid.dup', [{ status: 'sent', timestamp: '1790000100', pricing: pricing('utility') }]);
    await report('wamid.dup', [{ status: 'delivered', timestamp: '1790000200', pricing: pricing('utility') }]);
    const m = await messageState(t, id);
    assert.equal(m.status, 'read', 'never moved back');
    assert.equal(m.sent_at!.toISOString(), new Date(1790000100 * 1000).toISOString());
    assert.equal(m.delivered_at!.toISOString(), new Date(1790000200 * 1000).toISOString());
    assert.equal(m.read_at!.toISOString(), new Date(1790000300 * 1000).toISOString());
    assert.equal(m.charged_paise, UTILITY);
    assert.equal(await walletBalance(t, tenantId), START - UTILITY);
    assert.equal((await transfersOf(id)).length, 1);
  });

  test('concurrent processing of many deliveries of one message settles it exactly once', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.race', reservePaise: MARKETING });
    const bodies = [
      [{ status: 'sent', pricing: pricing('utility') }],
      [{ status: 'delivered', pricing: pricing('utility') }],
      [{ status: 'sent', pricing: pricing('utility') }],
      [{ status: 'read' }],
      [{ status: 'delivered', pricing: pricing('utility') }],
      [{ status: 'sent', pricing: pricing('utility') }, { status: 'delivered', pricing: pricing('utility') }],
    ];
    const ids: string[] = [];
    for (const statuses of bodies) {
      const res = await postWebhook(t, statusWebhook(n.phoneNumberId, n.wabaId, statuses.map((s) => ({ id: 'wamid.race', recipient_id: '919876543210', timestamp: '1790000000', ...s }))));
      ids.push((res.json() as { id: string }).id);
    }
    // Several workers at once (on PostgreSQL truly in parallel, one connection each).
    const processor = t.platform.services.whatsappInbox.inbound.processor;
    await Promise.all(ids.map((eventId) => processor.processEvent({ id: eventId })));
    const m = await messageState(t, id);
    assert.equal(m.status, 'read');
    assert.equal(m.charged_paise, UTILITY);
    assert.equal(await walletBalance(t, tenantId), START - UTILITY);
    assert.equal((await transfersOf(id)).length, 1);
    const states = await t.db.query<{ state: string }>('SELECT DISTINCT state FROM wa_webhook_events WHERE id = ANY($1::uuid[])', [ids]);
    assert.deepEqual(states.map((s) => s.state), ['processed']);
  });

  test('a per-message hold instead of a lease: settled through the hold, the rest released', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '919876543210', wamid: 'wamid.hold' });
    const hold = await t.db.tx((tx) => placeHold(tx, { userId: tenantId, amount: MARKETING, purpose: 'whatsapp_message', reference: id, ttlSeconds: 3600, actor: { type: 'system' } }));
    await t.db.query(`UPDATE wa_messages SET hold_id = $2, reserved_paise = $3, billing_state = 'reserved' WHERE id = $1`, [id, hold.id, MARKETING]);
    assert.equal(await walletBalance(t, tenantId), START - MARKETING);
    await report('wamid.hold', [{ status: 'sent', pricing: pricing('utility') }]);
    const [h] = await t.db.query<{ status: string; settled: number; released: number }>('SELECT status, settled, released FROM ledger_holds WHERE id = $1', [hold.id]);
    assert.deepEqual({ ...h }, { status: 'partially_settled', settled: UTILITY, released: MARKETING - UTILITY });
    assert.equal((await messageState(t, id)).charged_paise, UTILITY);
    assert.equal(await walletBalance(t, tenantId), START - UTILITY);
  });

  test('a message the send path did not reserve for (billing_state none) is charged Meta’s price when billable', async () => {
    const tenantId = await tenant();
    const id = await outboundMessage(t, n, { waId: '447700900123', wamid: 'wamid.none', templateName: null, category: 'service' });
    await report('wamid.none', [{ status: 'delivered', pricing: pricing('service') }]);
    const m = await messageState(t, id);
    assert.equal(m.billing_state, 'charged');
    assert.equal(m.charged_paise, 180, 'the rest-of-world service price');
    assert.equal(await walletBalance(t, tenantId), START - 180);
  });
});
