import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../../db/index.js';
import { isEventType, type DeliverableType, type EventType } from './event-types.js';

/** The part of a Meta webhook an event came from, for endpoints that take Meta's own format. */
export interface MetaChange {
  /** `entry[].id`: the WhatsApp Business Account id. */
  wabaId: string;
  /** `changes[].field`, e.g. `messages`, `message_template_status_update`. */
  field: string;
  /** `changes[].value` exactly as Meta sent it. */
  value: Record<string, unknown>;
}

export interface CustomerEvent {
  /** The customer account (users.id) the event belongs to. */
  tenantId: string;
  /** wa_numbers.id the event is about; null for events of the whole account. */
  numberId: string | null;
  type: EventType;
  /** The event in the platform's own format: the `data` of the delivered body. */
  data: Record<string, unknown>;
  /** Meta's original change; without it, endpoints in `meta` format do not get this event. */
  meta?: MetaChange;
  /** When it happened (the body's `timestamp`); default now. */
  occurredAt?: Date;
}

export interface EmittedEvent {
  eventId: string;
  /** Deliveries queued: one per enabled endpoint that takes this event. */
  deliveries: number;
}

export const newEventId = () => `evt_${randomBytes(16).toString('base64url')}`;

/** The Standard Webhooks body, serialised once: every delivery sends exactly these bytes. */
export function standardBody(id: string, type: DeliverableType, numberId: string | null, data: Record<string, unknown>, occurredAt: Date): string {
  return JSON.stringify({ id, type, timestamp: occurredAt.toISOString(), number_id: numberId, data });
}

/** Meta's envelope around one change, as Meta POSTs it. */
export function metaBody(change: MetaChange): string {
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: change.wabaId, changes: [{ value: change.value, field: change.field }] }] });
}

/**
 * Records `event` for delivery to the tenant's webhook endpoints, in the caller's transaction: the
 * event exists exactly when the change that caused it commits, and once committed it is delivered at
 * least once (dispatcher.ts), across restarts. Endpoints match when subscribed to the type (or to
 * everything) and to the event's number (or to all numbers; account-wide events go to every
 * endpoint). Disabled endpoints get no delivery, but the event is kept so a replay can send it once
 * they are back. Returns null when the tenant has no endpoint the event matches (nothing is written).
 * One statement, so a busy inbound path pays one round trip.
 */
export async function emitCustomerEvent(q: Queryable, event: CustomerEvent): Promise<EmittedEvent | null> {
  if (!isEventType(event.type)) throw new Error(`unknown customer event type ${String(event.type)}`);
  const id = newEventId();
  const body = standardBody(id, event.type, event.numberId, event.data, event.occurredAt ?? new Date());
  const meta = event.meta ? metaBody(event.meta) : null;
  const rows = await q.query<{ events: number; deliveries: number }>(
    `WITH matching AS (
       SELECT id, status, format FROM webhook_endpoints
        WHERE tenant_id = $1
          AND ($3 = ANY (event_types) OR '*' = ANY (event_types))
          AND ($2::uuid IS NULL OR number_ids IS NULL OR $2::uuid = ANY (number_ids))
     ), ev AS (
       INSERT INTO webhook_events (id, tenant_id, number_id, type, body, meta_body)
       SELECT $4, $1, $2::uuid, $3, $5, $6 WHERE EXISTS (SELECT 1 FROM matching)
       RETURNING id
     ), queued AS (
       INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id)
       SELECT ev.id, m.id, $1 FROM ev CROSS JOIN matching m
        WHERE m.status = 'enabled' AND (m.format = 'standard' OR $6::text IS NOT NULL)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM queued)::int AS deliveries`,
    [event.tenantId, event.numberId, event.type, id, body, meta],
  );
  const row = rows[0]!;
  return row.events ? { eventId: id, deliveries: row.deliveries } : null;
}
