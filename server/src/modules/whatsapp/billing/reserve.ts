import type { Queryable } from '../../../db/index.js';
import type { Actor } from '../../../platform/actor.js';
import { AppError } from '../../../platform/errors.js';
import type { CreditLeases, LeaseUsage } from '../../wallet/credit-leases.js';
import { customerAccounts, postTransfer, systemAccountId } from '../../wallet/ledger.js';

/**
 * The reserve half of per-message billing (README.md of whatsapp, "Billing"). A send reserves the price
 * of the category it expects as a credit-lease charge (wallet/credit-leases.ts), in the same
 * transaction that writes the message, so a message exists exactly when its money is reserved. A
 * message that is never sent (Meta refused it) gets the reserve back with `refundReserve`, at most once.
 */

const SYSTEM: Actor = { type: 'system' };

export interface Reserved {
  /** The credit lease hold that paid (wa_messages.hold_id); null when the price was zero. */
  holdId: string | null;
  reservedPaise: number;
}

export const insufficientBalance = (pricePaise: number) =>
  new AppError(402, 'insufficient_balance', `Your wallet balance is too low to send this message (it costs ₹${(pricePaise / 100).toFixed(2)}). Add money to your wallet and try again.`);

/** The ledger reference of a message's charge (ledger_lease_usage.reference). */
export const reserveReference = (messageId: string) => `wa:${messageId}`;

/**
 * Reserves message prices: each `reserve` takes the price from the process's credit lease in memory
 * (a CreditLeases charge, split in its two halves) and has `write` record it — the usage record
 * together with what it pays for, atomically (messages/send-writes.ts groups the writes of
 * concurrent sends): a busy wallet costs no row lock per message. 402 insufficient_balance when the
 * wallet cannot cover the price; nothing is written then, and a failed write gives the lease its
 * money back.
 */
export function createReserver<W>(deps: {
  leases: CreditLeases;
  /** Writes `work` with the usage record of its reserve (`usage`: null when the price was zero). */
  write: (work: W, reserved: Reserved, usage: LeaseUsage | null) => Promise<void>;
}) {
  return {
    async reserve(input: { tenantId: string; messageId: string; pricePaise: number }, work: W): Promise<Reserved> {
      if (input.pricePaise === 0) {
        const reserved = { holdId: null, reservedPaise: 0 };
        await deps.write(work, reserved, null);
        return reserved;
      }
      let taken: { holdId: string; undo(): void };
      try {
        taken = await deps.leases.take(input.tenantId, input.pricePaise);
      } catch (err) {
        if (err instanceof AppError && err.code === 'insufficient_funds') throw insufficientBalance(input.pricePaise);
        throw err;
      }
      const reserved = { holdId: taken.holdId, reservedPaise: input.pricePaise };
      try {
        await deps.write(work, reserved, { holdId: taken.holdId, amount: input.pricePaise, reference: reserveReference(input.messageId) });
      } catch (err) {
        taken.undo();
        throw err;
      }
      return reserved;
    },
  };
}

export type Reserver<W> = ReturnType<typeof createReserver<W>>;

/**
 * Gives a message's reserve back to the tenant's wallet (Meta refused it, or it turned out free) and
 * marks it `released`, in the caller's transaction. At most once per message: the row changes only
 * while it is still `reserved`, and the refund transfer's idempotency key is the message id, so a
 * second call (a retried job, a duplicate webhook) changes nothing and returns 0.
 * Returns the paise given back.
 */
export async function refundReserve(q: Queryable, message: { id: string }, reason: string): Promise<number> {
  const rows = await q.query<{ tenant_id: string; reserved_paise: number }>(
    `UPDATE wa_messages SET billing_state = 'released', charged_paise = 0
      WHERE id = $1 AND billing_state = 'reserved' RETURNING tenant_id, reserved_paise`,
    [message.id],
  );
  const row = rows[0];
  if (!row || row.reserved_paise <= 0) return 0;
  const accounts = await customerAccounts(q, row.tenant_id);
  // A refund rather than a lease credit: the lease that paid may already be settled (or belong to
  // another process), while a refund transfer is right whenever it happens.
  await postTransfer(q, {
    kind: 'refund',
    description: `WhatsApp message not charged: ${reason}`.slice(0, 300),
    idempotencyKey: `refund:wa-message:${message.id}`,
    request: { messageId: message.id, amount: row.reserved_paise },
    postings: [
      { accountId: await systemAccountId(q, 'refunds'), amount: -row.reserved_paise },
      { accountId: accounts.wallet, amount: row.reserved_paise },
    ],
    metadata: { messageId: message.id, reason },
    actor: SYSTEM,
  });
  return row.reserved_paise;
}
