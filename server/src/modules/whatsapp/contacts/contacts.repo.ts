import type { Queryable } from '../../../db/index.js';
import { escapeLike } from '../../../platform/sql.js';

/** SQL of wa_contacts and wa_consent_events. Every query is scoped by tenant. */

export interface ContactRow {
  id: string;
  tenant_id: string;
  wa_id: string;
  name: string | null;
  profile_name: string | null;
  tags: string[];
  opted_in_at: Date | null;
  opted_out_at: Date | null;
  marketing_opted_out_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type ConsentAction = 'opt_in' | 'opt_out' | 'marketing_stop' | 'marketing_resume';

export interface ConsentEventRow {
  id: string;
  tenant_id: string;
  contact_id: string;
  action: ConsentAction;
  source: string;
  evidence: string | null;
  ip: string | null;
  document_ref: string | null;
  message_id: string | null;
  actor_type: string;
  actor_id: string | null;
  occurred_at: Date;
}

export async function findContact(q: Queryable, tenantId: string, id: string, lock = false): Promise<ContactRow | null> {
  const rows = await q.query<ContactRow>(`SELECT * FROM wa_contacts WHERE id = $1 AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, tenantId]);
  return rows[0] ?? null;
}

export async function findContactByWaId(q: Queryable, tenantId: string, waId: string): Promise<ContactRow | null> {
  const rows = await q.query<ContactRow>('SELECT * FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2', [tenantId, waId]);
  return rows[0] ?? null;
}

/**
 * The contact of (tenant, wa_id), created when new; a WhatsApp profile name given is kept. The row
 * is locked until the transaction ends, so consent changes to one person are applied one at a time.
 */
export async function upsertContact(q: Queryable, tenantId: string, waId: string, profileName?: string | null): Promise<ContactRow> {
  const rows = await q.query<ContactRow>(
    `INSERT INTO wa_contacts (tenant_id, wa_id, profile_name) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, wa_id) DO UPDATE SET
       profile_name = COALESCE(EXCLUDED.profile_name, wa_contacts.profile_name),
       updated_at = CASE WHEN EXCLUDED.profile_name IS DISTINCT FROM wa_contacts.profile_name AND EXCLUDED.profile_name IS NOT NULL
                         THEN now() ELSE wa_contacts.updated_at END
     RETURNING *`,
    [tenantId, waId, profileName ? profileName.slice(0, 200) : null],
  );
  return rows[0]!;
}

export async function insertContact(q: Queryable, c: { tenantId: string; waId: string; name: string | null; tags: string[] }): Promise<ContactRow | null> {
  const rows = await q.query<ContactRow>(
    `INSERT INTO wa_contacts (tenant_id, wa_id, name, tags) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, wa_id) DO NOTHING RETURNING *`,
    [c.tenantId, c.waId, c.name, c.tags],
  );
  return rows[0] ?? null;
}

export async function updateContact(q: Queryable, tenantId: string, id: string, c: { name?: string | null | undefined; tags?: string[] | undefined }): Promise<ContactRow | null> {
  const rows = await q.query<ContactRow>(
    `UPDATE wa_contacts SET
       name = CASE WHEN $3 THEN $4 ELSE name END,
       tags = CASE WHEN $5 THEN $6::text[] ELSE tags END,
       updated_at = now()
     WHERE id = $1 AND tenant_id = $2 RETURNING *`,
    [id, tenantId, c.name !== undefined, c.name ?? null, c.tags !== undefined, c.tags ?? []],
  );
  return rows[0] ?? null;
}

export async function deleteContact(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  return (await q.execute('DELETE FROM wa_contacts WHERE id = $1 AND tenant_id = $2', [id, tenantId])) > 0;
}

export type ConsentFilter = 'opted_in' | 'opted_out' | 'no_opt_in' | 'marketing_stopped';

export interface ContactFilter {
  q?: string | undefined;
  tag?: string | undefined;
  consent?: ConsentFilter | undefined;
  /** Keyset cursor: contacts created before this (created_at, id). */
  before?: { at: Date; id: string } | undefined;
  limit: number;
}

const CONSENT_SQL: Record<ConsentFilter, string> = {
  opted_in: 'opted_in_at IS NOT NULL AND (opted_out_at IS NULL OR opted_out_at < opted_in_at)',
  opted_out: 'opted_out_at IS NOT NULL AND (opted_in_at IS NULL OR opted_out_at >= opted_in_at)',
  no_opt_in: 'opted_in_at IS NULL AND opted_out_at IS NULL',
  marketing_stopped: 'marketing_opted_out_at IS NOT NULL',
};

/** Newest first; `q` matches name, WhatsApp profile name or number digits. */
export async function listContacts(q: Queryable, tenantId: string, f: ContactFilter): Promise<ContactRow[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (clause: string, ...values: unknown[]) => {
    let c = clause;
    for (const v of values) {
      params.push(v);
      c = c.replace('?', `$${params.length}`);
    }
    where.push(c);
  };
  if (f.q) {
    const text = `%${escapeLike(f.q)}%`;
    const digits = f.q.replace(/[^0-9]/g, '');
    if (digits.length >= 3) add("(name ILIKE ? ESCAPE '\\' OR profile_name ILIKE ? ESCAPE '\\' OR wa_id LIKE ?)", text, text, `%${digits}%`);
    else add("(name ILIKE ? ESCAPE '\\' OR profile_name ILIKE ? ESCAPE '\\')", text, text);
  }
  if (f.tag) add('tags @> ARRAY[?]::text[]', f.tag);
  if (f.consent) where.push(CONSENT_SQL[f.consent]);
  if (f.before) add('(created_at, id) < (?, ?::uuid)', f.before.at, f.before.id);
  params.push(f.limit);
  return q.query<ContactRow>(`SELECT * FROM wa_contacts WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
}

export async function consentHistory(q: Queryable, tenantId: string, contactId: string, limit = 200): Promise<ConsentEventRow[]> {
  return q.query<ConsentEventRow>(
    'SELECT * FROM wa_consent_events WHERE tenant_id = $1 AND contact_id = $2 ORDER BY occurred_at DESC, id LIMIT $3',
    [tenantId, contactId, limit],
  );
}

export async function hasConsentHistory(q: Queryable, contactId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM wa_consent_events WHERE contact_id = $1 LIMIT 1', [contactId])).length > 0;
}

/** The newest consent event of the given actions: the one a later report must not be older than. */
export async function latestConsentEvent(q: Queryable, contactId: string, actions: readonly ConsentAction[]): Promise<ConsentEventRow | null> {
  const rows = await q.query<ConsentEventRow>(
    'SELECT * FROM wa_consent_events WHERE contact_id = $1 AND action = ANY($2::text[]) ORDER BY occurred_at DESC LIMIT 1',
    [contactId, actions],
  );
  return rows[0] ?? null;
}

export async function insertConsentEvent(
  q: Queryable,
  e: {
    tenantId: string;
    contactId: string;
    action: ConsentAction;
    source: string;
    evidence: string | null;
    ip: string | null;
    documentRef: string | null;
    messageId: string | null;
    actorType: string;
    actorId: string | null;
    occurredAt: Date;
  },
): Promise<ConsentEventRow> {
  const rows = await q.query<ConsentEventRow>(
    `INSERT INTO wa_consent_events (tenant_id, contact_id, action, source, evidence, ip, document_ref, message_id, actor_type, actor_id, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [e.tenantId, e.contactId, e.action, e.source, e.evidence, e.ip, e.documentRef, e.messageId, e.actorType, e.actorId, e.occurredAt],
  );
  return rows[0]!;
}

/** Moves the contact's consent columns for one event; a report older than the current state changes nothing. */
export async function applyConsentState(q: Queryable, contactId: string, action: ConsentAction, at: Date): Promise<ContactRow> {
  const set: Record<ConsentAction, string> = {
    // Meta's times are whole seconds: an opt-in of the same second as the opt-out it follows (STOP,
    // then START) must win, as it came later; a millisecond after the opt-out says so.
    opt_in: "opted_in_at = GREATEST(opted_in_at, CASE WHEN opted_out_at = $2 THEN $2::timestamptz + interval '1 millisecond' ELSE $2 END)",
    opt_out: 'opted_out_at = GREATEST(opted_out_at, $2)',
    marketing_stop: 'marketing_opted_out_at = GREATEST(marketing_opted_out_at, $2)',
    marketing_resume: 'marketing_opted_out_at = CASE WHEN marketing_opted_out_at <= $2 THEN NULL ELSE marketing_opted_out_at END',
  };
  const rows = await q.query<ContactRow>(`UPDATE wa_contacts SET ${set[action]}, updated_at = now() WHERE id = $1 RETURNING *`, [contactId, at]);
  return rows[0]!;
}

export interface WindowRow {
  number_id: string;
  wa_id: string;
  last_inbound_at: Date;
}

/** The customer-service windows of one person with each of the tenant's numbers. */
export async function windowsOf(q: Queryable, tenantId: string, waId: string): Promise<(WindowRow & { display_phone_number: string | null; label: string })[]> {
  return q.query(
    `SELECT w.number_id, w.wa_id, w.last_inbound_at, n.display_phone_number, n.label
       FROM wa_service_windows w JOIN wa_numbers n ON n.id = w.number_id
      WHERE n.tenant_id = $1 AND w.wa_id = $2 ORDER BY w.last_inbound_at DESC`,
    [tenantId, waId],
  );
}
