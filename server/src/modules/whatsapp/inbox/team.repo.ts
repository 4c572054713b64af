import type { Queryable } from '../../../db/index.js';
import type { TeamRole } from './inbox-access.js';

/** SQL of wa_team_members (migration 0018). */

export interface MemberRow {
  id: string;
  tenant_id: string;
  user_id: string;
  role: TeamRole;
  invited_by: string;
  created_at: Date;
  removed_at: Date | null;
  /** Joined: the member and who invited them. */
  name: string;
  email: string;
  invited_by_name: string | null;
}

const SELECT = `SELECT m.*, u.name, u.email, i.name AS invited_by_name
  FROM wa_team_members m JOIN users u ON u.id = m.user_id LEFT JOIN users i ON i.id = m.invited_by`;

export async function listMembers(q: Queryable, tenantId: string): Promise<MemberRow[]> {
  return q.query<MemberRow>(`${SELECT} WHERE m.tenant_id = $1 AND m.removed_at IS NULL ORDER BY u.name, m.created_at`, [tenantId]);
}

/** A live member of the tenant's team by the membership's id; another tenant's is not found. */
export async function findMember(q: Queryable, tenantId: string, id: string, lock = false): Promise<MemberRow | null> {
  const rows = await q.query<MemberRow>(`${SELECT} WHERE m.id = $1 AND m.tenant_id = $2 AND m.removed_at IS NULL${lock ? ' FOR UPDATE OF m' : ''}`, [id, tenantId]);
  return rows[0] ?? null;
}

export async function insertMember(q: Queryable, m: { tenantId: string; userId: string; role: TeamRole; invitedBy: string }): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO wa_team_members (tenant_id, user_id, role, invited_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, user_id) WHERE removed_at IS NULL DO NOTHING RETURNING id`,
    [m.tenantId, m.userId, m.role, m.invitedBy],
  );
  return rows[0]?.id ?? null;
}

export async function countMembers(q: Queryable, tenantId: string): Promise<number> {
  const rows = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM wa_team_members WHERE tenant_id = $1 AND removed_at IS NULL', [tenantId]);
  return rows[0]!.n;
}

export async function setRole(q: Queryable, id: string, role: TeamRole): Promise<void> {
  await q.query('UPDATE wa_team_members SET role = $2 WHERE id = $1', [id, role]);
}

export async function markRemoved(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE wa_team_members SET removed_at = now() WHERE id = $1', [id]);
}

/** An active account by email, for an invitation. */
export async function findActiveUserByEmail(q: Queryable, email: string): Promise<{ id: string; name: string } | null> {
  const rows = await q.query<{ id: string; name: string }>("SELECT id, name FROM users WHERE email = $1 AND status = 'active'", [email.trim().toLowerCase()]);
  return rows[0] ?? null;
}

export interface MembershipRow {
  tenant_id: string;
  tenant_name: string;
  tenant_email: string;
  role: TeamRole;
  created_at: Date;
}

/** The inboxes the user was invited to. */
export async function membershipsOf(q: Queryable, userId: string): Promise<MembershipRow[]> {
  return q.query<MembershipRow>(
    `SELECT m.tenant_id, u.name AS tenant_name, u.email AS tenant_email, m.role, m.created_at
       FROM wa_team_members m JOIN users u ON u.id = m.tenant_id
      WHERE m.user_id = $1 AND m.removed_at IS NULL ORDER BY u.name`,
    [userId],
  );
}

/** The people a conversation can be assigned to: the tenant and the live members. */
export async function assignablePeople(q: Queryable, tenantId: string): Promise<{ id: string; name: string; role: 'owner' | TeamRole }[]> {
  return q.query(
    `SELECT id, name, 'owner' AS role FROM users WHERE id = $1
     UNION ALL
     SELECT u.id, u.name, m.role FROM wa_team_members m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.removed_at IS NULL
     ORDER BY name`,
    [tenantId],
  );
}

/** Which of these (tenant, user) pairs are still owner or live member. */
export async function liveAccess(q: Queryable, pairs: readonly { tenantId: string; userId: string }[]): Promise<Set<string>> {
  const out = new Set<string>();
  const others = pairs.filter((p) => p.tenantId !== p.userId);
  for (const p of pairs) if (p.tenantId === p.userId) out.add(`${p.tenantId}:${p.userId}`);
  if (!others.length) return out;
  const rows = await q.query<{ tenant_id: string; user_id: string }>(
    `SELECT m.tenant_id, m.user_id FROM wa_team_members m
       JOIN unnest($1::uuid[], $2::uuid[]) AS p(tenant_id, user_id) ON p.tenant_id = m.tenant_id AND p.user_id = m.user_id
      WHERE m.removed_at IS NULL`,
    [others.map((p) => p.tenantId), others.map((p) => p.userId)],
  );
  for (const r of rows) out.add(`${r.tenant_id}:${r.user_id}`);
  return out;
}
