import type { Queryable } from '../../db/index.js';
import { containsPattern } from '../../platform/sql.js';
import type { LinkType, Priority, TicketCategory, TicketRole, TicketState } from './support.rules.js';

export interface TicketRow {
  id: string;
  number: number;
  customer_id: string;
  subject: string;
  category: TicketCategory;
  state: TicketState;
  priority: Priority;
  assignee_id: string | null;
  link_type: LinkType | null;
  link_id: string | null;
  first_response_due_at: Date;
  resolution_due_at: Date;
  sla_clock_started_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reopen_count: number;
  created_at: Date;
  updated_at: Date;
  last_message_at: Date;
}

export interface MessageRow {
  id: string;
  ticket_id: string;
  author_id: string;
  author_name: string;
  author_role: TicketRole;
  internal: boolean;
  body: string;
  created_at: Date;
}

export interface EventRow {
  id: string;
  ticket_id: string;
  actor_id: string | null;
  actor_name: string | null;
  kind: 'state' | 'priority' | 'assignee';
  from_value: string | null;
  to_value: string | null;
  internal: boolean;
  created_at: Date;
}

export interface AttachmentRow {
  id: string;
  uploader_id: string;
  message_id: string | null;
  object_key: string;
  content_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  created_at: Date;
}

export async function insertTicket(
  q: Queryable,
  t: Pick<TicketRow, 'customer_id' | 'subject' | 'category' | 'priority' | 'link_type' | 'link_id' | 'first_response_due_at' | 'resolution_due_at'>,
): Promise<TicketRow> {
  const rows = await q.query<TicketRow>(
    `INSERT INTO support_tickets (customer_id, subject, category, priority, link_type, link_id, first_response_due_at, resolution_due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [t.customer_id, t.subject, t.category, t.priority, t.link_type, t.link_id, t.first_response_due_at, t.resolution_due_at],
  );
  return rows[0]!;
}

export async function findTicket(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<TicketRow | undefined> {
  return (await q.query<TicketRow>(`SELECT * FROM support_tickets WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]))[0];
}

export type TicketChanges = Partial<
  Pick<TicketRow, 'state' | 'priority' | 'assignee_id' | 'first_responded_at' | 'resolved_at' | 'closed_at' | 'reopen_count' | 'first_response_due_at' | 'resolution_due_at' | 'sla_clock_started_at' | 'last_message_at'>
>;

export async function updateTicket(q: Queryable, id: string, changes: TicketChanges): Promise<TicketRow> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
  const rows = await q.query<TicketRow>(`UPDATE support_tickets SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, [id, ...entries.map(([, v]) => v)]);
  return rows[0]!;
}

export async function insertMessage(q: Queryable, m: { ticket_id: string; author_id: string; author_role: TicketRole; internal: boolean; body: string }): Promise<string> {
  const rows = await q.query<{ id: string }>(
    'INSERT INTO support_messages (ticket_id, author_id, author_role, internal, body) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [m.ticket_id, m.author_id, m.author_role, m.internal, m.body],
  );
  return rows[0]!.id;
}

export async function insertEvent(q: Queryable, e: { ticket_id: string; actor_id: string | null; kind: EventRow['kind']; from_value: string | null; to_value: string | null; internal: boolean }): Promise<void> {
  await q.query('INSERT INTO support_ticket_events (ticket_id, actor_id, kind, from_value, to_value, internal) VALUES ($1, $2, $3, $4, $5, $6)', [
    e.ticket_id,
    e.actor_id,
    e.kind,
    e.from_value,
    e.to_value,
    e.internal,
  ]);
}

/** The thread; without `withInternal` the staff-only notes are left out in SQL, not filtered later. */
export async function messagesOf(q: Queryable, ticketId: string, withInternal: boolean): Promise<MessageRow[]> {
  return q.query<MessageRow>(
    `SELECT m.id, m.ticket_id, m.author_id, u.name AS author_name, m.author_role, m.internal, m.body, m.created_at
     FROM support_messages m JOIN users u ON u.id = m.author_id
     WHERE m.ticket_id = $1 ${withInternal ? '' : 'AND NOT m.internal'}
     ORDER BY m.created_at, m.id`,
    [ticketId],
  );
}

export async function eventsOf(q: Queryable, ticketId: string, withInternal: boolean): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT e.id, e.ticket_id, e.actor_id, u.name AS actor_name, e.kind, e.from_value, e.to_value, e.internal, e.created_at
     FROM support_ticket_events e LEFT JOIN users u ON u.id = e.actor_id
     WHERE e.ticket_id = $1 ${withInternal ? '' : 'AND NOT e.internal'}
     ORDER BY e.created_at, e.id`,
    [ticketId],
  );
}

export async function attachmentsOfMessages(q: Queryable, messageIds: string[]): Promise<AttachmentRow[]> {
  if (!messageIds.length) return [];
  return q.query<AttachmentRow>('SELECT * FROM support_attachments WHERE message_id = ANY($1::uuid[]) ORDER BY created_at, id', [messageIds]);
}

export async function insertAttachment(q: Queryable, a: Pick<AttachmentRow, 'uploader_id' | 'object_key' | 'content_type' | 'size_bytes' | 'width' | 'height'>): Promise<AttachmentRow> {
  const rows = await q.query<AttachmentRow>(
    `INSERT INTO support_attachments (uploader_id, object_key, content_type, size_bytes, width, height) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [a.uploader_id, a.object_key, a.content_type, a.size_bytes, a.width, a.height],
  );
  return rows[0]!;
}

/** Ties the uploader's own pending attachments to a message; returns how many were tied. */
export async function attachToMessage(q: Queryable, ids: string[], uploaderId: string, messageId: string): Promise<number> {
  if (!ids.length) return 0;
  return q.execute('UPDATE support_attachments SET message_id = $3 WHERE id = ANY($1::uuid[]) AND uploader_id = $2 AND message_id IS NULL', [ids, uploaderId, messageId]);
}

export async function findAttachment(q: Queryable, id: string): Promise<(AttachmentRow & { ticket_customer_id: string | null; internal: boolean | null }) | undefined> {
  return (
    await q.query<AttachmentRow & { ticket_customer_id: string | null; internal: boolean | null }>(
      `SELECT a.*, t.customer_id AS ticket_customer_id, m.internal
       FROM support_attachments a
       LEFT JOIN support_messages m ON m.id = a.message_id
       LEFT JOIN support_tickets t ON t.id = m.ticket_id
       WHERE a.id = $1`,
      [id],
    )
  )[0];
}

export async function pendingAttachmentsOlderThan(q: Queryable, hours: number, limit = 200): Promise<{ id: string; object_key: string }[]> {
  return q.query('SELECT id, object_key FROM support_attachments WHERE message_id IS NULL AND created_at < now() - make_interval(hours => $1) ORDER BY created_at LIMIT $2', [
    hours,
    limit,
  ]);
}

export async function deletePendingAttachment(q: Queryable, id: string): Promise<number> {
  return q.execute('DELETE FROM support_attachments WHERE id = $1 AND message_id IS NULL', [id]);
}

/** Customers whose account closed more than `days` ago and whose tickets still have attachments, after `afterUserId`. */
export async function closedCustomersWithAttachments(q: Queryable, days: number, afterUserId: string | null, limit: number): Promise<string[]> {
  const rows = await q.query<{ customer_id: string }>(
    `SELECT DISTINCT t.customer_id FROM support_attachments a JOIN support_messages m ON m.id = a.message_id
     JOIN support_tickets t ON t.id = m.ticket_id JOIN users u ON u.id = t.customer_id
     WHERE u.closed_at IS NOT NULL AND u.closed_at < now() - make_interval(days => $1) AND ($2::uuid IS NULL OR t.customer_id > $2::uuid)
     ORDER BY t.customer_id LIMIT $3`,
    [days, afterUserId, limit],
  );
  return rows.map((r) => r.customer_id);
}

/** Every attachment on the tickets of a customer, whoever uploaded it (staff files are about the customer too). */
export async function attachmentsOfCustomer(q: Queryable, customerId: string): Promise<{ id: string; object_key: string }[]> {
  return q.query(
    `SELECT a.id, a.object_key FROM support_attachments a JOIN support_messages m ON m.id = a.message_id
     JOIN support_tickets t ON t.id = m.ticket_id WHERE t.customer_id = $1 ORDER BY a.id`,
    [customerId],
  );
}

export async function deleteAttachments(q: Queryable, ids: string[]): Promise<number> {
  return q.execute('DELETE FROM support_attachments WHERE id = ANY($1::uuid[])', [ids]);
}

export async function knownObjectKeys(q: Queryable, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await q.query<{ object_key: string }>('SELECT object_key FROM support_attachments WHERE object_key = ANY($1::text[])', [keys]);
  return new Set(rows.map((r) => r.object_key));
}

export async function listForCustomer(
  q: Queryable,
  customerId: string,
  f: { states?: TicketState[] | undefined; limit: number; offset: number },
): Promise<{ items: TicketRow[]; total: number }> {
  const params: unknown[] = [customerId];
  let where = 'customer_id = $1';
  if (f.states?.length) {
    params.push(f.states);
    where += ` AND state = ANY($${params.length}::text[])`;
  }
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM support_tickets WHERE ${where}`, params))[0]!.n;
  const items = await q.query<TicketRow>(
    `SELECT * FROM support_tickets WHERE ${where} ORDER BY last_message_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { items, total };
}

/** The SQL twin of support.rules.ts `overdue` (either target missed). */
export const OVERDUE_SQL = `((t.state IN ('open', 'waiting_on_customer') AND t.first_responded_at IS NULL AND now() > t.first_response_due_at)
  OR (t.state = 'open' AND now() > t.resolution_due_at))`;

export interface QueueFilter {
  states?: TicketState[] | undefined;
  category?: TicketCategory | undefined;
  priority?: Priority | undefined;
  /** A staff member's id, or `none` for unassigned tickets. */
  assignee?: string | undefined;
  /** Only tickets at least this many hours old. */
  minAgeHours?: number | undefined;
  overdue?: boolean | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export interface QueueRow extends TicketRow {
  customer_name: string;
  customer_email: string;
  assignee_name: string | null;
}

const PRIORITY_ORDER = `CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

/** The operators' queue: most urgent first, then the ticket closest to (or furthest past) its due time. */
export async function queue(q: Queryable, f: QueueFilter): Promise<{ items: QueueRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (f.states?.length) add('t.state = ANY(?::text[])', f.states);
  if (f.category) add('t.category = ?', f.category);
  if (f.priority) add('t.priority = ?', f.priority);
  if (f.assignee === 'none') where.push('t.assignee_id IS NULL');
  else if (f.assignee) add('t.assignee_id = ?::uuid', f.assignee);
  if (f.minAgeHours !== undefined) add('t.created_at <= now() - make_interval(hours => ?)', f.minAgeHours);
  if (f.overdue === true) where.push(OVERDUE_SQL);
  if (f.overdue === false) where.push(`NOT ${OVERDUE_SQL}`);
  if (f.q) {
    const ref = /^t-?(\d{1,12})$/i.exec(f.q.trim());
    if (ref) add('t.number = ?::bigint', Number(ref[1]));
    else add('(lower(t.subject) LIKE ? OR lower(c.name) LIKE ? OR c.email LIKE ?)', containsPattern(f.q));
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const from = 'FROM support_tickets t JOIN users c ON c.id = t.customer_id LEFT JOIN users a ON a.id = t.assignee_id';
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n ${from} ${clause}`, params))[0]!.n;
  const items = await q.query<QueueRow>(
    `SELECT t.*, c.name AS customer_name, c.email AS customer_email, a.name AS assignee_name
     ${from} ${clause}
     ORDER BY ${PRIORITY_ORDER}, LEAST(CASE WHEN t.first_responded_at IS NULL THEN t.first_response_due_at END, t.resolution_due_at), t.created_at, t.id
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { items, total };
}

/** Resolved tickets whose reopen period has ended, oldest first, locked for the closing transaction. */
export async function lockResolvedBefore(q: Queryable, reopenDays: number, limit: number): Promise<TicketRow[]> {
  return q.query<TicketRow>(
    `SELECT * FROM support_tickets WHERE state = 'resolved' AND resolved_at <= now() - make_interval(days => $1)
     ORDER BY resolved_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [reopenDays, limit],
  );
}

export async function findStaffMember(q: Queryable, id: string): Promise<{ id: string; name: string } | undefined> {
  return (await q.query<{ id: string; name: string }>("SELECT id, name FROM users WHERE id = $1 AND role IN ('operator', 'admin') AND status = 'active'", [id]))[0];
}

export async function findUserBrief(q: Queryable, id: string): Promise<{ id: string; name: string; email: string; mobile: string | null } | undefined> {
  return (await q.query<{ id: string; name: string; email: string; mobile: string | null }>('SELECT id, name, email, mobile FROM users WHERE id = $1', [id]))[0];
}

export async function listStaff(q: Queryable): Promise<{ id: string; name: string; role: string }[]> {
  return q.query("SELECT id, name, role FROM users WHERE role IN ('operator', 'admin') AND status = 'active' ORDER BY name, id");
}
