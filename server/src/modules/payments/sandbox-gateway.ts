import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Db, Queryable } from '../../db/index.js';
import { injectHttp } from '../../platform/in-process-http.js';
import type { Jobs } from '../../platform/jobs.js';
import { GatewayError, hmacSha256Hex, paymentSignature, type HttpTransport } from './gateway.js';

/**
 * The sandbox gateway: a stand-in for Razorpay's servers, mounted in the app under /sandbox/razorpay,
 * so top-ups work on a fresh machine with no gateway account. It keeps its orders, payments and owed
 * webhooks in its own tables (every instance sees the same state), answers the same REST API as
 * Razorpay, and POSTs Razorpay-shaped webhooks signed with its webhook secret through a job, so a
 * restart loses none. It is never mounted in production (see payments.module.ts).
 */

export const SANDBOX_WEBHOOK_JOB = 'payments.sandbox-webhook';
export const SANDBOX_ACCOUNT_ID = 'acc_SandboxSevaKdr';

export interface SandboxCredentials {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
}

/**
 * Derived from the master key rather than generated per process, so every instance (and the worker
 * delivering webhooks queued before a restart) signs and verifies with the same secrets.
 */
export function sandboxCredentials(masterKey: Buffer): SandboxCredentials {
  const derive = (label: string) => createHmac('sha256', masterKey).update(`seva-kendra/sandbox-gateway/${label}`).digest();
  return {
    keyId: 'rzp_test_' + base62(derive('key-id'), 14),
    keySecret: derive('key-secret').toString('base64url').slice(0, 24),
    webhookSecret: derive('webhook-secret').toString('base64url').slice(0, 32),
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i % bytes.length]! % 62];
  return out;
}

/** Razorpay-style ids: a prefix and 14 random base-62 characters (the slight modulo bias is harmless here). */
export function sandboxId(prefix: string): string {
  return (prefix ? prefix + '_' : '') + base62(randomBytes(14), 14);
}

/** Calls this same app in-process: the sandbox's API and webhooks need no network hop. */
export function injectTransport(getApp: () => FastifyInstance): HttpTransport {
  const call = injectHttp(getApp, (message, cause) => new GatewayError('network', message, undefined, undefined, { cause }));
  return async (request) => {
    const res = await call(request);
    return { status: res.status, body: res.body.toString('utf8') };
  };
}

export interface SandboxOrderRow {
  id: string;
  amount: number;
  amount_paid: number;
  currency: string;
  receipt: string | null;
  notes: Record<string, string>;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  created_at: Date;
}

export interface SandboxPaymentRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: 'captured' | 'failed';
  method: string;
  error_code: string | null;
  error_description: string | null;
  created_at: Date;
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
/** Razorpay sends an empty array, not an empty object, for "no notes". */
const notesOut = (n: Record<string, string>) => (Object.keys(n).length ? n : []);

export function orderEntity(o: SandboxOrderRow) {
  return {
    id: o.id,
    entity: 'order',
    amount: o.amount,
    amount_paid: o.amount_paid,
    amount_due: o.amount - o.amount_paid,
    currency: o.currency,
    receipt: o.receipt,
    offer_id: null,
    status: o.status,
    attempts: o.attempts,
    notes: notesOut(o.notes),
    created_at: unix(o.created_at),
  };
}

export function paymentEntity(p: SandboxPaymentRow, notes: Record<string, string>) {
  const failed = p.status === 'failed';
  return {
    id: p.id,
    entity: 'payment',
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    order_id: p.order_id,
    invoice_id: null,
    international: false,
    method: p.method,
    amount_refunded: 0,
    refund_status: null,
    captured: p.status === 'captured',
    description: 'Sandbox payment',
    card_id: null,
    bank: null,
    wallet: null,
    vpa: failed ? 'failure@razorpay' : 'success@razorpay',
    email: 'void@razorpay.com',
    contact: '+919000090000',
    notes: notesOut(notes),
    fee: 0,
    tax: 0,
    error_code: p.error_code,
    error_description: p.error_description,
    error_source: failed ? 'customer' : null,
    error_step: failed ? 'payment_authentication' : null,
    error_reason: failed ? 'payment_failed' : null,
    acquirer_data: failed ? {} : { rrn: String(100000000000 + (parseInt(p.id.slice(-6), 36) % 899999999999)) },
    created_at: unix(p.created_at),
  };
}

export interface PayResult {
  /** Query parameters for the redirect to the platform's callback URL, as Razorpay's redirect mode sends them. */
  callbackParams: Record<string, string>;
  alreadyPaid: boolean;
}

export function createSandboxGateway(deps: {
  db: Db;
  jobs: Jobs;
  credentials: SandboxCredentials;
  /** Where the platform receives gateway webhooks. */
  webhookUrl: string;
  /** How webhooks reach it (in-process by default; any HttpTransport). */
  webhookTransport: HttpTransport;
  log: FastifyBaseLogger;
}) {
  const { db, jobs, credentials, log } = deps;

  async function createOrder(input: { amount: number; currency: string; receipt: string | null; notes: Record<string, string> }): Promise<SandboxOrderRow> {
    const rows = await db.query<SandboxOrderRow>(
      `INSERT INTO sandbox_gateway_orders (id, amount, currency, receipt, notes) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [sandboxId('order'), input.amount, input.currency, input.receipt, JSON.stringify(input.notes)],
    );
    return rows[0]!;
  }

  async function findOrder(q: Queryable, id: string, lock = false): Promise<SandboxOrderRow | undefined> {
    return (await q.query<SandboxOrderRow>(`SELECT * FROM sandbox_gateway_orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
  }

  async function orderPayments(orderId: string): Promise<SandboxPaymentRow[]> {
    return db.query<SandboxPaymentRow>('SELECT * FROM sandbox_gateway_payments WHERE order_id = $1 ORDER BY created_at, id', [orderId]);
  }

  async function queueWebhook(tx: Queryable, event: string, contains: string[], payload: Record<string, unknown>): Promise<void> {
    const id = sandboxId('');
    const body = { entity: 'event', account_id: SANDBOX_ACCOUNT_ID, event, contains, payload, created_at: Math.floor(Date.now() / 1000) };
    await tx.query('INSERT INTO sandbox_gateway_webhooks (id, event, payload) VALUES ($1, $2, $3)', [id, event, JSON.stringify(body)]);
    await jobs.enqueue(tx, SANDBOX_WEBHOOK_JOB, { id });
  }

  /**
   * The customer pressed a button on the checkout page. Success captures at once (Razorpay with
   * auto-capture) and owes payment.captured and order.paid webhooks; failure owes payment.failed.
   * A second "succeed" on a paid order answers with the payment that paid it, like a reloaded page.
   */
  async function pay(orderId: string, outcome: 'succeed' | 'fail'): Promise<PayResult | null> {
    return db.tx(async (tx) => {
      const order = await findOrder(tx, orderId, true);
      if (!order) return null;
      if (order.status === 'paid') {
        const captured = (await tx.query<SandboxPaymentRow>("SELECT * FROM sandbox_gateway_payments WHERE order_id = $1 AND status = 'captured'", [orderId]))[0]!;
        return { callbackParams: successParams(order.id, captured.id), alreadyPaid: true };
      }
      const failed = outcome === 'fail';
      const payment = (
        await tx.query<SandboxPaymentRow>(
          `INSERT INTO sandbox_gateway_payments (id, order_id, amount, currency, status, method, error_code, error_description)
           VALUES ($1, $2, $3, $4, $5, 'upi', $6, $7) RETURNING *`,
          [sandboxId('pay'), order.id, order.amount, order.currency, failed ? 'failed' : 'captured', failed ? 'BAD_REQUEST_ERROR' : null, failed ? 'Payment failed' : null],
        )
      )[0]!;
      const updated = (
        await tx.query<SandboxOrderRow>(
          `UPDATE sandbox_gateway_orders SET attempts = attempts + 1, status = $2, amount_paid = amount_paid + $3 WHERE id = $1 RETURNING *`,
          [order.id, failed ? 'attempted' : 'paid', failed ? 0 : order.amount],
        )
      )[0]!;
      const paymentPayload = { payment: { entity: paymentEntity(payment, order.notes) } };
      if (failed) {
        await queueWebhook(tx, 'payment.failed', ['payment'], paymentPayload);
        return {
          alreadyPaid: false,
          callbackParams: {
            'error[code]': 'BAD_REQUEST_ERROR',
            'error[description]': 'Payment failed',
            'error[source]': 'customer',
            'error[step]': 'payment_authentication',
            'error[reason]': 'payment_failed',
            'error[metadata]': JSON.stringify({ payment_id: payment.id, order_id: order.id }),
          },
        };
      }
      await queueWebhook(tx, 'payment.captured', ['payment'], paymentPayload);
      await queueWebhook(tx, 'order.paid', ['payment', 'order'], { ...paymentPayload, order: { entity: orderEntity(updated) } });
      return { callbackParams: successParams(order.id, payment.id), alreadyPaid: false };
    });
  }

  function successParams(orderId: string, paymentId: string): Record<string, string> {
    return {
      razorpay_payment_id: paymentId,
      razorpay_order_id: orderId,
      razorpay_signature: paymentSignature(credentials.keySecret, orderId, paymentId),
    };
  }

  /** Job: POSTs one owed webhook, signed over the exact bytes sent; a non-2xx answer is retried. */
  async function deliverWebhook({ id }: { id: string }): Promise<void> {
    const row = (await db.query<{ payload: unknown; delivered_at: Date | null }>('SELECT payload, delivered_at FROM sandbox_gateway_webhooks WHERE id = $1', [id]))[0];
    if (!row || row.delivered_at) return;
    const body = JSON.stringify(row.payload);
    let status = 0;
    try {
      const res = await deps.webhookTransport({
        method: 'POST',
        url: deps.webhookUrl,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Razorpay-Webhook/v1 (Seva Kendra sandbox)',
          'x-razorpay-signature': hmacSha256Hex(credentials.webhookSecret, body),
          'x-razorpay-event-id': id,
        },
        body,
        timeoutMs: 10_000,
      });
      status = res.status;
    } finally {
      await db.query(
        `UPDATE sandbox_gateway_webhooks SET attempts = attempts + 1, last_status = $2,
           delivered_at = CASE WHEN $2 BETWEEN 200 AND 299 THEN now() ELSE NULL END WHERE id = $1`,
        [id, status],
      );
    }
    if (status < 200 || status > 299) {
      log.warn({ webhookId: id, status }, 'sandbox gateway webhook not accepted; will retry');
      throw new Error(`sandbox webhook ${id} answered ${status}`);
    }
  }

  return { credentials, createOrder, findOrder: (id: string) => findOrder(db, id), orderPayments, pay, deliverWebhook };
}

export type SandboxGateway = ReturnType<typeof createSandboxGateway>;
