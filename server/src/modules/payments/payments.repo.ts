import type { Queryable } from '../../db/index.js';

export type PaymentStatus = 'created' | 'pending' | 'captured' | 'failed' | 'refunded';
export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['created', 'pending', 'captured', 'failed', 'refunded'];

export interface PaymentRow {
  id: string;
  user_id: string;
  gateway: 'razorpay' | 'sandbox';
  amount: number;
  currency: string;
  status: PaymentStatus;
  gateway_order_id: string | null;
  gateway_payment_id: string | null;
  ledger_transfer_id: string | null;
  receipt_number: string | null;
  failure_reason: string | null;
  needs_review: boolean;
  review_reason: string | null;
  created_at: Date;
  updated_at: Date;
  verified_at: Date | null;
  captured_at: Date | null;
  failed_at: Date | null;
  refunded_amount: number;
}

export interface AdminPaymentRow extends PaymentRow {
  user_name: string;
  user_email: string;
}

export interface GatewayEventRow {
  id: string;
  gateway: string;
  event_id: string;
  event_type: string;
  payment_id: string | null;
  gateway_order_id: string | null;
  gateway_payment_id: string | null;
  outcome: string;
  received_at: Date;
}

export interface ReconciliationRow {
  id: string;
  kind: 'balances' | 'gateway';
  ran_at: Date;
  checked: number;
  problems: number;
  details: unknown;
}

export async function insertPayment(q: Queryable, p: { userId: string; gateway: PaymentRow['gateway']; amount: number }): Promise<PaymentRow> {
  const rows = await q.query<PaymentRow>('INSERT INTO payments (user_id, gateway, amount) VALUES ($1, $2, $3) RETURNING *', [p.userId, p.gateway, p.amount]);
  return rows[0]!;
}

export async function setGatewayOrder(q: Queryable, id: string, orderId: string): Promise<PaymentRow> {
  const rows = await q.query<PaymentRow>('UPDATE payments SET gateway_order_id = $2 WHERE id = $1 RETURNING *', [id, orderId]);
  return rows[0]!;
}

export async function findPayment(q: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<PaymentRow | undefined> {
  return (await q.query<PaymentRow>(`SELECT * FROM payments WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]))[0];
}

/** Scoped to the owner: another user's payment is simply not found. */
export async function findUserPayment(q: Queryable, userId: string, id: string): Promise<PaymentRow | undefined> {
  return (await q.query<PaymentRow>('SELECT * FROM payments WHERE id = $1 AND user_id = $2', [id, userId]))[0];
}

export async function findPaymentByOrder(q: Queryable, orderId: string, opts: { lock?: boolean } = {}): Promise<PaymentRow | undefined> {
  return (await q.query<PaymentRow>(`SELECT * FROM payments WHERE gateway_order_id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [orderId]))[0];
}

export interface PaymentFilter {
  userId?: string;
  status?: PaymentStatus;
  needsReview?: boolean;
  limit: number;
  offset: number;
}

function where(f: PaymentFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, v: unknown) => {
    params.push(v);
    clauses.push(clause.replace('?', `$${params.length}`));
  };
  if (f.userId) add('p.user_id = ?', f.userId);
  if (f.status) add('p.status = ?', f.status);
  if (f.needsReview !== undefined) add('p.needs_review = ?', f.needsReview);
  return { sql: clauses.length ? 'WHERE ' + clauses.join(' AND ') : '', params };
}

export async function searchPayments(q: Queryable, f: PaymentFilter): Promise<{ items: AdminPaymentRow[]; total: number }> {
  const w = where(f);
  const items = await q.query<AdminPaymentRow>(
    `SELECT p.*, u.name AS user_name, u.email AS user_email FROM payments p JOIN users u ON u.id = p.user_id
     ${w.sql} ORDER BY p.created_at DESC, p.id DESC LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
    [...w.params, f.limit, f.offset],
  );
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments p ${w.sql}`, w.params))[0]!.n;
  return { items, total };
}

/** Top-ups of a user paid at the gateway (verified by the browser callback) whose capture has not been confirmed. */
export async function countPaymentsAwaitingCapture(q: Queryable, userId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM payments WHERE user_id = $1 AND status = 'pending'", [userId]);
  return row!.n;
}

/** The browser brought a verified checkout signature: the customer paid, the gateway has yet to confirm. */
export async function markPending(q: Queryable, id: string, gatewayPaymentId: string): Promise<boolean> {
  const n = await q.execute(
    `UPDATE payments SET status = 'pending', gateway_payment_id = $2, verified_at = COALESCE(verified_at, now())
     WHERE id = $1 AND status IN ('created', 'failed')`,
    [id, gatewayPaymentId],
  );
  return n > 0;
}

export async function markCaptured(q: Queryable, id: string, c: { gatewayPaymentId: string; transferId: string; receiptNumber: string }): Promise<PaymentRow> {
  const rows = await q.query<PaymentRow>(
    `UPDATE payments SET status = 'captured', gateway_payment_id = $2, ledger_transfer_id = $3, receipt_number = $4,
       captured_at = now(), failure_reason = NULL
     WHERE id = $1 RETURNING *`,
    [id, c.gatewayPaymentId, c.transferId, c.receiptNumber],
  );
  return rows[0]!;
}

export async function markFailed(q: Queryable, id: string, reason: string, gatewayPaymentId?: string | null): Promise<boolean> {
  const n = await q.execute(
    `UPDATE payments SET status = 'failed', failure_reason = $2, failed_at = now(),
       gateway_payment_id = COALESCE($3, gateway_payment_id)
     WHERE id = $1 AND status IN ('created', 'pending')`,
    [id, reason.slice(0, 500), gatewayPaymentId ?? null],
  );
  return n > 0;
}

/** Adds a gateway refund; the top-up becomes `refunded` when all of it has been refunded. */
export async function addRefund(q: Queryable, id: string, amount: number): Promise<PaymentRow> {
  const rows = await q.query<PaymentRow>(
    `UPDATE payments SET refunded_amount = refunded_amount + $2,
       status = CASE WHEN refunded_amount + $2 = amount THEN 'refunded' ELSE status END
     WHERE id = $1 RETURNING *`,
    [id, amount],
  );
  return rows[0]!;
}

export async function flagForReview(q: Queryable, id: string, reason: string): Promise<void> {
  await q.query(
    `UPDATE payments SET needs_review = true,
       review_reason = CASE WHEN review_reason IS NULL THEN $2 ELSE left(review_reason || '; ' || $2, 2000) END
     WHERE id = $1`,
    [id, reason.slice(0, 500)],
  );
}

/** Stores a gateway event once; null when this event id was seen before (a duplicate delivery). */
export async function insertGatewayEvent(
  q: Queryable,
  e: { gateway: string; eventId: string; eventType: string; orderId: string | null; gatewayPaymentId: string | null; payload: unknown },
): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO payment_gateway_events (gateway, event_id, event_type, gateway_order_id, gateway_payment_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ON CONSTRAINT payment_gateway_events_once DO NOTHING RETURNING id`,
    [e.gateway, e.eventId, e.eventType.slice(0, 100), e.orderId, e.gatewayPaymentId, JSON.stringify(e.payload)],
  );
  return rows[0]?.id ?? null;
}

export async function setEventOutcome(q: Queryable, id: string, outcome: string, paymentId: string | null): Promise<void> {
  await q.query('UPDATE payment_gateway_events SET outcome = $2, payment_id = $3 WHERE id = $1', [id, outcome, paymentId]);
}

export async function paymentEvents(q: Queryable, paymentId: string): Promise<GatewayEventRow[]> {
  return q.query<GatewayEventRow>(
    `SELECT id, gateway, event_id, event_type, payment_id, gateway_order_id, gateway_payment_id, outcome, received_at
     FROM payment_gateway_events WHERE payment_id = $1 ORDER BY received_at, id`,
    [paymentId],
  );
}

/** The Indian financial year (April–March, in IST) of a moment: 2025-04-01 → "25-26". */
export function financialYear(at: Date): string {
  const ist = new Date(at.getTime() + 330 * 60_000);
  const start = ist.getUTCMonth() >= 3 ? ist.getUTCFullYear() : ist.getUTCFullYear() - 1;
  return `${String(start % 100).padStart(2, '0')}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * The next receipt number of the financial year, e.g. TU/25-26/000042 (15 characters: GST invoice
 * numbers may have at most 16). Taken inside the capture's transaction, so the series has no gaps;
 * the counter row serialises captures, which is fine at top-up rates (not the per-message path).
 */
export async function nextReceiptNumber(q: Queryable, at: Date): Promise<string> {
  const fy = financialYear(at);
  const rows = await q.query<{ last_number: number }>(
    `INSERT INTO payment_receipt_counters (financial_year, last_number) VALUES ($1, 1)
     ON CONFLICT (financial_year) DO UPDATE SET last_number = payment_receipt_counters.last_number + 1
     RETURNING last_number`,
    [fy],
  );
  return `TU/${fy}/${String(rows[0]!.last_number).padStart(6, '0')}`;
}

/**
 * Top-ups the gateway should be asked about: still created or pending after `afterMinutes`, plus
 * recent failures (a later attempt on the same order may have succeeded without its webhook).
 * Flagged ones wait for a person.
 */
export async function paymentsToReconcile(q: Queryable, gateway: string, afterMinutes: number, limit: number): Promise<PaymentRow[]> {
  return q.query<PaymentRow>(
    `SELECT * FROM payments
     WHERE gateway = $1 AND NOT needs_review AND created_at < now() - make_interval(mins => $2)
       AND (status IN ('created', 'pending')
            OR (status = 'failed' AND created_at > now() - interval '24 hours'
                AND failure_reason NOT IN ('expired', 'order_not_created', 'gateway_error')))
     ORDER BY created_at LIMIT $3`,
    [gateway, afterMinutes, limit],
  );
}

export async function insertReconciliation(q: Queryable, r: { kind: 'gateway'; checked: number; problems: number; details: unknown }): Promise<ReconciliationRow> {
  const rows = await q.query<ReconciliationRow>(
    'INSERT INTO ledger_reconciliations (kind, checked, problems, details) VALUES ($1, $2, $3, $4) RETURNING *',
    [r.kind, r.checked, r.problems, JSON.stringify(r.details)],
  );
  return rows[0]!;
}

export async function listReconciliations(q: Queryable, f: { kind?: 'balances' | 'gateway'; limit: number }): Promise<ReconciliationRow[]> {
  return q.query<ReconciliationRow>(
    `SELECT * FROM ledger_reconciliations ${f.kind ? 'WHERE kind = $2' : ''} ORDER BY ran_at DESC, id LIMIT $1`,
    f.kind ? [f.limit, f.kind] : [f.limit],
  );
}
