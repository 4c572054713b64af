import type { Db } from '../../db/index.js';
import type { Actor, RequestMeta, Role } from '../../platform/actor.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AppError, badRequest, conflict, notFound, tooManyRequests, unauthorized } from '../../platform/errors.js';
import { clearWindow, hitWindow, takeBackHit } from '../../platform/rate-limit.js';
import { insertActivity } from '../audit/activity.repo.js';
import type { MailService } from '../mail/mail.service.js';
import * as repo from './accounts.repo.js';
import type { Channel, Topic, UserRow } from './accounts.repo.js';
import { normalizeIndianMobile } from './mobile.js';
import { dummyPasswordHash, hashPassword, needsRehash, passwordProblems, verifyPassword } from './passwords.js';
import * as sessions from './sessions.repo.js';

export interface AccountsConfig {
  publicUrl: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}

// Failed sign-ins: an address is locked for the rest of a 15-minute window after 5 failures, and an
// IP after 30 (a shop's shared connection serves several people, so the IP limit is looser).
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_FAILURES_PER_ACCOUNT = 5;
export const LOGIN_FAILURES_PER_IP = 30;

const VERIFY_TTL_SECONDS = 48 * 3600;
const RESET_TTL_SECONDS = 30 * 60;

/** Defaults given at registration: service and wallet notices by email and in-app; nothing else. */
const DEFAULT_PREFERENCES: { topic: Topic; channel: Channel; enabled: boolean }[] = repo.TOPICS.flatMap((topic) =>
  repo.CHANNELS.map((channel) => ({
    topic,
    channel,
    enabled: topic !== 'marketing' && channel !== 'whatsapp',
  })),
);

export interface RegisterInput {
  name: string;
  email: string;
  mobile: string;
  password: string;
  language?: 'en' | 'hi';
}

export interface NewSession {
  user: UserRow;
  token: string;
  csrfToken: string;
  sessionId: string;
  expiresAt: Date;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function mobileOrThrow(raw: string, field = 'mobile'): string {
  const mobile = normalizeIndianMobile(raw);
  if (!mobile) throw badRequest('validation_failed', 'Enter a valid Indian mobile number.', [
    { field, message: 'Enter a 10-digit Indian mobile number starting with 6, 7, 8 or 9.' },
  ]);
  return mobile;
}

function duplicateError(constraint: string): AppError {
  return constraint.includes('mobile')
    ? conflict('mobile_taken', 'An account with this mobile number already exists.')
    : conflict('email_taken', 'An account with this email address already exists.');
}

export function createAccountsService(deps: { db: Db; mail: MailService; config: AccountsConfig }) {
  const { db, mail, config } = deps;
  const idleSeconds = config.sessionIdleMinutes * 60;
  const absoluteSeconds = config.sessionAbsoluteHours * 3600;

  async function sendVerification(q: Parameters<typeof repo.insertUser>[0], user: UserRow): Promise<void> {
    const token = randomToken();
    await repo.expireOneTimeTokens(q, user.id, 'verify_email');
    await repo.insertOneTimeToken(q, user.id, 'verify_email', sha256(token), VERIFY_TTL_SECONDS);
    await mail.queue(q, {
      to: user.email,
      userId: user.id,
      purpose: 'verify_email',
      subject: 'Verify your email for Seva Kendra',
      text:
        `Namaste ${user.name},\n\nPlease confirm your email address by opening this link within 48 hours:\n` +
        `${config.publicUrl}/verify-email?token=${token}\n\nIf you did not create this account, ignore this mail.\n`,
    });
  }

  async function register(input: RegisterInput, meta: RequestMeta, role: Role = 'customer'): Promise<UserRow> {
    const email = normalizeEmail(input.email);
    const mobile = mobileOrThrow(input.mobile);
    const name = input.name.trim();
    if (!name) throw badRequest('validation_failed', 'Enter your name.', [{ field: 'name', message: 'Enter your name.' }]);
    const problems = passwordProblems(input.password, { email, mobile, name });
    if (problems.length) throw badRequest('weak_password', problems[0]!.message, problems);
    const passwordHash = await hashPassword(input.password);
    try {
      return await db.tx(async (tx) => {
        const user = await repo.insertUser(tx, {
          name,
          email,
          mobile,
          password_hash: passwordHash,
          role,
          language: input.language ?? 'en',
        });
        await repo.upsertPreferences(tx, user.id, DEFAULT_PREFERENCES);
        await insertActivity(
          tx,
          { type: 'anonymous' },
          { action: 'auth.register', subjectUserId: user.id, object: { type: 'user', id: user.id } },
          meta,
        );
        await sendVerification(tx, user);
        return user;
      });
    } catch (err) {
      const constraint = repo.uniqueViolation(err);
      if (constraint) throw duplicateError(constraint);
      throw err;
    }
  }

  async function openSession(user: UserRow, meta: RequestMeta, replacingToken?: string): Promise<NewSession> {
    const token = randomToken(32);
    const csrfToken = randomToken(32);
    const session = await db.tx(async (tx) => {
      // Rotation: whatever session the browser had before signing in ends now.
      if (replacingToken) {
        await tx.query(
          "UPDATE sessions SET revoked_at = now(), revoked_reason = 'rotated' WHERE token_hash = $1 AND revoked_at IS NULL",
          [sha256(replacingToken)],
        );
      }
      const s = await sessions.insertSession(tx, {
        tokenHash: sha256(token),
        userId: user.id,
        csrfToken,
        ip: meta.ip,
        userAgent: meta.userAgent,
        absoluteSeconds,
      });
      await insertActivity(
        tx,
        { type: 'user', userId: user.id, role: user.role, sessionId: s.id },
        { action: 'auth.login', subjectUserId: user.id, object: { type: 'session', id: s.id } },
        meta,
      );
      return s;
    });
    return { user, token, csrfToken, sessionId: session.id, expiresAt: session.expires_at };
  }

  async function login(emailRaw: string, password: string, meta: RequestMeta, replacingToken?: string): Promise<NewSession> {
    const email = normalizeEmail(emailRaw);
    const accountKey = `login-fail:email:${email}`;
    const ipKey = `login-fail:ip:${meta.ip ?? 'unknown'}`;
    // Every attempt first takes a slot in both failure counts, each an atomic upsert, so attempts sent
    // at the same moment cannot all pass a check made before any of them failed. Only failures keep
    // their slots: a refused attempt gives both back, a success clears the account's count.
    const [acct, ip] = await Promise.all([
      hitWindow(db, accountKey, LOGIN_WINDOW_SECONDS),
      hitWindow(db, ipKey, LOGIN_WINDOW_SECONDS),
    ]);
    const giveBack = async (which: 'both' | 'ip' = 'both') => {
      if (which === 'both') await takeBackHit(db, accountKey, acct.windowStart);
      await takeBackHit(db, ipKey, ip.windowStart);
    };
    const refused = acct.hits > LOGIN_FAILURES_PER_ACCOUNT ? 'account_locked' : ip.hits > LOGIN_FAILURES_PER_IP ? 'ip_blocked' : null;
    if (refused) {
      await giveBack();
      const known = await repo.findUserByEmail(db, email);
      await insertActivity(
        db,
        { type: 'anonymous' },
        { action: 'auth.login_failed', subjectUserId: known?.id ?? null, outcome: 'failure', details: { reason: refused, email: known ? undefined : email } },
        meta,
      );
      if (refused === 'account_locked') {
        throw tooManyRequests('Too many failed attempts for this account. Try again later or reset your password.', acct.resetInSeconds, 'account_locked');
      }
      throw tooManyRequests('Too many failed sign-in attempts from this network. Try again later.', ip.resetInSeconds);
    }

    const user = await repo.findUserByEmail(db, email);
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (!user || !ok) {
      await insertActivity(
        db,
        { type: 'anonymous' },
        {
          action: 'auth.login_failed',
          subjectUserId: user?.id ?? null,
          outcome: 'failure',
          details: { reason: user ? 'wrong_password' : 'unknown_account', email: user ? undefined : email },
        },
        meta,
      );
      throw unauthorized('The email or password is not correct.', 'invalid_credentials');
    }
    if (user.status !== 'active') {
      await giveBack();
      await insertActivity(
        db,
        { type: 'anonymous' },
        { action: 'auth.login_failed', subjectUserId: user.id, outcome: 'failure', details: { reason: user.status === 'closed' ? 'closed' : 'suspended' } },
        meta,
      );
      if (user.status === 'closed') throw new AppError(403, 'account_closed', 'This account has been closed.');
      throw new AppError(403, 'account_suspended', 'This account is suspended. Contact the service centre.');
    }
    await clearWindow(db, accountKey);
    await giveBack('ip');
    let current = user;
    if (needsRehash(user.password_hash)) {
      current = (await repo.updateUser(db, user.id, { password_hash: await hashPassword(password) })) ?? user;
    }
    return openSession(current, meta, replacingToken);
  }

  async function authenticate(token: string): Promise<{ user: UserRow; session: sessions.SessionRow } | undefined> {
    const found = await sessions.findLiveSession(db, sha256(token), idleSeconds);
    if (!found || found.user.status !== 'active') return undefined;
    return found;
  }

  async function logout(actor: Extract<Actor, { type: 'user' }>, meta: RequestMeta): Promise<void> {
    await db.tx(async (tx) => {
      await sessions.revokeSession(tx, actor.userId, actor.sessionId, 'logout');
      await insertActivity(tx, actor, { action: 'auth.logout', subjectUserId: actor.userId, object: { type: 'session', id: actor.sessionId } }, meta);
    });
  }

  async function verifyEmail(token: string, meta: RequestMeta): Promise<void> {
    await db.tx(async (tx) => {
      const userId = await repo.consumeOneTimeToken(tx, 'verify_email', sha256(token));
      if (!userId) throw badRequest('invalid_token', 'This verification link is invalid or has expired. Ask for a new one.');
      await repo.updateUser(tx, userId, { email_verified_at: new Date() });
      await insertActivity(tx, { type: 'anonymous' }, { action: 'auth.email_verified', subjectUserId: userId, object: { type: 'user', id: userId } }, meta);
    });
  }

  async function resendVerification(userId: string): Promise<void> {
    await db.tx(async (tx) => {
      const user = await repo.findUserById(tx, userId);
      if (!user) throw notFound('User');
      if (user.email_verified_at) throw conflict('already_verified', 'Your email address is already verified.');
      await sendVerification(tx, user);
    });
  }

  async function forgotPassword(emailRaw: string, meta: RequestMeta): Promise<void> {
    const email = normalizeEmail(emailRaw);
    await db.tx(async (tx) => {
      const user = await repo.findUserByEmail(tx, email);
      // The answer is the same whether or not the account exists; only real accounts get mail.
      if (!user || user.status !== 'active') return;
      const token = randomToken();
      await repo.expireOneTimeTokens(tx, user.id, 'reset_password');
      await repo.insertOneTimeToken(tx, user.id, 'reset_password', sha256(token), RESET_TTL_SECONDS);
      await mail.queue(tx, {
        to: user.email,
        userId: user.id,
        purpose: 'reset_password',
        subject: 'Reset your Seva Kendra password',
        text:
          `Namaste ${user.name},\n\nSomeone (hopefully you) asked to reset your password. Open this link within 30 minutes:\n` +
          `${config.publicUrl}/reset-password?token=${token}\n\nIf it was not you, ignore this mail; your password stays as it is.\n`,
      });
      await insertActivity(tx, { type: 'anonymous' }, { action: 'auth.password_reset_requested', subjectUserId: user.id }, meta);
    });
  }

  async function resetPassword(token: string, password: string, meta: RequestMeta): Promise<void> {
    const hash = await hashPasswordFor(token, password);
    await db.tx(async (tx) => {
      const userId = await repo.consumeOneTimeToken(tx, 'reset_password', sha256(token));
      if (!userId) throw badRequest('invalid_token', 'This reset link is invalid or has expired. Ask for a new one.');
      await repo.updateUser(tx, userId, { password_hash: hash, password_changed_at: new Date() });
      await sessions.revokeUserSessions(tx, userId, 'password_reset');
      await clearWindow(tx, `login-fail:email:${(await repo.findUserById(tx, userId))!.email}`);
      await insertActivity(tx, { type: 'anonymous' }, { action: 'auth.password_reset', subjectUserId: userId, object: { type: 'user', id: userId } }, meta);
    });
  }

  /** Checks the new password against the token's account before the (slow) hash is computed. */
  async function hashPasswordFor(token: string, password: string): Promise<string> {
    const rows = await db.query<UserRow>(
      `SELECT u.* FROM one_time_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND t.purpose = 'reset_password' AND t.used_at IS NULL AND t.expires_at > now()`,
      [sha256(token)],
    );
    const user = rows[0];
    if (!user) throw badRequest('invalid_token', 'This reset link is invalid or has expired. Ask for a new one.');
    const problems = passwordProblems(password, user);
    if (problems.length) throw badRequest('weak_password', problems[0]!.message, problems);
    return hashPassword(password);
  }

  async function changePassword(actor: Extract<Actor, { type: 'user' }>, current: string, next: string, meta: RequestMeta): Promise<void> {
    const user = await repo.findUserById(db, actor.userId);
    if (!user) throw notFound('User');
    if (!(await verifyPassword(user.password_hash, current))) {
      throw badRequest('wrong_password', 'Your current password is not correct.', [
        { field: 'currentPassword', message: 'Your current password is not correct.' },
      ]);
    }
    const problems = passwordProblems(next, user, 'newPassword');
    if (problems.length) throw badRequest('weak_password', problems[0]!.message, problems);
    const hash = await hashPassword(next);
    await db.tx(async (tx) => {
      await repo.updateUser(tx, user.id, { password_hash: hash, password_changed_at: new Date() });
      const ended = await sessions.revokeUserSessions(tx, user.id, 'password_changed', actor.sessionId);
      await insertActivity(tx, actor, { action: 'account.password_changed', subjectUserId: user.id, object: { type: 'user', id: user.id }, details: { sessionsEnded: ended } }, meta);
    });
  }

  async function updateProfile(
    actor: Extract<Actor, { type: 'user' }>,
    changes: { name?: string; mobile?: string; email?: string; language?: 'en' | 'hi' },
    meta: RequestMeta,
  ): Promise<UserRow> {
    const mobile = changes.mobile === undefined ? undefined : mobileOrThrow(changes.mobile);
    const email = changes.email === undefined ? undefined : normalizeEmail(changes.email);
    const name = changes.name?.trim();
    if (name === '') throw badRequest('validation_failed', 'Enter your name.', [{ field: 'name', message: 'Enter your name.' }]);
    try {
      return await db.tx(async (tx) => {
        const before = await repo.findUserById(tx, actor.userId);
        if (!before) throw notFound('User');
        const emailChanged = email !== undefined && email !== before.email;
        const user = (await repo.updateUser(tx, actor.userId, {
          name,
          mobile,
          language: changes.language,
          ...(emailChanged ? { email, email_verified_at: null } : {}),
        }))!;
        const changed = (['name', 'mobile', 'email', 'language'] as const).filter((k) => before[k] !== user[k]);
        if (changed.length) {
          await insertActivity(tx, actor, { action: 'account.profile_updated', subjectUserId: user.id, object: { type: 'user', id: user.id }, details: { fields: changed } }, meta);
        }
        if (emailChanged) await sendVerification(tx, user);
        return user;
      });
    } catch (err) {
      const constraint = repo.uniqueViolation(err);
      if (constraint) throw duplicateError(constraint);
      throw err;
    }
  }

  async function getPreferences(userId: string) {
    const stored = await repo.listPreferences(db, userId);
    return repo.TOPICS.flatMap((topic) =>
      repo.CHANNELS.map((channel) => {
        const row = stored.find((p) => p.topic === topic && p.channel === channel);
        return { topic, channel, enabled: row?.enabled ?? false, givenAt: row?.given_at.toISOString() ?? null };
      }),
    );
  }

  async function setPreferences(
    actor: Extract<Actor, { type: 'user' }>,
    prefs: { topic: Topic; channel: Channel; enabled: boolean }[],
    meta: RequestMeta,
  ) {
    await db.tx(async (tx) => {
      const changed = await repo.upsertPreferences(tx, actor.userId, prefs);
      if (changed) {
        await insertActivity(tx, actor, { action: 'account.preferences_updated', subjectUserId: actor.userId, details: { preferences: prefs } }, meta);
      }
    });
    return getPreferences(actor.userId);
  }

  async function listSessions(userId: string) {
    return sessions.listUserSessions(db, userId, idleSeconds);
  }

  async function revokeSession(actor: Extract<Actor, { type: 'user' }>, sessionId: string, meta: RequestMeta): Promise<void> {
    await db.tx(async (tx) => {
      if (!(await sessions.revokeSession(tx, actor.userId, sessionId, 'revoked_by_user'))) throw notFound('Session');
      await insertActivity(tx, actor, { action: 'session.revoked', subjectUserId: actor.userId, object: { type: 'session', id: sessionId } }, meta);
    });
  }

  async function revokeOtherSessions(actor: Extract<Actor, { type: 'user' }>, meta: RequestMeta): Promise<number> {
    return db.tx(async (tx) => {
      const n = await sessions.revokeUserSessions(tx, actor.userId, 'revoked_by_user', actor.sessionId);
      await insertActivity(tx, actor, { action: 'session.revoked_all_others', subjectUserId: actor.userId, details: { count: n } }, meta);
      return n;
    });
  }

  async function adminUpdateUser(
    actor: Extract<Actor, { type: 'user' }>,
    userId: string,
    changes: { role?: Role; status?: 'active' | 'suspended' },
    meta: RequestMeta,
  ): Promise<UserRow> {
    if (userId === actor.userId) {
      throw conflict('cannot_change_self', 'You cannot change your own role or status; ask another admin.');
    }
    return db.tx(async (tx) => {
      const before = await repo.findUserById(tx, userId);
      if (!before) throw notFound('User');
      if (before.status === 'closed') throw conflict('account_closed', 'This account is closed; it cannot be changed.');
      const user = (await repo.updateUser(tx, userId, changes))!;
      if (user.status === 'suspended' && before.status !== 'suspended') {
        await sessions.revokeUserSessions(tx, userId, 'suspended');
      }
      if (before.role !== user.role) await sessions.revokeUserSessions(tx, userId, 'role_changed');
      await insertActivity(
        tx,
        actor,
        {
          action: 'admin.user_updated',
          subjectUserId: userId,
          object: { type: 'user', id: userId },
          details: { from: { role: before.role, status: before.status }, to: { role: user.role, status: user.status } },
        },
        meta,
      );
      return user;
    });
  }

  /** For `seva create-admin` and the first start: an admin with a verified email. */
  async function createAdmin(email: string, password: string, meta: RequestMeta, name = 'Administrator'): Promise<UserRow> {
    const problems = passwordProblems(password, { email });
    if (problems.length) throw badRequest('weak_password', problems[0]!.message, problems);
    const hash = await hashPassword(password);
    const normalized = normalizeEmail(email);
    return db.tx(async (tx) => {
      const existing = await repo.findUserByEmail(tx, normalized);
      // Closing is final (closure.ts): the address stays with the closed account and its records.
      if (existing?.status === 'closed') throw conflict('account_closed', `${normalized} belongs to a closed account, which cannot be reopened; use another email address.`);
      const user = existing
        ? (await repo.updateUser(tx, existing.id, { role: 'admin', status: 'active', password_hash: hash, password_changed_at: new Date() }))!
        : await repo.insertUser(tx, { name, email: normalized, mobile: null, password_hash: hash, role: 'admin', language: 'en' });
      await repo.updateUser(tx, user.id, { email_verified_at: user.email_verified_at ?? new Date() });
      if (!existing) await repo.upsertPreferences(tx, user.id, DEFAULT_PREFERENCES);
      await insertActivity(tx, { type: 'system' }, { action: existing ? 'admin.promoted' : 'admin.created', subjectUserId: user.id, object: { type: 'user', id: user.id } }, meta);
      return user;
    });
  }

  return {
    register,
    login,
    authenticate,
    logout,
    verifyEmail,
    resendVerification,
    forgotPassword,
    resetPassword,
    changePassword,
    updateProfile,
    getPreferences,
    setPreferences,
    listSessions,
    revokeSession,
    revokeOtherSessions,
    adminUpdateUser,
    createAdmin,
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
