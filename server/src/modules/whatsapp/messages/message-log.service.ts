import type { Db } from '../../../db/index.js';
import { toCsv } from '../../../platform/csv.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../keyset-cursor.js';
import { normaliseWaId } from '../contacts/wa-id.js';
import { arr, isObj, str, type Json } from '../inbound/webhook-envelope.js';
import { withCustomerCallbackData } from './callback-data.js';
import * as repo from './message-log.repo.js';
import type { LogFilter, LogRow, StatusEventRow, WebhookBodyRow } from './message-log.repo.js';

/**
 * The message log (README of whatsapp, "Message log"): every message of a tenant in both directions,
 * searchable and exportable, and for one message its timeline — the status reports Meta sent with
 * their times, errors and pricing, the webhook POSTs that carried them, and how it was billed — for
 * when a customer disputes what happened. Another tenant's message is not found.
 */

export interface LogQuery {
  numberId?: string | undefined;
  direction?: 'outbound' | 'inbound' | undefined;
  status?: string | undefined;
  type?: string | undefined;
  template?: string | undefined;
  waId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const DAY_MS = 86_400_000;
/** A CSV export stops here; the header X-Export-Truncated says so. */
export const CSV_MAX_ROWS = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A short readable text of a message for lists and exports (the same fields the search looks in). */
export function messageText(m: Pick<LogRow, 'type' | 'content' | 'template_name'>): string | null {
  const c = m.content;
  const at = (...path: string[]) => {
    let v: unknown = c;
    for (const p of path) v = isObj(v) ? v[p] : undefined;
    return typeof v === 'string' && v ? v : null;
  };
  switch (m.type) {
    case 'text':
      return at('text', 'body');
    case 'image':
    case 'video':
    case 'document':
      return at(m.type, 'caption') ?? at(m.type, 'filename');
    case 'button':
      return at('button', 'text');
    case 'interactive':
      return at('interactive', 'button_reply', 'title') ?? at('interactive', 'list_reply', 'title') ?? at('interactive', 'body', 'text');
    case 'reaction':
      return at('reaction', 'emoji');
    case 'location':
      return at('location', 'name') ?? at('location', 'address');
    case 'template':
      return m.template_name ?? at('template', 'name');
    default:
      return null;
  }
}

function filterOf(tenantQuery: LogQuery, numberIds: readonly string[] | null, limit: number): LogFilter {
  let waId: string | undefined;
  if (tenantQuery.waId) {
    const w = normaliseWaId(tenantQuery.waId);
    if (!w) throw badRequest('validation_failed', 'The WhatsApp number filter is not a number with its country code.', [{ field: 'waId', message: 'is not a WhatsApp number' }]);
    waId = w;
  }
  const from = tenantQuery.from ? new Date(tenantQuery.from) : undefined;
  const to = tenantQuery.to ? new Date(tenantQuery.to) : undefined;
  if (from && to && from > to) throw badRequest('validation_failed', 'The start of the date range is after its end.', [{ field: 'from', message: 'is after to' }]);
  return {
    numberId: tenantQuery.numberId,
    numberIds,
    direction: tenantQuery.direction,
    status: tenantQuery.status,
    type: tenantQuery.type,
    template: tenantQuery.template,
    waId,
    from,
    to,
    text: tenantQuery.q?.trim() || undefined,
    before: decodeCursor(tenantQuery.cursor),
    limit,
  };
}

export interface TimelineEntry {
  kind: 'created' | 'received' | 'status';
  status: string;
  at: Date;
  /** When the platform received the report (statuses). */
  receivedAt: Date | null;
  /** Whether it moved the message (statuses): false = waiting for its message, or stored only. */
  applied: boolean | null;
  pricing: Json | null;
  conversation: Json | null;
  errors: Json[] | null;
  webhook: { id: string; receivedAt: Date; verifiedBy: string; excerpt: Json | null } | null;
}

/**
 * The part of a stored POST about this message: the one status or message object, with the change's
 * field and metadata. A POST may batch several tenants' changes; only this message's part is shown. A
 * status shows the customer's own callback data (`customerCallbackData`), never the platform's marker.
 */
export function webhookExcerpt(raw: string, wamid: string, status: string | null, customerCallbackData: string | null = null): Json | null {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObj(body)) return null;
  for (const entry of arr(body.entry)) {
    if (!isObj(entry)) continue;
    for (const change of arr(entry.changes)) {
      if (!isObj(change) || !isObj(change.value)) continue;
      const value = change.value;
      const list = status ? arr(value.statuses) : arr(value.messages);
      const hit = list.find((x) => isObj(x) && x.id === wamid && (!status || x.status === status));
      if (hit && status) return { field: str(change.field), metadata: isObj(value.metadata) ? value.metadata : null, status: withCustomerCallbackData(hit as Json, customerCallbackData) };
      if (hit) return { field: str(change.field), metadata: isObj(value.metadata) ? value.metadata : null, message: hit };
    }
  }
  return null;
}

export function createMessageLog(deps: { db: Db }) {
  const { db } = deps;

  async function list(tenantId: string, query: LogQuery, numberIds: readonly string[] | null = null) {
    const limit = query.limit ?? 50;
    const rows = await repo.listMessages(db, tenantId, filterOf(query, numberIds, limit + 1));
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  /** The filtered log as CSV, newest first, up to CSV_MAX_ROWS rows. */
  async function csv(tenantId: string, query: LogQuery, numberIds: readonly string[] | null = null): Promise<{ csv: string; rows: number; truncated: boolean }> {
    const rows: LogRow[] = [];
    let before = decodeCursor(query.cursor);
    const filter = filterOf({ ...query, cursor: undefined }, numberIds, 1000);
    for (;;) {
      const page = await repo.listMessages(db, tenantId, { ...filter, before, limit: Math.min(1000, CSV_MAX_ROWS + 1 - rows.length) });
      rows.push(...page);
      if (page.length < 1000 || rows.length > CSV_MAX_ROWS) break;
      const last = page[page.length - 1]!;
      before = { at: last.created_at, id: last.id };
    }
    const truncated = rows.length > CSV_MAX_ROWS;
    const shown = rows.slice(0, CSV_MAX_ROWS);
    const header = ['created_at', 'direction', 'number', 'wa_id', 'contact', 'type', 'template', 'text', 'status', 'status_at', 'error_code', 'error_title', 'pricing_category', 'pricing_type', 'charged_paise', 'billing_state', 'source', 'wamid', 'message_id'];
    const body = shown.map((m) => [
      m.created_at,
      m.direction,
      m.display_phone_number,
      m.wa_id,
      m.contact_name ?? m.profile_name,
      m.type,
      m.template_name,
      messageText(m),
      m.status,
      m.status_at,
      m.error_code,
      m.error_title,
      m.pricing_category,
      m.pricing_type,
      m.charged_paise,
      m.billing_state,
      m.source,
      m.wamid,
      m.id,
    ]);
    return { csv: toCsv(header, body), rows: shown.length, truncated };
  }

  async function detail(tenantId: string, ref: string, numberIds: readonly string[] | null = null) {
    const m = UUID.test(ref) ? await repo.findMessage(db, tenantId, { id: ref }) : ref.startsWith('wamid.') ? await repo.findMessage(db, tenantId, { wamid: ref }) : null;
    if (!m || (numberIds && !numberIds.includes(m.number_id))) throw notFound('Message');
    const events: StatusEventRow[] = m.direction === 'outbound' && m.wamid ? await repo.statusEventsOf(db, m.wamid) : [];
    const webhookIds = [...new Set([...events.map((e) => e.webhook_event_id), m.webhook_event_id].filter((x): x is string => Boolean(x)))];
    const bodies = new Map<string, WebhookBodyRow>((await repo.webhookBodies(db, webhookIds)).map((b) => [b.id, b]));
    const webhook = (id: string | null, status: string | null) => {
      const b = id ? bodies.get(id) : undefined;
      return b && m.wamid ? { id: b.id, receivedAt: b.received_at, verifiedBy: b.verified_by, excerpt: webhookExcerpt(b.raw_body, m.wamid, status, m.biz_opaque_callback_data) } : null;
    };

    const timeline: TimelineEntry[] = [];
    const base = { receivedAt: null, applied: null, pricing: null, conversation: null, errors: null, webhook: null };
    if (m.direction === 'inbound') {
      timeline.push({ ...base, kind: 'received', status: 'received', at: m.created_at, webhook: webhook(m.webhook_event_id, null) });
    } else {
      timeline.push({ ...base, kind: 'created', status: m.wamid ? 'accepted' : 'queued', at: m.created_at });
      for (const e of events) {
        timeline.push({
          kind: 'status',
          status: e.status,
          at: e.occurred_at,
          receivedAt: e.received_at,
          applied: e.applied_at !== null,
          pricing: e.pricing,
          conversation: e.conversation,
          errors: e.errors,
          webhook: webhook(e.webhook_event_id, e.status),
        });
      }
    }
    const lastInbound = await repo.windowOf(db, m.number_id, m.wa_id);
    return {
      // What was sent to Meta carries the platform's marker; the customer sees the body as they sent it.
      message: { ...m, content: withCustomerCallbackData(m.content, m.biz_opaque_callback_data) },
      timeline,
      settlements: m.direction === 'outbound' ? await repo.settlementsOf(db, tenantId, m.id) : [],
      window: lastInbound ? { lastInboundAt: lastInbound, openUntil: new Date(lastInbound.getTime() + DAY_MS), open: lastInbound.getTime() + DAY_MS > Date.now() } : null,
    };
  }

  return { list, csv, detail };
}

export type MessageLog = ReturnType<typeof createMessageLog>;
