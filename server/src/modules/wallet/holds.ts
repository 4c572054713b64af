import type { Queryable } from '../../db/index.js';
import type { Actor } from '../../platform/actor.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { customerAccounts, postTransfer, systemAccountId, type SystemAccountKind } from './ledger.js';

export interface HoldRow {
  id: string;
  user_id: string;
  amount: number;
  settled: number;
  released: number;
  status: 'open' | 'settled' | 'released' | 'partially_settled';
  purpose: string;
  reference: string | null;
  expires_at: Date;
  created_at: Date;
  closed_at: Date | null;
}

export interface PlaceHoldInput {
  userId: string;
  amount: number;
  purpose: string;
  reference?: string;
  ttlSeconds: number;
  /** Makes placing the hold idempotent (e.g. `application:<id>`). */
  idempotencyKey?: string;
  actor: Actor;
}

/**
 * Reserves money: wallet → the customer's holds account. The wallet's no-overdraft CHECK makes a
 * hold larger than the available balance fail, so two concurrent holds can never both spend it.
 */
export async function placeHold(q: Queryable, input: PlaceHoldInput): Promise<HoldRow> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw badRequest('invalid_amount', 'A hold must be a positive amount in paise.');
  const accounts = await customerAccounts(q, input.userId);
  const posted = await postTransfer(q, {
    kind: 'hold',
    description: `Hold for ${input.purpose}`,
    postings: [
      { accountId: accounts.wallet, amount: -input.amount },
      { accountId: accounts.holds, amount: input.amount },
    ],
    ...(input.idempotencyKey ? { idempotencyKey: `hold:${input.idempotencyKey}`, request: { userId: input.userId, amount: input.amount, purpose: input.purpose } } : {}),
    metadata: { purpose: input.purpose, reference: input.reference ?? null },
    actor: input.actor,
  });
  if (posted.replayed) {
    // The hold row shares its id with the transfer that placed it.
    const prior = await q.query<HoldRow>('SELECT * FROM ledger_holds WHERE id = $1', [posted.transfer.id]);
    if (prior[0]) return prior[0];
  }
  const rows = await q.query<HoldRow>(
    `INSERT INTO ledger_holds (id, user_id, amount, purpose, reference, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING *`,
    [posted.transfer.id, input.userId, input.amount, input.purpose, input.reference ?? null, input.ttlSeconds],
  );
  return rows[0]!;
}

/**
 * Locks a hold for the rest of the transaction and tells whether it is still open: for closers that
 * may come second (the expiry job, a process settling its lease at shutdown) and should then do nothing.
 */
export async function lockOpenHold(q: Queryable, holdId: string): Promise<boolean> {
  const [row] = await q.query<{ status: string }>('SELECT status FROM ledger_holds WHERE id = $1 FOR UPDATE', [holdId]);
  return row?.status === 'open';
}

/** Where settled money goes: `amount` paise to the platform account `to`. */
export interface SettlePart {
  to: SystemAccountKind;
  amount: number;
}

/**
 * Closes an open hold: `settle` paise go to `to` (revenue by default), the rest returns to the
 * wallet, in one transfer. Closing an already-closed hold the same way again is a no-op; closing
 * it differently is a 409.
 */
export async function closeHold(
  q: Queryable,
  holdId: string,
  settle: number,
  actor: Actor,
  opts: { userId?: string; to?: SystemAccountKind; description?: string } = {},
): Promise<HoldRow> {
  const { to, ...rest } = opts;
  return settleHold(q, holdId, settle > 0 ? [{ to: to ?? 'revenue', amount: settle }] : [], actor, rest);
}

/**
 * Closes an open hold by settling it into several platform accounts at once (a service fee to
 * revenue, its GST to gst_payable, a government fee to pass_through) and releasing the rest to the
 * wallet, in one transfer. The same no-op / 409 rules as closeHold() apply; `settle === 0` parts
 * are left out, parts to the same account are added up.
 */
export async function settleHold(
  q: Queryable,
  holdId: string,
  parts: SettlePart[],
  actor: Actor,
  opts: { userId?: string; description?: string } = {},
): Promise<HoldRow> {
  const rows = await q.query<HoldRow>(
    `SELECT * FROM ledger_holds WHERE id = $1 ${opts.userId ? 'AND user_id = $2' : ''} FOR UPDATE`,
    opts.userId ? [holdId, opts.userId] : [holdId],
  );
  const hold = rows[0];
  if (!hold) throw notFound('Hold');
  const byAccount = new Map<SystemAccountKind, number>();
  for (const p of parts) {
    if (!Number.isSafeInteger(p.amount) || p.amount < 0) throw badRequest('invalid_amount', 'Settle whole, non-negative paise.');
    if (p.amount > 0) byAccount.set(p.to, (byAccount.get(p.to) ?? 0) + p.amount);
  }
  const settle = [...byAccount.values()].reduce((a, b) => a + b, 0);
  if (settle > hold.amount) {
    throw badRequest('invalid_amount', `Settle between 0 and ${hold.amount} paise.`);
  }
  if (hold.status !== 'open') {
    if (hold.settled === settle) return hold;
    throw conflict('hold_closed', 'This hold was already settled or released.');
  }
  const accounts = await customerAccounts(q, hold.user_id);
  const release = hold.amount - settle;
  const postings = [{ accountId: accounts.holds, amount: -hold.amount }];
  for (const [kind, amount] of byAccount) postings.push({ accountId: await systemAccountId(q, kind), amount });
  if (release > 0) postings.push({ accountId: accounts.wallet, amount: release });
  await postTransfer(q, {
    kind: settle === 0 ? 'hold_release' : 'hold_settle',
    description: opts.description ?? (settle === 0 ? `Released hold for ${hold.purpose}` : `Charged for ${hold.purpose}`),
    postings,
    idempotencyKey: `hold-close:${hold.id}`,
    request: { settle },
    metadata: { holdId: hold.id, purpose: hold.purpose, reference: hold.reference, settled: settle, released: release, ...(byAccount.size > 1 ? { split: Object.fromEntries(byAccount) } : {}) },
    actor,
  });
  const status = settle === 0 ? 'released' : settle === hold.amount ? 'settled' : 'partially_settled';
  const updated = await q.query<HoldRow>(
    `UPDATE ledger_holds SET settled = $2, released = $3, status = $4, closed_at = now() WHERE id = $1 RETURNING *`,
    [hold.id, settle, release, status],
  );
  return updated[0]!;
}

export const releaseHold = (q: Queryable, holdId: string, actor: Actor, opts: { userId?: string } = {}) => closeHold(q, holdId, 0, actor, opts);

/** Open holds past their expiry, oldest first, for the expiry job. */
export async function expiredHoldIds(q: Queryable, limit = 500): Promise<{ id: string; purpose: string }[]> {
  return q.query<{ id: string; purpose: string }>(
    "SELECT id, purpose FROM ledger_holds WHERE status = 'open' AND expires_at <= now() ORDER BY expires_at LIMIT $1",
    [limit],
  );
}
