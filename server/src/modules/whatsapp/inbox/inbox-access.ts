import type { Queryable } from '../../../db/index.js';
import { AppError, forbidden, notFound } from '../../../platform/errors.js';

/**
 * Who may use a tenant's inbox and what each may do (README.md "Roles"). The tenant is `owner`; its
 * team members are `manager` or `agent`; anybody else is told the inbox, or any of its objects, does
 * not exist (404), exactly as for an id that never existed.
 */

export type TeamRole = 'agent' | 'manager';
export type InboxRole = 'owner' | TeamRole;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function inboxRole(q: Queryable, userId: string, tenantId: string): Promise<InboxRole | null> {
  if (!UUID.test(tenantId)) return null;
  if (userId === tenantId) return 'owner';
  const rows = await q.query<{ role: TeamRole }>('SELECT role FROM wa_team_members WHERE tenant_id = $1 AND user_id = $2 AND removed_at IS NULL', [tenantId, userId]);
  return rows[0]?.role ?? null;
}

/** The caller's role in the inbox a request names; 404 when they are neither its tenant nor a member. */
export async function requireInbox(q: Queryable, userId: string, tenantId: string): Promise<InboxRole> {
  const role = await inboxRole(q, userId, tenantId);
  if (!role) throw notFound('Inbox');
  return role;
}

/** Quick replies are the tenant's voice: the owner and managers write them, agents use them. */
export function requireManager(role: InboxRole): void {
  if (role === 'agent') throw forbidden('Only the account owner or a manager of this inbox can do this.', 'inbox_manager_required');
}

/**
 * Whether `actor` (in `role`) may move a conversation from `current` to `next` assignee: the owner
 * and managers assign anyone (or nobody); an agent takes an unassigned conversation or gives back
 * their own, but never takes one from a colleague or hands one out.
 */
export function assignmentAllowed(role: InboxRole, actorId: string, current: string | null, next: string | null): boolean {
  if (role !== 'agent') return true;
  if (next === actorId) return current === null || current === actorId;
  return next === null && current === actorId;
}

export const assignmentRefused = () =>
  new AppError(403, 'assign_not_allowed', 'Agents can take an unassigned conversation or give back their own; ask a manager to reassign this one.');
