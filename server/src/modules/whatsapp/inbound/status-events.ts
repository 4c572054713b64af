import type { FastifyBaseLogger } from 'fastify';
import type { Queryable } from '../../../db/index.js';
import { settleMessage, settlementFor, type BillableMessage, type MetaPricing, type SettlementResult } from '../billing/settle.js';
import { recordMarketingStopFrom131050 } from '../contacts/consent-changes.js';
import { messageIdFromCallbackData, withCustomerCallbackData } from '../messages/callback-data.js';
import type { InboundEvents } from './inbound-events.js';
import { lockWamids } from './wamid-lock.js';
import { arr, eventTime, isObj, storableJson, str, type Json } from './webhook-envelope.js';
import { TIMESTAMP_COLUMN, nextStatus, reportOrder, reportedStatus, type MessageStatus } from './status-rules.js';

/**
 * Meta's status reports (`value.statuses[]`): each is stored once per (wamid, status) in
 * wa_status_events, then applied to its wa_messages row. A report may overtake the Graph API's
 * answer to the send, so it can arrive before the message knows its wamid: it waits, unapplied,
 * until the send path records the wamid and calls applyStatusEvents (or the sweep finds it).
 *
 * Both sides take the same transaction-level advisory lock on the wamid (wamid-lock.ts) before
 * looking for the other's row, so whichever commits second sees the first's row: a report is never
 * left behind by a race.
 */

interface StatusEventRow {
  id: number;
  wamid: string;
  status: string;
  occurred_at: Date;
  recipient_id: string | null;
  pricing: Json | null;
  errors: Json[] | null;
}

interface MessageRow extends BillableMessage {
  number_id: string;
  direction: 'outbound' | 'inbound';
  status_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  error_code: number | null;
}

function pricingOf(p: Json | null): MetaPricing | null {
  if (!isObj(p)) return null;
  return { type: str(p.type), category: str(p.category), billable: typeof p.billable === 'boolean' ? p.billable : null };
}

function firstError(errors: unknown): { code: number | null; title: string | null; details: string | null } | null {
  const e = arr(errors).find(isObj);
  if (!e) return null;
  const code = typeof e.code === 'number' ? e.code : Number.isInteger(Number(e.code)) ? Number(e.code) : null;
  const details = isObj(e.error_data) ? str(e.error_data.details) : null;
  return { code, title: (str(e.title) ?? str(e.message))?.slice(0, 500) ?? null, details: (details ?? str(e.message))?.slice(0, 2000) ?? null };
}

export interface AppliedStatus {
  status: MessageStatus;
  settled: SettlementResult[];
}

/**
 * Applies every unapplied report of `wamid` to its outbound message, in the order they happened:
 * status forward only, timestamps per status, error and pricing kept, billing settled once, a
 * 131050 failure recorded as the person's marketing stop. Call it inside the transaction that
 * recorded the wamid (the send path does, right after); returns null while no message has it.
 */
export async function applyStatusEvents(
  q: Queryable,
  wamid: string,
  opts: { numberId?: string | undefined; log?: FastifyBaseLogger | undefined; events?: InboundEvents | undefined } = {},
): Promise<AppliedStatus | null> {
  await lockWamids(q, [wamid]);
  const [m] = await q.query<MessageRow>(
    `SELECT * FROM wa_messages WHERE wamid = $1 AND direction = 'outbound' ${opts.numberId ? 'AND number_id = $2' : ''}
      ORDER BY created_at LIMIT 1 FOR UPDATE`,
    opts.numberId ? [wamid, opts.numberId] : [wamid],
  );
  if (!m) return null;
  const reports = await q.query<StatusEventRow>(
    'SELECT id, wamid, status, occurred_at, recipient_id, pricing, errors FROM wa_status_events WHERE wamid = $1 AND applied_at IS NULL',
    [wamid],
  );
  const settled: SettlementResult[] = [];
  reports.sort((a, b) => reportOrder({ status: a.status, occurredAt: a.occurred_at }, { status: b.status, occurredAt: b.occurred_at }));
  for (const e of reports) {
    const report = reportedStatus(e.status);
    const pricing = pricingOf(e.pricing);
    const before = m.status;
    if (report) {
      m.status = nextStatus(m.status, report);
      const column = TIMESTAMP_COLUMN[report];
      if (m[column] === null) m[column] = e.occurred_at;
      if (m.status !== before) m.status_at = e.occurred_at;
    }
    const error = report === 'failed' ? firstError(e.errors) : null;
    if (error && m.status === 'failed') {
      m.error_code = error.code;
      await q.query('UPDATE wa_messages SET error_code = $2, error_title = $3, error_details = $4 WHERE id = $1', [m.id, error.code, error.title, error.details]);
    }
    if (pricing && m.pricing_type === null) {
      m.pricing_type = pricing.type;
      m.pricing_category = pricing.category;
    }
    await q.query(
      `UPDATE wa_messages SET status = $2, status_at = $3, sent_at = $4, delivered_at = $5, read_at = $6, failed_at = $7,
         pricing_type = $8, pricing_category = $9, category = COALESCE($9, category)
       WHERE id = $1`,
      [m.id, m.status, m.status_at, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.pricing_type, m.pricing_category],
    );
    const action = settlementFor(m, report, pricing, m.status);
    if (action) {
      const result = await settleMessage(q, m, action, pricing, opts.log);
      settled.push(result);
      m.billing_state = action === 'release' ? 'released' : 'charged';
      m.charged_paise = result.chargedPaise;
    }
    if (error?.code === 131050) await recordMarketingStopFrom131050(q, { tenantId: m.tenant_id, waId: m.wa_id, messageId: m.id, wamid: m.wamid }, e.occurred_at, opts.events);
    await q.query('UPDATE wa_status_events SET applied_at = now() WHERE id = $1', [e.id]);
  }
  return { status: m.status, settled };
}

export type StatusOutcome = 'applied' | 'pending' | 'duplicate' | 'invalid' | 'foreign';

/**
 * Stores one report from a webhook of `numberId` and applies what can be applied. A report about
 * a wamid that belongs to another number's message is refused ('foreign'): a number's own app
 * could otherwise speak for messages of another tenant.
 */
export interface StatusContext {
  tenantId: string;
  numberId: string;
  webhookEventId: string;
  wabaId: string | null;
  metadata: Json;
  events: InboundEvents;
  log?: FastifyBaseLogger | undefined;
}

export async function recordStatus(q: Queryable, ctx: StatusContext, s: Json): Promise<StatusOutcome> {
  const wamid = str(s.id);
  const status = str(s.status);
  if (!wamid || !status || wamid.length > 512 || status.length > 40) return 'invalid';
  await lockWamids(q, [wamid]);
  const owners = await q.query<{ number_id: string }>("SELECT number_id FROM wa_messages WHERE wamid = $1 AND direction = 'outbound'", [wamid]);
  if (owners.length && !owners.some((o) => o.number_id === ctx.numberId)) return 'foreign';
  if (!owners.length) {
    // A send whose answer never came (a timeout) has no wamid; Meta echoes the message id the
    // platform put in biz_opaque_callback_data, so the report finds its message anyway.
    const messageId = messageIdFromCallbackData(s.biz_opaque_callback_data);
    if (messageId) {
      await q.query(
        `UPDATE wa_messages SET wamid = $1, status = CASE WHEN status = 'queued' THEN 'accepted' ELSE status END
          WHERE id = $2 AND number_id = $3 AND direction = 'outbound' AND wamid IS NULL`,
        [wamid, messageId, ctx.numberId],
      );
    }
  }
  const inserted = await q.query<{ id: number }>(
    `INSERT INTO wa_status_events (wamid, status, occurred_at, recipient_id, pricing, conversation, errors, webhook_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (wamid, status) DO NOTHING RETURNING id`,
    [
      wamid,
      status,
      eventTime(s.timestamp),
      str(s.recipient_id)?.slice(0, 64) ?? null,
      isObj(s.pricing) ? storableJson(s.pricing) : null,
      isObj(s.conversation) ? storableJson(s.conversation) : null,
      Array.isArray(s.errors) ? storableJson(s.errors) : null,
      ctx.webhookEventId,
    ],
  );
  // A duplicate still applies what may be waiting (its first copy came before the message knew its wamid).
  const applied = await applyStatusEvents(q, wamid, { numberId: ctx.numberId, log: ctx.log, events: ctx.events });
  if (!inserted.length) return 'duplicate';
  const [message] = await q.query<{ id: string; biz_opaque_callback_data: string | null }>(
    "SELECT id, biz_opaque_callback_data FROM wa_messages WHERE wamid = $1 AND direction = 'outbound' AND number_id = $2",
    [wamid, ctx.numberId],
  );
  // The customer gets the report as Meta would have sent it to them: their own callback data, never
  // the platform's marker.
  const shown = withCustomerCallbackData(s, message?.biz_opaque_callback_data ?? null);
  await ctx.events.customer(q, {
    tenantId: ctx.tenantId,
    numberId: ctx.numberId,
    type: 'message.status',
    data: {
      message_id: message?.id ?? null,
      wamid,
      status,
      timestamp: eventTime(s.timestamp).toISOString(),
      recipient_id: str(s.recipient_id),
      pricing: isObj(s.pricing) ? s.pricing : null,
      errors: Array.isArray(s.errors) ? s.errors : null,
      biz_opaque_callback_data: str(shown.biz_opaque_callback_data),
    },
    ...(ctx.wabaId ? { meta: { wabaId: ctx.wabaId, field: 'messages', value: { messaging_product: 'whatsapp', metadata: ctx.metadata, statuses: [shown] } } } : {}),
    occurredAt: eventTime(s.timestamp),
  });
  return applied ? 'applied' : 'pending';
}

/**
 * Reports still waiting whose message now exists: a safety net behind applyStatusEvents (a send
 * path that crashed between recording the wamid and applying). Each in its own transaction.
 */
export async function pendingStatusWamids(q: Queryable, limit = 500): Promise<string[]> {
  const rows = await q.query<{ wamid: string }>(
    `SELECT DISTINCT e.wamid FROM wa_status_events e
      WHERE e.applied_at IS NULL AND e.received_at < now() - interval '30 seconds' AND e.received_at > now() - interval '30 days'
        AND EXISTS (SELECT 1 FROM wa_messages m WHERE m.wamid = e.wamid AND m.direction = 'outbound')
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.wamid);
}
