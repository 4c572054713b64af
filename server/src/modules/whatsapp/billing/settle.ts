import type { FastifyBaseLogger } from 'fastify';
import type { Queryable } from '../../../db/index.js';
import type { Actor } from '../../../platform/actor.js';
import { SYSTEM_META } from '../../../platform/actor.js';
import { insertActivity } from '../../audit/activity.repo.js';
import { LEASE_PURPOSE } from '../../wallet/credit-leases.js';
import { closeHold, type HoldRow } from '../../wallet/holds.js';
import { customerAccounts, postTransfer, systemAccountId } from '../../wallet/ledger.js';
import type { MessageStatus, ReportedStatus } from '../inbound/status-rules.js';
import { categoryFromMeta, priceFor } from './pricing.js';

/**
 * Settling a message's reserve from Meta's status reports (README.md of whatsapp, "Billing").
 *
 * At send, the send path took the expected price from the wallet (a credit-lease charge: the money
 * is already spent, `billing_state = 'reserved'`, `reserved_paise`), or, for a per-message hold,
 * held it (`hold_id` of a hold that is not a lease). Meta's `pricing` on the first status that
 * carries it says what the message really costs:
 *  - `regular` (billable): the price of Meta's category for the recipient's country at the time of
 *    the send; the difference to the reserve is refunded (refunds → wallet) or charged (wallet →
 *    revenue, never beyond the available balance: the shortfall is logged and recorded);
 *  - a free type (free_customer_service, free_entry_point, …): the whole reserve goes back;
 *  - a failure before any billable report: the whole reserve goes back.
 * A message that Meta reports delivered after all, once failed and refunded, is charged again.
 *
 * Exactly once per message: the caller holds the message row (FOR UPDATE), `billing_state` moves
 * only forward, and each ledger transfer carries an idempotency key (`wa-settle:<id>`,
 * `wa-rebill:<id>`), so a retried or concurrent webhook cannot post twice.
 */

export interface MetaPricing {
  type: string | null;
  category: string | null;
  billable: boolean | null;
}

export interface BillableMessage {
  id: string;
  tenant_id: string;
  wa_id: string;
  wamid: string | null;
  created_at: Date;
  status: MessageStatus;
  reserved_paise: number;
  charged_paise: number | null;
  billing_state: 'none' | 'reserved' | 'charged' | 'released';
  hold_id: string | null;
  pricing_type: string | null;
  pricing_category: string | null;
  failed_at: Date | null;
}

export type SettlementAction = 'charge' | 'release' | 'rebill';

/** Whether Meta bills a message with this pricing: `regular` yes, `free_*` no; unknown types by `billable`. */
export function isBillable(p: MetaPricing): boolean {
  if (p.type === 'regular') return true;
  if (p.type?.startsWith('free')) return false;
  return p.billable === true;
}

/**
 * What a status report does to the money (pure). `statusAfter` is the message's status once the
 * report is applied; `pricing` is the report's, or null.
 */
export function settlementFor(
  m: Pick<BillableMessage, 'billing_state' | 'failed_at' | 'pricing_type' | 'pricing_category'>,
  report: ReportedStatus | null,
  pricing: MetaPricing | null,
  statusAfter: MessageStatus,
): SettlementAction | null {
  if (m.billing_state === 'none' || m.billing_state === 'reserved') {
    if (pricing) return isBillable(pricing) ? 'charge' : 'release';
    if (report === 'failed' && statusAfter === 'failed') return 'release';
    return null;
  }
  if (m.billing_state === 'released' && m.failed_at && (report === 'delivered' || report === 'read') && (statusAfter === 'delivered' || statusAfter === 'read')) {
    const known = pricing ?? (m.pricing_type ? { type: m.pricing_type, category: m.pricing_category, billable: null } : null);
    return known && isBillable(known) ? 'rebill' : null;
  }
  return null;
}

const SYSTEM: Actor = { type: 'system' };

export interface SettlementResult {
  action: SettlementAction;
  pricePaise: number;
  chargedPaise: number;
  refundedPaise: number;
  shortfallPaise: number;
}

/** The price of Meta's category for this message, or the reserve when the table cannot price it. */
async function priceOf(q: Queryable, m: BillableMessage, pricing: MetaPricing | null, log?: FastifyBaseLogger): Promise<number> {
  const category = categoryFromMeta(pricing?.category ?? m.pricing_category);
  const price = category ? await priceFor(q, category, m.wa_id, m.created_at) : null;
  if (!price) {
    log?.warn({ messageId: m.id, metaCategory: pricing?.category ?? m.pricing_category }, 'no price for Meta’s category: charged at the reserved price');
    return m.reserved_paise;
  }
  return price.pricePaise;
}

/** The per-message hold behind the reserve, when the send used one instead of a credit lease. */
async function messageHold(q: Queryable, m: BillableMessage): Promise<HoldRow | null> {
  if (!m.hold_id) return null;
  const rows = await q.query<HoldRow>('SELECT * FROM ledger_holds WHERE id = $1 AND user_id = $2', [m.hold_id, m.tenant_id]);
  const hold = rows[0];
  return hold && hold.purpose !== LEASE_PURPOSE ? hold : null;
}

async function refund(q: Queryable, m: BillableMessage, amount: number, description: string, reason: string): Promise<void> {
  const accounts = await customerAccounts(q, m.tenant_id);
  await postTransfer(q, {
    kind: 'refund',
    description,
    idempotencyKey: `wa-settle:${m.id}`,
    request: { messageId: m.id, refund: amount },
    postings: [
      { accountId: await systemAccountId(q, 'refunds'), amount: -amount },
      { accountId: accounts.wallet, amount },
    ],
    metadata: { messageId: m.id, wamid: m.wamid, reason },
    actor: SYSTEM,
  });
}

/** Charges up to `amount` from the available balance (the wallet row locked); returns what was taken. */
async function chargeAvailable(q: Queryable, m: BillableMessage, amount: number, key: string, description: string): Promise<number> {
  const accounts = await customerAccounts(q, m.tenant_id);
  const [row] = await q.query<{ balance: number }>('SELECT balance FROM ledger_accounts WHERE id = $1 FOR UPDATE', [accounts.wallet]);
  const take = Math.min(amount, Math.max(0, row?.balance ?? 0));
  if (take > 0) {
    await postTransfer(q, {
      kind: 'debit',
      description,
      idempotencyKey: key,
      request: { messageId: m.id, charge: take },
      postings: [
        { accountId: accounts.wallet, amount: -take },
        { accountId: await systemAccountId(q, 'revenue'), amount: take },
      ],
      metadata: { messageId: m.id, wamid: m.wamid },
      actor: SYSTEM,
    });
  }
  return take;
}

async function recordShortfall(q: Queryable, m: BillableMessage, price: number, charged: number, log?: FastifyBaseLogger): Promise<void> {
  const shortfall = price - charged;
  log?.warn({ messageId: m.id, tenantId: m.tenant_id, pricePaise: price, chargedPaise: charged, shortfallPaise: shortfall }, 'wallet could not cover Meta’s price for a message');
  await insertActivity(
    q,
    SYSTEM,
    {
      action: 'whatsapp.billing_shortfall',
      subjectUserId: m.tenant_id,
      object: { type: 'wa_message', id: m.id },
      outcome: 'failure',
      details: { pricePaise: price, chargedPaise: charged, shortfallPaise: shortfall },
    },
    SYSTEM_META,
  );
}

const label = (c: string | null) => (c ?? 'message').replace(/[_-]/g, ' ');

/**
 * Applies one settlement to a message the caller has locked, and records the outcome on it. The
 * message's pricing columns must already hold the report's pricing (status-events.ts does that).
 */
export async function settleMessage(
  q: Queryable,
  m: BillableMessage,
  action: SettlementAction,
  pricing: MetaPricing | null,
  log?: FastifyBaseLogger,
): Promise<SettlementResult> {
  const reserve = m.reserved_paise;
  const hold = await messageHold(q, m);
  let charged = 0;
  let refunded = 0;

  if (action === 'release') {
    if (hold?.status === 'open') await closeHold(q, hold.id, 0, SYSTEM, { description: 'WhatsApp message: held amount returned' });
    else if (!hold && reserve > 0) {
      const failed = pricing === null;
      await refund(q, m, reserve, failed ? 'WhatsApp message not delivered: amount returned' : `WhatsApp message free (${label(pricing.type)}): amount returned`, failed ? 'failed' : 'free');
      refunded = reserve;
    }
    await q.query(`UPDATE wa_messages SET billing_state = 'released', charged_paise = 0 WHERE id = $1`, [m.id]);
    return { action, pricePaise: 0, chargedPaise: 0, refundedPaise: refunded, shortfallPaise: 0 };
  }

  const price = await priceOf(q, m, pricing, log);
  const category = label(categoryFromMeta(pricing?.category ?? m.pricing_category) ?? pricing?.category ?? m.pricing_category);

  if (action === 'rebill') {
    charged = await chargeAvailable(q, m, price, `wa-rebill:${m.id}`, `WhatsApp message delivered after a failure report: ${category} charge`);
  } else {
    // What the reserve already pays of the price.
    let covered: number;
    if (hold) {
      covered = Math.min(price, hold.status === 'open' ? hold.amount : hold.settled);
      if (hold.status === 'open') await closeHold(q, hold.id, covered, SYSTEM, { description: `WhatsApp message: ${category} charge` });
    } else {
      covered = Math.min(price, reserve);
      if (reserve > price) {
        await refund(q, m, reserve - price, `WhatsApp message charged at the ${category} rate: difference returned`, 'price_lower');
        refunded = reserve - price;
      }
    }
    charged = covered;
    if (price > covered) charged += await chargeAvailable(q, m, price - covered, `wa-settle:${m.id}`, `WhatsApp message charged at the ${category} rate: difference`);
  }
  if (charged < price) await recordShortfall(q, m, price, charged, log);
  await q.query(`UPDATE wa_messages SET billing_state = 'charged', charged_paise = $2 WHERE id = $1`, [m.id, charged]);
  return { action, pricePaise: price, chargedPaise: charged, refundedPaise: refunded, shortfallPaise: price - charged };
}
