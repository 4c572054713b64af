import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Client, json, signedInClient, testPlatform, type TestPlatform } from '../../test/harness.js';
import { loadConfig } from '../../config.js';
import { customerAccounts, findDrift } from '../wallet/ledger.js';
import { GatewayError, createRazorpayClient, fetchTransport, hmacSha256Hex, paymentSignature } from './gateway.js';
import { financialYear } from './payments.repo.js';
import { gstSplit, renderReceiptPdf } from './receipt-pdf.js';
import { SANDBOX_WEBHOOK_JOB, sandboxCredentials } from './sandbox-gateway.js';

interface TopupDto {
  id: string;
  amount: number;
  status: string;
  gatewayOrderId: string;
  gatewayPaymentId: string | null;
  receiptNumber: string | null;
  receiptUrl: string | null;
}
interface CheckoutDto {
  gateway: string;
  keyId: string;
  orderId: string;
  amount: number;
  callbackUrl: string;
  checkoutUrl: string;
}
type ErrorBody = { error: { code: string; message: string } };

const pathOf = (url: string) => {
  const u = new URL(url, 'http://localhost');
  return u.pathname + u.search;
};
const code = (res: LightMyRequestResponse) => json<ErrorBody>(res).error.code;

describe('wallet top-ups through the sandbox gateway', () => {
  let t: TestPlatform;
  let creds: ReturnType<typeof sandboxCredentials>;
  before(async () => {
    t = await testPlatform();
    creds = sandboxCredentials(t.config.masterKey);
  });
  after(() => t.close());

  async function customer() {
    const { client, person } = await signedInClient(t);
    return { client, userId: person.id, person };
  }

  async function startTopup(c: Client, amount: number) {
    const res = await c.post('/api/wallet/topups', { amount });
    assert.equal(res.statusCode, 201, res.body);
    return json<{ payment: TopupDto; checkout: CheckoutDto }>(res);
  }

  /** Presses a button on the sandbox checkout page, as the browser's form does; returns the redirect. */
  async function press(c: Client, checkout: CheckoutDto, outcome: 'succeed' | 'fail') {
    const form = new URLSearchParams({ outcome, callback_url: checkout.callbackUrl }).toString();
    const res = await c.request('POST', `/sandbox/razorpay/checkout/${checkout.orderId}`, form, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.statusCode, 303, res.body);
    return String(res.headers.location);
  }

  const deliverWebhooks = () => t.platform.jobs.runPending(SANDBOX_WEBHOOK_JOB);

  async function balance(userId: string) {
    return (await t.platform.services.wallet.balances(userId)).available;
  }

  async function entriesSum(userId: string) {
    const accounts = await customerAccounts(t.db, userId);
    const [row] = await t.db.query<{ s: number }>('SELECT COALESCE(sum(amount), 0)::bigint AS s FROM ledger_entries WHERE account_id = $1', [accounts.wallet]);
    return row!.s;
  }

  async function payment(id: string) {
    return (await t.db.query<{ status: string; needs_review: boolean; review_reason: string | null; failure_reason: string | null }>('SELECT * FROM payments WHERE id = $1', [id]))[0]!;
  }

  function sendWebhook(body: unknown, opts: { eventId?: string; signature?: string | null } = {}) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const signature = opts.signature === undefined ? hmacSha256Hex(creds.webhookSecret, raw) : opts.signature;
    return t.app.inject({
      method: 'POST',
      url: '/webhooks/payments/razorpay',
      headers: {
        'content-type': 'application/json',
        ...(signature !== null ? { 'x-razorpay-signature': signature } : {}),
        ...(opts.eventId ? { 'x-razorpay-event-id': opts.eventId } : {}),
      },
      payload: raw,
    });
  }

  function paymentEvent(event: string, p: { orderId: string; paymentId: string; amount: number; currency?: string; status?: string }) {
    return {
      entity: 'event',
      account_id: 'acc_Test00000000',
      event,
      contains: ['payment'],
      payload: {
        payment: {
          entity: { id: p.paymentId, entity: 'payment', amount: p.amount, currency: p.currency ?? 'INR', status: p.status ?? 'captured', order_id: p.orderId, method: 'upi', error_description: null },
        },
      },
      created_at: Math.floor(Date.now() / 1000),
    };
  }

  /** The signed webhooks the sandbox has queued for an order, as it would send them. */
  async function queuedWebhooks(orderId: string) {
    const rows = await t.db.query<{ id: string; event: string; payload: unknown }>(
      "SELECT id, event, payload FROM sandbox_gateway_webhooks WHERE payload #>> '{payload,payment,entity,order_id}' = $1 ORDER BY created_at, event",
      [orderId],
    );
    return rows.map((r) => ({ id: r.id, event: r.event, body: JSON.stringify(r.payload) }));
  }

  test('full flow: top up, pay at the sandbox checkout, return, webhook credits once, PDF receipt', async () => {
    const { client, userId, person } = await customer();
    const { payment: created, checkout } = await startTopup(client, 25_050);
    assert.equal(created.status, 'created');
    assert.equal(checkout.gateway, 'sandbox');
    assert.match(checkout.keyId, /^rzp_test_/);
    assert.match(checkout.orderId, /^order_[A-Za-z0-9]{14}$/);
    assert.equal(checkout.amount, 25_050);

    const page = await client.get(pathOf(checkout.checkoutUrl));
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.ok(page.body.includes('₹250.50'), 'shows the amount');
    assert.ok(page.body.includes('Pay ₹250.50 (succeed)') && page.body.includes('>Fail<'));
    assert.ok(!/<script/i.test(page.body), 'no scripts: the CSP allows none inline');
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);

    const location = await press(client, checkout, 'succeed');
    const back = new URL(location, 'http://localhost');
    assert.equal(back.pathname, '/payments/razorpay/callback');
    const payId = back.searchParams.get('razorpay_payment_id')!;
    assert.match(payId, /^pay_/);
    assert.equal(back.searchParams.get('razorpay_order_id'), checkout.orderId);
    assert.equal(back.searchParams.get('razorpay_signature'), paymentSignature(creds.keySecret, checkout.orderId, payId));

    const cb = await client.get(pathOf(location));
    assert.equal(cb.statusCode, 303, cb.body);
    assert.equal(cb.headers.location, `/wallet?topup=${created.id}`);
    let mine = json<{ payment: TopupDto }>(await client.get(`/api/wallet/topups/${created.id}`)).payment;
    assert.equal(mine.status, 'pending', 'verified in the browser, not yet credited');
    assert.equal(mine.gatewayPaymentId, payId);
    assert.equal(await balance(userId), 0, 'the browser alone credits nothing');
    assert.equal((await client.get(`/api/wallet/topups/${created.id}/receipt.pdf`)).statusCode, 409);

    assert.equal(await deliverWebhooks(), 2, 'payment.captured and order.paid');
    mine = json<{ payment: TopupDto }>(await client.get(`/api/wallet/topups/${created.id}`)).payment;
    assert.equal(mine.status, 'captured');
    assert.match(mine.receiptNumber!, new RegExp(`^TU/${financialYear(new Date())}/\\d{6}$`));
    assert.equal(await balance(userId), 25_050);
    assert.equal(await entriesSum(userId), 25_050);
    const events = await t.db.query<{ event_type: string; outcome: string }>('SELECT event_type, outcome FROM payment_gateway_events WHERE payment_id = $1 ORDER BY received_at', [created.id]);
    assert.deepEqual(events.map((e) => e.outcome).sort(), ['already_captured', 'credited']);
    const delivered = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sandbox_gateway_webhooks WHERE delivered_at IS NOT NULL AND payload #>> \'{payload,payment,entity,order_id}\' = $1', [checkout.orderId]);
    assert.equal(delivered[0]!.n, 2);

    // Pressing "succeed" again (a reloaded page) answers with the same payment and credits nothing more.
    const again = new URL(await press(client, checkout, 'succeed'), 'http://localhost');
    assert.equal(again.searchParams.get('razorpay_payment_id'), payId);
    assert.equal(await deliverWebhooks(), 0);

    const pdf = await client.get(mine.receiptUrl!);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(String(pdf.headers['content-disposition']), /attachment; filename="receipt-TU-\d\d-\d\d-\d{6}\.pdf"/);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    const text = pdf.rawPayload.toString('latin1');
    for (const s of [mine.receiptNumber!, person.email, payId, '250.50', 'SANDBOX']) assert.ok(text.includes(s.replace(/[()\\]/g, '\\$&')), `receipt shows ${s}`);
    assert.ok(!text.includes('GST @'), 'no GST line when the rate is 0');
    assert.match(text, /%%EOF\n$/);

    const list = json<{ items: TopupDto[]; total: number }>(await client.get('/api/wallet/topups'));
    assert.equal(list.total, 1);
    assert.equal(list.items[0]!.status, 'captured');
    const actions = (await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE subject_user_id = $1 AND action LIKE 'wallet.topup%' ORDER BY id", [userId])).map((r) => r.action);
    assert.deepEqual(actions, ['wallet.topup_created', 'wallet.topup_captured']);
  });

  test('refunds made at the gateway take the money back out of the wallet once; a spent refund is flagged', async () => {
    const { client, userId } = await customer();
    const { payment: created, checkout } = await startTopup(client, 10_000);
    const payId = new URL(await press(client, checkout, 'succeed'), 'http://localhost').searchParams.get('razorpay_payment_id')!;
    await deliverWebhooks();
    assert.equal(await balance(userId), 10_000);
    const refundEvent = (refundId: string, amount: number) => ({
      ...paymentEvent('refund.processed', { orderId: checkout.orderId, paymentId: payId, amount: 10_000 }),
      contains: ['refund', 'payment'],
      payload: {
        refund: { entity: { id: refundId, entity: 'refund', amount, currency: 'INR', payment_id: payId, status: 'processed' } },
        payment: { entity: { id: payId, entity: 'payment', amount: 10_000, currency: 'INR', status: 'refunded', order_id: checkout.orderId } },
      },
    });
    const partial = refundEvent('rfnd_Partial0000001', 4_000);
    assert.equal((await sendWebhook(partial, { eventId: 'evt_refund_1' })).statusCode, 200);
    assert.equal((await sendWebhook(partial, { eventId: 'evt_refund_1b' })).statusCode, 200, 'same refund under another event id');
    assert.equal(await balance(userId), 6_000);
    assert.equal((await payment(created.id)).status, 'captured', 'partly refunded stays captured');

    // The customer spends most of the rest; the gateway then refunds the remaining ₹60.
    await t.db.tx((tx) => t.platform.services.wallet.debit(tx, { userId, amount: 5_500, description: 'spent', key: `spend-${userId}`, actor: { type: 'system' } }));
    assert.equal((await sendWebhook(refundEvent('rfnd_Rest000000002', 6_000), { eventId: 'evt_refund_2' })).statusCode, 200);
    assert.equal(await balance(userId), 500, 'nothing taken when the wallet cannot cover it');
    const flagged = await payment(created.id);
    assert.equal(flagged.needs_review, true);
    assert.match(flagged.review_reason!, /exceeds the wallet balance/);

    // Once money is back in the wallet, a later refund event settles it and the top-up is refunded.
    await t.db.tx((tx) => t.platform.services.wallet.refund(tx, { userId, amount: 5_500, reason: 'service refund', key: `back-${userId}`, actor: { type: 'system' } }));
    assert.equal((await sendWebhook(refundEvent('rfnd_Rest000000003', 6_000), { eventId: 'evt_refund_3' })).statusCode, 200);
    assert.equal(await balance(userId), 0);
    assert.equal((await payment(created.id)).status, 'refunded');
    assert.equal(json<{ payment: TopupDto }>(await client.get(`/api/wallet/topups/${created.id}`)).payment.status, 'refunded');
    assert.equal(await entriesSum(userId), 0);
    assert.deepEqual(await findDrift(t.db), []);
  });

  test('browser callback and webhooks racing and repeating credit exactly once', async () => {
    const { client, userId } = await customer();
    const { payment: created, checkout } = await startTopup(client, 70_000);
    const location = await press(client, checkout, 'succeed');
    const hooks = await queuedWebhooks(checkout.orderId);
    assert.deepEqual(hooks.map((h) => h.event).sort(), ['order.paid', 'payment.captured']);
    const captured = hooks.find((h) => h.event === 'payment.captured')!;
    const paid = hooks.find((h) => h.event === 'order.paid')!;

    const results = await Promise.all([
      client.get(pathOf(location)),
      sendWebhook(captured.body, { eventId: captured.id }),
      sendWebhook(captured.body, { eventId: captured.id }),
      sendWebhook(paid.body, { eventId: paid.id }),
      sendWebhook(paid.body, { eventId: paid.id }),
      client.get(pathOf(location)),
      deliverWebhooks(),
    ]);
    const [cb1, ...rest] = results as LightMyRequestResponse[];
    assert.equal(cb1!.statusCode, 303);
    for (const r of rest.slice(0, 5)) assert.ok(r.statusCode === 200 || r.statusCode === 303, `${r.statusCode} ${r.body}`);
    const outcomes = rest.slice(0, 4).map((r) => json<{ outcome: string }>(r).outcome);
    assert.equal(outcomes.filter((o) => o === 'credited').length <= 1, true, outcomes.join(','));

    assert.equal((await payment(created.id)).status, 'captured');
    assert.equal(await balance(userId), 70_000, 'credited once');
    assert.equal(await entriesSum(userId), 70_000, 'balance = sum(entries)');
    const transfers = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_transfers WHERE idempotency_key = $1", [`topup:${created.id}`]);
    assert.equal(transfers[0]!.n, 1);
    const events = await t.db.query<{ outcome: string }>('SELECT outcome FROM payment_gateway_events WHERE payment_id = $1', [created.id]);
    assert.equal(events.length, 2, 'each event id stored once');
    assert.deepEqual(events.map((e) => e.outcome).sort(), ['already_captured', 'credited']);
    // A later delivery of the same events is acknowledged and changes nothing.
    const late = await sendWebhook(paid.body, { eventId: paid.id });
    assert.equal(late.statusCode, 200);
    assert.equal(json<{ duplicate: boolean }>(late).duplicate, true);
    assert.equal(await balance(userId), 70_000);
    assert.deepEqual(await findDrift(t.db), []);
  });

  test('out of order: payment.failed after capture changes nothing; a failed attempt can be followed by a paid one', async () => {
    const { client, userId } = await customer();
    const first = await startTopup(client, 5_000);
    await press(client, first.checkout, 'succeed');
    await deliverWebhooks();
    const payId = (await queuedWebhooks(first.checkout.orderId))[0]!.body.match(/"id":"(pay_[A-Za-z0-9]+)"/)![1]!;
    const late = await sendWebhook(paymentEvent('payment.failed', { orderId: first.checkout.orderId, paymentId: payId, amount: 5_000, status: 'failed' }), { eventId: 'late-failure-1' });
    assert.equal(late.statusCode, 200);
    assert.equal(json<{ outcome: string }>(late).outcome, 'ignored_stale');
    assert.equal((await payment(first.payment.id)).status, 'captured');
    assert.equal(await balance(userId), 5_000);

    const second = await startTopup(client, 3_000);
    const failLocation = await press(client, second.checkout, 'fail');
    const failBack = await client.get(pathOf(failLocation));
    assert.equal(failBack.statusCode, 303);
    assert.equal(failBack.headers.location, `/wallet?topup=${second.payment.id}&result=failed`);
    assert.equal((await payment(second.payment.id)).status, 'created', 'an unsigned failure report changes nothing');
    assert.equal(await deliverWebhooks(), 1);
    const failed = await payment(second.payment.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failure_reason, 'Payment failed');
    // The customer tries again on the same checkout and pays.
    await press(client, second.checkout, 'succeed');
    assert.equal(await deliverWebhooks(), 2);
    assert.equal((await payment(second.payment.id)).status, 'captured');
    assert.equal(await balance(userId), 8_000);
    const actions = (await t.db.query<{ action: string }>("SELECT action FROM activity_log WHERE object_id = $1 ORDER BY id", [second.payment.id])).map((r) => r.action);
    assert.deepEqual(actions, ['wallet.topup_created', 'wallet.topup_failed', 'wallet.topup_captured']);

    // order.paid before payment.captured, a stale failure between them, then both again under new event ids.
    const third = await startTopup(client, 2_000);
    await press(client, third.checkout, 'succeed');
    const hooks = await queuedWebhooks(third.checkout.orderId);
    const paid = hooks.find((h) => h.event === 'order.paid')!;
    const captured = hooks.find((h) => h.event === 'payment.captured')!;
    const thirdPayId = (JSON.parse(captured.body) as { payload: { payment: { entity: { id: string } } } }).payload.payment.entity.id;
    const outcome = async (res: Promise<LightMyRequestResponse>) => json<{ outcome: string }>(await res).outcome;
    assert.equal(await outcome(sendWebhook(paid.body, { eventId: paid.id })), 'credited');
    assert.equal(await outcome(sendWebhook(paymentEvent('payment.failed', { orderId: third.checkout.orderId, paymentId: thirdPayId, amount: 2_000, status: 'failed' }), { eventId: 'late-failure-3' })), 'ignored_stale');
    assert.equal(await outcome(sendWebhook(captured.body, { eventId: captured.id })), 'already_captured');
    assert.equal(await outcome(sendWebhook(captured.body, { eventId: `${captured.id}-again` })), 'already_captured');
    assert.equal(await outcome(sendWebhook(paid.body, { eventId: `${paid.id}-again` })), 'already_captured');
    assert.equal(await deliverWebhooks(), 2, "the sandbox's own deliveries of the same events");
    const outcomes = await t.db.query<{ outcome: string }>('SELECT outcome FROM payment_gateway_events WHERE payment_id = $1 ORDER BY received_at', [third.payment.id]);
    assert.deepEqual(outcomes.map((o) => o.outcome), ['credited', 'ignored_stale', 'already_captured', 'already_captured', 'already_captured'], 'the sandbox deliveries were duplicates');
    assert.equal((await payment(third.payment.id)).status, 'captured');
    assert.equal(await balance(userId), 10_000, 'credited once');
    assert.equal(await entriesSum(userId), 10_000);

    // The database itself refuses a step back.
    await assert.rejects(t.db.query("UPDATE payments SET status = 'pending' WHERE id = $1", [second.payment.id]), /cannot move from captured to pending/);
  });

  test('forged, missing or stale signatures are refused with 4xx and change nothing', async () => {
    const { client, userId } = await customer();
    const { payment: created, checkout } = await startTopup(client, 2_000);
    const body = JSON.stringify(paymentEvent('payment.captured', { orderId: checkout.orderId, paymentId: 'pay_Forged00000000', amount: 2_000 }));
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_gateway_events'))[0]!.n;

    const forged = await sendWebhook(body, { eventId: 'forged-1', signature: hmacSha256Hex('not-the-secret', body) });
    assert.equal(forged.statusCode, 401);
    assert.equal(code(forged), 'invalid_signature');
    const missing = await sendWebhook(body, { eventId: 'forged-2', signature: null });
    assert.equal(missing.statusCode, 401);
    assert.equal(code(missing), 'signature_missing');
    const garbage = await sendWebhook(body, { eventId: 'forged-3', signature: 'zz' });
    assert.equal(garbage.statusCode, 401);
    // A valid signature of one body does not cover another (re-serialised or altered) body.
    const tampered = body.replace('"amount":2000', '"amount":2000 ');
    const replayed = await sendWebhook(tampered, { eventId: 'forged-4', signature: hmacSha256Hex(creds.webhookSecret, body) });
    assert.equal(replayed.statusCode, 401);
    // Signed with the checkout key secret instead of the webhook secret.
    const wrongKey = await sendWebhook(body, { eventId: 'forged-5', signature: hmacSha256Hex(creds.keySecret, body) });
    assert.equal(wrongKey.statusCode, 401);

    const after = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_gateway_events'))[0]!.n;
    assert.equal(after, before, 'no event stored');
    assert.equal((await payment(created.id)).status, 'created');
    assert.equal(await balance(userId), 0);

    // A callback with a forged checkout signature is refused and leaves the top-up as it was.
    const cb = await client.get(`/payments/razorpay/callback?razorpay_payment_id=pay_Forged00000000&razorpay_order_id=${checkout.orderId}&razorpay_signature=${'a'.repeat(64)}`);
    assert.equal(cb.statusCode, 400);
    assert.equal(code(cb), 'invalid_signature');
    const incomplete = await client.get(`/payments/razorpay/callback?razorpay_order_id=${checkout.orderId}`);
    assert.equal(incomplete.statusCode, 400);
    assert.equal(code(incomplete), 'invalid_callback');
    assert.equal((await payment(created.id)).status, 'created');

    // Signed but not JSON, or not an event: a clear 400.
    const notJson = await sendWebhook('not json', { eventId: 'bad-1' });
    assert.equal(notJson.statusCode, 400);
    assert.equal(code(notJson), 'invalid_payload');
  });

  test('an amount or currency that does not match the order is recorded and flagged, not credited', async () => {
    const { client, userId } = await customer();
    const { payment: created, checkout } = await startTopup(client, 10_000);
    const res = await sendWebhook(paymentEvent('payment.captured', { orderId: checkout.orderId, paymentId: 'pay_Mismatch000001', amount: 100 }), { eventId: 'mismatch-1' });
    assert.equal(res.statusCode, 200);
    assert.equal(json<{ outcome: string }>(res).outcome, 'amount_mismatch');
    const cur = await sendWebhook(paymentEvent('payment.captured', { orderId: checkout.orderId, paymentId: 'pay_Mismatch000002', amount: 10_000, currency: 'USD' }), { eventId: 'mismatch-2' });
    assert.equal(json<{ outcome: string }>(cur).outcome, 'amount_mismatch');
    const row = await payment(created.id);
    assert.equal(row.status, 'created');
    assert.equal(row.needs_review, true);
    assert.match(row.review_reason!, /100 INR/);
    assert.equal(await balance(userId), 0);
    const stored = await t.db.query<{ outcome: string }>('SELECT outcome FROM payment_gateway_events WHERE payment_id = $1', [created.id]);
    assert.equal(stored.length, 2);

    const { client: admin } = await signedInClient(t, 'admin');
    const flagged = json<{ items: { id: string; needsReview: boolean; reviewReason: string }[] }>(await admin.get('/api/admin/payments?needsReview=true'));
    assert.ok(flagged.items.some((p) => p.id === created.id && p.needsReview));
    const detail = json<{ events: { outcome: string }[] }>(await admin.get(`/api/admin/payments/${created.id}`));
    assert.deepEqual(detail.events.map((e) => e.outcome), ['amount_mismatch', 'amount_mismatch']);
  });

  test('account closure: refused while a paid top-up awaits its capture; a capture after closure is credited and flagged for a refund', async () => {
    const paying = await customer();
    const first = await startTopup(paying.client, 5_000);
    const location = await press(paying.client, first.checkout, 'succeed');
    assert.equal((await paying.client.get(pathOf(location))).statusCode, 303);
    const refused = await paying.client.post('/api/me/close', { password: paying.person.password });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(json<{ error: { code: string } }>(refused).error.code, 'topup_in_progress');
    await deliverWebhooks();
    assert.equal(await balance(paying.userId), 5_000);

    // The customer left the checkout open, closed the account, then paid after all.
    const late = await customer();
    const { payment: created, checkout } = await startTopup(late.client, 7_000);
    assert.equal((await late.client.post('/api/me/close', { password: late.person.password })).statusCode, 204);
    const res = await sendWebhook(paymentEvent('payment.captured', { orderId: checkout.orderId, paymentId: 'pay_AfterClose0001', amount: 7_000 }), { eventId: 'after-close-1' });
    assert.equal(json<{ outcome: string }>(res).outcome, 'credited');
    const row = await payment(created.id);
    assert.equal(row.status, 'captured');
    assert.equal(row.needs_review, true);
    assert.match(row.review_reason!, /after the account was closed on \d{4}-\d{2}-\d{2}: refund it at the gateway/);
    assert.equal(await balance(late.userId), 7_000, 'the money received is in the ledger until it is refunded');
    const [flagged] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE action = 'wallet.topup_flagged' AND object_id = $1 AND details->>'reason' = 'account_closed'", [created.id]);
    assert.equal(flagged!.n, 1);

    // Staff refund it at the gateway: its webhook takes the money back out of the closed account's wallet.
    const refund = {
      entity: 'event',
      account_id: 'acc_Test00000000',
      event: 'refund.processed',
      contains: ['refund', 'payment'],
      payload: {
        refund: { entity: { id: 'rfnd_AfterClose001', entity: 'refund', amount: 7_000, currency: 'INR', payment_id: 'pay_AfterClose0001', status: 'processed' } },
        payment: { entity: { id: 'pay_AfterClose0001', entity: 'payment', amount: 7_000, currency: 'INR', status: 'refunded', order_id: checkout.orderId, method: 'upi', error_description: null } },
      },
      created_at: Math.floor(Date.now() / 1000),
    };
    assert.equal(json<{ outcome: string }>(await sendWebhook(refund, { eventId: 'after-close-refund' })).outcome, 'refunded');
    assert.equal(await balance(late.userId), 0);
    assert.deepEqual(await findDrift(t.db), []);
  });

  test('top-up limits: minimum, maximum and the KYC threshold, each with its own code', async () => {
    const { client, userId } = await customer();
    const cases: [unknown, number, string][] = [
      [999, 400, 'amount_too_small'],
      [5_000_001, 400, 'amount_too_large'],
      [1_000_001, 403, 'kyc_required'],
      [1_500.5, 400, 'validation_failed'],
      ['lots', 400, 'validation_failed'],
      [-5, 400, 'validation_failed'],
    ];
    for (const [amount, status, errCode] of cases) {
      const res = await client.post('/api/wallet/topups', { amount });
      assert.equal(res.statusCode, status, `${String(amount)} → ${res.body}`);
      assert.equal(code(res), errCode);
    }
    const extra = await client.post('/api/wallet/topups', { amount: 1_000, currency: 'USD' });
    assert.equal(extra.statusCode, 400);
    assert.equal((await client.post('/api/wallet/topups', {})).statusCode, 400);
    assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE user_id = $1', [userId]))[0]!.n, 0);
    // The limits themselves are accepted.
    await startTopup(client, 1_000);
    await startTopup(client, 1_000_000);
    // Without a session or CSRF token nothing starts.
    assert.equal((await new Client(t.app).post('/api/wallet/topups', { amount: 1_000 })).statusCode, 401);
    const noCsrf = await client.request('POST', '/api/wallet/topups', { amount: 1_000 }, { 'x-csrf-token': 'wrong' });
    assert.equal(noCsrf.statusCode, 403);
  });

  test("another user's top-up is not found; admins see all payments", async () => {
    const a = await customer();
    const b = await customer();
    const { payment: created } = await startTopup(a.client, 4_000);
    for (const url of [`/api/wallet/topups/${created.id}`, `/api/wallet/topups/${created.id}/receipt.pdf`]) {
      const res = await b.client.get(url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(code(res), 'not_found');
    }
    assert.equal(json<{ total: number }>(await b.client.get('/api/wallet/topups')).total, 0);
    assert.equal((await b.client.get('/api/admin/payments')).statusCode, 403);
    assert.equal((await b.client.get('/api/admin/reconciliations')).statusCode, 403);
    assert.equal((await a.client.get('/api/wallet/topups/not-a-uuid')).statusCode, 400);

    const { client: admin } = await signedInClient(t, 'admin');
    const all = json<{ items: { id: string; userId: string; userEmail: string }[]; total: number }>(await admin.get(`/api/admin/payments?userId=${a.userId}&status=created`));
    assert.equal(all.total, 1);
    assert.equal(all.items[0]!.id, created.id);
    assert.equal(all.items[0]!.userEmail, a.person.email);
    assert.equal((await admin.get('/api/admin/payments?status=nonsense')).statusCode, 400);
  });

  test('reconciliation credits a paid order whose webhook never came, and expires abandoned ones', async () => {
    const { client, userId } = await customer();
    const paid = await startTopup(client, 12_345);
    await press(client, paid.checkout, 'succeed'); // the browser never returns, the webhooks are not delivered yet
    const abandoned = await startTopup(client, 2_500);
    const fresh = await startTopup(client, 3_000);
    await t.db.query("UPDATE payments SET created_at = now() - interval '20 minutes' WHERE id = $1", [paid.payment.id]);
    await t.db.query("UPDATE payments SET created_at = now() - interval '25 hours' WHERE id = $1", [abandoned.payment.id]);

    const { client: admin } = await signedInClient(t, 'admin');
    const run = await admin.post('/api/admin/reconciliations/gateway');
    assert.equal(run.statusCode, 200, run.body);
    const report = json<{ id: string; checked: number; problems: number; findings: { paymentId: string; action: string }[] }>(run);
    const action = (id: string) => report.findings.find((f) => f.paymentId === id)?.action;
    assert.equal(action(paid.payment.id), 'credited');
    assert.equal(action(abandoned.payment.id), 'expired');
    assert.equal(action(fresh.payment.id), undefined, 'too recent to ask about');
    assert.equal(report.problems, 0);

    assert.equal((await payment(paid.payment.id)).status, 'captured');
    assert.equal((await payment(abandoned.payment.id)).status, 'failed');
    assert.equal((await payment(abandoned.payment.id)).failure_reason, 'expired');
    assert.equal((await payment(fresh.payment.id)).status, 'created');
    assert.equal(await balance(userId), 12_345);

    // The late webhooks and a second run credit nothing more.
    assert.equal(await deliverWebhooks(), 2);
    const second = json<{ findings: unknown[] }>(await admin.post('/api/admin/reconciliations/gateway'));
    assert.equal(second.findings.filter((f) => (f as { paymentId: string }).paymentId === paid.payment.id).length, 0);
    assert.equal(await balance(userId), 12_345);
    assert.equal(await entriesSum(userId), 12_345);

    await t.platform.services.wallet.reconcileBalances();
    const reports = json<{ items: { id: string; kind: string; checked: number }[] }>(await admin.get('/api/admin/reconciliations'));
    assert.ok(reports.items.some((r) => r.id === report.id && r.kind === 'gateway'));
    assert.ok(reports.items.some((r) => r.kind === 'balances'));
    const onlyGateway = json<{ items: { kind: string }[] }>(await admin.get('/api/admin/reconciliations?kind=gateway'));
    assert.ok(onlyGateway.items.every((r) => r.kind === 'gateway'));
    const [row] = await t.db.query<{ details: unknown }>('SELECT details FROM ledger_reconciliations WHERE id = $1', [report.id]);
    assert.ok(Array.isArray(row!.details));
  });

  test('the Razorpay client over real HTTP against the sandbox: orders, payments, auth and timeouts', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as { port: number }).port;
    const baseUrl = `http://127.0.0.1:${port}/sandbox/razorpay`;
    const client = createRazorpayClient({ name: 'sandbox', baseUrl, ...creds, transport: fetchTransport, timeoutMs: 5_000 });
    const order = await client.createOrder(1_234, 'receipt-1', { purpose: 'test' });
    assert.match(order.orderId, /^order_/);
    assert.equal(order.status, 'created');
    const fetched = await client.fetchOrder(order.orderId);
    assert.deepEqual([fetched.amount, fetched.amountPaid, fetched.status, fetched.receipt, fetched.notes.purpose], [1_234, 0, 'created', 'receipt-1', 'test']);
    assert.deepEqual(await client.fetchOrderPayments(order.orderId), []);
    await assert.rejects(client.createOrder(50, 'too-small', {}), (e: GatewayError) => e.kind === 'http' && e.status === 400 && e.gatewayCode === 'BAD_REQUEST_ERROR');
    await assert.rejects(client.fetchOrder('order_DoesNotExist99'), (e: GatewayError) => e.kind === 'http' && e.status === 400);
    const wrongKey = createRazorpayClient({ name: 'sandbox', baseUrl, ...creds, keySecret: 'wrong', transport: fetchTransport });
    await assert.rejects(wrongKey.fetchOrder(order.orderId), (e: GatewayError) => e.kind === 'http' && e.status === 401);
    assert.equal(client.verifyPaymentSignature(order.orderId, 'pay_X', paymentSignature(creds.keySecret, order.orderId, 'pay_X')), true);
    assert.equal(client.verifyPaymentSignature(order.orderId, 'pay_Y', paymentSignature(creds.keySecret, order.orderId, 'pay_X')), false);

    // A gateway that accepts the connection and never answers.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const slow = createRazorpayClient({ name: 'razorpay', baseUrl: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, ...creds, timeoutMs: 200 });
      await assert.rejects(slow.fetchOrder(order.orderId), (e: GatewayError) => e instanceof GatewayError && e.kind === 'timeout');
      const closed = createRazorpayClient({ name: 'razorpay', baseUrl: 'http://127.0.0.1:1', ...creds, timeoutMs: 2_000 });
      await assert.rejects(closed.fetchOrder(order.orderId), (e: GatewayError) => e instanceof GatewayError && e.kind === 'network');
    } finally {
      silent.close();
    }
  });

  test('the sandbox refuses callback URLs off the platform and unknown orders', async () => {
    const { client } = await customer();
    const { checkout } = await startTopup(client, 1_500);
    const evil = await client.get(`/sandbox/razorpay/checkout/${checkout.orderId}?callback_url=${encodeURIComponent('https://evil.example/steal')}`);
    assert.equal(evil.statusCode, 400);
    const form = new URLSearchParams({ outcome: 'succeed', callback_url: '//evil.example/x' }).toString();
    const post = await client.request('POST', `/sandbox/razorpay/checkout/${checkout.orderId}`, form, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(post.statusCode, 400);
    assert.equal((await client.get('/sandbox/razorpay/checkout/order_Unknown0000000?callback_url=/x')).statusCode, 404);
    const api = await t.app.inject({ method: 'GET', url: `/sandbox/razorpay/v1/orders/${checkout.orderId}` });
    assert.equal(api.statusCode, 401, 'the sandbox API needs the key');
    assert.equal(json<{ error: { code: string } }>(api).error.code, 'BAD_REQUEST_ERROR');
  });
});

describe('receipts and configuration', () => {
  test('the GST line appears only with a rate, splitting the amount that includes it', () => {
    assert.deepEqual(gstSplit(11_800, 1_800), { taxable: 10_000, gst: 1_800 });
    assert.deepEqual(gstSplit(10_000, 0), { taxable: 10_000, gst: 0 });
    const base = {
      issuer: 'Vishwakarma Digital Seva Kendra',
      receiptNumber: 'TU/25-26/000007',
      capturedAt: new Date('2025-04-01T00:10:00Z'),
      customerName: 'Asha (Devi) \\ Kumari',
      customerEmail: 'asha@example.com',
      amount: 11_800,
      gateway: 'razorpay' as const,
      gatewayPaymentId: 'pay_ABC',
      gatewayOrderId: 'order_ABC',
      paymentId: '00000000-0000-0000-0000-000000000000',
    };
    const withGst = renderReceiptPdf({ ...base, gstin: '27AAPFU0939F1ZV', gstRateBps: 1_800 }).toString('latin1');
    assert.ok(withGst.startsWith('%PDF-1.4'));
    assert.ok(withGst.includes('GST @ 18% \\(included in the amount\\)'));
    assert.ok(withGst.includes('GSTIN: 27AAPFU0939F1ZV'));
    assert.ok(withGst.includes('(Asha \\(Devi\\) \\\\ Kumari)'), 'PDF strings are escaped');
    assert.ok(withGst.includes('100.00') && withGst.includes('18.00') && withGst.includes('118.00'));
    assert.ok(!withGst.includes('SANDBOX'));
    const xrefAt = Number(/startxref\n(\d+)/.exec(withGst)![1]);
    assert.equal(withGst.slice(xrefAt, xrefAt + 4), 'xref', 'startxref points at the xref table');
    const without = renderReceiptPdf({ ...base, gstin: null, gstRateBps: 0 }).toString('latin1');
    assert.ok(!without.includes('GST'));
    assert.equal(financialYear(new Date('2025-03-31T18:29:00Z')), '24-25', 'still 31 March in India');
    assert.equal(financialYear(new Date('2025-03-31T18:31:00Z')), '25-26', 'already 1 April in India');
  });

  test('payment settings are validated at start', () => {
    const env = { NODE_ENV: 'test', DATA_DIR: '/tmp/seva-config-test', MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };
    const ok = loadConfig(env);
    assert.equal(ok.razorpay, undefined);
    assert.deepEqual([ok.topupMinPaise, ok.topupMaxPaise, ok.topupKycLimitPaise, ok.paymentReconcileAfterMinutes, ok.topupGstRateBps], [1_000, 5_000_000, 1_000_000, 15, 0]);
    assert.throws(() => loadConfig({ ...env, RAZORPAY_KEY_ID: 'rzp_test_abc' }), /must be set together/);
    assert.throws(() => loadConfig({ ...env, TOPUP_MIN_PAISE: '5000', TOPUP_MAX_PAISE: '4000' }), /TOPUP_MAX_PAISE must not be below/);
    assert.throws(() => loadConfig({ ...env, TOPUP_GST_RATE_BPS: '1800' }), /needs GSTIN/);
    assert.throws(() => loadConfig({ ...env, GSTIN: 'nope' }), /GSTIN must be/);
    const live = loadConfig({ ...env, RAZORPAY_KEY_ID: 'rzp_test_abc', RAZORPAY_KEY_SECRET: 's', RAZORPAY_WEBHOOK_SECRET: 'w' });
    assert.deepEqual(live.razorpay, { keyId: 'rzp_test_abc', keySecret: 's', webhookSecret: 'w' });
  });
});

describe('Razorpay checkout page (when Razorpay is configured)', () => {
  let t: TestPlatform;
  before(async () => {
    t = await testPlatform({ env: { RAZORPAY_KEY_ID: 'rzp_test_Abc123Def456Gh', RAZORPAY_KEY_SECRET: 'test-key-secret-0123456789', RAZORPAY_WEBHOOK_SECRET: 'test-webhook-secret-0123' } });
  });
  after(() => t.close());

  test("opens Razorpay's checkout for the payer's own order only, with Razorpay admitted by the CSP", async () => {
    const { client, person } = await signedInClient(t);
    const orderId = 'order_TestOrder123456';
    await t.db.query("INSERT INTO payments (user_id, gateway, amount, gateway_order_id) VALUES ($1, 'razorpay', 50000, $2)", [person.id, orderId]);

    const page = await client.get(`/payments/razorpay/checkout/${orderId}`);
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /data-key="rzp_test_Abc123Def456Gh"/);
    assert.match(page.body, new RegExp(`data-order="${orderId}"`));
    assert.match(page.body, /data-callback="http:\/\/localhost:3000\/payments\/razorpay\/callback"/);
    assert.ok(page.body.includes(`data-prefill-email="${person.email}"`));
    assert.match(page.body, /<script src="https:\/\/checkout\.razorpay\.com\/v1\/checkout\.js"><\/script>/);
    assert.ok(!/<script>/.test(page.body), 'no inline script');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self' https:\/\/checkout\.razorpay\.com/);
    assert.match(csp, /frame-src https:\/\/checkout\.razorpay\.com https:\/\/api\.razorpay\.com/);

    const launcher = await client.get('/payments/razorpay/launcher.js');
    assert.match(String(launcher.headers['content-type']), /javascript/);
    assert.match(launcher.body, /redirect: true/);

    const { client: other } = await signedInClient(t);
    assert.equal((await other.get(`/payments/razorpay/checkout/${orderId}`)).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: `/payments/razorpay/checkout/${orderId}` })).statusCode, 401);
    assert.equal((await client.get('/payments/razorpay/checkout/not-an-order')).statusCode, 400);
  });
});
