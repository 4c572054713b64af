import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../platform/schemas.js';
import { FORM_LIMITS } from '../services/form-engine.js';
import { Fees, Form, SLUG_PATTERN } from '../services/services.schemas.js';
import { APPLICATION_STATES } from './workflow.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Paise = Type.Integer({ description: 'Amount in paise (₹1 = 100 paise)' });
const BilingualOut = Type.Object({ en: Type.String(), hi: Type.String() });
const Person = Type.Object({ id: Uuid, name: Type.String() });
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const StateSchema = Type.Union(APPLICATION_STATES.map((s) => Type.Literal(s)));
export const ACTIONS = ['edit', 'submit', 'cancel', 'comment', 'receipt', 'assign', 'start', 'request_info', 'complete', 'reject', 'comment_internal', 'upload_output'] as const;
export type ViewerAction = (typeof ACTIONS)[number];

export const ApplicationSummary = Type.Object({
  id: Uuid,
  ackNumber: Nullable(Type.String({ description: 'SK-<year>-<number>, issued at submission' })),
  state: StateSchema,
  service: Type.Object({ id: Uuid, slug: Type.String(), name: BilingualOut }),
  total: Nullable(Type.Integer({ description: 'Paise held / charged; null until submitted' })),
  amountPaise: Nullable(Type.Integer({ description: 'The amount the customer entered (bills, recharges)' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Nullable(Timestamp),
  lastSubmittedAt: Nullable(Timestamp),
  slaDueAt: Nullable(Timestamp),
  overdue: Type.Boolean({ description: 'With the centre (submitted or in progress) past its due time' }),
});

export const QueueItem = Type.Object({
  ...ApplicationSummary.properties,
  customer: Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), mobile: Nullable(Type.String()) }),
  filedBy: Nullable(Person),
  assignedTo: Nullable(Person),
  ageSeconds: Type.Integer({ description: 'Seconds since the latest (re)submission' }),
});

export const ApplicationDocument = Type.Object({
  id: Uuid,
  purpose: Type.Union([Type.Literal('input'), Type.Literal('output')]),
  key: Nullable(Type.String({ description: "The form's document key (inputs)" })),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  uploadedAt: Timestamp,
  url: Type.String({ description: 'Download link, valid for 5 minutes and only for the user it was made for' }),
  urlExpiresAt: Timestamp,
});

export const TimelineEvent = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  kind: Type.String(),
  fromState: Nullable(StateSchema),
  toState: Nullable(StateSchema),
  actor: Nullable(Type.Object({ id: Nullable(Uuid), name: Nullable(Type.String({ description: 'Staff names are shown to staff only' })), role: Type.String() })),
  visibility: Type.Union([Type.Literal('customer'), Type.Literal('internal')]),
  message: Nullable(Type.String()),
});

export const ApplicationDetail = Type.Object({
  ...ApplicationSummary.properties,
  formVersion: Type.Integer(),
  form: Form,
  answers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  fees: Type.Object({ ...Fees.properties, cgst: Paise, sgst: Paise }),
  feesFinal: Type.Boolean({ description: 'false: an estimate from the current fees (a draft); true: copied at submission' }),
  variableAmount: Nullable(Type.Object({ minPaise: Paise, maxPaise: Paise })),
  kycRequired: Type.Boolean(),
  turnaroundDays: Type.Integer(),
  documents: Type.Array(ApplicationDocument),
  outputs: Type.Array(ApplicationDocument),
  customer: Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), mobile: Nullable(Type.String()) }),
  filedBy: Nullable(Person),
  assignedTo: Nullable(Person),
  infoRequest: Nullable(Type.String()),
  rejectionReason: Nullable(Type.String()),
  startedAt: Nullable(Timestamp),
  infoRequestedAt: Nullable(Timestamp),
  completedAt: Nullable(Timestamp),
  rejectedAt: Nullable(Timestamp),
  cancelledAt: Nullable(Timestamp),
  timeline: Type.Array(TimelineEvent),
  allowedActions: Type.Array(Type.Union(ACTIONS.map((a) => Type.Literal(a))), { description: 'What the signed-in user may do now' }),
});
export type ApplicationDetailDto = Static<typeof ApplicationDetail>;

/** 400 answers of routes that check answers: the form engine's rule codes and values are in the details. */
export { FormErrorResponse } from '../services/services.schemas.js';

// Requests -------------------------------------------------------------------------------------------

const ServiceRef = Type.String({ minLength: 1, maxLength: 60, pattern: `${SLUG_PATTERN}|${UUID_PATTERN}`, description: 'Service id or slug' });
/**
 * Answers are checked by the form engine against the pinned form version (types, unknown keys,
 * rules), not here: a schema would coerce "12" into 12 before the engine could refuse it.
 */
const Answers = Type.Record(Type.String(), Type.Unknown(), { maxProperties: FORM_LIMITS.submissionKeys, description: 'Field key → answer; a file field is answered by uploading its document' });
const AmountPaise = Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'For services with a customer-entered amount' }));
const Message = (min: number) => Type.String({ minLength: min, maxLength: 2000 });

export const CreateBody = Strict({ service: ServiceRef });
export const StaffCreateBody = Strict({ service: ServiceRef, customerId: Uuid });
export const DraftBody = Strict({ answers: Answers, amountPaise: Type.Optional(AmountPaise) });
export const SubmitBody = Strict({ answers: Type.Optional(Answers), amountPaise: Type.Optional(AmountPaise) });
export const CancelBody = Strict({ reason: Type.Optional(Type.String({ maxLength: 500 })) });
export const CommentBody = Strict({ message: Message(1) });
export const StaffCommentBody = Strict({ message: Message(1), visibility: Type.Union([Type.Literal('customer'), Type.Literal('internal')]) });
export const RequestInfoBody = Strict({ message: Message(5) });
export const CompleteBody = Strict({ message: Type.Optional(Type.String({ maxLength: 2000 })) });
export const RejectBody = Strict({ reason: Message(5) });
export const AssignBody = Strict({ operatorId: Nullable(Uuid) });

const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
};
export const ListQuery = Strict({ state: Type.Optional(StateSchema), ...paging });
export const QueueQuery = Strict({
  state: Type.Union([...APPLICATION_STATES.map((s) => Type.Literal(s)), Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], {
    default: 'open',
    description: 'open = submitted, in progress or needing information; closed = completed, rejected or cancelled',
  }),
  service: Type.Optional(Uuid),
  assigned: Type.Optional(Type.String({ pattern: `^(me|unassigned)$|${UUID_PATTERN}`, description: 'me, unassigned, or an operator id' })),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Acknowledgement number, or part of the customer name, email or mobile' })),
  sort: Type.Union([Type.Literal('oldest'), Type.Literal('newest'), Type.Literal('due')], { default: 'oldest' }),
  ...paging,
});
export const IdParams = Strict({ id: Uuid });
export const DocumentKeyParams = Strict({ id: Uuid, key: Type.String({ minLength: 1, maxLength: FORM_LIMITS.keyLength, pattern: '^[a-z][a-z0-9_]*$' }) });
export const OutputParams = Strict({ id: Uuid, documentId: Uuid });
