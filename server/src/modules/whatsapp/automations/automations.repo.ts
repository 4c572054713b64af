import type { Queryable } from '../../../db/index.js';
import type { RuleKind } from './automation-decision.js';
import { DEFAULT_TIMEZONE, type BusinessHours, type Holiday, type WeeklyHours } from './business-hours.js';
import type { MatchType } from './keyword-match.js';
import type { Reply } from './reply-body.js';

/** SQL of wa_automation_settings, wa_automation_rules and wa_automation_runs (migration 0017). */

export interface SettingsRow {
  number_id: string;
  tenant_id: string;
  enabled: boolean;
  timezone: string;
  weekly_hours: WeeklyHours;
  holidays: Holiday[];
  away_cooldown_hours: number;
  contact_limit: number;
  contact_window_minutes: number;
  number_limit_per_minute: number;
  updated_by: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

const nineToSix = () => [{ open: '09:00', close: '18:00' }];

/** What a number without a settings row has (the column defaults of the migration). */
export function defaultSettings(tenantId: string, numberId: string): SettingsRow {
  return {
    number_id: numberId,
    tenant_id: tenantId,
    enabled: true,
    timezone: DEFAULT_TIMEZONE,
    weekly_hours: { mon: nineToSix(), tue: nineToSix(), wed: nineToSix(), thu: nineToSix(), fri: nineToSix(), sat: nineToSix(), sun: [] },
    holidays: [],
    away_cooldown_hours: 12,
    contact_limit: 5,
    contact_window_minutes: 10,
    number_limit_per_minute: 60,
    updated_by: null,
    created_at: null,
    updated_at: null,
  };
}

export const hoursOf = (s: SettingsRow): BusinessHours => ({ timezone: s.timezone, weekly: s.weekly_hours, holidays: s.holidays });

export async function findSettings(q: Queryable, numberId: string): Promise<SettingsRow | null> {
  const rows = await q.query<SettingsRow>('SELECT * FROM wa_automation_settings WHERE number_id = $1', [numberId]);
  return rows[0] ?? null;
}

export type SettingsInput = Pick<SettingsRow, 'enabled' | 'timezone' | 'weekly_hours' | 'holidays' | 'away_cooldown_hours' | 'contact_limit' | 'contact_window_minutes' | 'number_limit_per_minute'>;

export async function upsertSettings(q: Queryable, tenantId: string, numberId: string, s: SettingsInput, userId: string): Promise<SettingsRow> {
  const rows = await q.query<SettingsRow>(
    `INSERT INTO wa_automation_settings (number_id, tenant_id, enabled, timezone, weekly_hours, holidays, away_cooldown_hours, contact_limit, contact_window_minutes, number_limit_per_minute, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (number_id) DO UPDATE SET enabled = EXCLUDED.enabled, timezone = EXCLUDED.timezone, weekly_hours = EXCLUDED.weekly_hours,
       holidays = EXCLUDED.holidays, away_cooldown_hours = EXCLUDED.away_cooldown_hours, contact_limit = EXCLUDED.contact_limit,
       contact_window_minutes = EXCLUDED.contact_window_minutes, number_limit_per_minute = EXCLUDED.number_limit_per_minute,
       updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *`,
    [
      numberId,
      tenantId,
      s.enabled,
      s.timezone,
      JSON.stringify(s.weekly_hours),
      JSON.stringify(s.holidays),
      s.away_cooldown_hours,
      s.contact_limit,
      s.contact_window_minutes,
      s.number_limit_per_minute,
      userId,
    ],
  );
  return rows[0]!;
}

export interface RuleRow {
  id: string;
  tenant_id: string;
  number_id: string;
  kind: RuleKind;
  name: string;
  enabled: boolean;
  position: number;
  match_type: MatchType | null;
  patterns: string[];
  reply: Reply | null;
  add_tags: string[];
  stopped_at: Date | null;
  stopped_reason: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The number's rules: the four single ones first, then keyword rules in their order. */
export async function listRules(q: Queryable, numberId: string): Promise<RuleRow[]> {
  return q.query<RuleRow>(
    `SELECT * FROM wa_automation_rules WHERE number_id = $1
      ORDER BY CASE kind WHEN 'welcome' THEN 0 WHEN 'away' THEN 1 WHEN 'opt_out' THEN 2 WHEN 'opt_in' THEN 3 ELSE 4 END, position, created_at`,
    [numberId],
  );
}

export async function findRule(q: Queryable, numberId: string, id: string, lock = false): Promise<RuleRow | null> {
  const rows = await q.query<RuleRow>(`SELECT * FROM wa_automation_rules WHERE id = $1 AND number_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, numberId]);
  return rows[0] ?? null;
}

export async function findSingleRule(q: Queryable, numberId: string, kind: Exclude<RuleKind, 'keyword'>, lock = false): Promise<RuleRow | null> {
  const rows = await q.query<RuleRow>(`SELECT * FROM wa_automation_rules WHERE number_id = $1 AND kind = $2${lock ? ' FOR UPDATE' : ''}`, [numberId, kind]);
  return rows[0] ?? null;
}

export interface RuleInput {
  name: string;
  enabled: boolean;
  matchType: MatchType | null;
  patterns: string[];
  reply: Reply | null;
  addTags: string[];
}

export async function insertRule(q: Queryable, r: RuleInput & { tenantId: string; numberId: string; kind: RuleKind; position: number; userId: string }): Promise<RuleRow> {
  const rows = await q.query<RuleRow>(
    `INSERT INTO wa_automation_rules (tenant_id, number_id, kind, name, enabled, position, match_type, patterns, reply, add_tags, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING *`,
    [r.tenantId, r.numberId, r.kind, r.name, r.enabled, r.position, r.matchType, r.patterns, r.reply ? JSON.stringify(r.reply) : null, r.addTags, r.userId],
  );
  return rows[0]!;
}

/** Saves the rule as given; saving clears a stop (the tenant has seen it and changed or re-enabled the rule). */
export async function updateRule(q: Queryable, id: string, r: RuleInput & { userId: string }): Promise<RuleRow> {
  const rows = await q.query<RuleRow>(
    `UPDATE wa_automation_rules SET name = $2, enabled = $3, match_type = $4, patterns = $5, reply = $6, add_tags = $7,
       stopped_at = NULL, stopped_reason = NULL, updated_by = $8, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, r.name, r.enabled, r.matchType, r.patterns, r.reply ? JSON.stringify(r.reply) : null, r.addTags, r.userId],
  );
  return rows[0]!;
}

export async function deleteRule(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM wa_automation_rules WHERE id = $1', [id]);
}

export async function keywordRuleIds(q: Queryable, numberId: string, lock = false): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM wa_automation_rules WHERE number_id = $1 AND kind = 'keyword' ORDER BY position, created_at${lock ? ' FOR UPDATE' : ''}`,
    [numberId],
  );
  return rows.map((r) => r.id);
}

export async function nextPosition(q: Queryable, numberId: string): Promise<number> {
  const rows = await q.query<{ next: number }>(`SELECT COALESCE(max(position), -1)::int + 1 AS next FROM wa_automation_rules WHERE number_id = $1 AND kind = 'keyword'`, [numberId]);
  return rows[0]!.next;
}

export async function setPositions(q: Queryable, numberId: string, ids: readonly string[], userId: string): Promise<void> {
  await q.query(
    `UPDATE wa_automation_rules r SET position = o.n::int - 1, updated_by = $3, updated_at = now()
       FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, n)
      WHERE r.id = o.id AND r.number_id = $1 AND r.position <> o.n::int - 1`,
    [numberId, ids, userId],
  );
}

/** Stops a rule whose template cannot be sent; true when it was running until now. */
export async function stopRule(q: Queryable, id: string, reason: string, at: Date): Promise<boolean> {
  return (await q.execute('UPDATE wa_automation_rules SET stopped_at = $2, stopped_reason = $3, updated_at = now() WHERE id = $1 AND stopped_at IS NULL', [id, at, reason.slice(0, 1000)])) > 0;
}

/** Whether anything can fire for the number (checked in the inbound transaction, so keep it cheap). */
export async function hasActiveRules(q: Queryable, numberId: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM wa_automation_rules r LEFT JOIN wa_automation_settings s ON s.number_id = r.number_id
      WHERE r.number_id = $1 AND r.enabled AND r.stopped_at IS NULL AND COALESCE(s.enabled, true) LIMIT 1`,
    [numberId],
  );
  return rows.length > 0;
}

/** Serialises the automation decisions of one number (flood counters, cooldowns, claims). */
export async function lockNumber(q: Queryable, numberId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('wa-automation:' || $1::text, 0))`, [numberId]);
}

export type RunState = 'claimed' | 'done' | 'skipped' | 'failed' | 'retry';

export interface RunRow {
  id: string;
  tenant_id: string;
  number_id: string;
  rule_id: string | null;
  kind: RuleKind;
  inbound_message_id: string;
  wa_id: string;
  state: RunState;
  replies: boolean;
  reason: string | null;
  detail: string | null;
  message_id: string | null;
  tags_added: string[];
  created_at: Date;
  finished_at: Date | null;
}

export async function findRun(q: Queryable, inboundMessageId: string, ruleId: string): Promise<RunRow | null> {
  const rows = await q.query<RunRow>('SELECT * FROM wa_automation_runs WHERE inbound_message_id = $1 AND rule_id = $2', [inboundMessageId, ruleId]);
  return rows[0] ?? null;
}

export interface NewRun {
  tenantId: string;
  numberId: string;
  ruleId: string;
  kind: RuleKind;
  inboundMessageId: string;
  waId: string;
  state: RunState;
  replies: boolean;
  reason: string | null;
  detail: string | null;
  at: Date;
}

/** The run, or null when one exists already (this rule for this message, or this person's welcome). */
export async function insertRun(q: Queryable, r: NewRun): Promise<RunRow | null> {
  const rows = await q.query<RunRow>(
    `INSERT INTO wa_automation_runs (tenant_id, number_id, rule_id, kind, inbound_message_id, wa_id, state, replies, reason, detail, created_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $7 IN ('claimed', 'retry') THEN NULL ELSE $11::timestamptz END)
     ON CONFLICT DO NOTHING RETURNING *`,
    [r.tenantId, r.numberId, r.ruleId, r.kind, r.inboundMessageId, r.waId, r.state, r.replies, r.reason, r.detail?.slice(0, 1000) ?? null, r.at],
  );
  return rows[0] ?? null;
}

/** Takes a run left in `retry` again (one claimer wins). */
export async function reclaimRun(q: Queryable, id: string, state: RunState, reason: string | null, detail: string | null, at: Date): Promise<RunRow | null> {
  const rows = await q.query<RunRow>(
    `UPDATE wa_automation_runs SET state = $2, reason = $3, detail = $4, created_at = $5,
       finished_at = CASE WHEN $2 IN ('claimed', 'retry') THEN NULL ELSE $5::timestamptz END
     WHERE id = $1 AND state = 'retry' RETURNING *`,
    [id, state, reason, detail?.slice(0, 1000) ?? null, at],
  );
  return rows[0] ?? null;
}

export async function finishRun(q: Queryable, id: string, f: { state: RunState; reason?: string | null; detail?: string | null; messageId?: string | null; at: Date }): Promise<void> {
  await q.query(
    `UPDATE wa_automation_runs SET state = $2, reason = $3, detail = $4, message_id = COALESCE($5, message_id),
       finished_at = CASE WHEN $2 IN ('claimed', 'retry') THEN NULL ELSE $6::timestamptz END
     WHERE id = $1`,
    [id, f.state, f.reason ?? null, f.detail?.slice(0, 1000) ?? null, f.messageId ?? null, f.at],
  );
}

export async function setRunTags(q: Queryable, id: string, tags: string[]): Promise<void> {
  await q.query('UPDATE wa_automation_runs SET tags_added = $2 WHERE id = $1', [id, tags]);
}

/** Replies claimed or sent since `since`, to one person (`waId`) or by the whole number (null). */
export async function countReplies(q: Queryable, numberId: string, waId: string | null, since: Date): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM wa_automation_runs
      WHERE number_id = $1 AND ($2::text IS NULL OR wa_id = $2) AND replies AND state IN ('claimed', 'done') AND created_at >= $3`,
    [numberId, waId, since],
  );
  return rows[0]!.n;
}

export async function awaySentSince(q: Queryable, numberId: string, waId: string, since: Date): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM wa_automation_runs WHERE number_id = $1 AND wa_id = $2 AND kind = 'away' AND state IN ('claimed', 'done') AND created_at >= $3 LIMIT 1`,
    [numberId, waId, since],
  );
  return rows.length > 0;
}

export interface RunView extends RunRow {
  rule_name: string | null;
}

export async function listRuns(q: Queryable, numberId: string, limit: number): Promise<RunView[]> {
  return q.query<RunView>(
    `SELECT run.*, r.name AS rule_name FROM wa_automation_runs run LEFT JOIN wa_automation_rules r ON r.id = run.rule_id
      WHERE run.number_id = $1 ORDER BY run.created_at DESC, run.id LIMIT $2`,
    [numberId, limit],
  );
}

/** Runs older than `before` (welcomes are kept: they say who was welcomed). */
export async function purgeRuns(q: Queryable, before: Date): Promise<number> {
  return q.execute(`DELETE FROM wa_automation_runs WHERE created_at < $1 AND kind <> 'welcome'`, [before]);
}

export const MAX_CONTACT_TAGS = 20;

/** Adds tags to the contact (kept in order, none twice, at most 20 in all); answers the ones added. */
export async function addContactTags(q: Queryable, tenantId: string, waId: string, tags: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ id: string; tags: string[] }>('SELECT id, tags FROM wa_contacts WHERE tenant_id = $1 AND wa_id = $2 FOR UPDATE', [tenantId, waId]);
  const contact = rows[0];
  if (!contact) return [];
  const have = new Set(contact.tags.map((t) => t.toLowerCase()));
  const added = tags.filter((t) => !have.has(t.toLowerCase())).slice(0, Math.max(0, MAX_CONTACT_TAGS - contact.tags.length));
  if (added.length) await q.query('UPDATE wa_contacts SET tags = tags || $2::text[], updated_at = now() WHERE id = $1', [contact.id, added]);
  return added;
}
