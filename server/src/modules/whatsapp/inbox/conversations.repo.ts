import type { Queryable } from '../../../db/index.js';
import { escapeLike } from '../../../platform/sql.js';
import { MESSAGE_TEXT_SQL } from '../messages/message-log.repo.js';

/** SQL of conversations, read markers and notes (migration 0018). Every function takes the caller's transaction or the db. */

export type ConversationStatus = 'open' | 'closed';

export interface ConversationRow {
  id: string;
  tenant_id: string;
  number_id: string;
  wa_id: string;
  status: ConversationStatus;
  status_at: Date;
  assignee_id: string | null;
  assigned_at: Date | null;
  last_message_id: string | null;
  last_message_at: Date;
  last_inbound_at: Date | null;
  inbound_count: number;
  created_at: Date;
  updated_at: Date;
}

/** A conversation with what a list row and the thread header show. */
export interface ConversationView extends ConversationRow {
  number_label: string;
  display_phone_number: string | null;
  number_status: string;
  contact_id: string | null;
  contact_name: string | null;
  profile_name: string | null;
  opted_in_at: Date | null;
  opted_out_at: Date | null;
  marketing_opted_out_at: Date | null;
  assignee_name: string | null;
  last_direction: 'inbound' | 'outbound' | null;
  last_type: string | null;
  last_content: Record<string, unknown> | null;
  last_template_name: string | null;
  last_status: string | null;
  /** The service window's last inbound time (wa_service_windows; system notices do not open it). */
  window_inbound_at: Date | null;
  /** What the reader ($2) has not read yet. */
  unread: number;
}

const VIEW = `SELECT c.*, n.label AS number_label, n.display_phone_number, n.status AS number_status,
    ct.id AS contact_id, ct.name AS contact_name, ct.profile_name, ct.opted_in_at, ct.opted_out_at, ct.marketing_opted_out_at,
    a.name AS assignee_name,
    lm.direction AS last_direction, lm.type AS last_type, lm.content AS last_content, lm.template_name AS last_template_name, lm.status AS last_status,
    w.last_inbound_at AS window_inbound_at,
    GREATEST(c.inbound_count - COALESCE(r.read_count, 0), 0)::int AS unread
  FROM wa_inbox_conversations c
  JOIN wa_numbers n ON n.id = c.number_id
  LEFT JOIN wa_contacts ct ON ct.tenant_id = c.tenant_id AND ct.wa_id = c.wa_id
  LEFT JOIN users a ON a.id = c.assignee_id
  LEFT JOIN wa_messages lm ON lm.id = c.last_message_id
  LEFT JOIN wa_service_windows w ON w.number_id = c.number_id AND w.wa_id = c.wa_id
  LEFT JOIN wa_inbox_reads r ON r.conversation_id = c.id AND r.user_id = $2`;

export interface ConversationFilter {
  status?: ConversationStatus | undefined;
  /** mine: assigned to the reader; unassigned: to nobody. */
  assigned?: 'mine' | 'unassigned' | undefined;
  numberId?: string | undefined;
  unreadOnly?: boolean | undefined;
  /** Contact name or WhatsApp name, number digits, message or note text. */
  search?: string | undefined;
  before?: { at: Date; id: string } | undefined;
  limit: number;
}

export async function listConversations(q: Queryable, tenantId: string, readerId: string, f: ConversationFilter): Promise<ConversationView[]> {
  const where = ['c.tenant_id = $1'];
  const params: unknown[] = [tenantId, readerId];
  const add = (clause: string, ...values: unknown[]) => {
    let sql = clause;
    for (const v of values) {
      params.push(v);
      sql = sql.replace('?', `$${params.length}`);
    }
    where.push(sql);
  };
  if (f.status) add('c.status = ?', f.status);
  if (f.assigned === 'mine') where.push('c.assignee_id = $2');
  if (f.assigned === 'unassigned') where.push('c.assignee_id IS NULL');
  if (f.numberId) add('c.number_id = ?', f.numberId);
  if (f.unreadOnly) where.push('c.inbound_count > COALESCE(r.read_count, 0)');
  if (f.search) {
    const pattern = `%${escapeLike(f.search)}%`;
    params.push(pattern);
    const p = `$${params.length}`;
    const parts = [
      `ct.name ILIKE ${p} ESCAPE '\\'`,
      `ct.profile_name ILIKE ${p} ESCAPE '\\'`,
      `EXISTS (SELECT 1 FROM wa_messages m WHERE m.tenant_id = c.tenant_id AND m.wa_id = c.wa_id AND m.number_id = c.number_id AND ${MESSAGE_TEXT_SQL} ILIKE ${p} ESCAPE '\\')`,
      `EXISTS (SELECT 1 FROM wa_inbox_notes nt WHERE nt.conversation_id = c.id AND nt.body ILIKE ${p} ESCAPE '\\')`,
    ];
    // "98765 43210" or "+91-98765…" finds the number whatever the spacing.
    const digits = f.search.replace(/\D/g, '');
    if (digits.length >= 3) {
      params.push(`%${digits}%`);
      parts.push(`c.wa_id LIKE $${params.length}`);
    }
    where.push(`(${parts.join(' OR ')})`);
  }
  if (f.before) {
    params.push(f.before.at, f.before.id);
    where.push(`(c.last_message_at, c.id) < ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(f.limit);
  return q.query<ConversationView>(`${VIEW} WHERE ${where.join(' AND ')} ORDER BY c.last_message_at DESC, c.id DESC LIMIT $${params.length}`, params);
}

/** One conversation by id, whoever's it is: the caller checks the reader may see its tenant. */
export async function findConversation(q: Queryable, id: string, readerId: string | null): Promise<ConversationView | null> {
  const rows = await q.query<ConversationView>(`${VIEW} WHERE c.id = $1`, [id, readerId]);
  return rows[0] ?? null;
}

export async function lockConversation(q: Queryable, id: string): Promise<ConversationRow | null> {
  const rows = await q.query<ConversationRow>('SELECT * FROM wa_inbox_conversations WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ?? null;
}

export interface InboxCounts {
  open: number;
  closed: number;
  mine: number;
  unassigned: number;
  unread: number;
}

/** The filter badges: open conversations assigned to the reader, to nobody, with something unread. */
export async function inboxCounts(q: Queryable, tenantId: string, readerId: string): Promise<InboxCounts> {
  const rows = await q.query<InboxCounts>(
    `SELECT count(*) FILTER (WHERE c.status = 'open')::int AS open,
            count(*) FILTER (WHERE c.status = 'closed')::int AS closed,
            count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id = $2)::int AS mine,
            count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id IS NULL)::int AS unassigned,
            count(*) FILTER (WHERE c.inbound_count > COALESCE(r.read_count, 0))::int AS unread
       FROM wa_inbox_conversations c
       LEFT JOIN wa_inbox_reads r ON r.conversation_id = c.id AND r.user_id = $2
      WHERE c.tenant_id = $1`,
    [tenantId, readerId],
  );
  return rows[0]!;
}

/** Conversations with something the reader has not read, per tenant (the inbox switcher's badges). */
export async function unreadByTenant(q: Queryable, tenantIds: readonly string[], readerId: string): Promise<Map<string, number>> {
  if (!tenantIds.length) return new Map();
  const rows = await q.query<{ tenant_id: string; n: number }>(
    `SELECT c.tenant_id, count(*)::int AS n FROM wa_inbox_conversations c
       LEFT JOIN wa_inbox_reads r ON r.conversation_id = c.id AND r.user_id = $2
      WHERE c.tenant_id = ANY($1::uuid[]) AND c.inbound_count > COALESCE(r.read_count, 0)
      GROUP BY c.tenant_id`,
    [tenantIds, readerId],
  );
  return new Map(rows.map((r) => [r.tenant_id, r.n]));
}

/**
 * A message the person sent: the conversation is created or moved to the top, reopened, and its
 * unread basis counted up — except for reactions and WhatsApp's system notices, which are shown but
 * neither reopen a closed conversation nor count as unread.
 */
export async function recordInbound(q: Queryable, m: { tenantId: string; numberId: string; waId: string; messageId: string; at: Date; counts: boolean }): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO wa_inbox_conversations AS c (tenant_id, number_id, wa_id, last_message_id, last_message_at, last_inbound_at, inbound_count)
     VALUES ($1, $2, $3, $4, $5, $5, $6)
     ON CONFLICT (number_id, wa_id) DO UPDATE SET
       last_message_id = CASE WHEN EXCLUDED.last_message_at >= c.last_message_at THEN EXCLUDED.last_message_id ELSE c.last_message_id END,
       last_message_at = GREATEST(c.last_message_at, EXCLUDED.last_message_at),
       last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
       inbound_count = c.inbound_count + EXCLUDED.inbound_count,
       status = CASE WHEN $7 THEN 'open' ELSE c.status END,
       status_at = CASE WHEN $7 AND c.status = 'closed' THEN now() ELSE c.status_at END,
       updated_at = now()
     RETURNING id`,
    [m.tenantId, m.numberId, m.waId, m.messageId, m.at, m.counts ? 1 : 0, m.counts],
  );
  return rows[0]!.id;
}

/**
 * An outbound message of the conversation's number and person (from the inbox, the API, an
 * automation): shown as the latest when it is newer than what the list shows. Returns the
 * conversation's id when there is one.
 */
export async function recordOutbound(q: Queryable, messageId: string): Promise<{ id: string; tenant_id: string; moved: boolean } | null> {
  const moved = await q.query<{ id: string; tenant_id: string }>(
    `UPDATE wa_inbox_conversations c SET last_message_id = m.id, last_message_at = m.created_at, updated_at = now()
       FROM wa_messages m
      WHERE m.id = $1 AND c.number_id = m.number_id AND c.wa_id = m.wa_id AND c.tenant_id = m.tenant_id
        AND m.created_at > c.last_message_at
      RETURNING c.id, c.tenant_id`,
    [messageId],
  );
  if (moved[0]) return { ...moved[0], moved: true };
  const rows = await q.query<{ id: string; tenant_id: string }>(
    `SELECT c.id, c.tenant_id FROM wa_messages m
       JOIN wa_inbox_conversations c ON c.number_id = m.number_id AND c.wa_id = m.wa_id AND c.tenant_id = m.tenant_id
      WHERE m.id = $1`,
    [messageId],
  );
  return rows[0] ? { ...rows[0], moved: false } : null;
}

/** The reader has seen everything counted so far. */
export async function markRead(q: Queryable, conversationId: string, userId: string): Promise<void> {
  await q.query(
    `INSERT INTO wa_inbox_reads (conversation_id, user_id, read_count, read_at)
     SELECT id, $2, inbound_count, now() FROM wa_inbox_conversations WHERE id = $1
     ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_count = GREATEST(wa_inbox_reads.read_count, EXCLUDED.read_count), read_at = now()`,
    [conversationId, userId],
  );
}

/** Each reader's read count of a conversation, to tell every live reader their own unread count. */
export async function readCounts(q: Queryable, conversationId: string): Promise<Map<string, number>> {
  const rows = await q.query<{ user_id: string; read_count: number }>('SELECT user_id, read_count FROM wa_inbox_reads WHERE conversation_id = $1', [conversationId]);
  return new Map(rows.map((r) => [r.user_id, r.read_count]));
}

export async function setAssignee(q: Queryable, id: string, assigneeId: string | null): Promise<void> {
  await q.query(
    `UPDATE wa_inbox_conversations SET assignee_id = $2, assigned_at = CASE WHEN $2::uuid IS NULL THEN NULL ELSE now() END, updated_at = now() WHERE id = $1`,
    [id, assigneeId],
  );
}

export async function setStatus(q: Queryable, id: string, status: ConversationStatus): Promise<void> {
  await q.query('UPDATE wa_inbox_conversations SET status = $2, status_at = now(), updated_at = now() WHERE id = $1', [id, status]);
}

/** A member leaves the team: the conversations they held become unassigned. */
export async function unassignMember(q: Queryable, tenantId: string, userId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `UPDATE wa_inbox_conversations SET assignee_id = NULL, assigned_at = NULL, updated_at = now()
      WHERE tenant_id = $1 AND assignee_id = $2 RETURNING id`,
    [tenantId, userId],
  );
  return rows.map((r) => r.id);
}

export interface NoteRow {
  id: string;
  conversation_id: string;
  tenant_id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: Date;
}

export async function insertNote(q: Queryable, n: { conversationId: string; tenantId: string; authorId: string; body: string }): Promise<NoteRow> {
  const rows = await q.query<NoteRow>(
    `WITH n AS (INSERT INTO wa_inbox_notes (conversation_id, tenant_id, author_id, body) VALUES ($1, $2, $3, $4) RETURNING *)
     SELECT n.*, u.name AS author_name FROM n JOIN users u ON u.id = n.author_id`,
    [n.conversationId, n.tenantId, n.authorId, n.body],
  );
  return rows[0]!;
}

export async function findNote(q: Queryable, id: string): Promise<NoteRow | null> {
  const rows = await q.query<NoteRow>('SELECT n.*, u.name AS author_name FROM wa_inbox_notes n JOIN users u ON u.id = n.author_id WHERE n.id = $1', [id]);
  return rows[0] ?? null;
}

/** Notes from `from` (inclusive) up to `before` (exclusive), oldest first; null bounds are open. */
export async function notesBetween(q: Queryable, conversationId: string, from: Date | null, before: Date | null, limit = 500): Promise<NoteRow[]> {
  return q.query<NoteRow>(
    `SELECT n.*, u.name AS author_name FROM wa_inbox_notes n JOIN users u ON u.id = n.author_id
      WHERE n.conversation_id = $1 AND ($2::timestamptz IS NULL OR n.created_at >= $2) AND ($3::timestamptz IS NULL OR n.created_at < $3)
      ORDER BY n.created_at DESC, n.id DESC LIMIT $4`,
    [conversationId, from, before, limit],
  );
}

/** Names of people (message senders, note authors), by id. */
export async function peopleNames(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await q.query<{ id: string; name: string }>('SELECT id, name FROM users WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.name]));
}
