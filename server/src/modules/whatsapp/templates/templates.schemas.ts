import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorResponse, Strict, Timestamp, Uuid, errorResponses } from '../../../platform/schemas.js';
import type { ParamIssue, ParameterExpectation, RenderedTemplate } from './template-params.js';
import { unusableReason } from './template-status.js';
import type { AccountNumber, EventRow, SyncRow, TemplateRow } from './templates.repo.js';
import type { SyncOutcome } from './template-sync.js';

/**
 * Request and response shapes of the template API (web UI and /v1). Components are Meta's own
 * objects (HEADER / BODY / FOOTER / BUTTONS with `example`), bounded here and checked for meaning by
 * template-rules.ts, whose problems come back as `details` with a field path.
 */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Open = Type.Object({}, { additionalProperties: true });

const NamedExample = Strict({ param_name: Type.String({ maxLength: 100 }), example: Type.String({ maxLength: 300 }) });
const Example = Strict({
  header_text: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1 })),
  header_text_named_params: Type.Optional(Type.Array(NamedExample, { maxItems: 1 })),
  body_text: Type.Optional(Type.Array(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100 }), { maxItems: 1 })),
  body_text_named_params: Type.Optional(Type.Array(NamedExample, { maxItems: 100 })),
  header_handle: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 1 })),
});
const Button = Strict({
  type: Type.String({ maxLength: 20, description: 'QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE or OTP' }),
  text: Type.Optional(Type.String({ maxLength: 200 })),
  url: Type.Optional(Type.String({ maxLength: 2100, description: 'May end with {{1}}' })),
  phone_number: Type.Optional(Type.String({ maxLength: 40 })),
  example: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Array(Type.String({ maxLength: 2100 }), { maxItems: 1 })])),
  otp_type: Type.Optional(Type.String({ maxLength: 20, description: 'COPY_CODE, ONE_TAP or ZERO_TAP' })),
  supported_apps: Type.Optional(Type.Array(Strict({ package_name: Type.String({ maxLength: 224 }), signature_hash: Type.String({ maxLength: 20 }) }), { maxItems: 5 })),
  zero_tap_terms_accepted: Type.Optional(Type.Boolean()),
});
export const ComponentInput = Strict({
  type: Type.String({ maxLength: 10, description: 'HEADER, BODY, FOOTER or BUTTONS' }),
  format: Type.Optional(Type.String({ maxLength: 10, description: 'Header: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION' })),
  text: Type.Optional(Type.String({ maxLength: 2000 })),
  example: Type.Optional(Example),
  buttons: Type.Optional(Type.Array(Button, { maxItems: 10 })),
  add_security_recommendation: Type.Optional(Type.Boolean()),
  code_expiration_minutes: Type.Optional(Type.Integer({ minimum: -10000, maximum: 10000 })),
});

const Category = Type.Union([Type.Literal('MARKETING'), Type.Literal('UTILITY'), Type.Literal('AUTHENTICATION')]);
const ParameterFormat = Type.Union([Type.Literal('POSITIONAL'), Type.Literal('NAMED')]);
const Name = Type.String({ maxLength: 600, description: 'Lower-case letters, digits and underscores; at most 512' });
const Language = Type.String({ maxLength: 20, description: 'Meta language code, e.g. en, en_US, hi' });
const Components = Type.Array(ComponentInput, { maxItems: 4 });

export const CreateBody = Strict({
  numberId: Uuid,
  name: Name,
  language: Language,
  category: Category,
  parameterFormat: Type.Optional(ParameterFormat),
  allowCategoryChange: Type.Optional(Type.Boolean({ description: 'Let Meta assign another category instead of rejecting the template' })),
  components: Components,
});
export type CreateBodyT = Static<typeof CreateBody>;

export const DraftBody = Strict({
  name: Type.Optional(Name),
  language: Type.Optional(Language),
  category: Type.Optional(Category),
  parameterFormat: Type.Optional(ParameterFormat),
  components: Components,
});

export const SendComponentsBody = Strict({
  components: Type.Optional(Type.Array(Open, { maxItems: 20, description: 'A send’s template.components (Meta’s shape): header, body and button parameters' })),
});

export const SyncBody = Strict({ numberId: Type.Optional(Uuid) });

export const ListQuery = Strict({
  numberId: Type.Optional(Uuid),
  wabaId: Type.Optional(Type.String({ pattern: '^[0-9]{5,20}$' })),
  status: Type.Optional(Type.String({ pattern: '^[A-Z_]{1,40}$' })),
  category: Type.Optional(Category),
  language: Type.Optional(Type.String({ maxLength: 20 })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
});
export type ListQueryT = Static<typeof ListQuery>;

export const IdParams = Strict({ id: Uuid });

export const Template = Type.Object({
  id: Uuid,
  wabaId: Type.String(),
  numberId: Nullable(Uuid),
  metaTemplateId: Nullable(Type.String()),
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  requestedCategory: Nullable(Type.String()),
  parameterFormat: ParameterFormat,
  components: Type.Array(Open),
  status: Type.String(),
  reason: Nullable(Type.String()),
  rejectionInfo: Nullable(Open),
  otherInfo: Nullable(Open),
  disableInfo: Nullable(Open),
  statusAt: Timestamp,
  qualityScore: Nullable(Type.String()),
  source: Type.Union([Type.Literal('platform'), Type.Literal('meta')]),
  /** Why it cannot be sent right now (paused, rejected, …); null when it can. */
  notice: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Nullable(Timestamp),
  deletedAt: Nullable(Timestamp),
});

const Rendered = Type.Object({
  header: Nullable(Type.Object({ format: Type.String(), text: Type.Optional(Type.String()), media: Type.Optional(Open) })),
  body: Type.String(),
  footer: Nullable(Type.String()),
  buttons: Type.Array(Type.Object({ type: Type.String(), text: Type.String(), url: Type.Optional(Type.String()), phoneNumber: Type.Optional(Type.String()), code: Type.Optional(Type.String()) })),
  text: Type.String(),
});
const Expected = Type.Object({
  header: Type.Object({ kind: Type.String(), keys: Type.Array(Type.String()) }),
  body: Type.Object({ keys: Type.Array(Type.String()) }),
  buttons: Type.Array(Type.Object({ index: Type.Integer(), type: Type.String(), subType: Type.String(), param: Nullable(Type.String()), required: Type.Boolean() })),
});
const Issue = Type.Object({ field: Type.String(), message: Type.String() });
const ParamIssueOut = Type.Object({ kind: Type.String(), field: Type.String(), message: Type.String() });
const Event = Type.Object({
  event: Type.String(),
  status: Type.String(),
  reason: Nullable(Type.String()),
  details: Open,
  source: Type.String(),
  occurredAt: Timestamp,
  recordedAt: Timestamp,
  applied: Type.Boolean(),
});

export const TemplateResponse = Type.Object({ template: Template });
export const ListResponse = Type.Object({ items: Type.Array(Template), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
export const DetailResponse = Type.Object({ template: Template, events: Type.Array(Event), preview: Rendered, expected: Expected });
export const PreviewResponse = Type.Object({ preview: Rendered, issues: Type.Array(ParamIssueOut), expected: Expected });
export const DraftPreviewResponse = Type.Object({ preview: Rendered, issues: Type.Array(Issue) });

const SyncState = Type.Object({
  lastSyncedAt: Nullable(Timestamp),
  lastError: Nullable(Type.String()),
  backoffUntil: Nullable(Timestamp),
  running: Type.Boolean(),
});
export const AccountsResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      wabaId: Type.String(),
      numbers: Type.Array(Type.Object({ id: Uuid, label: Type.String(), displayPhoneNumber: Nullable(Type.String()), verifiedName: Nullable(Type.String()), status: Type.String() })),
      sync: SyncState,
    }),
  ),
});
export const LanguagesResponse = Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) });
export const SyncResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      wabaId: Type.String(),
      state: Type.String({ description: 'synced, busy, rate_limited, no_number, unavailable or failed' }),
      counts: Type.Optional(Type.Object({ seen: Type.Integer(), added: Type.Integer(), changed: Type.Integer(), removed: Type.Integer() })),
      retryAt: Type.Optional(Timestamp),
      error: Type.Optional(Type.String()),
    }),
  ),
});

/** 4xx/5xx a template route can answer besides the common ones: Meta refused, is rate limiting or unreachable. */
export const templateErrors = {
  ...errorResponses,
  422: Type.Ref(ErrorResponse),
  502: Type.Ref(ErrorResponse),
  503: Type.Ref(ErrorResponse),
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toTemplateDto(t: TemplateRow): Static<typeof Template> {
  return {
    id: t.id,
    wabaId: t.waba_id,
    numberId: t.number_id,
    metaTemplateId: t.meta_template_id,
    name: t.name,
    language: t.language,
    category: t.category,
    requestedCategory: t.requested_category,
    parameterFormat: t.parameter_format,
    components: t.components,
    status: t.status,
    reason: t.reason,
    rejectionInfo: t.rejection_info,
    otherInfo: t.other_info,
    disableInfo: t.disable_info,
    statusAt: t.status_at.toISOString(),
    qualityScore: t.quality_score,
    source: t.source,
    notice: unusableReason(t),
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
    submittedAt: iso(t.submitted_at),
    deletedAt: iso(t.deleted_at),
  };
}

export function toEventDto(e: EventRow): Static<typeof Event> {
  return {
    event: e.event,
    status: e.status,
    reason: e.reason,
    details: e.details,
    source: e.source,
    occurredAt: e.occurred_at.toISOString(),
    recordedAt: e.recorded_at.toISOString(),
    applied: e.applied,
  };
}

export function toSyncDto(s: SyncRow | null): Static<typeof SyncState> {
  return {
    lastSyncedAt: iso(s?.last_synced_at ?? null),
    lastError: s?.last_error ?? null,
    backoffUntil: s?.backoff_until && s.backoff_until.getTime() > Date.now() ? s.backoff_until.toISOString() : null,
    running: !!s?.running_since,
  };
}

export function toAccountDto(a: { wabaId: string; numbers: AccountNumber[]; sync: SyncRow | null }) {
  return {
    wabaId: a.wabaId,
    numbers: a.numbers.map((n) => ({ id: n.id, label: n.label, displayPhoneNumber: n.display_phone_number, verifiedName: n.verified_name, status: n.status })),
    sync: toSyncDto(a.sync),
  };
}

export function toSyncResultDto(r: { wabaId: string; outcome: SyncOutcome }) {
  const o = r.outcome;
  return {
    wabaId: r.wabaId,
    state: o.state,
    ...(o.state === 'synced' ? { counts: o.counts } : {}),
    ...(o.state === 'rate_limited' ? { retryAt: o.retryAt.toISOString() } : {}),
    ...(o.state === 'failed' ? { error: o.error } : {}),
  };
}

export function toPreviewDto(p: { preview: RenderedTemplate; issues: ParamIssue[]; expected: ParameterExpectation }) {
  return { preview: p.preview, issues: p.issues, expected: p.expected };
}
