import { createHash } from 'node:crypto';
import type { Queryable } from '../../../db/index.js';
import { SYSTEM_META } from '../../../platform/actor.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { Notifier } from '../../notifications/notifier.js';
import { normalizeLanguage } from './template-languages.js';
import { CATEGORIES, isObj, type Json } from './template-rules.js';
import { isStale, statusAfterEvent, statusNotice } from './template-status.js';
import * as repo from './templates.repo.js';
import type { TemplateRow } from './templates.repo.js';

/**
 * Applies what Meta says about a template's status — the `message_template_status_update` webhook,
 * or what a sync saw — to the tenant's copy: once (a repeated report is recorded once and changes
 * nothing), in order (a report older than the current status is recorded as not applied), with a
 * notice to the tenant and an activity record for each change.
 */

export interface StatusReport {
  /** Meta's event word (APPROVED, PAUSED, FLAGGED, REINSTATED, …). */
  event: string;
  reason: string | null;
  rejectionInfo?: Json | null | undefined;
  otherInfo?: Json | null | undefined;
  disableInfo?: Json | null | undefined;
  category?: string | null | undefined;
  at: Date;
  source: 'webhook' | 'sync';
  dedupeKey: string;
}

export interface TemplateStatusUpdateInput {
  /** The business account the webhook's `entry.id` names. */
  wabaId: string;
  /** Meta's change `value`: event, message_template_id, message_template_name, message_template_language, reason, … */
  value: Record<string, unknown>;
  /** The webhook's `entry.time` (unix seconds) or a Date: orders the reports. Default: now. */
  time?: number | Date | undefined;
}

export interface TemplateStatusUpdateResult {
  /** Tenant templates the report was about. */
  templates: number;
  /** Of those, the ones whose status it changed. */
  changed: number;
  /** No tenant knows the template yet: a sync of the business account was queued to fetch it. */
  unknown: boolean;
}

const WORD = /^[A-Z_]{1,40}$/;
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const obj = (v: unknown) => (isObj(v) ? v : null);

/** Meta sends the id as a JSON number; a string works as well. */
function metaIdOf(v: unknown): string | null {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v : null;
  return s && /^[0-9]{1,32}$/.test(s) ? s : null;
}

function timeOf(t: number | Date | undefined): Date {
  if (t instanceof Date && !Number.isNaN(t.getTime())) return t;
  if (typeof t === 'number' && Number.isFinite(t) && t > 0) return new Date(t * 1000);
  return new Date();
}

export function createTemplateStatusUpdates(deps: { notifier: Pick<Notifier, 'notify'>; queueSync: (q: Queryable, tenantId: string, wabaId: string) => Promise<void> }) {
  const { notifier } = deps;

  /** One report about one tenant template (locked by the caller); answers whether the status changed. */
  async function applyReport(tx: Queryable, row: TemplateRow, r: StatusReport): Promise<{ changed: boolean; row: TemplateRow }> {
    const to = statusAfterEvent(r.event, row.status);
    const stale = row.deleted_at !== null || isStale(r.at, row.status_at, { status: to, currentStatus: row.status });
    const details: Json = {};
    if (r.rejectionInfo) details.rejection_info = r.rejectionInfo;
    if (r.otherInfo) details.other_info = r.otherInfo;
    if (r.disableInfo) details.disable_info = r.disableInfo;
    if (r.category) details.category = r.category;
    const recorded = await repo.insertEvent(tx, {
      templateId: row.id,
      tenantId: row.tenant_id,
      event: r.event,
      status: stale ? row.status : to,
      reason: r.reason?.slice(0, 200) ?? null,
      details,
      source: r.source,
      occurredAt: r.at,
      applied: !stale,
      dedupeKey: r.dedupeKey,
    });
    if (!recorded || stale) return { changed: false, row };

    const category = r.category && (CATEGORIES as readonly string[]).includes(r.category) ? r.category : undefined;
    let updated = row;
    if (r.event !== 'FLAGGED') {
      // A sync sees only the status: what a webhook told about the same status (pause details, …) stays.
      const keep = r.source === 'sync' && to === row.status;
      updated = await repo.updateStatus(tx, row.id, {
        status: to,
        reason: keep ? row.reason : (r.reason?.slice(0, 200) ?? null),
        rejectionInfo: keep ? row.rejection_info : r.rejectionInfo,
        otherInfo: keep ? row.other_info : r.otherInfo,
        disableInfo: keep ? row.disable_info : r.disableInfo,
        statusAt: r.at,
        category,
      });
    }
    const changed = updated.status !== row.status;
    const notice = statusNotice({
      templateId: row.id,
      tenantId: row.tenant_id,
      name: row.name,
      language: row.language,
      event: r.event,
      from: row.status,
      to: updated.status,
      reason: r.reason,
      rejectionReason: str(r.rejectionInfo?.reason),
      otherInfo: r.otherInfo,
    });
    if (notice) await notifier.notify(tx, notice);
    if (changed || r.event === 'FLAGGED' || (category && category !== row.category)) {
      await insertActivity(
        tx,
        { type: 'system' },
        {
          action: 'whatsapp.template_status_changed',
          subjectUserId: row.tenant_id,
          object: { type: 'wa_template', id: row.id },
          details: { name: row.name, language: row.language, event: r.event, from: row.status, to: updated.status, reason: r.reason, source: r.source, ...(category && category !== row.category ? { category: { from: row.category, to: category } } : {}) },
        },
        SYSTEM_META,
      );
    }
    return { changed, row: updated };
  }

  /**
   * Meta's `message_template_status_update` change for business account `wabaId`, applied to every
   * tenant template it is about, in the caller's transaction. Safe to call again with the same
   * change (nothing happens twice) and in any order (an older report never overwrites a newer one).
   */
  async function applyTemplateStatusUpdate(tx: Queryable, input: TemplateStatusUpdateInput): Promise<TemplateStatusUpdateResult> {
    const v = input.value;
    const event = str(v.event)?.toUpperCase() ?? '';
    const name = str(v.message_template_name) ?? '';
    const language = normalizeLanguage(str(v.message_template_language) ?? '');
    if (!WORD.test(event) || !/^[0-9]{5,20}$/.test(input.wabaId)) return { templates: 0, changed: 0, unknown: false };
    const metaId = metaIdOf(v.message_template_id);
    const at = timeOf(input.time);
    const rows = await repo.rowsForMetaTemplate(tx, input.wabaId, metaId, name, language);
    // Per tenant, the row Meta's id names (else the live one by name and language).
    const perTenant = new Map<string, TemplateRow>();
    for (const row of rows) if (!perTenant.has(row.tenant_id)) perTenant.set(row.tenant_id, row);

    if (!perTenant.size) {
      // A template made outside the platform (or before the number was connected): fetch it.
      const tenants = await tx.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM wa_numbers WHERE waba_id = $1 AND status <> 'disconnected'`, [input.wabaId]);
      for (const t of tenants) await deps.queueSync(tx, t.tenant_id, input.wabaId);
      return { templates: 0, changed: 0, unknown: true };
    }
    const report: StatusReport = {
      event,
      reason: str(v.reason),
      rejectionInfo: obj(v.rejection_info),
      otherInfo: obj(v.other_info),
      disableInfo: obj(v.disable_info),
      category: str(v.message_template_category)?.toUpperCase() ?? null,
      at,
      source: 'webhook',
      // A redelivered webhook carries the same bytes: same event, time and details → same key.
      dedupeKey: `webhook:${createHash('sha256').update(JSON.stringify([event, metaId, name, language, Math.floor(at.getTime() / 1000), v.reason ?? null, v.rejection_info ?? null, v.other_info ?? null, v.disable_info ?? null])).digest('hex')}`,
    };
    let changed = 0;
    for (const row of perTenant.values()) if ((await applyReport(tx, row, report)).changed) changed++;
    return { templates: perTenant.size, changed, unknown: false };
  }

  /** Meta's `message_template_quality_update` change (new_quality_score GREEN / YELLOW / RED / UNKNOWN). */
  async function applyTemplateQualityUpdate(tx: Queryable, input: TemplateStatusUpdateInput): Promise<{ templates: number }> {
    const v = input.value;
    const score = str(v.new_quality_score)?.toUpperCase() ?? '';
    if (!/^[A-Z_]{1,20}$/.test(score)) return { templates: 0 };
    const rows = await repo.rowsForMetaTemplate(tx, input.wabaId, metaIdOf(v.message_template_id), str(v.message_template_name) ?? '', normalizeLanguage(str(v.message_template_language) ?? ''));
    const at = timeOf(input.time);
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.tenant_id)) continue;
      seen.add(row.tenant_id);
      await repo.setQuality(tx, row.id, score, at);
    }
    return { templates: seen.size };
  }

  return { applyReport, applyTemplateStatusUpdate, applyTemplateQualityUpdate };
}

export type TemplateStatusUpdates = ReturnType<typeof createTemplateStatusUpdates>;
