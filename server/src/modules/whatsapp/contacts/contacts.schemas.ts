import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../../platform/schemas.js';
import { displayWaId } from './wa-id.js';
import { isOptedIn, isOptedOut } from './consent-changes.js';
import type { ConsentEventRow, ContactRow, WindowRow } from './contacts.repo.js';

/**
 * Request and response shapes of the contacts APIs: camelCase for the web app (/api), snake_case
 * for customers' code (/v1, like the Cloud API it sits beside). Both are built from the same rows.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CONSENT_ACTIONS = ['opt_in', 'opt_out', 'marketing_stop', 'marketing_resume'] as const;
export const ConsentActionSchema = Type.Union(CONSENT_ACTIONS.map((a) => Type.Literal(a)));
export const ConsentStateSchema = Type.Union([Type.Literal('opted_in'), Type.Literal('opted_out'), Type.Literal('no_opt_in')]);
export const ConsentFilterSchema = Type.Union([Type.Literal('opted_in'), Type.Literal('opted_out'), Type.Literal('no_opt_in'), Type.Literal('marketing_stopped')]);

const Phone = Type.String({ minLength: 6, maxLength: 32, description: 'The WhatsApp number, with country code: "+91 98765 43210", "919876543210"; a bare 10-digit Indian mobile is taken as +91.' });
const Name = Type.String({ maxLength: 200 });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 });

export const ContactIdParams = Type.Object({ id: Uuid });
export const ContactRefParams = Type.Object({ contact: Type.String({ minLength: 6, maxLength: 40, description: 'The contact id, or its WhatsApp number' }) });

export const ListQuery = Strict({
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Name, WhatsApp profile name or digits of the number' })),
  tag: Type.Optional(Type.String({ maxLength: 40 })),
  consent: Type.Optional(ConsentFilterSchema),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

const consentFields = {
  method: Type.Optional(Type.String({ minLength: 1, maxLength: 30, description: 'How it was given or withdrawn: "website form", "paper form", "shop counter", "phone call" …' })),
  evidence: Type.Optional(Type.String({ maxLength: 2000, description: 'What proves it: the wording the person agreed to, where and how. Required for an opt-in.' })),
  ip: Type.Optional(Type.String({ maxLength: 45, description: 'The address the person opted in from (a web form’s), if known' })),
  documentRef: Type.Optional(Type.String({ maxLength: 200, description: 'A reference to a signed form or other document' })),
  occurredAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the person gave or withdrew consent; default now' })),
};

export const ConsentBody = Strict({ action: ConsentActionSchema, ...consentFields });
export type ConsentInput = Static<typeof ConsentBody>;

export const CreateBody = Strict({
  phone: Phone,
  name: Type.Optional(Name),
  tags: Type.Optional(Tags),
  optIn: Type.Optional(Strict(consentFields)),
});
export type CreateInput = Static<typeof CreateBody>;

export const UpdateBody = Strict({ name: Type.Optional(Nullable(Name)), tags: Type.Optional(Tags) });
export type UpdateInput = Static<typeof UpdateBody>;

export const ImportBody = Strict({
  csv: Type.String({ minLength: 1, maxLength: 2_000_000, description: 'CSV text with a header row: phone (required), name, tags (separated by ;), opt_in_source, opt_in_evidence, opt_in_at, opt_in_ip, opt_in_document' }),
});

// ---- web app (/api) ---------------------------------------------------------------------------

export const Consent = Type.Object({
  state: ConsentStateSchema,
  optedInAt: Nullable(Timestamp),
  optedOutAt: Nullable(Timestamp),
  marketingStoppedAt: Nullable(Timestamp),
});

export const Contact = Type.Object({
  id: Uuid,
  waId: Type.String(),
  displayNumber: Type.String(),
  name: Nullable(Type.String()),
  profileName: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  consent: Consent,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ConsentEvent = Type.Object({
  id: Uuid,
  action: ConsentActionSchema,
  source: Type.String(),
  evidence: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  documentRef: Nullable(Type.String()),
  messageId: Nullable(Uuid),
  actorType: Type.String(),
  occurredAt: Timestamp,
});

export const ServiceWindow = Type.Object({
  numberId: Uuid,
  number: Nullable(Type.String()),
  label: Type.String(),
  lastInboundAt: Timestamp,
  openUntil: Timestamp,
  open: Type.Boolean(),
});

export const ContactDetail = Type.Object({ contact: Contact, history: Type.Array(ConsentEvent), windows: Type.Array(ServiceWindow) });
export const ContactList = Type.Object({ items: Type.Array(Contact), nextCursor: Nullable(Type.String()) });

export const ImportRow = Type.Object({
  line: Type.Integer(),
  phone: Type.String(),
  waId: Nullable(Type.String()),
  status: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('error')]),
  errors: Type.Array(Type.String()),
  warnings: Type.Array(Type.String()),
});
export const ImportReport = Type.Object({
  total: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  failed: Type.Integer(),
  optIns: Type.Integer(),
  ignoredColumns: Type.Array(Type.String()),
  problems: Type.Array(ImportRow, { description: 'Rows with errors (not imported) or warnings' }),
  errorReportCsv: Nullable(Type.String({ description: 'The problem rows as CSV (line, phone, status, errors, warnings), for download' })),
});

const DAY_MS = 86_400_000;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export function consentState(c: Pick<ContactRow, 'opted_in_at' | 'opted_out_at'>): Static<typeof ConsentStateSchema> {
  if (isOptedOut(c)) return 'opted_out';
  return isOptedIn(c) ? 'opted_in' : 'no_opt_in';
}

export function toContactDto(c: ContactRow): Static<typeof Contact> {
  return {
    id: c.id,
    waId: c.wa_id,
    displayNumber: displayWaId(c.wa_id),
    name: c.name,
    profileName: c.profile_name,
    tags: c.tags,
    consent: { state: consentState(c), optedInAt: iso(c.opted_in_at), optedOutAt: iso(c.opted_out_at), marketingStoppedAt: iso(c.marketing_opted_out_at) },
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export function toConsentEventDto(e: ConsentEventRow): Static<typeof ConsentEvent> {
  return {
    id: e.id,
    action: e.action,
    source: e.source,
    evidence: e.evidence,
    ip: e.ip,
    documentRef: e.document_ref,
    messageId: e.message_id,
    actorType: e.actor_type,
    occurredAt: e.occurred_at.toISOString(),
  };
}

export function toWindowDto(w: WindowRow & { display_phone_number: string | null; label: string }, now = Date.now()): Static<typeof ServiceWindow> {
  const until = w.last_inbound_at.getTime() + DAY_MS;
  return {
    numberId: w.number_id,
    number: w.display_phone_number,
    label: w.label,
    lastInboundAt: w.last_inbound_at.toISOString(),
    openUntil: new Date(until).toISOString(),
    open: until > now,
  };
}

// ---- customers' code (/v1) --------------------------------------------------------------------

export const V1Contact = Type.Object({
  id: Uuid,
  wa_id: Type.String(),
  name: Nullable(Type.String()),
  profile_name: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  consent: Type.Object({ state: ConsentStateSchema, opted_in_at: Nullable(Timestamp), opted_out_at: Nullable(Timestamp), marketing_stopped_at: Nullable(Timestamp) }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const V1ConsentEvent = Type.Object({
  id: Uuid,
  action: ConsentActionSchema,
  source: Type.String(),
  evidence: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  document_ref: Nullable(Type.String()),
  message_id: Nullable(Uuid),
  actor_type: Type.String(),
  occurred_at: Timestamp,
});

export const V1ContactDetail = Type.Intersect([
  V1Contact,
  Type.Object({
    consent_history: Type.Array(V1ConsentEvent),
    service_windows: Type.Array(Type.Object({ number_id: Uuid, last_inbound_at: Timestamp, open_until: Timestamp, open: Type.Boolean() })),
  }),
]);

export const V1ListQuery = Strict({
  q: ListQuery.properties.q,
  tag: ListQuery.properties.tag,
  consent: ListQuery.properties.consent,
  after: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` cursor of the previous page' })),
  limit: ListQuery.properties.limit,
});

export const V1CreateBody = Strict({
  phone: Phone,
  name: Type.Optional(Name),
  tags: Type.Optional(Tags),
  opt_in: Type.Optional(
    Strict({
      method: consentFields.method,
      evidence: consentFields.evidence,
      ip: consentFields.ip,
      document_ref: consentFields.documentRef,
      occurred_at: consentFields.occurredAt,
    }),
  ),
});
export const V1ConsentBody = Strict({
  action: ConsentActionSchema,
  method: consentFields.method,
  evidence: consentFields.evidence,
  ip: consentFields.ip,
  document_ref: consentFields.documentRef,
  occurred_at: consentFields.occurredAt,
});

export function toV1Contact(c: ContactRow): Static<typeof V1Contact> {
  return {
    id: c.id,
    wa_id: c.wa_id,
    name: c.name,
    profile_name: c.profile_name,
    tags: c.tags,
    consent: { state: consentState(c), opted_in_at: iso(c.opted_in_at), opted_out_at: iso(c.opted_out_at), marketing_stopped_at: iso(c.marketing_opted_out_at) },
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

export function toV1ConsentEvent(e: ConsentEventRow): Static<typeof V1ConsentEvent> {
  return {
    id: e.id,
    action: e.action,
    source: e.source,
    evidence: e.evidence,
    ip: e.ip,
    document_ref: e.document_ref,
    message_id: e.message_id,
    actor_type: e.actor_type,
    occurred_at: e.occurred_at.toISOString(),
  };
}
