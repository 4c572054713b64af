import { Type, type TLiteral } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../platform/schemas.js';
import { CATEGORIES, LINK_TYPES, PRIORITIES, TICKET_STATES } from './support.rules.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)) as TLiteral<T>[]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const TicketStateSchema = literals(TICKET_STATES);
export const CategorySchema = literals(CATEGORIES);
export const PrioritySchema = literals(PRIORITIES);
export const LinkTypeSchema = literals(LINK_TYPES);

const AttachmentIds = Type.Array(Uuid, { maxItems: 10, description: 'Ids from POST /api/support/attachments (at most 5 per message)' });

export const Attachment = Type.Object({
  id: Uuid,
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  url: Type.String({ description: 'Download link, valid for 5 minutes and only for the user it was made for' }),
  urlExpiresAt: Timestamp,
});

export const Message = Type.Object({
  id: Uuid,
  author: Type.Object({ name: Type.String(), role: Type.Union([Type.Literal('customer'), Type.Literal('staff')]) }),
  internal: Type.Boolean({ description: 'A staff-only note (never sent to customers)' }),
  body: Type.String(),
  createdAt: Timestamp,
  attachments: Type.Array(Attachment),
});

export const TicketEvent = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('state'), Type.Literal('priority'), Type.Literal('assignee')]),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  actorName: Nullable(Type.String({ description: 'null: the platform (automatic close)' })),
  createdAt: Timestamp,
});

const TicketLink = Nullable(Type.Object({ type: LinkTypeSchema, id: Type.String() }));

const summaryFields = {
  id: Uuid,
  reference: Type.String({ description: 'T-1001' }),
  subject: Type.String(),
  category: CategorySchema,
  state: TicketStateSchema,
  link: TicketLink,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastMessageAt: Timestamp,
  resolvedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  reopenUntil: Nullable(Timestamp),
};

export const TicketSummary = Type.Object(summaryFields);

export const Sla = Type.Object({
  firstResponseDueAt: Timestamp,
  resolutionDueAt: Timestamp,
  firstRespondedAt: Nullable(Timestamp),
  firstResponseOverdue: Type.Boolean(),
  resolutionOverdue: Type.Boolean(),
});

export const CustomerTicketView = Type.Object({
  ticket: Type.Object({ ...summaryFields, canReply: Type.Boolean(), canReopen: Type.Boolean(), canResolve: Type.Boolean() }),
  messages: Type.Array(Message),
  events: Type.Array(TicketEvent),
});

const Person = Type.Object({ id: Uuid, name: Type.String() });

export const StaffTicketView = Type.Object({
  ticket: Type.Object({
    ...summaryFields,
    priority: PrioritySchema,
    assignee: Nullable(Person),
    customer: Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), mobile: Nullable(Type.String()) }),
    sla: Sla,
    reopenCount: Type.Integer(),
    allowedStates: Type.Array(TicketStateSchema),
    canReply: Type.Boolean(),
  }),
  messages: Type.Array(Message),
  events: Type.Array(TicketEvent),
});

export const QueueItem = Type.Object({
  ...summaryFields,
  priority: PrioritySchema,
  customer: Type.Object({ id: Uuid, name: Type.String(), email: Type.String() }),
  assignee: Nullable(Person),
  sla: Sla,
  ageSeconds: Type.Integer(),
});

export const IdParams = Type.Object({ id: Uuid });

export const OwnListQuery = Type.Object({
  state: Type.Optional(Type.Array(TicketStateSchema, { maxItems: 4 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

export const QueueQuery = Type.Object({
  state: Type.Optional(Type.Array(TicketStateSchema, { maxItems: 4, description: 'Default: open and waiting on customer' })),
  category: Type.Optional(CategorySchema),
  priority: Type.Optional(PrioritySchema),
  assignee: Type.Optional(Type.Union([Uuid, Type.Literal('none'), Type.Literal('me')], { description: 'A staff member, `me`, or `none` (unassigned)' })),
  minAgeHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 365, description: 'Only tickets at least this old' })),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Subject, customer name or email, or a reference such as T-1001' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

export const OpenTicketBody = Strict({
  subject: Type.String({ minLength: 1, maxLength: 150 }),
  category: CategorySchema,
  message: Type.String({ minLength: 1, maxLength: 5000 }),
  link: Type.Optional(Strict({ type: LinkTypeSchema, id: Type.String({ minLength: 1, maxLength: 200 }) })),
  attachmentIds: Type.Optional(AttachmentIds),
});

export const ReplyBody = Strict({
  body: Type.String({ minLength: 1, maxLength: 5000 }),
  attachmentIds: Type.Optional(AttachmentIds),
});

export const StaffReplyBody = Strict({
  body: Type.String({ minLength: 1, maxLength: 5000 }),
  internal: Type.Optional(Type.Boolean({ description: 'A note only staff see' })),
  state: Type.Optional(Type.Union([Type.Literal('waiting_on_customer'), Type.Literal('resolved')], { description: 'Move the ticket with a public reply' })),
  attachmentIds: Type.Optional(AttachmentIds),
});

export const StateBody = Strict({ state: TicketStateSchema });

export const UpdateBody = Strict({
  priority: Type.Optional(PrioritySchema),
  assigneeId: Type.Optional(Nullable(Uuid)),
});

export const GrievanceOfficer = Type.Object({
  name: Type.String(),
  email: Type.String(),
  phone: Nullable(Type.String()),
});
