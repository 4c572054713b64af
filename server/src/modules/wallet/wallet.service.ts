import type { Db, Queryable } from '../../db/index.js';
import type { Actor, RequestMeta } from '../../platform/actor.js';
import { badRequest } from '../../platform/errors.js';
import { insertActivity } from '../audit/activity.repo.js';
import { accountBalance, customerAccounts, findDrift, postTransfer, systemAccountId, type PostedTransfer } from './ledger.js';
import { closeHold, expiredHoldIds, lockOpenHold } from './holds.js';
import { LEASE_PURPOSE, settleLease } from './credit-leases.js';

export interface Balances {
  /** Spendable now. */
  available: number;
  /** Reserved by open holds. */
  held: number;
  /** available + held: everything the customer has paid in and not yet been charged. */
  posted: number;
}

export interface PassbookFilter {
  from?: Date;
  to?: Date;
  kind?: string;
  before?: number;
  limit: number;
}

export interface PassbookLine {
  id: number;
  at: Date;
  kind: string;
  description: string;
  amount: number;
  balanceAfter: number;
  transferId: string;
  metadata: Record<string, unknown>;
}

const SYSTEM: Actor = { type: 'system' };

export function createWalletService(deps: { db: Db }) {
  const { db } = deps;

  async function balances(userId: string, q: Queryable = db): Promise<Balances> {
    const rows = await q.query<{ kind: string; balance: number }>(
      'SELECT kind, balance FROM ledger_accounts WHERE owner_user_id = $1',
      [userId],
    );
    const available = rows.find((r) => r.kind === 'customer_wallet')?.balance ?? 0;
    const held = rows.find((r) => r.kind === 'customer_holds')?.balance ?? 0;
    return { available, held, posted: available + held };
  }

  /** Credits a captured gateway payment, at most once per payment whatever calls it. */
  async function creditTopup(q: Queryable, input: { userId: string; paymentId: string; amount: number; gateway: string }): Promise<PostedTransfer> {
    const accounts = await customerAccounts(q, input.userId);
    return postTransfer(q, {
      kind: 'topup',
      description: 'Wallet top-up',
      idempotencyKey: `topup:${input.paymentId}`,
      request: { userId: input.userId, amount: input.amount },
      postings: [
        { accountId: await systemAccountId(q, 'gateway_clearing'), amount: -input.amount },
        { accountId: accounts.wallet, amount: input.amount },
      ],
      metadata: { paymentId: input.paymentId, gateway: input.gateway },
      actor: SYSTEM,
    });
  }

  /**
   * Takes a gateway refund back out of the wallet (wallet → clearing), at most once per refund id.
   * The caller checks the balance first (`lockedAvailable`): a refund the customer has already spent
   * is for a person to settle, not an error that aborts the transaction.
   */
  async function reverseTopup(q: Queryable, input: { userId: string; paymentId: string; refundId: string; amount: number }): Promise<PostedTransfer> {
    const accounts = await customerAccounts(q, input.userId);
    return postTransfer(q, {
      kind: 'topup_refund',
      description: 'Top-up refunded to your payment method',
      idempotencyKey: `gateway-refund:${input.refundId}`,
      request: { paymentId: input.paymentId, amount: input.amount },
      postings: [
        { accountId: accounts.wallet, amount: -input.amount },
        { accountId: await systemAccountId(q, 'gateway_clearing'), amount: input.amount },
      ],
      metadata: { paymentId: input.paymentId, refundId: input.refundId },
      actor: SYSTEM,
    });
  }

  /** The available balance with the wallet row locked until the transaction ends. */
  async function lockedAvailable(q: Queryable, userId: string): Promise<number> {
    const accounts = await customerAccounts(q, userId);
    const [row] = await q.query<{ balance: number }>('SELECT balance FROM ledger_accounts WHERE id = $1 FOR UPDATE', [accounts.wallet]);
    return row?.balance ?? 0;
  }

  /** Money back to the wallet (a rejected service, a failed message), at most once per key. */
  async function refund(q: Queryable, input: { userId: string; amount: number; reason: string; key: string; actor: Actor; metadata?: Record<string, unknown> }): Promise<PostedTransfer> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw badRequest('invalid_amount', 'A refund must be a positive amount in paise.');
    const accounts = await customerAccounts(q, input.userId);
    return postTransfer(q, {
      kind: 'refund',
      description: input.reason,
      idempotencyKey: `refund:${input.key}`,
      request: { userId: input.userId, amount: input.amount },
      postings: [
        { accountId: await systemAccountId(q, 'refunds'), amount: -input.amount },
        { accountId: accounts.wallet, amount: input.amount },
      ],
      metadata: { reason: input.reason, ...input.metadata },
      actor: input.actor,
    });
  }

  /** A direct charge without a hold. */
  async function debit(q: Queryable, input: { userId: string; amount: number; description: string; key: string; actor: Actor; metadata?: Record<string, unknown> }): Promise<PostedTransfer> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw badRequest('invalid_amount', 'A charge must be a positive amount in paise.');
    const accounts = await customerAccounts(q, input.userId);
    return postTransfer(q, {
      kind: 'debit',
      description: input.description,
      idempotencyKey: `debit:${input.key}`,
      request: { userId: input.userId, amount: input.amount },
      postings: [
        { accountId: accounts.wallet, amount: -input.amount },
        { accountId: await systemAccountId(q, 'revenue'), amount: input.amount },
      ],
      metadata: input.metadata ?? {},
      actor: input.actor,
    });
  }

  /** An admin's credit (positive) or debit (negative), with a reason, in the activity log. */
  async function adjust(
    actor: Extract<Actor, { type: 'user' }>,
    input: { userId: string; amount: number; reason: string; idempotencyKey?: string },
    meta: RequestMeta,
  ): Promise<PostedTransfer> {
    if (!Number.isSafeInteger(input.amount) || input.amount === 0) throw badRequest('invalid_amount', 'Enter a non-zero amount in paise.');
    if (input.reason.trim().length < 5) throw badRequest('reason_required', 'Give a reason of at least 5 characters.', [{ field: 'reason', message: 'Give a reason of at least 5 characters.' }]);
    return db.tx(async (tx) => {
      const accounts = await customerAccounts(tx, input.userId);
      const posted = await postTransfer(tx, {
        kind: input.amount > 0 ? 'adjustment_credit' : 'adjustment_debit',
        description: input.reason.trim(),
        ...(input.idempotencyKey ? { idempotencyKey: `adjust:${input.idempotencyKey}`, request: input } : {}),
        postings: [
          { accountId: await systemAccountId(tx, 'adjustments'), amount: -input.amount },
          { accountId: accounts.wallet, amount: input.amount },
        ],
        metadata: { reason: input.reason.trim() },
        actor,
      });
      if (!posted.replayed) {
        await insertActivity(
          tx,
          actor,
          {
            action: 'wallet.adjusted',
            subjectUserId: input.userId,
            object: { type: 'ledger_transfer', id: posted.transfer.id },
            details: { amount: input.amount, reason: input.reason.trim() },
          },
          meta,
        );
      }
      return posted;
    });
  }

  async function passbook(userId: string, f: PassbookFilter): Promise<PassbookLine[]> {
    const accounts = await customerAccounts(db, userId);
    const where = ['e.account_id = $1'];
    const params: unknown[] = [accounts.wallet];
    const add = (clause: string, v: unknown) => {
      params.push(v);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (f.from) add('e.created_at >= ?', f.from);
    if (f.to) add('e.created_at < ?', f.to);
    if (f.kind) add('t.kind = ?', f.kind);
    if (f.before) add('e.id < ?', f.before);
    params.push(f.limit);
    const rows = await db.query<{ id: number; created_at: Date; kind: string; description: string; amount: number; balance_after: number; transfer_id: string; metadata: Record<string, unknown> }>(
      `SELECT e.id, e.created_at, t.kind, t.description, e.amount, e.balance_after, e.transfer_id, t.metadata
       FROM ledger_entries e JOIN ledger_transfers t ON t.id = e.transfer_id
       WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.created_at,
      kind: r.kind,
      description: r.description,
      amount: r.amount,
      balanceAfter: r.balance_after,
      transferId: r.transfer_id,
      metadata: r.metadata,
    }));
  }

  /**
   * Closes holds past their expiry, each in its own transaction: credit leases are settled for what
   * was used, every other hold is released in full. A hold its owner settled after it was listed
   * keeps that settlement. One hold that cannot be closed does not keep the others open: the rest
   * are closed first, then the job fails naming it.
   */
  async function expireHolds(): Promise<number> {
    let n = 0;
    const failed: { id: string; err: unknown }[] = [];
    for (const { id, purpose } of await expiredHoldIds(db)) {
      try {
        const closed =
          purpose === LEASE_PURPOSE
            ? await settleLease(db, id)
            : await db.tx(async (tx) => {
                if (!(await lockOpenHold(tx, id))) return false;
                await closeHold(tx, id, 0, SYSTEM, { description: 'Hold expired' });
                return true;
              });
        if (closed) n++;
      } catch (err) {
        failed.push({ id, err });
      }
    }
    if (failed.length) {
      throw new AggregateError(failed.map((f) => f.err), `expired holds not closed: ${failed.map((f) => f.id).join(', ')}`);
    }
    return n;
  }

  /** Compares every cached balance with the sum of its entries and records the result. */
  async function reconcileBalances(): Promise<{ checked: number; drift: Awaited<ReturnType<typeof findDrift>> }> {
    const drift = await findDrift(db);
    const checked = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_accounts'))[0]!.n;
    await db.query('INSERT INTO ledger_reconciliations (kind, checked, problems, details) VALUES ($1, $2, $3, $4)', [
      'balances',
      checked,
      drift.length,
      JSON.stringify(drift),
    ]);
    return { checked, drift };
  }

  return { balances, creditTopup, reverseTopup, lockedAvailable, refund, debit, adjust, passbook, expireHolds, reconcileBalances, accountBalance: (id: string) => accountBalance(db, id) };
}

export type WalletService = ReturnType<typeof createWalletService>;
