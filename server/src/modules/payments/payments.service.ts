import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Tx } from '../../db/index.js';
import { SYSTEM_META, type Actor, type RequestMeta } from '../../platform/actor.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors.js';
import { findUserById } from '../accounts/accounts.repo.js';
import { insertActivity } from '../audit/activity.repo.js';
import type { WalletService } from '../wallet/wallet.service.js';
import { GatewayError, type PaymentGateway } from './gateway.js';
import {
  addRefund,
  findPayment,
  findPaymentByOrder,
  findUserPayment,
  flagForReview,
  insertGatewayEvent,
  insertPayment,
  insertReconciliation,
  listReconciliations,
  markCaptured,
  markFailed,
  markPending,
  nextReceiptNumber,
  paymentEvents,
  paymentsToReconcile,
  searchPayments,
  setEventOutcome,
  setGatewayOrder,
  type PaymentFilter,
  type PaymentRow,
} from './payments.repo.js';
import { renderReceiptPdf } from './receipt-pdf.js';

/**
 * Wallet top-ups. The money rule, in one place: the wallet is credited only when the gateway itself
 * says the payment was captured — a signed webhook (payment.captured / order.paid) or the
 * reconciliation job's own API query — never on the browser's word. Each credit runs in one
 * transaction that locks the payment row, posts the ledger transfer under the idempotency key
 * `topup:<payment id>` and marks the payment captured, so racing and repeated deliveries credit once.
 * See README.md beside this file.
 */

export const ISSUER = 'Vishwakarma Digital Seva Kendra';
const SYSTEM: Actor = { type: 'system' };
const EXPIRE_AFTER_MS = 24 * 60 * 60 * 1000;

export type PaymentsSettings = Pick<
  Config,
  'publicUrl' | 'topupMinPaise' | 'topupMaxPaise' | 'topupKycLimitPaise' | 'paymentReconcileAfterMinutes' | 'gstin' | 'topupGstRateBps'
>;

export interface Checkout {
  gateway: 'razorpay' | 'sandbox';
  keyId: string;
  orderId: string;
  amount: number;
  currency: 'INR';
  name: string;
  description: string;
  callbackUrl: string;
  /** The sandbox's checkout page; for Razorpay the web app opens checkout.js with the fields above. */
  checkoutUrl: string | null;
  prefill: { name: string; email: string; contact: string | null };
}

export interface CallbackParams {
  razorpay_payment_id?: string | undefined;
  razorpay_order_id?: string | undefined;
  razorpay_signature?: string | undefined;
  /** Razorpay's redirect mode reports a failure with error[...] fields; metadata holds the order id. */
  errorMetadata?: string | undefined;
}

export interface ReconcileFinding {
  paymentId: string;
  orderId: string | null;
  action: 'credited' | 'already_captured' | 'expired' | 'no_order' | 'review' | 'error' | 'unpaid';
  message?: string;
}

export interface ReconcileReport {
  id: string | null;
  checked: number;
  problems: number;
  findings: ReconcileFinding[];
}

type CaptureOutcome = 'credited' | 'already_captured' | 'second_payment' | 'amount_mismatch';

const PAY_ID = /^pay_[A-Za-z0-9]{6,40}$/;
const ORDER_ID = /^order_[A-Za-z0-9]{6,40}$/;
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 100 ? v : null);

export function createPaymentsService(deps: {
  db: Db;
  /** null when no gateway may be used (production without Razorpay keys): top-ups are then off. */
  gateway: PaymentGateway | null;
  wallet: Pick<WalletService, 'creditTopup' | 'reverseTopup' | 'lockedAvailable'>;
  settings: PaymentsSettings;
  log: FastifyBaseLogger;
  /** The sandbox's own checkout page for an order; absent for real gateways. */
  checkoutUrl?: (orderId: string, callbackUrl: string) => string;
  /** Whether the user may top up above TOPUP_KYC_LIMIT_PAISE (the KYC gate's `topup_above_limit`). */
  kycAllowsLargeTopup: (userId: string) => Promise<boolean>;
}) {
  const { db, gateway, wallet, settings, log } = deps;
  const callbackUrl = `${settings.publicUrl}/payments/razorpay/callback`;

  function requireGateway(): PaymentGateway {
    if (!gateway) throw new AppError(503, 'payments_unavailable', 'Online top-ups are not available right now.');
    return gateway;
  }

  async function checkLimits(userId: string, amount: number): Promise<void> {
    const rupees = (p: number) => `₹${(p / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    if (amount < settings.topupMinPaise) {
      throw badRequest('amount_too_small', `The smallest top-up is ${rupees(settings.topupMinPaise)}.`, [{ field: 'amount', message: `must be at least ${settings.topupMinPaise} paise` }]);
    }
    if (amount > settings.topupMaxPaise) {
      throw badRequest('amount_too_large', `The largest top-up is ${rupees(settings.topupMaxPaise)}.`, [{ field: 'amount', message: `must be at most ${settings.topupMaxPaise} paise` }]);
    }
    if (amount > settings.topupKycLimitPaise && !(await deps.kycAllowsLargeTopup(userId))) {
      throw forbidden(`Top-ups above ${rupees(settings.topupKycLimitPaise)} need approved KYC. Complete KYC or top up a smaller amount.`, 'kyc_required');
    }
  }

  /** Starts a top-up: a payment row (created) and a gateway order; the browser then pays at checkout. */
  async function createTopup(actor: Extract<Actor, { type: 'user' }>, amount: number, meta: RequestMeta): Promise<{ payment: PaymentRow; checkout: Checkout }> {
    const gw = requireGateway();
    await checkLimits(actor.userId, amount);
    const user = await findUserById(db, actor.userId);
    if (!user) throw notFound('User');
    const created = await insertPayment(db, { userId: user.id, gateway: gw.name, amount });
    // No transaction stays open across the gateway call.
    let orderId: string;
    try {
      const order = await gw.createOrder(amount, `tp_${created.id.replace(/-/g, '')}`, { payment_id: created.id, user_id: user.id, purpose: 'wallet_topup' });
      if (order.amount !== amount || order.currency !== 'INR') throw new GatewayError('invalid_response', `order ${order.orderId} came back for ${order.amount} ${order.currency}`);
      orderId = order.orderId;
    } catch (err) {
      await markFailed(db, created.id, 'gateway_error');
      log.error({ err, paymentId: created.id }, 'creating the gateway order failed');
      throw new AppError(502, 'gateway_unavailable', 'The payment gateway could not be reached. Please try again in a minute.');
    }
    const payment = await db.tx(async (tx) => {
      const row = await setGatewayOrder(tx, created.id, orderId);
      await insertActivity(tx, actor, { action: 'wallet.topup_created', subjectUserId: user.id, object: { type: 'payment', id: row.id }, details: { amount, gateway: gw.name, orderId } }, meta);
      return row;
    });
    return {
      payment,
      checkout: {
        gateway: gw.name,
        keyId: gw.keyId,
        orderId,
        amount,
        currency: 'INR',
        name: ISSUER,
        description: 'Wallet top-up',
        callbackUrl,
        checkoutUrl: deps.checkoutUrl ? deps.checkoutUrl(orderId, callbackUrl) : null,
        prefill: { name: user.name, email: user.email, contact: user.mobile },
      },
    };
  }

  /**
   * Credits a captured gateway payment: called with the payment row locked, inside the caller's
   * transaction. The ledger key `topup:<payment id>` makes a second credit impossible even if this
   * ran twice; the row lock makes the status check and the update one step.
   */
  async function applyCapture(
    tx: Tx,
    payment: PaymentRow,
    c: { gatewayPaymentId: string; amount: number; currency: string; source: string },
  ): Promise<CaptureOutcome> {
    if (payment.status === 'captured' || payment.status === 'refunded') {
      if (payment.gateway_payment_id === c.gatewayPaymentId) return 'already_captured';
      // Two captured payments on one order: the second is money received and not credited.
      await flagForReview(tx, payment.id, `second captured payment ${c.gatewayPaymentId} for this order (first ${payment.gateway_payment_id}): refund it at the gateway`);
      return 'second_payment';
    }
    if (c.amount !== payment.amount || c.currency !== payment.currency) {
      await flagForReview(tx, payment.id, `gateway reported ${c.amount} ${c.currency} (payment ${c.gatewayPaymentId}) for an order of ${payment.amount} ${payment.currency}`);
      await insertActivity(tx, SYSTEM, { action: 'wallet.topup_flagged', subjectUserId: payment.user_id, object: { type: 'payment', id: payment.id }, outcome: 'failure', details: { reported: c.amount, currency: c.currency, expected: payment.amount, source: c.source } }, SYSTEM_META);
      return 'amount_mismatch';
    }
    const posted = await wallet.creditTopup(tx, { userId: payment.user_id, paymentId: payment.id, amount: payment.amount, gateway: payment.gateway });
    const receiptNumber = await nextReceiptNumber(tx, new Date());
    await markCaptured(tx, payment.id, { gatewayPaymentId: c.gatewayPaymentId, transferId: posted.transfer.id, receiptNumber });
    await insertActivity(
      tx,
      SYSTEM,
      { action: 'wallet.topup_captured', subjectUserId: payment.user_id, object: { type: 'payment', id: payment.id }, details: { amount: payment.amount, gatewayPaymentId: c.gatewayPaymentId, receiptNumber, source: c.source } },
      SYSTEM_META,
    );
    // The money arrived after the account was closed (a payment completed late): it is credited, so the
    // ledger shows what was received, and flagged so staff refund it at the gateway, whose refund
    // webhook then takes it back out of the wallet.
    const [owner] = await tx.query<{ status: string; closed_at: Date | null }>('SELECT status, closed_at FROM users WHERE id = $1', [payment.user_id]);
    if (owner?.status === 'closed') {
      await flagForReview(tx, payment.id, `captured after the account was closed on ${owner.closed_at!.toISOString().slice(0, 10)}: refund it at the gateway`);
      await insertActivity(tx, SYSTEM, { action: 'wallet.topup_flagged', subjectUserId: payment.user_id, object: { type: 'payment', id: payment.id }, outcome: 'failure', details: { reason: 'account_closed', amount: payment.amount, gatewayPaymentId: c.gatewayPaymentId, source: c.source } }, SYSTEM_META);
    }
    return 'credited';
  }

  /** A failed attempt: only a top-up not yet captured fails, and a verified attempt is not failed by another one's failure. */
  async function applyFailure(tx: Tx, payment: PaymentRow, f: { gatewayPaymentId: string | null; reason: string; source: string }): Promise<'failed' | 'ignored_stale'> {
    if (payment.status !== 'created' && payment.status !== 'pending') return 'ignored_stale';
    if (payment.status === 'pending' && f.gatewayPaymentId && payment.gateway_payment_id && payment.gateway_payment_id !== f.gatewayPaymentId) return 'ignored_stale';
    if (!(await markFailed(tx, payment.id, f.reason, f.gatewayPaymentId))) return 'ignored_stale';
    await insertActivity(
      tx,
      SYSTEM,
      { action: 'wallet.topup_failed', subjectUserId: payment.user_id, object: { type: 'payment', id: payment.id }, outcome: 'failure', details: { amount: payment.amount, reason: f.reason, gatewayPaymentId: f.gatewayPaymentId, source: f.source } },
      SYSTEM_META,
    );
    return 'failed';
  }

  /**
   * A refund made at the gateway: the money leaves the wallet again, once per refund id. A refund the
   * customer has already spent, or one that does not fit the top-up, is flagged for a person instead.
   */
  async function applyRefund(tx: Tx, payment: PaymentRow, r: { refundId: string; amount: number; source: string }): Promise<string> {
    if (payment.status !== 'captured' && payment.status !== 'refunded') {
      await flagForReview(tx, payment.id, `refund ${r.refundId} reported for a top-up that was never credited`);
      return 'refund_not_captured';
    }
    if (!Number.isSafeInteger(r.amount) || r.amount <= 0 || payment.refunded_amount + r.amount > payment.amount) {
      await flagForReview(tx, payment.id, `refund ${r.refundId} of ${String(r.amount)} does not fit the top-up of ${payment.amount} (already refunded ${payment.refunded_amount})`);
      return 'refund_amount_invalid';
    }
    const available = await wallet.lockedAvailable(tx, payment.user_id);
    if (available < r.amount) {
      await flagForReview(tx, payment.id, `refund ${r.refundId} of ${r.amount} exceeds the wallet balance ${available}: recover it manually`);
      return 'refund_wallet_short';
    }
    const posted = await wallet.reverseTopup(tx, { userId: payment.user_id, paymentId: payment.id, refundId: r.refundId, amount: r.amount });
    if (posted.replayed) return 'duplicate_refund';
    const updated = await addRefund(tx, payment.id, r.amount);
    await insertActivity(
      tx,
      SYSTEM,
      { action: 'wallet.topup_refunded', subjectUserId: payment.user_id, object: { type: 'payment', id: payment.id }, details: { amount: r.amount, refundId: r.refundId, refundedTotal: updated.refunded_amount, source: r.source } },
      SYSTEM_META,
    );
    return updated.status === 'refunded' ? 'refunded' : 'partially_refunded';
  }

  /**
   * A webhook from the gateway. The signature over the raw bytes is checked before anything else,
   * so a forged request changes nothing and stores nothing. The event is stored once per event id
   * in the same transaction that acts on it: a repeat finds it and does nothing.
   */
  async function handleWebhook(raw: Buffer, signature: string | undefined, eventIdHeader: string | undefined): Promise<{ duplicate: boolean; outcome: string }> {
    const gw = requireGateway();
    if (!signature) throw new AppError(401, 'signature_missing', 'The X-Razorpay-Signature header is missing.');
    if (!gw.verifyWebhookSignature(raw, signature)) throw new AppError(401, 'invalid_signature', 'The webhook signature does not match.');
    let event: unknown;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest('invalid_payload', 'The webhook body is not JSON.');
    }
    if (!isRecord(event) || typeof event.event !== 'string') throw badRequest('invalid_payload', 'The webhook body is not a gateway event.');
    const eventId = eventIdHeader && EVENT_ID.test(eventIdHeader) ? eventIdHeader : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const type = event.event;
    const payload = isRecord(event.payload) ? event.payload : {};
    const paymentEntity = isRecord(payload.payment) && isRecord(payload.payment.entity) ? payload.payment.entity : null;
    const orderEntity = isRecord(payload.order) && isRecord(payload.order.entity) ? payload.order.entity : null;
    const orderId = str(paymentEntity?.order_id) ?? str(orderEntity?.id);
    const gatewayPaymentId = str(paymentEntity?.id);

    return db.tx(async (tx) => {
      const stored = await insertGatewayEvent(tx, { gateway: gw.name, eventId, eventType: type, orderId, gatewayPaymentId, payload: event });
      if (!stored) return { duplicate: true, outcome: 'duplicate' };
      const payment = orderId ? await findPaymentByOrder(tx, orderId, { lock: true }) : undefined;
      let outcome: string;
      if (!payment) outcome = 'unknown_order';
      else if (type === 'payment.captured' || type === 'order.paid') {
        const amount = paymentEntity?.amount;
        if (!paymentEntity || !gatewayPaymentId || paymentEntity.status !== 'captured' || !Number.isSafeInteger(amount)) outcome = 'ignored_not_captured';
        else if (type === 'order.paid' && orderEntity && (orderEntity.amount !== payment.amount || orderEntity.amount_paid !== payment.amount)) {
          await flagForReview(tx, payment.id, `order.paid reported order amount ${String(orderEntity.amount)}, paid ${String(orderEntity.amount_paid)} for ${payment.amount}`);
          outcome = 'amount_mismatch';
        } else {
          outcome = await applyCapture(tx, payment, { gatewayPaymentId, amount: amount as number, currency: String(paymentEntity.currency), source: `webhook:${type}` });
        }
      } else if (type === 'refund.processed') {
        const refund = isRecord(payload.refund) && isRecord(payload.refund.entity) ? payload.refund.entity : null;
        const refundId = str(refund?.id);
        outcome = refund && refundId ? await applyRefund(tx, payment, { refundId, amount: refund.amount as number, source: 'webhook' }) : 'ignored_no_refund';
      } else if (type === 'payment.failed') {
        const reason = str(paymentEntity?.error_description) ?? str(paymentEntity?.error_reason) ?? 'payment_failed';
        outcome = await applyFailure(tx, payment, { gatewayPaymentId, reason, source: 'webhook' });
      } else outcome = 'ignored';
      await setEventOutcome(tx, stored, outcome, payment?.id ?? null);
      return { duplicate: false, outcome };
    });
  }

  /**
   * The browser's return from checkout. A valid signature proves the customer paid, so the top-up
   * shows as pending; it is not credited until the gateway confirms (webhook or reconciliation).
   */
  async function handleCallback(p: CallbackParams): Promise<{ paymentId: string | null; result: 'verified' | 'failed' }> {
    const gw = requireGateway();
    if (p.errorMetadata !== undefined && !p.razorpay_signature) {
      let orderId: string | null = null;
      try {
        const meta = JSON.parse(p.errorMetadata) as unknown;
        orderId = isRecord(meta) ? str(meta.order_id) : null;
      } catch {
        /* no order to return to */
      }
      const payment = orderId && ORDER_ID.test(orderId) ? await findPaymentByOrder(db, orderId) : undefined;
      // Unsigned: the top-up's state waits for the gateway's payment.failed webhook.
      return { paymentId: payment?.id ?? null, result: 'failed' };
    }
    const { razorpay_payment_id: paymentId, razorpay_order_id: orderId, razorpay_signature: signature } = p;
    if (!paymentId || !orderId || !signature || !PAY_ID.test(paymentId) || !ORDER_ID.test(orderId)) {
      throw badRequest('invalid_callback', 'The payment callback is missing razorpay_payment_id, razorpay_order_id or razorpay_signature.');
    }
    if (!gw.verifyPaymentSignature(orderId, paymentId, signature)) throw badRequest('invalid_signature', 'The payment signature does not match.');
    const payment = await findPaymentByOrder(db, orderId);
    if (!payment) throw notFound('Payment');
    await markPending(db, payment.id, paymentId);
    return { paymentId: payment.id, result: 'verified' };
  }

  /**
   * Job (every 10 minutes) and admin action: asks the gateway about top-ups that stayed unconfirmed.
   * Paid → credited exactly as a webhook would; unpaid after 24 hours → failed. One report row per run.
   */
  async function reconcile(now = new Date()): Promise<ReconcileReport> {
    if (!gateway) return { id: null, checked: 0, problems: 0, findings: [] };
    const rows = await paymentsToReconcile(db, gateway.name, settings.paymentReconcileAfterMinutes, 200);
    const findings: ReconcileFinding[] = [];
    for (const row of rows) {
      const expired = now.getTime() - row.created_at.getTime() > EXPIRE_AFTER_MS;
      const base = { paymentId: row.id, orderId: row.gateway_order_id };
      try {
        if (!row.gateway_order_id) {
          // The process stopped between creating the row and the gateway order.
          await db.tx(async (tx) => {
            const locked = (await findPayment(tx, row.id, { lock: true }))!;
            await applyFailure(tx, locked, { gatewayPaymentId: null, reason: 'order_not_created', source: 'reconciliation' });
          });
          findings.push({ ...base, action: 'no_order' });
          continue;
        }
        const orderId = row.gateway_order_id;
        const [order, payments] = await Promise.all([gateway.fetchOrder(orderId), gateway.fetchOrderPayments(orderId)]);
        const captured = payments.filter((p) => p.status === 'captured');
        if (captured.length) {
          const first = captured.find((p) => p.id === row.gateway_payment_id) ?? captured[0]!;
          const outcomes = await db.tx(async (tx) => {
            const out: CaptureOutcome[] = [];
            for (const p of [first, ...captured.filter((x) => x !== first)]) {
              const locked = (await findPayment(tx, row.id, { lock: true }))!;
              out.push(await applyCapture(tx, locked, { gatewayPaymentId: p.id, amount: p.amount, currency: p.currency, source: 'reconciliation' }));
            }
            return out;
          });
          const firstOutcome = outcomes[0]!;
          if (firstOutcome === 'credited') findings.push({ ...base, action: 'credited', message: `order ${order.status}; payment ${first.id} captured but not confirmed by a webhook` });
          else if (firstOutcome === 'already_captured') findings.push({ ...base, action: 'already_captured' });
          if (outcomes.some((o) => o === 'amount_mismatch' || o === 'second_payment')) {
            findings.push({ ...base, action: 'review', message: `gateway reports ${outcomes.join(', ')}; flagged for review` });
          }
        } else if (expired && row.status !== 'failed') {
          await db.tx(async (tx) => {
            const locked = (await findPayment(tx, row.id, { lock: true }))!;
            if (locked.status === 'created' || locked.status === 'pending') {
              await markFailed(tx, locked.id, 'expired');
              await insertActivity(tx, SYSTEM, { action: 'wallet.topup_failed', subjectUserId: locked.user_id, object: { type: 'payment', id: locked.id }, outcome: 'failure', details: { amount: locked.amount, reason: 'expired', source: 'reconciliation' } }, SYSTEM_META);
            }
          });
          findings.push({ ...base, action: 'expired', message: `order ${order.status} and unpaid after 24 hours` });
        } else if (row.status === 'pending') {
          // The browser proved a payment the gateway does not (yet) show as captured.
          findings.push({ ...base, action: 'unpaid', message: `verified in the browser but the gateway shows order ${order.status} with no captured payment` });
        }
      } catch (err) {
        log.warn({ err, paymentId: row.id }, 'gateway reconciliation of a payment failed');
        findings.push({ ...base, action: 'error', message: err instanceof GatewayError ? err.message : 'unexpected error (see logs)' });
      }
    }
    const problems = findings.filter((f) => f.action === 'error' || f.action === 'review').length;
    const report = await insertReconciliation(db, { kind: 'gateway', checked: rows.length, problems, details: findings });
    if (problems) log.error({ reconciliationId: report.id, problems }, 'gateway reconciliation found problems');
    return { id: report.id, checked: rows.length, problems, findings };
  }

  async function listForUser(userId: string, f: Omit<PaymentFilter, 'userId' | 'needsReview'>) {
    return searchPayments(db, { ...f, userId });
  }

  async function getForUser(userId: string, id: string): Promise<PaymentRow> {
    const payment = await findUserPayment(db, userId, id);
    if (!payment) throw notFound('Top-up');
    return payment;
  }

  async function receipt(userId: string, id: string): Promise<{ pdf: Buffer; receiptNumber: string }> {
    const payment = await getForUser(userId, id);
    if ((payment.status !== 'captured' && payment.status !== 'refunded') || !payment.receipt_number) {
      throw new AppError(409, 'receipt_unavailable', 'A receipt is available once the top-up has been received.');
    }
    const user = await findUserById(db, payment.user_id);
    const pdf = renderReceiptPdf({
      issuer: ISSUER,
      gstin: settings.gstin ?? null,
      receiptNumber: payment.receipt_number,
      capturedAt: payment.captured_at ?? payment.updated_at,
      customerName: user?.name ?? '',
      customerEmail: user?.email ?? '',
      amount: payment.amount,
      gstRateBps: settings.topupGstRateBps,
      gateway: payment.gateway,
      gatewayPaymentId: payment.gateway_payment_id ?? '',
      gatewayOrderId: payment.gateway_order_id ?? '',
      paymentId: payment.id,
    });
    return { pdf, receiptNumber: payment.receipt_number };
  }

  async function adminGet(id: string) {
    const payment = await findPayment(db, id);
    if (!payment) throw notFound('Payment');
    const user = await findUserById(db, payment.user_id);
    return { payment: { ...payment, user_name: user?.name ?? '', user_email: user?.email ?? '' }, events: await paymentEvents(db, id) };
  }

  async function runReconciliation(actor: Extract<Actor, { type: 'user' }>, meta: RequestMeta): Promise<ReconcileReport> {
    const report = await reconcile();
    await insertActivity(db, actor, { action: 'payments.reconciled', object: report.id ? { type: 'ledger_reconciliation', id: report.id } : undefined, details: { checked: report.checked, problems: report.problems } }, meta);
    return report;
  }

  return {
    gatewayName: gateway?.name ?? null,
    createTopup,
    handleCallback,
    handleWebhook,
    reconcile,
    runReconciliation,
    listForUser,
    getForUser,
    receipt,
    adminSearch: (f: PaymentFilter) => searchPayments(db, f),
    adminGet,
    reconciliations: (f: { kind?: 'balances' | 'gateway'; limit: number }) => listReconciliations(db, f),
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
