import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/index.js';
import type { Actor } from '../../platform/actor.js';
import { AppError, conflict } from '../../platform/errors.js';

/**
 * The ledger's one write path. See README.md beside this file for the model; the database itself
 * enforces balance-to-zero, append-only entries and no overdraft of customer wallets.
 */

/** `pass_through`: money collected as the customer's pure agent (government fees, bill amounts), owed onward. */
export type SystemAccountKind = 'gateway_clearing' | 'revenue' | 'gst_payable' | 'refunds' | 'adjustments' | 'pass_through';
export type CustomerAccountKind = 'customer_wallet' | 'customer_holds';

export interface Posting {
  accountId: string;
  /** Paise; positive raises the account's balance, negative lowers it. A transfer's postings sum to 0. */
  amount: number;
}

export interface TransferInput {
  kind: string;
  postings: Posting[];
  description: string;
  idempotencyKey?: string;
  /** What the key stands for; the same key with another request is refused. Defaults to the postings. */
  request?: unknown;
  metadata?: Record<string, unknown>;
  actor: Actor;
}

export interface TransferRow {
  id: string;
  kind: string;
  idempotency_key: string | null;
  description: string;
  metadata: Record<string, unknown>;
  created_at: Date;
}

export interface PostedTransfer {
  transfer: TransferRow;
  /** True when the idempotency key had been used: nothing new was posted. */
  replayed: boolean;
}

export const insufficientFunds = () =>
  new AppError(409, 'insufficient_funds', 'Your wallet balance is too low for this. Top up and try again.');

export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

function actorColumns(actor: Actor): [string, string | null] {
  if (actor.type === 'user') return ['user', actor.userId];
  if (actor.type === 'api_key') return ['api_key', actor.keyId];
  return [actor.type, null];
}

/** The platform's own accounts (one of each kind), made by the ledger migration. */
export async function systemAccountId(q: Queryable, kind: SystemAccountKind): Promise<string> {
  const rows = await q.query<{ id: string }>('SELECT id FROM ledger_accounts WHERE kind = $1 AND owner_user_id IS NULL', [kind]);
  if (!rows[0]) throw new Error(`ledger system account ${kind} is missing`);
  return rows[0].id;
}

/** The customer's wallet and holds accounts, created on first use. */
export async function customerAccounts(q: Queryable, userId: string): Promise<{ wallet: string; holds: string }> {
  let rows = await q.query<{ id: string; kind: CustomerAccountKind }>(
    'SELECT id, kind FROM ledger_accounts WHERE owner_user_id = $1',
    [userId],
  );
  if (rows.length < 2) {
    await q.query(
      `INSERT INTO ledger_accounts (kind, owner_user_id, allow_negative, balance)
       VALUES ('customer_wallet', $1, false, 0), ('customer_holds', $1, false, 0)
       ON CONFLICT DO NOTHING`,
      [userId],
    );
    rows = await q.query('SELECT id, kind FROM ledger_accounts WHERE owner_user_id = $1', [userId]);
  }
  return {
    wallet: rows.find((r) => r.kind === 'customer_wallet')!.id,
    holds: rows.find((r) => r.kind === 'customer_holds')!.id,
  };
}

function isOverdraft(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e?.code === '23514' && (e.constraint === 'ledger_accounts_no_overdraft' || /ledger_accounts_no_overdraft/.test(e.message ?? ''));
}

/**
 * Posts one balanced transfer inside the caller's transaction. Entries are written in account-id
 * order so concurrent transfers lock accounts in the same order and cannot deadlock. A replayed
 * idempotency key returns the first transfer; the same key with a different request is a 409.
 */
export async function postTransfer(q: Queryable, input: TransferInput): Promise<PostedTransfer> {
  const sum = input.postings.reduce((s, p) => s + p.amount, 0);
  if (sum !== 0 || input.postings.length < 2) throw new Error(`unbalanced transfer ${input.kind}: sum ${sum}`);
  if (input.postings.some((p) => !Number.isSafeInteger(p.amount) || p.amount === 0)) {
    throw new Error(`transfer ${input.kind} has a zero or non-integer amount`);
  }
  const hash = input.idempotencyKey ? requestHash(input.request ?? input.postings) : null;
  const [actorType, actorId] = actorColumns(input.actor);
  const inserted = await q.query<TransferRow>(
    `INSERT INTO ledger_transfers (kind, idempotency_key, request_hash, description, metadata, actor_type, actor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id, kind, idempotency_key, description, metadata, created_at`,
    [input.kind, input.idempotencyKey ?? null, hash, input.description, JSON.stringify(input.metadata ?? {}), actorType, actorId],
  );
  if (!inserted[0]) {
    const prior = await q.query<TransferRow & { request_hash: string | null }>(
      'SELECT id, kind, idempotency_key, description, metadata, created_at, request_hash FROM ledger_transfers WHERE idempotency_key = $1',
      [input.idempotencyKey],
    );
    const row = prior[0]!;
    if (row.request_hash !== hash) {
      throw conflict('idempotency_key_reused', 'This idempotency key was already used for a different request.');
    }
    const { request_hash: _, ...transfer } = row;
    return { transfer, replayed: true };
  }
  const transfer = inserted[0];
  const postings = [...input.postings].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  try {
    for (const p of postings) {
      await q.query('INSERT INTO ledger_entries (transfer_id, account_id, amount, balance_after) VALUES ($1, $2, $3, 0)', [
        transfer.id,
        p.accountId,
        p.amount,
      ]);
    }
  } catch (err) {
    if (isOverdraft(err)) throw insufficientFunds();
    throw err;
  }
  return { transfer, replayed: false };
}

/** Customer accounts read their cached balance; system accounts sum their entries. */
export async function accountBalance(q: Queryable, accountId: string): Promise<number> {
  const rows = await q.query<{ balance: number }>(
    `SELECT COALESCE(a.balance, (SELECT COALESCE(sum(amount), 0) FROM ledger_entries WHERE account_id = a.id))::bigint AS balance
     FROM ledger_accounts a WHERE a.id = $1`,
    [accountId],
  );
  return rows[0]?.balance ?? 0;
}

export interface Drift {
  accountId: string;
  kind: string;
  ownerUserId: string | null;
  balance: number;
  entriesSum: number;
}

/** Accounts whose cached balance differs from the sum of their entries (should always be none). */
export async function findDrift(q: Queryable): Promise<Drift[]> {
  const rows = await q.query<{ id: string; kind: string; owner_user_id: string | null; balance: number; entries_sum: number }>(
    `SELECT a.id, a.kind, a.owner_user_id, a.balance, COALESCE(e.total, 0)::bigint AS entries_sum
     FROM ledger_accounts a
     LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id
     WHERE a.balance IS NOT NULL AND a.balance <> COALESCE(e.total, 0)`,
  );
  return rows.map((r) => ({ accountId: r.id, kind: r.kind, ownerUserId: r.owner_user_id, balance: r.balance, entriesSum: r.entries_sum }));
}
