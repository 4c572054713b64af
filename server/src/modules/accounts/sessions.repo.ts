import type { Queryable } from '../../db/index.js';
import type { UserRow } from './accounts.repo.js';

export interface SessionRow {
  id: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export async function insertSession(
  q: Queryable,
  s: { tokenHash: Buffer; userId: string; csrfToken: string; ip: string | null; userAgent: string | null; absoluteSeconds: number },
): Promise<SessionRow> {
  const rows = await q.query<SessionRow>(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
     RETURNING id, user_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at`,
    [s.tokenHash, s.userId, s.csrfToken, s.ip, s.userAgent?.slice(0, 512) ?? null, s.absoluteSeconds],
  );
  return rows[0]!;
}

/** The live session for a token with its user: not revoked, within the absolute and idle limits. */
export async function findLiveSession(
  q: Queryable,
  tokenHash: Buffer,
  idleSeconds: number,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const rows = await q.query<UserRow & { s_id: string; s_csrf_token: string; s_ip: string | null; s_user_agent: string | null; s_created_at: Date; s_last_seen_at: Date; s_expires_at: Date }>(
    `SELECT u.*, s.id AS s_id, s.csrf_token AS s_csrf_token, s.ip AS s_ip, s.user_agent AS s_user_agent,
            s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, s.expires_at AS s_expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(secs => $2)`,
    [tokenHash, idleSeconds],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { s_id, s_csrf_token, s_ip, s_user_agent, s_created_at, s_last_seen_at, s_expires_at, ...user } = row;
  return {
    user,
    session: {
      id: s_id,
      user_id: user.id,
      csrf_token: s_csrf_token,
      ip: s_ip,
      user_agent: s_user_agent,
      created_at: s_created_at,
      last_seen_at: s_last_seen_at,
      expires_at: s_expires_at,
      revoked_at: null,
    },
  };
}

export async function touchSession(q: Queryable, id: string, ip: string | null): Promise<void> {
  await q.query('UPDATE sessions SET last_seen_at = now(), ip = COALESCE($2, ip) WHERE id = $1', [id, ip]);
}

export async function listUserSessions(q: Queryable, userId: string, idleSeconds: number): Promise<SessionRow[]> {
  return q.query<SessionRow>(
    `SELECT id, user_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at
     FROM sessions
     WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
       AND last_seen_at > now() - make_interval(secs => $2)
     ORDER BY last_seen_at DESC`,
    [userId, idleSeconds],
  );
}

/** Revokes one session of one user; false when it is not theirs or already ended. */
export async function revokeSession(q: Queryable, userId: string, sessionId: string, reason: string): Promise<boolean> {
  const n = await q.execute(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
     WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
    [sessionId, userId, reason],
  );
  return n > 0;
}

export async function revokeUserSessions(q: Queryable, userId: string, reason: string, exceptId?: string): Promise<number> {
  return q.execute(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
     WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
    [userId, reason, exceptId ?? null],
  );
}

export async function purgeEndedSessions(q: Queryable, keepDays = 30): Promise<number> {
  return q.execute(
    `DELETE FROM sessions WHERE (revoked_at IS NOT NULL OR expires_at < now())
       AND GREATEST(COALESCE(revoked_at, expires_at), expires_at) < now() - make_interval(days => $1)`,
    [keepDays],
  );
}
