import type { Queryable } from '../../db/index.js';
import type { Role } from '../../platform/actor.js';
import { containsPattern } from '../../platform/sql.js';
import type { FormValues } from '../services/form-engine.js';
import type { ApplicationState } from './workflow.js';

export interface ApplicationRow {
  id: string;
  ack_number: string | null;
  user_id: string;
  filed_by: string | null;
  service_id: string;
  form_version: number;
  state: ApplicationState;
  answers: FormValues;
  amount_paise: number | null;
  platform_fee_paise: number | null;
  government_fee_paise: number | null;
  gst_rate_bps: number | null;
  gst_paise: number | null;
  total_paise: number | null;
  hold_id: string | null;
  turnaround_days: number | null;
  sla_due_at: Date | null;
  assigned_to: string | null;
  assigned_at: Date | null;
  info_request: string | null;
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  last_submitted_at: Date | null;
  started_at: Date | null;
  info_requested_at: Date | null;
  completed_at: Date | null;
  rejected_at: Date | null;
  cancelled_at: Date | null;
}

/** An application with the names around it, as lists and detail pages show it. */
export interface ApplicationView extends ApplicationRow {
  service_slug: string;
  service_name_en: string;
  service_name_hi: string;
  customer_name: string;
  customer_email: string;
  customer_mobile: string | null;
  filed_by_name: string | null;
  assignee_name: string | null;
  overdue: boolean;
  /** Seconds since the latest (re)submission: how long it has waited. */
  age_seconds: number;
}

export interface DocumentRow {
  id: string;
  application_id: string;
  purpose: 'input' | 'output';
  document_key: string | null;
  object_key: string;
  content_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  uploaded_by: string;
  uploaded_at: Date;
  superseded_at: Date | null;
}

export interface EventRow {
  id: number;
  application_id: string;
  kind: string;
  from_state: ApplicationState | null;
  to_state: ApplicationState | null;
  actor_id: string | null;
  actor_role: Role | null;
  actor_name: string | null;
  visibility: 'customer' | 'internal';
  message: string | null;
  details: Record<string, unknown>;
  created_at: Date;
}

// Overdue: still with the centre (not waiting on the customer) past its due time.
const VIEW_SELECT = `
  SELECT a.*, s.slug AS service_slug, s.name_en AS service_name_en, s.name_hi AS service_name_hi,
         u.name AS customer_name, u.email AS customer_email, u.mobile AS customer_mobile,
         f.name AS filed_by_name, g.name AS assignee_name,
         (a.state IN ('submitted', 'in_progress') AND a.sla_due_at < now()) AS overdue,
         COALESCE(extract(epoch FROM now() - a.last_submitted_at), 0)::int AS age_seconds
  FROM applications a
  JOIN services s ON s.id = a.service_id
  JOIN users u ON u.id = a.user_id
  LEFT JOIN users f ON f.id = a.filed_by
  LEFT JOIN users g ON g.id = a.assigned_to`;

export async function insertApplication(q: Queryable, a: { userId: string; filedBy: string | null; serviceId: string; formVersion: number }): Promise<string> {
  const rows = await q.query<{ id: string }>(
    'INSERT INTO applications (user_id, filed_by, service_id, form_version) VALUES ($1, $2, $3, $4) RETURNING id',
    [a.userId, a.filedBy, a.serviceId, a.formVersion],
  );
  return rows[0]!.id;
}

export async function findView(q: Queryable, id: string): Promise<ApplicationView | undefined> {
  return (await q.query<ApplicationView>(`${VIEW_SELECT} WHERE a.id = $1`, [id]))[0];
}

/** The row, locked until the transaction ends: every change of an application goes through this. */
export async function lock(q: Queryable, id: string): Promise<ApplicationRow | undefined> {
  return (await q.query<ApplicationRow>('SELECT * FROM applications WHERE id = $1 FOR UPDATE', [id]))[0];
}

export type ApplicationChanges = Partial<Omit<ApplicationRow, 'id' | 'user_id' | 'filed_by' | 'service_id' | 'form_version' | 'created_at' | 'updated_at'>>;

export async function update(q: Queryable, id: string, changes: ApplicationChanges): Promise<void> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (!entries.length) return;
  const values = entries.map(([k, v]) => (k === 'answers' ? JSON.stringify(v) : v));
  await q.query(`UPDATE applications SET ${entries.map(([k], i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [id, ...values]);
}

/** After "needs information": the time the customer took does not count against the centre. */
export async function shiftSlaByWait(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE applications SET sla_due_at = sla_due_at + (now() - info_requested_at) WHERE id = $1 AND info_requested_at IS NOT NULL', [id]);
}

export async function countDrafts(q: Queryable, userId: string): Promise<number> {
  return (await q.query<{ n: number }>("SELECT count(*)::int AS n FROM applications WHERE user_id = $1 AND state = 'draft'", [userId]))[0]!.n;
}

/** SK-<year>-<number>: the sequence never blocks a concurrent submission. */
export async function nextAckNumber(q: Queryable, year: string): Promise<string> {
  const rows = await q.query<{ n: number }>("SELECT nextval('application_ack_seq')::bigint AS n");
  return `SK-${year}-${String(rows[0]!.n).padStart(6, '0')}`;
}

export async function listForCustomer(
  q: Queryable,
  f: { userId: string; states?: readonly ApplicationState[] | undefined; limit: number; offset: number },
): Promise<{ items: ApplicationView[]; total: number }> {
  const params: unknown[] = [f.userId];
  let where = 'a.user_id = $1';
  if (f.states?.length) {
    params.push(f.states);
    where += ` AND a.state = ANY($${params.length}::text[])`;
  }
  params.push(f.limit, f.offset);
  const rows = await q.query<ApplicationView & { total: number }>(
    `${VIEW_SELECT.replace('SELECT', 'SELECT count(*) OVER ()::int AS total,')} WHERE ${where}
     ORDER BY a.updated_at DESC, a.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { items: rows, total: rows[0]?.total ?? 0 };
}

export interface QueueFilter {
  states: readonly ApplicationState[];
  serviceId?: string | undefined;
  /** `me` needs `viewerId`; a uuid names an operator. */
  assigned?: 'me' | 'unassigned' | string | undefined;
  viewerId: string;
  overdue?: boolean | undefined;
  q?: string | undefined;
  sort: 'oldest' | 'newest' | 'due';
  limit: number;
  offset: number;
}

/**
 * The operators' work queue. A customer's own draft is private until submitted: only drafts filed
 * for walk-in customers by staff are listed.
 */
export async function queue(q: Queryable, f: QueueFilter): Promise<{ items: ApplicationView[]; total: number }> {
  const where = ["(a.submitted_at IS NOT NULL OR a.filed_by IS NOT NULL)"];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  add('a.state = ANY(?::text[])', f.states);
  if (f.serviceId) add('a.service_id = ?', f.serviceId);
  if (f.assigned === 'me') add('a.assigned_to = ?', f.viewerId);
  else if (f.assigned === 'unassigned') where.push('a.assigned_to IS NULL');
  else if (f.assigned) add('a.assigned_to = ?', f.assigned);
  if (f.overdue === true) where.push("a.state IN ('submitted', 'in_progress') AND a.sla_due_at < now()");
  if (f.overdue === false) where.push("NOT (a.state IN ('submitted', 'in_progress') AND a.sla_due_at < now())");
  if (f.q) {
    // An acknowledgement number exactly, or part of the customer's name, email or mobile.
    const text = f.q.trim();
    params.push(text.toUpperCase(), containsPattern(text));
    const [ack, like] = [params.length - 1, params.length];
    where.push(`(a.ack_number = $${ack} OR lower(u.name) LIKE $${like} ESCAPE '\\' OR u.email LIKE $${like} ESCAPE '\\' OR u.mobile LIKE $${like} ESCAPE '\\')`);
  }
  const order = {
    oldest: 'a.last_submitted_at NULLS LAST, a.created_at, a.id',
    newest: 'a.last_submitted_at DESC NULLS LAST, a.created_at DESC, a.id',
    due: 'a.sla_due_at NULLS LAST, a.last_submitted_at, a.id',
  }[f.sort];
  params.push(f.limit, f.offset);
  const rows = await q.query<ApplicationView & { total: number }>(
    `${VIEW_SELECT.replace('SELECT', 'SELECT count(*) OVER ()::int AS total,')} WHERE ${where.join(' AND ')}
     ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { items: rows, total: rows[0]?.total ?? 0 };
}

// Documents -------------------------------------------------------------------------------------------

export async function insertDocument(
  q: Queryable,
  d: Pick<DocumentRow, 'application_id' | 'purpose' | 'document_key' | 'object_key' | 'content_type' | 'size_bytes' | 'width' | 'height' | 'uploaded_by'>,
): Promise<DocumentRow> {
  const rows = await q.query<DocumentRow>(
    `INSERT INTO application_documents (application_id, purpose, document_key, object_key, content_type, size_bytes, width, height, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [d.application_id, d.purpose, d.document_key, d.object_key, d.content_type, d.size_bytes, d.width, d.height, d.uploaded_by],
  );
  return rows[0]!;
}

/** Current uploads for the form's documents, and the operator's outputs, oldest first. */
export async function currentDocuments(q: Queryable, applicationId: string): Promise<DocumentRow[]> {
  return q.query<DocumentRow>(
    'SELECT * FROM application_documents WHERE application_id = $1 AND superseded_at IS NULL ORDER BY uploaded_at, id',
    [applicationId],
  );
}

export async function findDocument(q: Queryable, id: string): Promise<DocumentRow | undefined> {
  return (await q.query<DocumentRow>('SELECT * FROM application_documents WHERE id = $1', [id]))[0];
}

export async function supersede(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE application_documents SET superseded_at = now() WHERE id = $1', [id]);
}

/** Deletes document rows and answers their object keys, for the caller to remove from the store after commit. */
export async function deleteDocuments(q: Queryable, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await q.query<{ object_key: string }>('DELETE FROM application_documents WHERE id = ANY($1::uuid[]) RETURNING object_key', [ids]);
  return rows.map((r) => r.object_key);
}

export async function allDocumentIds(q: Queryable, applicationId: string): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM application_documents WHERE application_id = $1', [applicationId])).map((r) => r.id);
}

export async function knownObjectKeys(q: Queryable, keys: string[]): Promise<Set<string>> {
  const rows = await q.query<{ object_key: string }>('SELECT object_key FROM application_documents WHERE object_key = ANY($1::text[])', [keys]);
  return new Set(rows.map((r) => r.object_key));
}

/** Customers whose account closed more than `days` ago and who still have application documents, after `afterUserId`. */
export async function closedAccountsWithDocuments(q: Queryable, days: number, afterUserId: string | null, limit: number): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>(
    `SELECT DISTINCT a.user_id FROM application_documents d JOIN applications a ON a.id = d.application_id JOIN users u ON u.id = a.user_id
     WHERE u.closed_at IS NOT NULL AND u.closed_at < now() - make_interval(days => $1) AND ($2::uuid IS NULL OR a.user_id > $2::uuid)
     ORDER BY a.user_id LIMIT $3`,
    [days, afterUserId, limit],
  );
  return rows.map((r) => r.user_id);
}

/** Every document (inputs, superseded ones, outputs) of every application of a customer. */
export async function documentsOfCustomer(q: Queryable, userId: string): Promise<Pick<DocumentRow, 'id' | 'purpose' | 'object_key'>[]> {
  return q.query(
    'SELECT d.id, d.purpose, d.object_key FROM application_documents d JOIN applications a ON a.id = d.application_id WHERE a.user_id = $1 ORDER BY d.id',
    [userId],
  );
}

// Timeline --------------------------------------------------------------------------------------------

export async function insertEvent(
  q: Queryable,
  e: {
    applicationId: string;
    kind: string;
    fromState?: ApplicationState | null;
    toState?: ApplicationState | null;
    actorId: string | null;
    actorRole: Role | null;
    visibility: 'customer' | 'internal';
    message?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO application_events (application_id, kind, from_state, to_state, actor_id, actor_role, visibility, message, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [e.applicationId, e.kind, e.fromState ?? null, e.toState ?? null, e.actorId, e.actorRole, e.visibility, e.message ?? null, JSON.stringify(e.details ?? {})],
  );
}

export async function listEvents(q: Queryable, applicationId: string, opts: { includeInternal: boolean }): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT e.*, u.name AS actor_name FROM application_events e LEFT JOIN users u ON u.id = e.actor_id
     WHERE e.application_id = $1 AND ($2 OR e.visibility = 'customer') ORDER BY e.id`,
    [applicationId, opts.includeInternal],
  );
}
