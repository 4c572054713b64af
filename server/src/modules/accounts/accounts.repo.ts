import type { Queryable } from '../../db/index.js';
import type { Role } from '../../platform/actor.js';
import { containsPattern } from '../../platform/sql.js';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  mobile: string | null;
  password_hash: string;
  role: Role;
  status: 'active' | 'suspended' | 'closed';
  language: 'en' | 'hi';
  email_verified_at: Date | null;
  password_changed_at: Date;
  created_at: Date;
  updated_at: Date;
}

export type NewUser = Pick<UserRow, 'name' | 'email' | 'mobile' | 'password_hash' | 'role' | 'language'>;

/** Postgres unique_violation; `constraint` says which unique key was hit. */
export function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? 'unique') : null;
}

export async function insertUser(q: Queryable, u: NewUser): Promise<UserRow> {
  const rows = await q.query<UserRow>(
    `INSERT INTO users (name, email, mobile, password_hash, role, language)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [u.name, u.email, u.mobile, u.password_hash, u.role, u.language],
  );
  return rows[0]!;
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]))[0];
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>('SELECT * FROM users WHERE email = $1', [email]))[0];
}

export async function updateUser(
  q: Queryable,
  id: string,
  changes: Partial<Pick<UserRow, 'name' | 'email' | 'mobile' | 'role' | 'status' | 'language' | 'password_hash'>> & {
    email_verified_at?: Date | null;
    password_changed_at?: Date;
  },
): Promise<UserRow | undefined> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (!entries.length) return findUserById(q, id);
  const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
  const rows = await q.query<UserRow>(
    `UPDATE users SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, ...entries.map(([, v]) => v)],
  );
  return rows[0];
}

export interface UserSearch {
  q?: string;
  role?: Role;
  status?: 'active' | 'suspended' | 'closed';
  limit: number;
  offset: number;
}

export async function searchUsers(q: Queryable, s: UserSearch): Promise<{ items: UserRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (s.q) {
    params.push(containsPattern(s.q));
    where.push(`(lower(name) LIKE $${params.length} OR email LIKE $${params.length} OR mobile LIKE $${params.length})`);
  }
  if (s.role) {
    params.push(s.role);
    where.push(`role = $${params.length}`);
  }
  if (s.status) {
    params.push(s.status);
    where.push(`status = $${params.length}`);
  }
  const clause = where.length ? 'WHERE ' + where.join(' AND ') : '';
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users ${clause}`, params))[0]!.n;
  const items = await q.query<UserRow>(
    `SELECT * FROM users ${clause} ORDER BY created_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, s.limit, s.offset],
  );
  return { items, total };
}

export async function countAdmins(q: Queryable): Promise<number> {
  return (await q.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND status = 'active'"))[0]!.n;
}

// ---- one-time tokens (email verification, password reset) ----

export type TokenPurpose = 'verify_email' | 'reset_password';

export async function insertOneTimeToken(
  q: Queryable,
  userId: string,
  purpose: TokenPurpose,
  tokenHash: Buffer,
  ttlSeconds: number,
): Promise<void> {
  await q.query(
    `INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [userId, purpose, tokenHash, ttlSeconds],
  );
}

/** Marks the token used and returns its user, or nothing when it is unknown, used or expired. */
export async function consumeOneTimeToken(q: Queryable, purpose: TokenPurpose, tokenHash: Buffer): Promise<string | null> {
  const rows = await q.query<{ user_id: string }>(
    `UPDATE one_time_tokens SET used_at = now()
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
     RETURNING user_id`,
    [tokenHash, purpose],
  );
  return rows[0]?.user_id ?? null;
}

export async function expireOneTimeTokens(q: Queryable, userId: string, purpose: TokenPurpose): Promise<void> {
  await q.query('UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [
    userId,
    purpose,
  ]);
}

// ---- communication preferences ----

export const TOPICS = ['service_updates', 'wallet', 'marketing'] as const;
export const CHANNELS = ['email', 'whatsapp', 'in_app'] as const;
export type Topic = (typeof TOPICS)[number];
export type Channel = (typeof CHANNELS)[number];

export interface PreferenceRow {
  topic: Topic;
  channel: Channel;
  enabled: boolean;
  given_at: Date;
}

export async function listPreferences(q: Queryable, userId: string): Promise<PreferenceRow[]> {
  return q.query<PreferenceRow>(
    'SELECT topic, channel, enabled, given_at FROM communication_preferences WHERE user_id = $1',
    [userId],
  );
}

/** Writes only the choices that differ from what is stored, so `given_at` stays the time of each decision. */
export async function upsertPreferences(
  q: Queryable,
  userId: string,
  prefs: { topic: Topic; channel: Channel; enabled: boolean }[],
): Promise<number> {
  let changed = 0;
  for (const p of prefs) {
    changed += await q.execute(
      `INSERT INTO communication_preferences (user_id, topic, channel, enabled) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, topic, channel) DO UPDATE SET enabled = EXCLUDED.enabled, given_at = now()
       WHERE communication_preferences.enabled IS DISTINCT FROM EXCLUDED.enabled`,
      [userId, p.topic, p.channel, p.enabled],
    );
  }
  return changed;
}
