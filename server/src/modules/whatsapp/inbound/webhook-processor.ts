import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../db/index.js';
import { findLiveNumberByPhoneNumberId, type NumberRow } from '../numbers/numbers.repo.js';
import type { InboundEvents, InboundEventType } from './inbound-events.js';
import { profileNamesOf, receiveInboundMessage, receiveUserPreference } from './inbound-messages.js';
import { applyStatusEvents, pendingStatusWamids, recordStatus } from './status-events.js';
import { arr, isObj, namedIds, parseEnvelope, str, type EnvelopeChange } from './webhook-envelope.js';
import { claimWebhookEvent, finishWebhookEvent, type ChangeOutcome, type WebhookEventRow } from './webhook-events.repo.js';

/**
 * The job behind POST /webhooks/whatsapp: reads one stored POST and routes each change to its
 * tenant by `metadata.phone_number_id` (template events, which name only the business account, by
 * the account's numbers). Idempotent, so pg-boss may run it again after a failure: inbound
 * messages dedupe on their wamid, statuses on (wamid, status), consent changes on state and time.
 * Each message and status is its own transaction: one POST may carry a thousand, and a failing
 * one must not hold back the rest. A change for a number the platform does not know is recorded
 * as unroutable, not retried.
 */

export const WEBHOOK_EVENT_JOB = 'whatsapp.webhook-event';
export const STATUS_SWEEP_JOB = 'whatsapp.status-sweep';

const TEMPLATE_FIELDS = new Set(['message_template_status_update', 'message_template_quality_update', 'message_template_components_update', 'template_category_update']);

/** The customer event a change of a field without phone_number_id becomes, by field. */
function accountEventType(field: string): InboundEventType | null {
  if (field === 'message_template_status_update' || field === 'template_category_update' || field === 'message_template_components_update') return 'template.status';
  if (field === 'message_template_quality_update') return 'template.quality';
  if (field.startsWith('phone_number_') || field === 'business_capability_update') return 'number.update';
  if (field.startsWith('account_') || field === 'security' || field === 'business_status_update') return 'account.update';
  return null;
}

type Counts = Record<string, number>;
const bump = (counts: Counts, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

export function createWebhookProcessor(deps: { db: Db; log: FastifyBaseLogger; events: InboundEvents }) {
  const { db, log, events } = deps;

  async function numberFor(cache: Map<string, NumberRow | null>, phoneNumberId: string): Promise<NumberRow | null> {
    if (!cache.has(phoneNumberId)) cache.set(phoneNumberId, /^[0-9]{1,32}$/.test(phoneNumberId) ? await findLiveNumberByPhoneNumberId(db, phoneNumberId) : null);
    return cache.get(phoneNumberId)!;
  }

  async function tenantsOfWaba(wabaId: string): Promise<string[]> {
    const rows = await db.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM wa_numbers WHERE waba_id = $1 AND status <> 'disconnected'`, [wabaId]);
    return rows.map((r) => r.tenant_id);
  }

  async function messagesChange(event: WebhookEventRow, change: EnvelopeChange, n: NumberRow): Promise<Counts> {
    const counts: Counts = {};
    const metadata = isObj(change.value.metadata) ? change.value.metadata : {};
    const ctx = { tenantId: n.tenant_id, numberId: n.id, webhookEventId: event.id, profileNames: profileNamesOf(change.value), wabaId: change.wabaId, metadata, events };
    for (const m of arr(change.value.messages)) {
      if (!isObj(m)) continue;
      bump(counts, `messages_${await db.tx((tx) => receiveInboundMessage(tx, ctx, m))}`);
    }
    const statusCtx = { tenantId: n.tenant_id, numberId: n.id, webhookEventId: event.id, wabaId: change.wabaId, metadata, events, log };
    for (const s of arr(change.value.statuses)) {
      if (!isObj(s)) continue;
      const outcome = await db.tx((tx) => recordStatus(tx, statusCtx, s));
      if (outcome === 'foreign') log.warn({ webhookEventId: event.id, numberId: n.id, wamid: str(s.id) }, 'status report about another number’s message refused');
      bump(counts, `statuses_${outcome}`);
    }
    const errors = arr(change.value.errors).filter(isObj);
    if (errors.length) {
      // Errors about the number or the webhook itself (not one message): kept for operators.
      log.warn({ webhookEventId: event.id, tenantId: n.tenant_id, numberId: n.id, errors }, 'Meta reported errors for a WhatsApp number');
      counts.errors = errors.length;
    }
    return counts;
  }

  async function preferencesChange(change: EnvelopeChange, n: NumberRow): Promise<Counts> {
    const counts: Counts = {};
    const names = profileNamesOf(change.value);
    for (const p of arr(change.value.user_preferences)) {
      if (!isObj(p)) continue;
      bump(counts, `preferences_${await db.tx((tx) => receiveUserPreference(tx, { tenantId: n.tenant_id, events }, p, names))}`);
    }
    return counts;
  }

  async function processChange(
    event: WebhookEventRow,
    change: EnvelopeChange,
    scope: { phones: Set<string>; wabas: Set<string> } | null,
    cache: Map<string, NumberRow | null>,
    entryTime: number | null,
  ): Promise<ChangeOutcome> {
    const base = { path: change.path, field: change.field, wabaId: change.wabaId, phoneNumberId: change.phoneNumberId };
    if (scope && !(change.phoneNumberId ? scope.phones.has(change.phoneNumberId) : change.wabaId !== null && scope.wabas.has(change.wabaId))) {
      log.warn({ webhookEventId: event.id, ...base }, 'webhook change outside what its signing app may speak for: refused');
      return { ...base, result: 'refused', note: 'signed by another number’s app secret' };
    }
    if (change.phoneNumberId) {
      const n = await numberFor(cache, change.phoneNumberId);
      if (!n) {
        log.info({ webhookEventId: event.id, ...base }, 'webhook change for a phone number no tenant has connected: unroutable');
        return { ...base, result: 'unroutable' };
      }
      if (change.field === 'messages') return { ...base, result: 'routed', tenantId: n.tenant_id, counts: await messagesChange(event, change, n) };
      if (change.field === 'user_preferences') return { ...base, result: 'routed', tenantId: n.tenant_id, counts: await preferencesChange(change, n) };
      const type = accountEventType(change.field);
      if (type && change.wabaId) {
        const wabaId = change.wabaId;
        await db.tx((tx) => events.customer(tx, { tenantId: n.tenant_id, numberId: n.id, type, data: { waba_id: wabaId, field: change.field, ...change.value }, meta: { wabaId, field: change.field, value: change.value } }));
      }
      log.info({ webhookEventId: event.id, tenantId: n.tenant_id, ...base }, 'webhook change stored');
      return { ...base, result: 'stored', tenantId: n.tenant_id };
    }
    const tenants = change.wabaId ? await tenantsOfWaba(change.wabaId) : [];
    if (!tenants.length || !change.wabaId) {
      log.info({ webhookEventId: event.id, ...base }, 'webhook change for a business account no tenant has connected: unroutable');
      return { ...base, result: 'unroutable' };
    }
    const wabaId = change.wabaId;
    // Template events go to the template manager; these and account notices also to the tenants' webhook endpoints.
    const note = TEMPLATE_FIELDS.has(change.field) ? [str(change.value.event), str(change.value.message_template_name), str(change.value.message_template_language)].filter(Boolean).join(' ') : undefined;
    const type = accountEventType(change.field);
    await db.tx(async (tx) => {
      const input = { wabaId, value: change.value, time: entryTime ?? undefined };
      if (change.field === 'message_template_status_update') await events.templateStatus(tx, input);
      if (change.field === 'message_template_quality_update') await events.templateQuality(tx, input);
      if (!type) return;
      for (const tenantId of tenants) {
        await events.customer(tx, { tenantId, numberId: null, type, data: { waba_id: wabaId, field: change.field, ...change.value }, meta: { wabaId, field: change.field, value: change.value } });
      }
    });
    log.info({ webhookEventId: event.id, tenants, ...base, note }, 'webhook change stored');
    return { ...base, result: 'stored', tenantId: tenants[0]!, ...(note ? { note } : {}) };
  }

  /** Job: processes one stored POST. Throws (pg-boss retries) when a change failed. */
  async function processEvent({ id }: { id: string }): Promise<void> {
    const event = await claimWebhookEvent(db, id);
    if (!event) return;
    const envelope = parseEnvelope(event.raw_body);
    if (!envelope) {
      log.warn({ webhookEventId: id }, 'signed WhatsApp webhook is not a JSON object: kept, not processed');
      await finishWebhookEvent(db, id, { state: 'failed', fields: [], wabaIds: [], outcome: [], error: 'The body is not a JSON object.' });
      return;
    }
    const { wabaIds } = namedIds(envelope);
    const fields = [...new Set(envelope.changes.map((c) => c.field))];
    let scope: { phones: Set<string>; wabas: Set<string> } | null = null;
    if (event.verified_by === 'number') {
      const phones = new Set(event.verified_phone_number_ids ?? []);
      const rows = await db.query<{ waba_id: string }>(`SELECT DISTINCT waba_id FROM wa_numbers WHERE phone_number_id = ANY($1::text[]) AND status <> 'disconnected'`, [[...phones]]);
      scope = { phones, wabas: new Set(rows.map((r) => r.waba_id)) };
    }
    const cache = new Map<string, NumberRow | null>();
    const outcome: ChangeOutcome[] = [];
    const failures: string[] = [];
    for (const change of envelope.changes) {
      try {
        outcome.push(await processChange(event, change, scope, cache, change.time));
      } catch (err) {
        log.error({ err, webhookEventId: id, path: change.path, field: change.field }, 'processing a WhatsApp webhook change failed');
        failures.push(`${change.path}: ${(err as Error).message}`);
        outcome.push({ path: change.path, field: change.field, wabaId: change.wabaId, phoneNumberId: change.phoneNumberId, result: 'error', note: (err as Error).message.slice(0, 300) });
      }
    }
    await finishWebhookEvent(db, id, { state: failures.length ? 'failed' : 'processed', fields, wabaIds, outcome, error: failures.length ? failures.join('; ') : null });
    if (failures.length) throw new Error(`WhatsApp webhook event ${id}: ${failures.length} change(s) failed`);
  }

  /** Job (every minute): applies reports whose message learnt its wamid after they arrived. */
  async function sweepStatuses(): Promise<number> {
    let applied = 0;
    for (const wamid of await pendingStatusWamids(db)) {
      if (await db.tx((tx) => applyStatusEvents(tx, wamid, { log, events }))) applied++;
    }
    if (applied) log.info({ applied }, 'waiting status reports applied');
    return applied;
  }

  return { processEvent, sweepStatuses };
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;
