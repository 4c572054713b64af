import { randomUUID } from 'node:crypto';
import { Params, jsonRows, type Db, type Queryable, type Tx } from '../../db/index.js';
import type { Actor } from '../../platform/actor.js';
import { closeHold, lockOpenHold, placeHold } from './holds.js';
import { insufficientFunds } from './ledger.js';

export const LEASE_PURPOSE = 'credit_lease';

export interface LeaseOptions {
  /** Preferred lease size in paise; a lease is never smaller than the charge that asks for it. */
  blockPaise: number;
  /** A lease's hold expires after this long; the process stops using it `marginSeconds` earlier. */
  ttlSeconds: number;
  marginSeconds: number;
}

interface Lease {
  holdId: string;
  userId: string;
  remaining: number;
  usableUntil: number;
}

const SYSTEM: Actor = { type: 'system' };

/**
 * Per-process credit leases, after the quota grants of Diameter credit control (RFC 4006): instead of
 * locking the wallet's balance row for every message, a process reserves a block of credit (one hold)
 * and spends it locally. Each charge is counted down in memory synchronously — JavaScript runs one
 * callback at a time, so two charges cannot both take the last paise — and recorded as one insert in
 * `ledger_lease_usage`, which contends on no shared row. A lease stops being used `marginSeconds`
 * before its hold expires; the hold-expiry job then settles it for the sum of its usage and returns
 * the rest to the wallet, whether the process that owned it is still alive or crashed long ago. Never overdrawn: usage ≤ the held amount,
 * and the hold itself could only be placed from available balance.
 */
export class CreditLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly acquiring = new Map<string, Promise<Lease>>();
  readonly instanceId = randomUUID();

  constructor(
    private readonly db: Db,
    private readonly opts: LeaseOptions,
  ) {}

  /**
   * Charges `amount` paise to the user's wallet through this process's lease and runs `work` in the
   * same transaction as the usage record, so the charge commits or rolls back with what it pays for
   * (say, the message). The lease is reserved in memory before the transaction opens: acquiring a
   * lease takes a transaction of its own, and on PGlite (one connection) it must not nest in another.
   * `work` is told which lease hold paid, so the thing paid for can point at it.
   */
  async charge<T>(userId: string, amount: number, reference: string, work: (tx: Tx, paid: { holdId: string }) => Promise<T>): Promise<T> {
    const taken = await this.take(userId, amount);
    try {
      return await this.db.tx(async (tx) => {
        await insertLeaseUsage(tx, [{ holdId: taken.holdId, amount, reference }]);
        return work(tx, { holdId: taken.holdId });
      });
    } catch (err) {
      taken.undo();
      throw err;
    }
  }

  /**
   * The in-memory half of `charge`, for callers that write many charges in one transaction (the
   * WhatsApp send path groups concurrent sends into one commit): counts `amount` down from the lease
   * and says which hold pays. The caller must insert the usage row (`insertLeaseUsage`) in the same
   * transaction as what it pays for, or call `undo()` when that transaction fails.
   */
  async take(userId: string, amount: number): Promise<{ holdId: string; undo(): void }> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('charge must be a positive number of paise');
    let lease = this.usable(userId, amount);
    while (!lease) {
      await this.acquire(userId, amount);
      lease = this.usable(userId, amount);
    }
    lease.remaining -= amount;
    const used = lease;
    let undone = false;
    return {
      holdId: used.holdId,
      undo: () => {
        if (undone) return;
        undone = true;
        used.remaining += amount;
      },
    };
  }

  /** Gives back part of an earlier charge (e.g. a message that turned out free) before its lease closes. */
  async credit(q: Queryable, holdId: string, amount: number, reference: string): Promise<void> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('credit must be a positive number of paise');
    await q.query('INSERT INTO ledger_lease_usage (hold_id, amount, reference) VALUES ($1, $2, $3)', [holdId, -amount, reference]);
  }

  private usable(userId: string, amount: number): Lease | undefined {
    const lease = this.leases.get(userId);
    if (lease && lease.remaining >= amount && Date.now() < lease.usableUntil) return lease;
    return undefined;
  }

  /** One acquisition per user at a time; concurrent chargers wait for it instead of each taking a block. */
  private acquire(userId: string, atLeast: number): Promise<Lease> {
    const pending = this.acquiring.get(userId);
    if (pending) return pending;
    const promise = (async () => {
      // A spent lease is not settled here: charges against it may sit in transactions that have not
      // committed yet. It stays an open hold until it expires, by when they have, and the expiry job
      // settles it with its full usage.
      this.leases.delete(userId);
      const lease = await this.db.tx(async (tx) => {
        const [row] = await tx.query<{ balance: number }>(
          "SELECT balance FROM ledger_accounts WHERE owner_user_id = $1 AND kind = 'customer_wallet'",
          [userId],
        );
        const available = row?.balance ?? 0;
        if (available < atLeast) throw insufficientFunds();
        const size = Math.min(available, Math.max(this.opts.blockPaise, atLeast));
        const hold = await placeHold(tx, { userId, amount: size, purpose: LEASE_PURPOSE, reference: this.instanceId, ttlSeconds: this.opts.ttlSeconds, actor: SYSTEM });
        return { holdId: hold.id, userId, remaining: size, usableUntil: Date.now() + (this.opts.ttlSeconds - this.opts.marginSeconds) * 1000 };
      });
      this.leases.set(userId, lease);
      return lease;
    })().finally(() => this.acquiring.delete(userId));
    this.acquiring.set(userId, promise);
    return promise;
  }

  /**
   * Settles every lease of this process. Only for shutdown, after the HTTP server has closed, so
   * that every transaction that charged a lease has committed.
   */
  async closeAll(): Promise<void> {
    const leases = [...this.leases.values()];
    this.leases.clear();
    for (const lease of leases) await settleLease(this.db, lease.holdId);
  }
}

export interface LeaseUsage {
  holdId: string;
  amount: number;
  reference: string;
}

/** Records charges against lease holds (one statement for any number of them). */
export async function insertLeaseUsage(q: Queryable, rows: readonly LeaseUsage[]): Promise<void> {
  if (!rows.length) return;
  const ps = new Params();
  await q.query(`INSERT INTO ledger_lease_usage (hold_id, amount, reference) ${jsonRows(ps, { hold_id: 'uuid', amount: 'bigint', reference: 'text' }, rows.map(leaseUsageRow))}`, ps.values);
}

/** A charge as a row keyed by ledger_lease_usage's column names (also what the send path's wa_send_write, migration 0025, takes). */
export const leaseUsageRow = (r: LeaseUsage) => ({ hold_id: r.holdId, amount: r.amount, reference: r.reference });

/**
 * Settles a lease's hold with the sum of its usage; the rest returns to the wallet. False when the
 * hold was no longer open: the process that owned it (shutting down) and the hold-expiry job can both
 * come to settle it, and the first one does.
 */
export async function settleLease(db: Db, holdId: string): Promise<boolean> {
  return db.tx(async (tx) => {
    if (!(await lockOpenHold(tx, holdId))) return false;
    const [row] = await tx.query<{ used: number }>('SELECT COALESCE(sum(amount), 0)::bigint AS used FROM ledger_lease_usage WHERE hold_id = $1', [holdId]);
    await closeHold(tx, holdId, Math.max(0, row!.used), SYSTEM, { description: 'Message charges' });
    return true;
  });
}
