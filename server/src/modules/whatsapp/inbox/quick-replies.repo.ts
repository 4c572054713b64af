import type { Queryable } from '../../../db/index.js';

/** SQL of wa_quick_replies (migration 0018). */

export interface QuickReplyRow {
  id: string;
  tenant_id: string;
  shortcut: string;
  body: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export async function listQuickReplies(q: Queryable, tenantId: string): Promise<QuickReplyRow[]> {
  return q.query<QuickReplyRow>('SELECT * FROM wa_quick_replies WHERE tenant_id = $1 ORDER BY shortcut', [tenantId]);
}

export async function findQuickReply(q: Queryable, id: string): Promise<QuickReplyRow | null> {
  const rows = await q.query<QuickReplyRow>('SELECT * FROM wa_quick_replies WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function countQuickReplies(q: Queryable, tenantId: string): Promise<number> {
  const rows = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM wa_quick_replies WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.n;
}

/** null when the tenant already has that shortcut. */
export async function insertQuickReply(q: Queryable, r: { tenantId: string; shortcut: string; body: string; createdBy: string }): Promise<QuickReplyRow | null> {
  const rows = await q.query<QuickReplyRow>(
    `INSERT INTO wa_quick_replies (tenant_id, shortcut, body, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, shortcut) DO NOTHING RETURNING *`,
    [r.tenantId, r.shortcut, r.body, r.createdBy],
  );
  return rows[0] ?? null;
}

/** null when another quick reply of the tenant has that shortcut. */
export async function updateQuickReply(q: Queryable, id: string, r: { shortcut: string; body: string }): Promise<QuickReplyRow | null> {
  const taken = await q.query<{ id: string }>(
    'SELECT id FROM wa_quick_replies WHERE tenant_id = (SELECT tenant_id FROM wa_quick_replies WHERE id = $1) AND shortcut = $2 AND id <> $1',
    [id, r.shortcut],
  );
  if (taken.length) return null;
  const rows = await q.query<QuickReplyRow>('UPDATE wa_quick_replies SET shortcut = $2, body = $3, updated_at = now() WHERE id = $1 RETURNING *', [id, r.shortcut, r.body]);
  return rows[0] ?? null;
}

export async function deleteQuickReply(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM wa_quick_replies WHERE id = $1', [id]);
}
