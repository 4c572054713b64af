import type { Db, Queryable } from '../../db/index.js';
import type { Actor, RequestMeta } from '../../platform/actor.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { insertActivity } from '../audit/activity.repo.js';
import * as repo from './accounts.repo.js';
import type { UserRow } from './accounts.repo.js';
import { verifyPassword } from './passwords.js';
import * as sessions from './sessions.repo.js';

type UserActor = Extract<Actor, { type: 'user' }>;

/**
 * Closing an account, by its holder or by an admin. A closed account is final (migration 0023): it
 * cannot sign in, its sessions end, its API keys stop working (they need an active account), and
 * `closed_at` starts the retention clocks — KYC records are kept KYC_RETENTION_DAYS (the law's
 * period after the relationship ends), application documents and ticket attachments
 * RECORDS_RETENTION_DAYS, then purged (modules/kyc/README.md "Retention"). The row
 * itself stays: the append-only ledger and activity log name it.
 *
 * Money first: an account with anything in its wallet (spendable, or held for open applications or
 * WhatsApp sends), or with a paid top-up still to be confirmed, is not closed, so no customer money
 * is stranded behind a closed account.
 */
export function createAccountClosure(deps: {
  db: Db;
  walletTotal: (q: Queryable, userId: string) => Promise<number>;
  /** Top-ups the customer has paid whose capture the gateway has not confirmed yet. */
  topupsAwaitingCapture: (q: Queryable, userId: string) => Promise<number>;
}) {
  const { db, walletTotal, topupsAwaitingCapture } = deps;

  async function close(tx: Queryable, actor: UserActor, user: UserRow, by: 'self' | 'admin', reason: string | null, meta: RequestMeta): Promise<UserRow> {
    if (user.status === 'closed') throw conflict('account_closed', 'This account is already closed.');
    if (user.role === 'admin' && (await repo.countAdmins(tx)) <= 1 && user.status === 'active') {
      throw conflict('last_admin', 'This is the only active admin account; make another admin first.');
    }
    const paise = await walletTotal(tx, user.id);
    if (paise !== 0) {
      throw conflict(
        'wallet_not_empty',
        `The wallet still holds ₹${(paise / 100).toFixed(2)} (spendable or reserved for open applications). It must be used, refunded or settled before the account is closed.`,
      );
    }
    // Money on its way in would land in a closed account (payments.service.ts flags such a late capture for a refund).
    if ((await topupsAwaitingCapture(tx, user.id)) > 0) {
      throw conflict('topup_in_progress', 'A wallet top-up has been paid and is waiting for the payment gateway to confirm it. Close the account once it is credited and the wallet is empty.');
    }
    const rows = await tx.query<UserRow>("UPDATE users SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = $1 RETURNING *", [user.id]);
    const ended = await sessions.revokeUserSessions(tx, user.id, 'account_closed');
    await tx.execute('UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [user.id]);
    await insertActivity(
      tx,
      actor,
      { action: 'account.closed', subjectUserId: user.id, object: { type: 'user', id: user.id }, details: { by, ...(reason ? { reason } : {}), sessionsEnded: ended } },
      meta,
    );
    return rows[0]!;
  }

  /** The holder closes their own account, confirming with their password. */
  async function closeOwnAccount(actor: UserActor, password: string, meta: RequestMeta): Promise<void> {
    const user = await repo.findUserById(db, actor.userId);
    if (!user) throw notFound('User');
    if (!(await verifyPassword(user.password_hash, password))) {
      throw badRequest('wrong_password', 'Your password is not correct.', [{ field: 'password', message: 'Your password is not correct.' }]);
    }
    await db.tx(async (tx) => {
      const locked = (await tx.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [user.id]))[0]!;
      await close(tx, actor, locked, 'self', null, meta);
    });
  }

  /** An admin closes someone else's account (e.g. on the holder's request at the counter). */
  async function closeByAdmin(actor: UserActor, userId: string, reason: string, meta: RequestMeta): Promise<UserRow> {
    if (userId === actor.userId) throw conflict('cannot_change_self', 'Close your own account from your profile, not as an admin.');
    const why = reason.trim();
    if (why.length < 5) throw badRequest('validation_failed', 'Give a reason of at least 5 characters.', [{ field: 'reason', message: 'Give a reason of at least 5 characters.' }]);
    return db.tx(async (tx) => {
      const user = (await tx.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [userId]))[0];
      if (!user) throw notFound('User');
      return close(tx, actor, user, 'admin', why, meta);
    });
  }

  return { closeOwnAccount, closeByAdmin };
}

export type AccountClosure = ReturnType<typeof createAccountClosure>;
