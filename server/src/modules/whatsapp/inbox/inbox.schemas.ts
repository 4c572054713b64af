import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../../platform/schemas.js';
import type { LogRow } from '../messages/message-log.repo.js';
import { messageText } from '../messages/message-log.service.js';
import type { ConversationView, NoteRow } from './conversations.repo.js';
import type { QuickReplyRow } from './quick-replies.repo.js';
import { serviceWindow } from './service-window.js';
import type { MemberRow } from './team.repo.js';

/** Request and answer shapes of the team inbox, and the mappers from rows (internal columns never leave). */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const InboxRoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('agent')]);
export const TeamRoleSchema = Type.Union([Type.Literal('agent'), Type.Literal('manager')]);

export const Person = Type.Object({ id: Uuid, name: Type.String() });

export const TenantQuery = Strict({ tenantId: Uuid });
export const IdParams = Strict({ id: Uuid });

// ---- team (the tenant's own page) ------------------------------------------------------------------

export const Member = Type.Object({
  id: Uuid,
  userId: Uuid,
  name: Type.String(),
  email: Type.String(),
  role: TeamRoleSchema,
  invitedBy: Nullable(Person),
  createdAt: Timestamp,
});

export const InviteBody = Strict({
  email: Type.String({ minLength: 3, maxLength: 254, format: 'email' }),
  role: TeamRoleSchema,
});
export const RoleBody = Strict({ role: TeamRoleSchema });

export function toMemberDto(m: MemberRow): Static<typeof Member> {
  return {
    id: m.id,
    userId: m.user_id,
    name: m.name,
    email: m.email,
    role: m.role,
    invitedBy: m.invited_by_name ? { id: m.invited_by, name: m.invited_by_name } : null,
    createdAt: m.created_at.toISOString(),
  };
}

// ---- inboxes, people, numbers --------------------------------------------------------------------

export const InboxTenant = Type.Object({
  tenantId: Uuid,
  name: Type.String(),
  role: InboxRoleSchema,
  unreadConversations: Type.Integer({ description: 'Conversations with messages you have not read.' }),
});

export const Overview = Type.Object({
  tenantId: Uuid,
  role: InboxRoleSchema,
  people: Type.Array(Type.Object({ id: Uuid, name: Type.String(), role: InboxRoleSchema }), { description: 'Who conversations can be assigned to.' }),
  numbers: Type.Array(Type.Object({ id: Uuid, label: Type.String(), displayPhoneNumber: Nullable(Type.String()), status: Type.String() })),
  counts: Type.Object({ open: Type.Integer(), closed: Type.Integer(), mine: Type.Integer(), unassigned: Type.Integer(), unread: Type.Integer() }),
});

// ---- conversations -------------------------------------------------------------------------------

export const ConversationStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('closed')]);

export const Window = Type.Object({
  open: Type.Boolean({ description: 'Free-form replies are possible (the person wrote in the last 24 hours).' }),
  lastInboundAt: Nullable(Timestamp),
  openUntil: Nullable(Timestamp),
});

export const Conversation = Type.Object({
  id: Uuid,
  tenantId: Uuid,
  numberId: Uuid,
  number: Type.Object({ label: Type.String(), displayPhoneNumber: Nullable(Type.String()), status: Type.String() }),
  waId: Type.String(),
  contact: Type.Object({
    id: Nullable(Uuid),
    name: Nullable(Type.String()),
    profileName: Nullable(Type.String()),
    consent: Type.Union([Type.Literal('opted_in'), Type.Literal('opted_out'), Type.Literal('none')], { description: 'Templates need opted_in.' }),
    marketingStopped: Type.Boolean(),
  }),
  status: ConversationStatusSchema,
  statusAt: Timestamp,
  assignee: Nullable(Person),
  assignedAt: Nullable(Timestamp),
  lastMessage: Nullable(
    Type.Object({ id: Uuid, direction: Type.String(), type: Type.String(), text: Nullable(Type.String()), status: Type.String() }),
  ),
  lastMessageAt: Timestamp,
  window: Window,
  unread: Type.Integer(),
});
export type ConversationDto = Static<typeof Conversation>;

export const ListQuery = Strict({
  tenantId: Uuid,
  status: Type.Optional(Type.Union([ConversationStatusSchema, Type.Literal('all')], { default: 'open' })),
  assigned: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('unassigned'), Type.Literal('all')], { default: 'all' })),
  numberId: Type.Optional(Uuid),
  unread: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Contact name, WhatsApp name, number, message or note text.' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});

export const ConversationList = Type.Object({ items: Type.Array(Conversation), nextCursor: Nullable(Type.String()) });

export function consentOf(v: Pick<ConversationView, 'opted_in_at' | 'opted_out_at'>): 'opted_in' | 'opted_out' | 'none' {
  if (v.opted_out_at && (!v.opted_in_at || v.opted_out_at >= v.opted_in_at)) return 'opted_out';
  return v.opted_in_at ? 'opted_in' : 'none';
}

/** The text a bubble or a list row shows: the message-log text, a template with its parameters. */
export function shownText(m: { type: string; content: Record<string, unknown> | null; template_name: string | null }): string | null {
  if (!m.content) return null;
  if (m.type === 'template') {
    const tpl = (m.content.template ?? {}) as { name?: unknown; components?: unknown };
    const params: string[] = [];
    for (const c of Array.isArray(tpl.components) ? tpl.components : []) {
      for (const p of Array.isArray((c as { parameters?: unknown }).parameters) ? ((c as { parameters: unknown[] }).parameters as Record<string, unknown>[]) : []) {
        if (typeof p.text === 'string') params.push(p.text);
      }
    }
    const name = m.template_name ?? (typeof tpl.name === 'string' ? tpl.name : 'template');
    return params.length ? `${name}: ${params.join(', ')}` : name;
  }
  return messageText({ type: m.type, content: m.content, template_name: m.template_name });
}

export function toConversationDto(v: ConversationView, unread = v.unread, now = Date.now()): ConversationDto {
  const w = serviceWindow(v.window_inbound_at, now);
  return {
    id: v.id,
    tenantId: v.tenant_id,
    numberId: v.number_id,
    number: { label: v.number_label, displayPhoneNumber: v.display_phone_number, status: v.number_status },
    waId: v.wa_id,
    contact: { id: v.contact_id, name: v.contact_name, profileName: v.profile_name, consent: consentOf(v), marketingStopped: v.marketing_opted_out_at !== null },
    status: v.status,
    statusAt: v.status_at.toISOString(),
    assignee: v.assignee_id ? { id: v.assignee_id, name: v.assignee_name ?? '' } : null,
    assignedAt: v.assigned_at?.toISOString() ?? null,
    lastMessage:
      v.last_message_id && v.last_type
        ? { id: v.last_message_id, direction: v.last_direction ?? 'inbound', type: v.last_type, text: shownText({ type: v.last_type, content: v.last_content, template_name: v.last_template_name }), status: v.last_status ?? '' }
        : null,
    lastMessageAt: v.last_message_at.toISOString(),
    window: { open: w.open, lastInboundAt: w.lastInboundAt?.toISOString() ?? null, openUntil: w.openUntil?.toISOString() ?? null },
    unread: Math.max(0, unread),
  };
}

// ---- the thread ----------------------------------------------------------------------------------

export const Message = Type.Object({
  id: Uuid,
  conversationId: Uuid,
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  type: Type.String(),
  text: Nullable(Type.String()),
  templateName: Nullable(Type.String()),
  status: Type.String({ description: 'inbound: received; outbound: queued, accepted, sent, delivered, read or failed.' }),
  statusAt: Timestamp,
  errorCode: Nullable(Type.Integer()),
  errorTitle: Nullable(Type.String()),
  source: Type.String({ description: 'meta (the person), inbox, api, graph, ui, automation, campaign.' }),
  sentBy: Nullable(Person),
  createdAt: Timestamp,
});
export type MessageDto = Static<typeof Message>;

export function toMessageDto(m: LogRow & { sent_by?: string | null }, conversationId: string, names: Map<string, string>): MessageDto {
  return {
    id: m.id,
    conversationId,
    direction: m.direction,
    type: m.type,
    text: shownText(m),
    templateName: m.template_name,
    status: m.status,
    statusAt: m.status_at.toISOString(),
    errorCode: m.error_code,
    errorTitle: m.error_title,
    source: m.source,
    sentBy: m.sent_by ? { id: m.sent_by, name: names.get(m.sent_by) ?? '' } : null,
    createdAt: m.created_at.toISOString(),
  };
}

export const Note = Type.Object({ id: Uuid, conversationId: Uuid, author: Person, body: Type.String(), createdAt: Timestamp });
export type NoteDto = Static<typeof Note>;

export function toNoteDto(n: NoteRow): NoteDto {
  return { id: n.id, conversationId: n.conversation_id, author: { id: n.author_id, name: n.author_name }, body: n.body, createdAt: n.created_at.toISOString() };
}

export const TimelineItem = Type.Union([
  Type.Object({ kind: Type.Literal('message'), at: Timestamp, message: Message }),
  Type.Object({ kind: Type.Literal('note'), at: Timestamp, note: Note }),
]);

export const TimelineQuery = Strict({
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page: older items.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});
export const Timeline = Type.Object({
  items: Type.Array(TimelineItem, { description: 'Oldest first within the page.' }),
  nextCursor: Nullable(Type.String()),
});

export const ConversationDetail = Type.Object({
  conversation: Conversation,
  role: InboxRoleSchema,
});

export const AssignBody = Strict({ assigneeId: Nullable(Uuid) });
export const NoteBody = Strict({ body: Type.String({ minLength: 1, maxLength: 4000 }) });

export const ReplyBody = Strict({
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  template: Type.Optional(
    Strict({
      name: Type.String({ minLength: 1, maxLength: 512 }),
      language: Type.String({ minLength: 2, maxLength: 15 }),
      header: Type.Optional(Type.Array(Strict({ name: Type.Optional(Type.String({ maxLength: 100 })), value: Type.String({ minLength: 1, maxLength: 1024 }) }), { maxItems: 1 })),
      body: Type.Optional(Type.Array(Strict({ name: Type.Optional(Type.String({ maxLength: 100 })), value: Type.String({ minLength: 1, maxLength: 1024 }) }), { maxItems: 30 })),
    }),
  ),
});
export const ReplyResult = Type.Object({
  message: Message,
  note: Type.Optional(Type.String({ description: 'Why a queued message waits.' })),
});

export const TemplateOption = Type.Object({
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  parameterFormat: Type.String(),
  headerText: Nullable(Type.String()),
  body: Type.String(),
  footer: Nullable(Type.String()),
  headerKeys: Type.Array(Type.String(), { description: 'Text header variables, in order.' }),
  bodyKeys: Type.Array(Type.String(), { description: 'Body variables, in order.' }),
  sendable: Type.Boolean({ description: 'false: the template needs a media header or button parameters, which the inbox cannot give.' }),
});

// ---- quick replies -------------------------------------------------------------------------------

export const QuickReply = Type.Object({ id: Uuid, shortcut: Type.String(), body: Type.String(), updatedAt: Timestamp });
const Shortcut = Type.String({ minLength: 1, maxLength: 31, pattern: '^/?[A-Za-z0-9][A-Za-z0-9_-]{0,29}$', description: 'Typed as /shortcut in the reply box.' });
export const QuickReplyCreate = Strict({ tenantId: Uuid, shortcut: Shortcut, body: Type.String({ minLength: 1, maxLength: 4096 }) });
export const QuickReplyUpdate = Strict({ shortcut: Type.Optional(Shortcut), body: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) });

export function toQuickReplyDto(r: QuickReplyRow): Static<typeof QuickReply> {
  return { id: r.id, shortcut: r.shortcut, body: r.body, updatedAt: r.updated_at.toISOString() };
}
