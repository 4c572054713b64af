import type { Queryable } from '../../../db/index.js';
import { containsPattern } from '../../../platform/sql.js';
import type { NumberRow } from '../numbers/numbers.repo.js';
import type { Json } from './template-rules.js';

/** SQL of the template tables (migration 0016). Every function takes the caller's transaction or the db. */

export interface TemplateRow {
  id: string;
  tenant_id: string;
  waba_id: string;
  number_id: string | null;
  meta_template_id: string | null;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  requested_category: string | null;
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: Json[];
  status: string;
  reason: string | null;
  rejection_info: Json | null;
  other_info: Json | null;
  disable_info: Json | null;
  status_at: Date;
  quality_score: string | null;
  quality_at: Date | null;
  source: 'platform' | 'meta';
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  last_seen_at: Date | null;
  deleted_at: Date | null;
}

export interface EventRow {
  id: number;
  template_id: string;
  event: string;
  status: string;
  reason: string | null;
  details: Json;
  source: 'platform' | 'webhook' | 'sync';
  occurred_at: Date;
  recorded_at: Date;
  applied: boolean;
}

export interface NewTemplate {
  tenantId: string;
  wabaId: string;
  numberId: string | null;
  metaTemplateId: string | null;
  name: string;
  language: string;
  category: string;
  requestedCategory: string | null;
  parameterFormat: string;
  components: Json[];
  status: string;
  reason?: string | null;
  statusAt: Date;
  qualityScore?: string | null;
  source: 'platform' | 'meta';
  createdBy: string | null;
  submittedAt: Date | null;
}

export async function insertTemplate(q: Queryable, t: NewTemplate): Promise<TemplateRow> {
  const rows = await q.query<TemplateRow>(
    `INSERT INTO wa_templates (tenant_id, waba_id, number_id, meta_template_id, name, language, category, requested_category, parameter_format,
       components, status, reason, status_at, quality_score, quality_at, source, created_by, submitted_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $14::text IS NULL THEN NULL ELSE $13::timestamptz END, $15, $16, $17,
       CASE WHEN $15 = 'meta' THEN $13::timestamptz ELSE NULL END)
     RETURNING *`,
    [
      t.tenantId,
      t.wabaId,
      t.numberId,
      t.metaTemplateId,
      t.name,
      t.language,
      t.category,
      t.requestedCategory,
      t.parameterFormat,
      JSON.stringify(t.components),
      t.status,
      t.reason ?? null,
      t.statusAt,
      t.qualityScore ?? null,
      t.source,
      t.createdBy,
      t.submittedAt,
    ],
  );
  return rows[0]!;
}

/** One of the tenant's templates; another tenant's is simply not found. */
export async function findTenantTemplate(q: Queryable, tenantId: string, id: string, lock = false): Promise<TemplateRow | null> {
  const rows = await q.query<TemplateRow>(`SELECT * FROM wa_templates WHERE id = $1 AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, tenantId]);
  return rows[0] ?? null;
}

export async function findLiveTemplate(q: Queryable, tenantId: string, wabaId: string, name: string, language: string): Promise<TemplateRow | null> {
  const rows = await q.query<TemplateRow>(
    'SELECT * FROM wa_templates WHERE tenant_id = $1 AND waba_id = $2 AND name = $3 AND language = $4 AND deleted_at IS NULL',
    [tenantId, wabaId, name, language],
  );
  return rows[0] ?? null;
}

/** The languages a name exists in, for a clearer "not found" message. */
export async function liveLanguagesOf(q: Queryable, tenantId: string, wabaId: string, name: string): Promise<string[]> {
  const rows = await q.query<{ language: string }>(
    'SELECT language FROM wa_templates WHERE tenant_id = $1 AND waba_id = $2 AND name = $3 AND deleted_at IS NULL ORDER BY language',
    [tenantId, wabaId, name],
  );
  return rows.map((r) => r.language);
}

export interface ListFilter {
  wabaId?: string | undefined;
  /** Only these business accounts (an API key limited to some numbers). */
  wabaIds?: readonly string[] | undefined;
  status?: string | undefined;
  category?: string | undefined;
  language?: string | undefined;
  search?: string | undefined;
  limit: number;
  offset: number;
}

/** The tenant's templates, newest change first; deleted ones only when asked for by status. */
export async function listTemplates(q: Queryable, tenantId: string, f: ListFilter): Promise<{ items: TemplateRow[]; total: number }> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (f.wabaId) add('waba_id = ?', f.wabaId);
  if (f.wabaIds) add('waba_id = ANY(?::text[])', [...f.wabaIds]);
  if (f.status) add('status = ?', f.status);
  else where.push('deleted_at IS NULL');
  if (f.category) add('category = ?', f.category);
  if (f.language) add('language = ?', f.language);
  if (f.search) {
    add(
      `(lower(name) LIKE ? OR lower(COALESCE((SELECT string_agg(c->>'text', ' ') FROM jsonb_array_elements(components) c), '')) LIKE ?)`,
      containsPattern(f.search),
    );
  }
  const clause = where.join(' AND ');
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM wa_templates WHERE ${clause}`, params);
  const items = await q.query<TemplateRow>(
    `SELECT * FROM wa_templates WHERE ${clause} ORDER BY updated_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { items, total: total[0]!.n };
}

/** The rows a status report from Meta is about (any tenant that has this business account), locked. */
export async function rowsForMetaTemplate(q: Queryable, wabaId: string, metaId: string | null, name: string, language: string): Promise<TemplateRow[]> {
  return q.query<TemplateRow>(
    `SELECT * FROM wa_templates WHERE waba_id = $1
       AND (($2::text IS NOT NULL AND meta_template_id = $2) OR (name = $3 AND language = $4 AND deleted_at IS NULL))
     ORDER BY tenant_id, (meta_template_id = $2) DESC NULLS LAST, created_at DESC FOR UPDATE`,
    [wabaId, metaId, name, language],
  );
}

export interface StatusUpdate {
  status: string;
  reason: string | null;
  rejectionInfo?: Json | null | undefined;
  otherInfo?: Json | null | undefined;
  disableInfo?: Json | null | undefined;
  statusAt: Date;
  category?: string | undefined;
}

export async function updateStatus(q: Queryable, id: string, u: StatusUpdate): Promise<TemplateRow> {
  const rows = await q.query<TemplateRow>(
    `UPDATE wa_templates SET status = $2, reason = $3,
       rejection_info = CASE WHEN $2 = 'REJECTED' THEN $4::jsonb ELSE NULL END,
       other_info = $5::jsonb, disable_info = CASE WHEN $2 = 'DISABLED' THEN COALESCE($6::jsonb, disable_info) ELSE NULL END,
       status_at = GREATEST(status_at, $7), category = COALESCE($8, category),
       deleted_at = CASE WHEN $2 = 'DELETED' THEN COALESCE(deleted_at, now()) ELSE NULL END,
       updated_at = now()
     WHERE id = $1 RETURNING *`,
    [
      id,
      u.status,
      u.reason,
      u.rejectionInfo ? JSON.stringify(u.rejectionInfo) : null,
      u.otherInfo ? JSON.stringify(u.otherInfo) : null,
      u.disableInfo ? JSON.stringify(u.disableInfo) : null,
      u.statusAt,
      u.category ?? null,
    ],
  );
  return rows[0]!;
}

/** What Meta holds besides the status (content, id, category, quality), refreshed by a sync. */
export async function refreshFromMeta(
  q: Queryable,
  id: string,
  m: { metaTemplateId: string; components: Json[]; category: string | null; parameterFormat: string; qualityScore: string | null; seenAt: Date },
): Promise<void> {
  await q.query(
    `UPDATE wa_templates SET meta_template_id = $2, components = $3, category = COALESCE($4, category), parameter_format = $5,
       quality_at = CASE WHEN $6::text IS DISTINCT FROM quality_score THEN $7 ELSE quality_at END,
       quality_score = COALESCE($6, quality_score), last_seen_at = $7,
       updated_at = CASE WHEN components IS DISTINCT FROM $3::jsonb OR category IS DISTINCT FROM COALESCE($4, category) THEN now() ELSE updated_at END
     WHERE id = $1`,
    [id, m.metaTemplateId, JSON.stringify(m.components), m.category, m.parameterFormat, m.qualityScore, m.seenAt],
  );
}

export async function setQuality(q: Queryable, id: string, score: string, at: Date): Promise<void> {
  await q.query('UPDATE wa_templates SET quality_score = $2, quality_at = $3, updated_at = now() WHERE id = $1 AND (quality_at IS NULL OR quality_at <= $3)', [id, score, at]);
}

export interface NewEvent {
  templateId: string;
  tenantId: string;
  event: string;
  status: string;
  reason: string | null;
  details?: Json;
  source: 'platform' | 'webhook' | 'sync';
  occurredAt: Date;
  applied: boolean;
  dedupeKey: string;
}

/** Records a report; false when the same report (dedupe key) was recorded before. */
export async function insertEvent(q: Queryable, e: NewEvent): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO wa_template_events (template_id, tenant_id, event, status, reason, details, source, occurred_at, applied, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (template_id, dedupe_key) DO NOTHING RETURNING id`,
    [e.templateId, e.tenantId, e.event, e.status, e.reason, JSON.stringify(e.details ?? {}), e.source, e.occurredAt, e.applied, e.dedupeKey.slice(0, 300)],
  );
  return rows.length > 0;
}

export async function setEventApplied(q: Queryable, templateId: string, dedupeKey: string, applied: boolean, status: string): Promise<void> {
  await q.query('UPDATE wa_template_events SET applied = $3, status = $4 WHERE template_id = $1 AND dedupe_key = $2', [templateId, dedupeKey.slice(0, 300), applied, status]);
}

export async function listEvents(q: Queryable, templateId: string, limit = 100): Promise<EventRow[]> {
  return q.query<EventRow>('SELECT * FROM wa_template_events WHERE template_id = $1 ORDER BY id DESC LIMIT $2', [templateId, limit]);
}

// ---- numbers and business accounts ------------------------------------------------------------------

/** The number whose token speaks for a business account: a connected one first, then the oldest. */
export async function numberForWaba(q: Queryable, tenantId: string, wabaId: string): Promise<NumberRow | null> {
  const rows = await q.query<NumberRow>(
    `SELECT * FROM wa_numbers WHERE tenant_id = $1 AND waba_id = $2 AND status <> 'disconnected'
     ORDER BY (status = 'connected') DESC, created_at LIMIT 1`,
    [tenantId, wabaId],
  );
  return rows[0] ?? null;
}

export interface AccountNumber {
  id: string;
  waba_id: string;
  label: string;
  display_phone_number: string | null;
  verified_name: string | null;
  status: string;
}

/** The tenant's live numbers, grouped by the caller into business accounts. */
export async function liveNumbers(q: Queryable, tenantId: string): Promise<AccountNumber[]> {
  return q.query<AccountNumber>(
    `SELECT id, waba_id, label, display_phone_number, verified_name, status FROM wa_numbers
     WHERE tenant_id = $1 AND status <> 'disconnected' ORDER BY waba_id, created_at`,
    [tenantId],
  );
}

// ---- sync state -------------------------------------------------------------------------------------

export interface SyncRow {
  tenant_id: string;
  waba_id: string;
  running_since: Date | null;
  queued_at: Date | null;
  last_started_at: Date | null;
  last_synced_at: Date | null;
  last_error: string | null;
  backoff_until: Date | null;
  backoff_count: number;
  templates_seen: number | null;
}

export async function syncRows(q: Queryable, tenantId: string): Promise<SyncRow[]> {
  return q.query<SyncRow>('SELECT * FROM wa_template_syncs WHERE tenant_id = $1', [tenantId]);
}

export async function ensureSyncRow(q: Queryable, tenantId: string, wabaId: string): Promise<void> {
  await q.query('INSERT INTO wa_template_syncs (tenant_id, waba_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, wabaId]);
}

/** Meta's management rate limit is per business account: the latest back-off of any tenant on it. */
export async function wabaBackoffUntil(q: Queryable, wabaId: string): Promise<Date | null> {
  const rows = await q.query<{ until: Date | null }>('SELECT max(backoff_until) AS until FROM wa_template_syncs WHERE waba_id = $1 AND backoff_until > now()', [wabaId]);
  return rows[0]?.until ?? null;
}

/**
 * Takes the sync lease of a business account: none while another sync runs (a lease older than
 * `staleSeconds` is from a process that died) or while Meta's rate limit asks to wait.
 */
export async function claimSync(q: Queryable, tenantId: string, wabaId: string, staleSeconds: number): Promise<boolean> {
  const rows = await q.query(
    `UPDATE wa_template_syncs SET running_since = now(), last_started_at = now(), queued_at = NULL
     WHERE tenant_id = $1 AND waba_id = $2
       AND (running_since IS NULL OR running_since < now() - make_interval(secs => $3))
       AND NOT EXISTS (SELECT 1 FROM wa_template_syncs b WHERE b.waba_id = $2 AND b.backoff_until > now())
     RETURNING tenant_id`,
    [tenantId, wabaId, staleSeconds],
  );
  return rows.length > 0;
}

export async function finishSync(q: Queryable, tenantId: string, wabaId: string, seen: number): Promise<SyncRow> {
  const rows = await q.query<SyncRow>(
    `UPDATE wa_template_syncs SET running_since = NULL, last_synced_at = now(), last_error = NULL, backoff_until = NULL, backoff_count = 0, templates_seen = $3
     WHERE tenant_id = $1 AND waba_id = $2 RETURNING *`,
    [tenantId, wabaId, seen],
  );
  return rows[0]!;
}

export async function failSync(q: Queryable, tenantId: string, wabaId: string, error: string, backoffSeconds: number | null): Promise<SyncRow> {
  const rows = await q.query<SyncRow>(
    `UPDATE wa_template_syncs SET running_since = NULL, last_error = $3,
       backoff_until = CASE WHEN $4::int IS NULL THEN backoff_until ELSE now() + make_interval(secs => $4::int) END,
       backoff_count = CASE WHEN $4::int IS NULL THEN backoff_count ELSE backoff_count + 1 END
     WHERE tenant_id = $1 AND waba_id = $2 RETURNING *`,
    [tenantId, wabaId, error.slice(0, 500), backoffSeconds],
  );
  return rows[0]!;
}

/**
 * Business accounts due for their periodic sync (never synced, or last started `periodSeconds` ago),
 * not running, not backing off and not already queued; marks them queued.
 */
export async function claimDueSyncs(q: Queryable, periodSeconds: number, limit: number): Promise<{ tenant_id: string; waba_id: string }[]> {
  await q.query(
    `INSERT INTO wa_template_syncs (tenant_id, waba_id)
     SELECT DISTINCT tenant_id, waba_id FROM wa_numbers WHERE status <> 'disconnected' ON CONFLICT DO NOTHING`,
  );
  return q.query<{ tenant_id: string; waba_id: string }>(
    `UPDATE wa_template_syncs s SET queued_at = now()
     WHERE (s.tenant_id, s.waba_id) IN (
       SELECT d.tenant_id, d.waba_id FROM wa_template_syncs d
       WHERE EXISTS (SELECT 1 FROM wa_numbers n WHERE n.tenant_id = d.tenant_id AND n.waba_id = d.waba_id AND n.status <> 'disconnected')
         AND d.running_since IS NULL
         AND (d.backoff_until IS NULL OR d.backoff_until <= now())
         AND (d.queued_at IS NULL OR d.queued_at < now() - make_interval(secs => $1))
         AND (d.last_started_at IS NULL OR d.last_started_at < now() - make_interval(secs => $1))
       ORDER BY d.last_started_at NULLS FIRST LIMIT $2)
     RETURNING s.tenant_id, s.waba_id`,
    [periodSeconds, limit],
  );
}

/** Meta templates of a business account the tenant already knows, by Meta id and by name + language. */
export async function templatesOfWaba(q: Queryable, tenantId: string, wabaId: string): Promise<TemplateRow[]> {
  return q.query<TemplateRow>('SELECT * FROM wa_templates WHERE tenant_id = $1 AND waba_id = $2 ORDER BY created_at FOR UPDATE', [tenantId, wabaId]);
}
