import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../platform/schemas.js';
import type { AdminPaymentRow, GatewayEventRow, PaymentRow, ReconciliationRow } from './payments.repo.js';

const Paise = Type.Integer({ description: 'Amount in paise (₹1 = 100 paise)' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const PaymentStatusSchema = Type.Union(
  (['created', 'pending', 'captured', 'failed', 'refunded'] as const).map((s) => Type.Literal(s)),
  { description: 'created: checkout not finished; pending: paid in the browser, awaiting the gateway; captured: credited; failed; refunded' },
);

export const Topup = Type.Object(
  {
    id: Uuid,
    amount: Paise,
    currency: Type.Literal('INR'),
    status: PaymentStatusSchema,
    gateway: Type.Union([Type.Literal('razorpay'), Type.Literal('sandbox')]),
    gatewayOrderId: Nullable(Type.String()),
    gatewayPaymentId: Nullable(Type.String()),
    receiptNumber: Nullable(Type.String()),
    receiptUrl: Nullable(Type.String()),
    failureReason: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    capturedAt: Nullable(Timestamp),
    failedAt: Nullable(Timestamp),
  },
  { $id: 'Topup' },
);

export function toTopupDto(p: PaymentRow): Static<typeof Topup> {
  const hasReceipt = (p.status === 'captured' || p.status === 'refunded') && p.receipt_number !== null;
  return {
    id: p.id,
    amount: p.amount,
    currency: 'INR',
    status: p.status,
    gateway: p.gateway,
    gatewayOrderId: p.gateway_order_id,
    gatewayPaymentId: p.gateway_payment_id,
    receiptNumber: p.receipt_number,
    receiptUrl: hasReceipt ? `/api/wallet/topups/${p.id}/receipt.pdf` : null,
    failureReason: p.failure_reason,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
    capturedAt: p.captured_at?.toISOString() ?? null,
    failedAt: p.failed_at?.toISOString() ?? null,
  };
}

export const AdminPayment = Type.Object({
  ...Topup.properties,
  userId: Uuid,
  userName: Type.String(),
  userEmail: Type.String(),
  needsReview: Type.Boolean(),
  reviewReason: Nullable(Type.String()),
  ledgerTransferId: Nullable(Uuid),
  verifiedAt: Nullable(Timestamp),
});

export function toAdminPaymentDto(p: AdminPaymentRow): Static<typeof AdminPayment> {
  return {
    ...toTopupDto(p),
    userId: p.user_id,
    userName: p.user_name,
    userEmail: p.user_email,
    needsReview: p.needs_review,
    reviewReason: p.review_reason,
    ledgerTransferId: p.ledger_transfer_id,
    verifiedAt: p.verified_at?.toISOString() ?? null,
  };
}

export const GatewayEvent = Type.Object({
  id: Uuid,
  eventId: Type.String(),
  eventType: Type.String(),
  gatewayPaymentId: Nullable(Type.String()),
  outcome: Type.String(),
  receivedAt: Timestamp,
});

export const toGatewayEventDto = (e: GatewayEventRow): Static<typeof GatewayEvent> => ({
  id: e.id,
  eventId: e.event_id,
  eventType: e.event_type,
  gatewayPaymentId: e.gateway_payment_id,
  outcome: e.outcome,
  receivedAt: e.received_at.toISOString(),
});

export const Checkout = Type.Object({
  gateway: Type.Union([Type.Literal('razorpay'), Type.Literal('sandbox')]),
  keyId: Type.String({ description: 'Razorpay key id for checkout.js' }),
  orderId: Type.String(),
  amount: Paise,
  currency: Type.Literal('INR'),
  name: Type.String(),
  description: Type.String(),
  callbackUrl: Type.String({ description: "Where checkout returns the browser (Razorpay's callback_url, redirect mode)" }),
  checkoutUrl: Nullable(Type.String({ description: "The sandbox gateway's checkout page; null for Razorpay (use checkout.js)" })),
  prefill: Type.Object({ name: Type.String(), email: Type.String(), contact: Nullable(Type.String()) }),
});

export const TopupBody = Strict({ amount: Type.Integer({ minimum: 1, maximum: 1e12, description: 'Amount in paise' }) });
export const IdParams = Strict({ id: Uuid });
export const TopupListQuery = Strict({
  status: Type.Optional(PaymentStatusSchema),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export const AdminPaymentQuery = Strict({
  ...TopupListQuery.properties,
  userId: Type.Optional(Uuid),
  needsReview: Type.Optional(Type.Boolean()),
});

export const Reconciliation = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('balances'), Type.Literal('gateway')]),
  ranAt: Timestamp,
  checked: Type.Integer(),
  problems: Type.Integer(),
  details: Type.Unknown(),
});

export const toReconciliationDto = (r: ReconciliationRow): Static<typeof Reconciliation> => ({
  id: r.id,
  kind: r.kind,
  ranAt: r.ran_at.toISOString(),
  checked: r.checked,
  problems: r.problems,
  details: r.details,
});

export const ReconciliationQuery = Strict({
  kind: Type.Optional(Type.Union([Type.Literal('balances'), Type.Literal('gateway')])),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
