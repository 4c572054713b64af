import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../../../db/index.js';
import { SYSTEM_META, type Actor, type RequestMeta } from '../../../platform/actor.js';
import type { Keyring } from '../../../platform/encryption.js';
import type { Jobs } from '../../../platform/jobs.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { MessageTemplate } from '../graph/graph-types.js';
import { accessTokenOf } from '../numbers/numbers.repo.js';
import { describeGraphFailure, rateLimitOf } from './graph-failures.js';
import { normalizeLanguage } from './template-languages.js';
import { CATEGORIES, isObj } from './template-rules.js';
import type { TemplateStatusUpdates } from './template-status-update.js';
import * as repo from './templates.repo.js';

/**
 * Keeps the tenant's templates equal to Meta's list, per business account: every 15 minutes (and
 * within a minute of a number being connected), on "sync now", and when a webhook names a template
 * nobody knows. One sync per business account at a time (a lease in wa_template_syncs); Meta's
 * management rate limit (80007: 200 calls an hour per business account, 5,000 when active) is
 * answered by backing off — at least what Retry-After says, doubling from a minute up to an hour —
 * for every tenant on that business account, with the retry queued for when the wait is over.
 */

export const SYNC_JOB = 'whatsapp.templates.sync';
export const SYNC_DUE_JOB = 'whatsapp.templates.sync-due';
export const SYNC_PERIOD_SECONDS = 15 * 60;
/** A lease this old belongs to a process that died mid-sync. */
const LEASE_STALE_SECONDS = 10 * 60;
const PAGE_SIZE = 100;
/** Meta allows 250 templates per business account (6,000 when verified): 60 pages of 100 is plenty. */
const MAX_PAGES = 60;
const FIELDS = 'id,name,language,status,category,components,parameter_format,rejected_reason,quality_score';
const WORD = /^[A-Z_]{1,40}$/;

export interface SyncCounts {
  seen: number;
  added: number;
  changed: number;
  removed: number;
}

export type SyncOutcome =
  | { state: 'synced'; counts: SyncCounts; syncedAt: Date }
  | { state: 'busy' }
  | { state: 'rate_limited'; retryAt: Date }
  | { state: 'no_number' }
  | { state: 'unavailable' }
  | { state: 'failed'; error: string };

/** Queues a sync of one business account (in the caller's transaction), after `delaySeconds`. */
export async function queueTemplateSync(jobs: Pick<Jobs, 'enqueue'>, q: Queryable, tenantId: string, wabaId: string, delaySeconds = 0): Promise<void> {
  await repo.ensureSyncRow(q, tenantId, wabaId);
  await q.query('UPDATE wa_template_syncs SET queued_at = now() WHERE tenant_id = $1 AND waba_id = $2', [tenantId, wabaId]);
  await jobs.enqueue(q, SYNC_JOB, { tenantId, wabaId }, delaySeconds > 0 ? { startAfterSeconds: Math.ceil(delaySeconds) } : {});
}

const metaIdOf = (v: unknown) => (typeof v === 'string' && /^[0-9]{1,32}$/.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : null);

export function createTemplateSync(deps: { db: Db; jobs: Jobs; graph: GraphClient | null; ring: Keyring; statusUpdates: Pick<TemplateStatusUpdates, 'applyReport'>; log: FastifyBaseLogger }) {
  const { db, jobs, graph, ring, log } = deps;

  const queueSync = (q: Queryable, tenantId: string, wabaId: string, delaySeconds = 0) => queueTemplateSync(jobs, q, tenantId, wabaId, delaySeconds);

  async function fetchAll(wabaId: string, token: string): Promise<MessageTemplate[]> {
    const out: MessageTemplate[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await graph!.listTemplates(wabaId, token, { limit: PAGE_SIZE, fields: FIELDS, ...(after ? { after } : {}) });
      out.push(...res.data);
      const next = res.paging?.cursors?.after;
      if (!res.paging?.next || !next || next === after || !res.data.length) return out;
      after = next;
    }
    throw new Error(`more than ${MAX_PAGES * PAGE_SIZE} templates in business account ${wabaId}`);
  }

  /** Meta's list applied to the tenant's copy, in one transaction. */
  async function reconcile(tx: Queryable, tenantId: string, wabaId: string, list: MessageTemplate[], fetchedAt: Date): Promise<SyncCounts> {
    const rows = await repo.templatesOfWaba(tx, tenantId, wabaId);
    const byMetaId = new Map(rows.filter((r) => r.meta_template_id).map((r) => [r.meta_template_id!, r]));
    const live = new Map(rows.filter((r) => !r.deleted_at).map((r) => [`${r.name}\u0000${r.language}`, r]));
    const counts: SyncCounts = { seen: 0, added: 0, changed: 0, removed: 0 };
    const seen = new Set<string>();
    const dedupe = (status: string) => `sync:${status}:${fetchedAt.getTime()}`;
    for (const m of list) {
      const id = metaIdOf(m.id);
      const status = typeof m.status === 'string' ? m.status.toUpperCase() : '';
      const language = typeof m.language === 'string' ? normalizeLanguage(m.language) : '';
      if (!id || !WORD.test(status) || typeof m.name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(m.name) || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(language)) {
        log.warn({ wabaId, id: m.id }, 'template sync: skipped a template Meta listed in an unexpected shape');
        continue;
      }
      seen.add(id);
      counts.seen++;
      const category = typeof m.category === 'string' && (CATEGORIES as readonly string[]).includes(m.category.toUpperCase()) ? m.category.toUpperCase() : null;
      const components = Array.isArray(m.components) ? m.components.filter(isObj) : [];
      const parameterFormat = m.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL';
      const quality = isObj(m.quality_score) && typeof m.quality_score.score === 'string' && /^[A-Z_]{1,20}$/.test(m.quality_score.score) ? m.quality_score.score : null;
      const reason = typeof m.rejected_reason === 'string' ? m.rejected_reason : null;
      const known = byMetaId.get(id);
      // Deleted here while Meta still lists it (its deletion takes a moment): stays deleted.
      if (known?.deleted_at) continue;
      const row = known ?? live.get(`${m.name}\u0000${language}`);
      if (!row) {
        if (status === 'DELETED' || !category) continue;
        const created = await repo.insertTemplate(tx, {
          tenantId,
          wabaId,
          numberId: null,
          metaTemplateId: id,
          name: m.name,
          language,
          category,
          requestedCategory: null,
          parameterFormat,
          components,
          status,
          reason: status === 'REJECTED' ? reason : null,
          statusAt: fetchedAt,
          qualityScore: quality,
          source: 'meta',
          createdBy: null,
          submittedAt: null,
        });
        await repo.insertEvent(tx, { templateId: created.id, tenantId, event: 'IMPORTED', status, reason: null, source: 'sync', occurredAt: fetchedAt, applied: true, dedupeKey: `import:${id}` });
        live.set(`${m.name}\u0000${language}`, created);
        counts.added++;
        continue;
      }
      await repo.refreshFromMeta(tx, row.id, { metaTemplateId: id, components: components.length ? components : row.components, category, parameterFormat, qualityScore: quality, seenAt: fetchedAt });
      if (row.status !== status || (category && category !== row.category)) {
        const r = await deps.statusUpdates.applyReport(tx, row, { event: status, reason: status === 'REJECTED' ? reason : null, category, at: fetchedAt, source: 'sync', dedupeKey: dedupe(status) });
        if (r.changed) counts.changed++;
      }
    }
    // Templates Meta no longer lists were deleted there (in Business Manager, or by another tool) —
    // unless they were submitted after the list was fetched.
    for (const row of rows) {
      if (row.deleted_at || !row.meta_template_id || seen.has(row.meta_template_id)) continue;
      if ((row.submitted_at ?? row.created_at) >= fetchedAt) continue;
      const r = await deps.statusUpdates.applyReport(tx, row, { event: 'DELETED', reason: null, at: fetchedAt, source: 'sync', dedupeKey: dedupe('DELETED') });
      if (r.changed) counts.removed++;
    }
    return counts;
  }

  /**
   * Syncs one tenant's business account now. `actor` is the person or key who asked ("sync now");
   * without one (the schedule) only syncs that changed something are recorded in the activity log.
   */
  async function syncWaba(tenantId: string, wabaId: string, opts: { actor?: Actor; meta?: RequestMeta } = {}): Promise<SyncOutcome> {
    if (!graph) return { state: 'unavailable' };
    await repo.ensureSyncRow(db, tenantId, wabaId);
    if (!(await repo.claimSync(db, tenantId, wabaId, LEASE_STALE_SECONDS))) {
      const until = await repo.wabaBackoffUntil(db, wabaId);
      return until ? { state: 'rate_limited', retryAt: until } : { state: 'busy' };
    }
    const number = await repo.numberForWaba(db, tenantId, wabaId);
    if (!number) {
      await repo.failSync(db, tenantId, wabaId, 'No connected number in this business account.', null);
      return { state: 'no_number' };
    }
    const fetchedAt = new Date();
    let list: MessageTemplate[];
    try {
      list = await fetchAll(wabaId, accessTokenOf(ring, number));
    } catch (err) {
      const limited = rateLimitOf(err);
      if (limited) {
        const previous = (await db.query<{ backoff_count: number }>('SELECT backoff_count FROM wa_template_syncs WHERE tenant_id = $1 AND waba_id = $2', [tenantId, wabaId]))[0];
        const wait = Math.max(Math.ceil(limited.retryAfterSeconds ?? 0), Math.min(3600, 60 * 2 ** (previous?.backoff_count ?? 0)));
        const row = await db.tx(async (tx) => {
          const failed = await repo.failSync(tx, tenantId, wabaId, describeGraphFailure(err), wait);
          await queueSync(tx, tenantId, wabaId, wait);
          return failed;
        });
        log.warn({ tenantId, wabaId, waitSeconds: wait }, 'template sync: Meta rate limit, backing off');
        return { state: 'rate_limited', retryAt: row.backoff_until! };
      }
      const error = describeGraphFailure(err);
      await repo.failSync(db, tenantId, wabaId, error, null);
      if (!(err instanceof Error && err.name.startsWith('Graph'))) log.error({ err, tenantId, wabaId }, 'template sync failed');
      return { state: 'failed', error };
    }
    try {
      return await db.tx(async (tx) => {
        const counts = await reconcile(tx, tenantId, wabaId, list, fetchedAt);
        const row = await repo.finishSync(tx, tenantId, wabaId, counts.seen);
        if (opts.actor || counts.added + counts.changed + counts.removed > 0) {
          await insertActivity(
            tx,
            opts.actor ?? { type: 'system' },
            { action: 'whatsapp.templates_synced', subjectUserId: tenantId, object: { type: 'waba', id: wabaId }, details: { ...counts } },
            opts.meta ?? SYSTEM_META,
          );
        }
        return { state: 'synced' as const, counts, syncedAt: row.last_synced_at! };
      });
    } catch (err) {
      await repo.failSync(db, tenantId, wabaId, 'The templates Meta listed could not be saved.', null);
      throw err;
    }
  }

  /** Job: the periodic sync of every business account that is due. */
  async function queueDue(): Promise<number> {
    return db.tx(async (tx) => {
      const due = await repo.claimDueSyncs(tx, SYNC_PERIOD_SECONDS, 500);
      for (const d of due) await jobs.enqueue(tx, SYNC_JOB, { tenantId: d.tenant_id, wabaId: d.waba_id });
      return due.length;
    });
  }

  async function runSyncJob({ tenantId, wabaId }: { tenantId: string; wabaId: string }): Promise<void> {
    const outcome = await syncWaba(tenantId, wabaId);
    if (outcome.state === 'failed') log.warn({ tenantId, wabaId, error: outcome.error }, 'template sync failed; the next period tries again');
  }

  return { syncWaba, queueSync, queueDue, runSyncJob };
}

export type TemplateSync = ReturnType<typeof createTemplateSync>;
