import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorResponse, Strict, Timestamp, Uuid, errorResponses } from '../../../platform/schemas.js';
import type { RuleRow, RunView, SettingsRow } from './automations.repo.js';
import type { Reply as ReplyT } from './reply-body.js';

/** Request and response shapes of /api/whatsapp/automations (README.md beside this file). */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Open = Type.Object({}, { additionalProperties: true });
const ShortText = (max: number) => Type.String({ maxLength: max });

const TextReply = Strict({ type: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: 4096 }), previewUrl: Type.Optional(Type.Boolean()) });
const MediaReply = Strict({
  type: Type.Literal('media'),
  mediaType: Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('audio'), Type.Literal('document')]),
  link: Type.Optional(Type.String({ maxLength: 2000, description: 'https:// address of the file' })),
  mediaId: Type.Optional(Type.String({ pattern: '^[0-9]{1,32}$', description: 'A media id uploaded from this number (WhatsApp keeps uploads 30 days)' })),
  caption: Type.Optional(ShortText(1024)),
  filename: Type.Optional(ShortText(240)),
});
const ButtonsReply = Strict({
  type: Type.Literal('buttons'),
  header: Type.Optional(ShortText(60)),
  body: Type.String({ minLength: 1, maxLength: 1024 }),
  footer: Type.Optional(ShortText(60)),
  buttons: Type.Array(Strict({ id: Type.String({ minLength: 1, maxLength: 256 }), title: Type.String({ minLength: 1, maxLength: 20 }) }), { minItems: 1, maxItems: 3 }),
});
const ListReply = Strict({
  type: Type.Literal('list'),
  header: Type.Optional(ShortText(60)),
  body: Type.String({ minLength: 1, maxLength: 1024 }),
  footer: Type.Optional(ShortText(60)),
  button: Type.String({ minLength: 1, maxLength: 20 }),
  sections: Type.Array(
    Strict({
      title: Type.Optional(ShortText(24)),
      rows: Type.Array(Strict({ id: Type.String({ minLength: 1, maxLength: 200 }), title: Type.String({ minLength: 1, maxLength: 24 }), description: Type.Optional(ShortText(72)) }), { minItems: 1, maxItems: 10 }),
    }),
    { minItems: 1, maxItems: 10 },
  ),
});
const TemplateReply = Strict({
  type: Type.Literal('template'),
  name: Type.String({ minLength: 1, maxLength: 512 }),
  language: Type.String({ minLength: 2, maxLength: 20 }),
  components: Type.Optional(Type.Array(Open, { maxItems: 10, description: 'Meta’s send components (parameters), as in POST /v1/messages' })),
});
export const Reply = Type.Union([TextReply, MediaReply, ButtonsReply, ListReply, TemplateReply]);

const MatchType = Type.Union([Type.Literal('exact'), Type.Literal('contains'), Type.Literal('regex')]);
const Kind = Type.Union([Type.Literal('welcome'), Type.Literal('away'), Type.Literal('keyword'), Type.Literal('opt_out'), Type.Literal('opt_in')]);
export const SingleKind = Type.Union([Type.Literal('welcome'), Type.Literal('away'), Type.Literal('opt_out'), Type.Literal('opt_in')]);
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 10 });
const Patterns = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 20 });

const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM, 24-hour' });
const Interval = Strict({ open: Time, close: Time });
const Day = Type.Array(Interval, { maxItems: 4 });
const WeeklyHours = Strict({ mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day });
const Holiday = Strict({ date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), name: Type.Optional(ShortText(80)) });

export const NumberParams = Type.Object({ numberId: Uuid });
export const KindParams = Type.Object({ numberId: Uuid, kind: SingleKind });
export const RuleParams = Type.Object({ numberId: Uuid, ruleId: Uuid });

export const SettingsBody = Strict({
  enabled: Type.Boolean(),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Kolkata' }),
  weeklyHours: WeeklyHours,
  holidays: Type.Array(Holiday, { maxItems: 100 }),
  awayCooldownHours: Type.Integer({ minimum: 1, maximum: 168 }),
  contactLimit: Type.Integer({ minimum: 1, maximum: 50 }),
  contactWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  numberLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1000 }),
});
export type SettingsBodyT = Static<typeof SettingsBody>;

export const SingleReplyBody = Strict({ enabled: Type.Boolean(), reply: Nullable(Reply) });
export type SingleReplyBodyT = Static<typeof SingleReplyBody>;

export const RuleBody = Strict({
  name: ShortText(80),
  enabled: Type.Optional(Type.Boolean()),
  matchType: MatchType,
  patterns: Patterns,
  reply: Type.Optional(Nullable(Reply)),
  addTags: Type.Optional(Tags),
});
export type RuleBodyT = Static<typeof RuleBody>;

export const RulePatchBody = Strict({
  name: Type.Optional(ShortText(80)),
  enabled: Type.Optional(Type.Boolean()),
  matchType: Type.Optional(MatchType),
  patterns: Type.Optional(Patterns),
  reply: Type.Optional(Nullable(Reply)),
  addTags: Type.Optional(Tags),
});
export type RulePatchBodyT = Static<typeof RulePatchBody>;

export const OrderBody = Strict({ ruleIds: Type.Array(Uuid, { maxItems: 100, description: 'Every keyword rule of the number, in the new order' }) });

export const TestBody = Strict({
  text: Type.String({ maxLength: 4096 }),
  firstContact: Type.Optional(Type.Boolean({ description: 'Treat the sender as writing for the first time' })),
  at: Type.Optional(Timestamp),
});

const SettingsDto = Strict({
  enabled: Type.Boolean(),
  timezone: Type.String(),
  weeklyHours: WeeklyHours,
  holidays: Type.Array(Holiday),
  awayCooldownHours: Type.Integer(),
  contactLimit: Type.Integer(),
  contactWindowMinutes: Type.Integer(),
  numberLimitPerMinute: Type.Integer(),
  updatedAt: Nullable(Timestamp),
});

const RuleDto = Strict({
  id: Uuid,
  kind: Kind,
  name: Type.String(),
  enabled: Type.Boolean(),
  position: Type.Integer(),
  matchType: Nullable(MatchType),
  patterns: Type.Array(Type.String()),
  reply: Nullable(Reply),
  addTags: Type.Array(Type.String()),
  stoppedAt: Nullable(Timestamp),
  stoppedReason: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const OverviewResponse = Strict({
  number: Strict({ id: Uuid, label: Type.String(), displayPhoneNumber: Nullable(Type.String()), status: Type.String() }),
  settings: SettingsDto,
  openNow: Type.Boolean(),
  rules: Type.Array(RuleDto),
});
export const SettingsResponse = Strict({ settings: SettingsDto, openNow: Type.Boolean() });
export const RuleResponse = Strict({ rule: RuleDto });
export const RulesResponse = Strict({ rules: Type.Array(RuleDto) });

export const TestResponse = Strict({
  open: Type.Boolean(),
  timezone: Type.String(),
  localTime: Type.String({ description: 'YYYY-MM-DD HH:MM ddd in the number’s time zone' }),
  note: Nullable(Type.Union([Type.Literal('consent_keyword'), Type.Literal('ignored_type'), Type.Literal('automations_off')])),
  consentKeyword: Nullable(Type.Union([Type.Literal('opt_out'), Type.Literal('opt_in'), Type.Literal('marketing_stop')])),
  fired: Type.Array(
    Strict({
      ruleId: Uuid,
      kind: Kind,
      name: Type.String(),
      matched: Nullable(Type.String()),
      reply: Nullable(Reply),
      replySummary: Nullable(Type.String()),
      addTags: Type.Array(Type.String()),
    }),
  ),
});

export const RunsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) });
export const RunsResponse = Strict({
  items: Type.Array(
    Strict({
      id: Uuid,
      ruleId: Nullable(Uuid),
      ruleName: Nullable(Type.String()),
      kind: Kind,
      waId: Type.String(),
      state: Type.String(),
      reason: Nullable(Type.String()),
      detail: Nullable(Type.String()),
      messageId: Nullable(Uuid),
      inboundMessageId: Uuid,
      tagsAdded: Type.Array(Type.String()),
      createdAt: Timestamp,
      finishedAt: Nullable(Timestamp),
    }),
  ),
});

export const automationErrors = { ...errorResponses, 422: Type.Ref(ErrorResponse) };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSettingsDto(s: SettingsRow): Static<typeof SettingsDto> {
  return {
    enabled: s.enabled,
    timezone: s.timezone,
    weeklyHours: s.weekly_hours,
    holidays: s.holidays.map((h) => ({ date: h.date, ...(h.name ? { name: h.name } : {}) })),
    awayCooldownHours: s.away_cooldown_hours,
    contactLimit: s.contact_limit,
    contactWindowMinutes: s.contact_window_minutes,
    numberLimitPerMinute: s.number_limit_per_minute,
    updatedAt: iso(s.updated_at),
  };
}

export function toRuleDto(r: RuleRow): Static<typeof RuleDto> {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    enabled: r.enabled,
    position: r.position,
    matchType: r.match_type,
    patterns: r.patterns,
    reply: r.reply as Static<typeof Reply> | null,
    addTags: r.add_tags,
    stoppedAt: iso(r.stopped_at),
    stoppedReason: r.stopped_reason,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toRunDto(r: RunView): Static<typeof RunsResponse>['items'][number] {
  return {
    id: r.id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    kind: r.kind,
    waId: r.wa_id,
    state: r.state,
    reason: r.reason,
    detail: r.detail,
    messageId: r.message_id,
    inboundMessageId: r.inbound_message_id,
    tagsAdded: r.tags_added,
    createdAt: r.created_at.toISOString(),
    finishedAt: iso(r.finished_at),
  };
}

/** The API's reply shape is the module's own Reply type. */
export const asReply = (r: Static<typeof Reply>): ReplyT => r as ReplyT;
