import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../../platform/schemas.js';
import { displayWaId } from '../contacts/wa-id.js';
import type { LogRow, SettlementRow } from './message-log.repo.js';
import { messageText, type TimelineEntry } from './message-log.service.js';

/** The message log's shapes: camelCase for the web app (/api), snake_case for customers' code (/v1). */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Json = Type.Object({}, { additionalProperties: true });
const STATUSES = ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received'] as const;
const StatusSchema = Type.Union(STATUSES.map((s) => Type.Literal(s)));
const Direction = Type.Union([Type.Literal('outbound'), Type.Literal('inbound')]);

const filters = {
  numberId: Type.Optional(Uuid),
  direction: Type.Optional(Direction),
  status: Type.Optional(StatusSchema),
  type: Type.Optional(Type.String({ maxLength: 40 })),
  template: Type.Optional(Type.String({ maxLength: 512 })),
  waId: Type.Optional(Type.String({ maxLength: 32, description: 'The other party’s number (any common form)' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text the message contains (body, caption, button, template name …)' })),
};

export const LogQuery = Strict({ ...filters, cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) });
export const CsvQuery = Strict(filters);
export const MessageIdParams = Type.Object({ id: Uuid });

const summaryFields = {
  id: Uuid,
  direction: Direction,
  numberId: Uuid,
  number: Nullable(Type.String()),
  numberLabel: Type.String(),
  waId: Type.String(),
  displayNumber: Type.String(),
  contactName: Nullable(Type.String()),
  type: Type.String(),
  text: Nullable(Type.String()),
  templateName: Nullable(Type.String()),
  status: Type.String(),
  statusAt: Timestamp,
  errorCode: Nullable(Type.Integer()),
  errorTitle: Nullable(Type.String()),
  category: Nullable(Type.String()),
  pricingType: Nullable(Type.String()),
  pricingCategory: Nullable(Type.String()),
  reservedPaise: Type.Integer(),
  chargedPaise: Nullable(Type.Integer()),
  billingState: Type.String(),
  source: Type.String(),
  wamid: Nullable(Type.String()),
  createdAt: Timestamp,
};
export const MessageSummary = Type.Object(summaryFields);
export const MessageList = Type.Object({ items: Type.Array(MessageSummary), nextCursor: Nullable(Type.String()) });

const TimelineItem = Type.Object({
  kind: Type.Union([Type.Literal('created'), Type.Literal('received'), Type.Literal('status')]),
  status: Type.String(),
  at: Timestamp,
  receivedAt: Nullable(Timestamp),
  applied: Nullable(Type.Boolean()),
  pricing: Nullable(Json),
  conversation: Nullable(Json),
  errors: Nullable(Type.Array(Json)),
  webhook: Nullable(Type.Object({ id: Uuid, receivedAt: Timestamp, verifiedBy: Type.String(), excerpt: Nullable(Json) })),
});

export const MessageDetail = Type.Object({
  message: Type.Object({
    ...summaryFields,
    content: Json,
    templateLanguage: Nullable(Type.String()),
    mediaRef: Nullable(Type.String()),
    contextWamid: Nullable(Type.String()),
    errorDetails: Nullable(Type.String()),
    sentAt: Nullable(Timestamp),
    deliveredAt: Nullable(Timestamp),
    readAt: Nullable(Timestamp),
    failedAt: Nullable(Timestamp),
  }),
  timeline: Type.Array(TimelineItem),
  settlements: Type.Array(Type.Object({ kind: Type.String(), description: Type.String(), amountPaise: Type.Integer(), at: Timestamp })),
  window: Nullable(Type.Object({ lastInboundAt: Timestamp, openUntil: Timestamp, open: Type.Boolean() })),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toSummaryDto(m: LogRow): Static<typeof MessageSummary> {
  return {
    id: m.id,
    direction: m.direction,
    numberId: m.number_id,
    number: m.display_phone_number,
    numberLabel: m.number_label,
    waId: m.wa_id,
    displayNumber: /^[0-9]+$/.test(m.wa_id) ? displayWaId(m.wa_id) : m.wa_id,
    contactName: m.contact_name ?? m.profile_name,
    type: m.type,
    text: messageText(m),
    templateName: m.template_name,
    status: m.status,
    statusAt: m.status_at.toISOString(),
    errorCode: m.error_code,
    errorTitle: m.error_title,
    category: m.category,
    pricingType: m.pricing_type,
    pricingCategory: m.pricing_category,
    reservedPaise: m.reserved_paise,
    chargedPaise: m.charged_paise,
    billingState: m.billing_state,
    source: m.source,
    wamid: m.wamid,
    createdAt: m.created_at.toISOString(),
  };
}

function toTimelineDto(e: TimelineEntry): Static<typeof TimelineItem> {
  return {
    kind: e.kind,
    status: e.status,
    at: e.at.toISOString(),
    receivedAt: iso(e.receivedAt),
    applied: e.applied,
    pricing: e.pricing,
    conversation: e.conversation,
    errors: e.errors,
    webhook: e.webhook ? { id: e.webhook.id, receivedAt: e.webhook.receivedAt.toISOString(), verifiedBy: e.webhook.verifiedBy, excerpt: e.webhook.excerpt } : null,
  };
}

export interface DetailData {
  message: LogRow;
  timeline: TimelineEntry[];
  settlements: SettlementRow[];
  window: { lastInboundAt: Date; openUntil: Date; open: boolean } | null;
}

export function toDetailDto(d: DetailData): Static<typeof MessageDetail> {
  const m = d.message;
  return {
    message: {
      ...toSummaryDto(m),
      content: m.content,
      templateLanguage: m.template_language,
      mediaRef: m.media_ref,
      contextWamid: m.context_wamid,
      errorDetails: m.error_details,
      sentAt: iso(m.sent_at),
      deliveredAt: iso(m.delivered_at),
      readAt: iso(m.read_at),
      failedAt: iso(m.failed_at),
    },
    timeline: d.timeline.map(toTimelineDto),
    settlements: d.settlements.map((s) => ({ kind: s.kind, description: s.description, amountPaise: s.amount, at: s.created_at.toISOString() })),
    window: d.window ? { lastInboundAt: d.window.lastInboundAt.toISOString(), openUntil: d.window.openUntil.toISOString(), open: d.window.open } : null,
  };
}

// ---- /v1 ------------------------------------------------------------------------------------------

export const V1LogQuery = Strict({
  number_id: filters.numberId,
  direction: filters.direction,
  status: filters.status,
  type: filters.type,
  template: filters.template,
  wa_id: filters.waId,
  from: filters.from,
  to: filters.to,
  q: filters.q,
  after: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const V1MessageParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 512, description: 'The platform’s message id, or Meta’s wamid' }) });

const v1SummaryFields = {
  id: Uuid,
  direction: Direction,
  number_id: Uuid,
  wa_id: Type.String(),
  type: Type.String(),
  text: Nullable(Type.String()),
  template_name: Nullable(Type.String()),
  status: Type.String(),
  status_at: Timestamp,
  error: Nullable(Type.Object({ code: Nullable(Type.Integer()), title: Nullable(Type.String()), details: Nullable(Type.String()) })),
  pricing: Nullable(Type.Object({ type: Nullable(Type.String()), category: Nullable(Type.String()) })),
  charged_paise: Nullable(Type.Integer()),
  billing_state: Type.String(),
  source: Type.String(),
  wamid: Nullable(Type.String()),
  created_at: Timestamp,
};
export const V1Message = Type.Object(v1SummaryFields);
export const V1MessageList = Type.Object({ data: Type.Array(V1Message), next: Nullable(Type.String()) });
export const V1MessageDetail = Type.Object({
  ...v1SummaryFields,
  content: Json,
  media_ref: Nullable(Type.String()),
  context_wamid: Nullable(Type.String()),
  sent_at: Nullable(Timestamp),
  delivered_at: Nullable(Timestamp),
  read_at: Nullable(Timestamp),
  failed_at: Nullable(Timestamp),
  timeline: Type.Array(
    Type.Object({
      status: Type.String(),
      at: Timestamp,
      received_at: Nullable(Timestamp),
      pricing: Nullable(Json),
      errors: Nullable(Type.Array(Json)),
      webhook_event_id: Nullable(Uuid),
      webhook_excerpt: Nullable(Json),
    }),
  ),
  service_window: Nullable(Type.Object({ last_inbound_at: Timestamp, open_until: Timestamp, open: Type.Boolean() })),
});

export function toV1Message(m: LogRow): Static<typeof V1Message> {
  return {
    id: m.id,
    direction: m.direction,
    number_id: m.number_id,
    wa_id: m.wa_id,
    type: m.type,
    text: messageText(m),
    template_name: m.template_name,
    status: m.status,
    status_at: m.status_at.toISOString(),
    error: m.error_code !== null || m.error_title ? { code: m.error_code, title: m.error_title, details: m.error_details } : null,
    pricing: m.pricing_type || m.pricing_category ? { type: m.pricing_type, category: m.pricing_category } : null,
    charged_paise: m.charged_paise,
    billing_state: m.billing_state,
    source: m.source,
    wamid: m.wamid,
    created_at: m.created_at.toISOString(),
  };
}

export function toV1Detail(d: DetailData): Static<typeof V1MessageDetail> {
  const m = d.message;
  return {
    ...toV1Message(m),
    content: m.content,
    media_ref: m.media_ref,
    context_wamid: m.context_wamid,
    sent_at: iso(m.sent_at),
    delivered_at: iso(m.delivered_at),
    read_at: iso(m.read_at),
    failed_at: iso(m.failed_at),
    timeline: d.timeline.map((e) => ({
      status: e.status,
      at: e.at.toISOString(),
      received_at: iso(e.receivedAt),
      pricing: e.pricing,
      errors: e.errors,
      webhook_event_id: e.webhook?.id ?? null,
      webhook_excerpt: e.webhook?.excerpt ?? null,
    })),
    service_window: d.window ? { last_inbound_at: d.window.lastInboundAt.toISOString(), open_until: d.window.openUntil.toISOString(), open: d.window.open } : null,
  };
}
