import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../../../platform/schemas.js';

/** Request and response shapes of the webhook endpoint APIs (/api/whatsapp/webhooks and /v1/webhook-endpoints). */

const Format = Type.Union([Type.Literal('standard'), Type.Literal('meta')], {
  description: 'standard: Standard Webhooks body and headers; meta: Meta’s own webhook payload with X-Hub-Signature-256 (and the Standard Webhooks headers too)',
});
const EventTypeList = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
  minItems: 1,
  maxItems: 20,
  description: 'Event types to receive (see eventTypes in the list answer), or ["*"] for all, including types added later',
});
const NumberIds = Type.Union([Type.Null(), Type.Array(Uuid, { minItems: 1, maxItems: 100 })], {
  description: 'Only events of these numbers (wa_numbers ids); null = every number. Account-wide events go to every endpoint.',
});
const Url = Type.String({ minLength: 10, maxLength: 2000, description: 'https URL that receives POSTs (http only outside production)' });
const Description = Type.String({ maxLength: 200 });

export const CreateEndpointBody = Strict({
  url: Url,
  description: Type.Optional(Description),
  eventTypes: EventTypeList,
  numberIds: Type.Optional(NumberIds),
  format: Type.Optional(Format),
});

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypeList),
    numberIds: Type.Optional(NumberIds),
    format: Type.Optional(Format),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const EndpointParams = Type.Object({ id: Uuid });
export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });

const DeliveryState = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]);

export const DeliveriesQuery = Type.Object({
  state: Type.Optional(DeliveryState),
  eventType: Type.Optional(Type.String({ maxLength: 40 })),
  eventId: Type.Optional(Type.String({ pattern: '^evt_[A-Za-z0-9_-]{22}$' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

export const ReplayBody = Strict({
  since: Timestamp,
  until: Type.Optional(Timestamp),
  onlyUndelivered: Type.Optional(Type.Boolean({ default: false, description: 'Skip events this endpoint already received' })),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Endpoint = Type.Object({
  id: Uuid,
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  numberIds: Type.Union([Type.Array(Uuid), Type.Null()]),
  format: Format,
  status: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
  disabledReason: Type.Union([Type.Literal('manual'), Type.Literal('gone'), Type.Literal('failing'), Type.Null()]),
  disabledAt: Nullable(Timestamp),
  failingSince: Nullable(Timestamp),
  lastSuccessAt: Nullable(Timestamp),
  lastFailureAt: Nullable(Timestamp),
  secretRotatedAt: Nullable(Timestamp),
  previousSecretExpiresAt: Nullable(Timestamp),
  pendingDeliveries: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Secret = Type.String({ description: 'whsec_…: shown when created or rotated, and on request; keep it secret' });

export const EndpointWithSecret = Type.Object({ endpoint: Endpoint, secret: Secret });
export const EndpointAnswer = Type.Object({ endpoint: Endpoint });
export const SecretAnswer = Type.Object({ secret: Secret, previousSecretExpiresAt: Nullable(Timestamp) });

export const EndpointList = Type.Object({
  items: Type.Array(Endpoint),
  eventTypes: Type.Array(Type.String()),
  numbers: Type.Array(
    Type.Object({ id: Uuid, label: Type.String(), displayPhoneNumber: Nullable(Type.String()), phoneNumberId: Type.String(), status: Type.String() }),
  ),
});

export const Delivery = Type.Object({
  id: Uuid,
  eventId: Type.String(),
  eventType: Type.String(),
  origin: Type.Union([Type.Literal('event'), Type.Literal('replay'), Type.Literal('test')]),
  state: DeliveryState,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
});

export const DeliveryList = Type.Object({ items: Type.Array(Delivery), total: Type.Integer() });

export const Attempt = Type.Object({
  attempt: Type.Integer(),
  startedAt: Timestamp,
  durationMs: Type.Integer(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  responseBody: Nullable(Type.String({ description: 'First 1 KB of the answer' })),
  error: Nullable(Type.String()),
  success: Type.Boolean(),
  nextAttemptAt: Nullable(Timestamp),
});

export const DeliveryDetail = Type.Object({
  delivery: Delivery,
  attempts: Type.Array(Attempt),
  payload: Type.String({ description: 'The body every attempt of this delivery sends, byte for byte' }),
});

export const DeliveryQueued = Type.Object({ deliveryId: Uuid });
export const TestQueued = Type.Object({ deliveryId: Uuid, eventId: Type.String() });
export const ReplayQueued = Type.Object({ queued: Type.Integer() });

export type CreateEndpointBody = Static<typeof CreateEndpointBody>;
export type UpdateEndpointBody = Static<typeof UpdateEndpointBody>;
export type DeliveriesQuery = Static<typeof DeliveriesQuery>;
export type ReplayBody = Static<typeof ReplayBody>;
