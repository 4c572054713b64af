import type { Queryable } from '../../../db/index.js';
import type { DisabledReason, EndpointFormat } from './endpoints.repo.js';

/** SQL of the outbox: events, deliveries (one per event and endpoint) and their attempts. */

export type DeliveryState = 'pending' | 'succeeded' | 'failed';
export type DeliveryOrigin = 'event' | 'replay' | 'test';

/** A delivery a worker holds, with everything needed to send it. */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  claim_token: string;
  event_id: string;
  endpoint_id: string;
  tenant_id: string;
  body: string;
  meta_body: string | null;
  url: string;
  format: EndpointFormat;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | null;
}

/**
 * Takes due deliveries of enabled endpoints for one attempt each: at most `limit` in all and at most
 * `perEndpoint` of each endpoint, or its `allowance` when listed (what the worker already holds of it
 * counted off). Endpoints take turns (each one's oldest, then each one's second oldest, …), so one
 * endpoint's backlog cannot fill the batch while others wait. Counts the attempt and leases the rows
 * until `leaseUntil` (their next_attempt_at), so a worker that dies leaves them due again afterwards.
 * Rows another worker holds are skipped (SKIP LOCKED). Each endpoint is read through its own index
 * probe, so one endpoint's backlog cannot hide the others'.
 */
export async function claimDue(
  q: Queryable,
  opts: { now: Date; limit: number; perEndpoint: number; allowance: Map<string, number>; leaseUntil: Date; token: string },
): Promise<ClaimedDelivery[]> {
  if (opts.limit <= 0) return [];
  return q.query<ClaimedDelivery>(
    `WITH allowance AS (SELECT * FROM unnest($4::uuid[], $5::int[]) AS a (endpoint_id, n)),
     due AS (
       SELECT x.id, x.next_attempt_at, row_number() OVER (PARTITION BY e.id ORDER BY x.next_attempt_at, x.id) AS turn
         FROM webhook_endpoints e
         CROSS JOIN LATERAL (
           SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
            WHERE d.endpoint_id = e.id AND d.state = 'pending' AND d.next_attempt_at <= $1
            ORDER BY d.next_attempt_at
            LIMIT coalesce((SELECT a.n FROM allowance a WHERE a.endpoint_id = e.id), $2)
            FOR UPDATE OF d SKIP LOCKED
         ) x
        WHERE e.status = 'enabled'
     ),
     picked AS (SELECT id FROM due ORDER BY turn, next_attempt_at LIMIT $3)
     UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = $6, claim_token = $7
       FROM picked, webhook_events ev, webhook_endpoints e
      WHERE d.id = picked.id AND ev.id = d.event_id AND e.id = d.endpoint_id
      RETURNING d.id, d.attempts, d.claim_token, d.event_id, d.endpoint_id, d.tenant_id, ev.body, ev.meta_body,
                e.url, e.format, e.secret_enc, e.previous_secret_enc, e.previous_secret_expires_at`,
    [opts.now, opts.perEndpoint, opts.limit, [...opts.allowance.keys()], [...opts.allowance.values()], opts.leaseUntil, opts.token],
  );
}

/**
 * Gives back claimed deliveries that were never attempted (a stopping worker, an endpoint just
 * disabled, a lease too short for another attempt), due again at once.
 */
export async function release(q: Queryable, held: { id: string; token: string }[], now: Date): Promise<void> {
  if (!held.length) return;
  await q.execute(
    `UPDATE webhook_deliveries d SET attempts = d.attempts - 1, next_attempt_at = $3, claim_token = NULL
       FROM unnest($1::uuid[], $2::uuid[]) AS r (id, token)
      WHERE d.id = r.id AND d.claim_token = r.token AND d.state = 'pending'`,
    [held.map((h) => h.id), held.map((h) => h.token), now],
  );
}

/** One HTTP attempt's outcome, to be written onto its delivery (while the worker holds it) and logged. */
export interface AttemptOutcome {
  id: string;
  token: string;
  endpointId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  status: number | null;
  responseBody: string | null;
}

/** $1–$7 of the statements below: each attempt's delivery, claim, number, start, duration, status and answer. */
function attemptColumns(done: readonly AttemptOutcome[]): unknown[][] {
  return [
    done.map((d) => d.id),
    done.map((d) => d.token),
    done.map((d) => d.attempt),
    done.map((d) => d.startedAt.toISOString()),
    done.map((d) => d.durationMs),
    done.map((d) => d.status),
    done.map((d) => d.responseBody),
  ];
}

/**
 * Records many successful attempts in one statement (the common case, so a busy worker writes them
 * in groups): each delivery the worker still holds becomes `succeeded`, every attempt is logged (a late
 * one too: the delivery may have been taken over, or gone with its endpoint), and the endpoints'
 * failing run ends — their row written at most once a minute when nothing changes.
 */
export async function recordSuccesses(q: Queryable, done: AttemptOutcome[], now: Date): Promise<void> {
  if (!done.length) return;
  await q.execute(
    `WITH s AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[])
         AS s (id, token, attempt, started_at, duration_ms, status, body)
     ), finished AS (
       UPDATE webhook_deliveries d SET state = 'succeeded', last_status = s.status, last_error = NULL, completed_at = $8, claim_token = NULL
         FROM s WHERE d.id = s.id AND d.claim_token = s.token
     ), endpoints AS (
       UPDATE webhook_endpoints SET failing_since = NULL, last_success_at = $8
        WHERE id = ANY ($9::uuid[]) AND (failing_since IS NOT NULL OR last_success_at IS NULL OR last_success_at < $8::timestamptz - interval '1 minute')
     )
     INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, response_body, error, success, next_attempt_at)
     SELECT s.id, s.attempt, s.started_at::timestamptz, s.duration_ms, s.status, s.body, NULL, true, NULL FROM s
      WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = s.id)`,
    [
      ...attemptColumns(done),
      now,
      // Sorted, so workers touching the same endpoints lock them in the same order.
      [...new Set(done.map((d) => d.endpointId))].sort(),
    ],
  );
}

/**
 * Records many failed attempts in one statement: each delivery the worker still holds waits for its
 * next try (`nextAttemptAt`) or, without one, becomes `failed`; every attempt is logged.
 */
export async function recordFailures(q: Queryable, done: (AttemptOutcome & { error: string | null; nextAttemptAt: Date | null })[], now: Date): Promise<void> {
  if (!done.length) return;
  await q.execute(
    `WITH f AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[])
         AS f (id, token, attempt, started_at, duration_ms, status, body, error, next_at)
     ), finished AS (
       UPDATE webhook_deliveries d
          SET state = CASE WHEN f.next_at IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = COALESCE(f.next_at::timestamptz, d.next_attempt_at), last_status = f.status, last_error = f.error,
              completed_at = CASE WHEN f.next_at IS NULL THEN $10::timestamptz END, claim_token = NULL
         FROM f WHERE d.id = f.id AND d.claim_token = f.token
     )
     INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, response_body, error, success, next_attempt_at)
     SELECT f.id, f.attempt, f.started_at::timestamptz, f.duration_ms, f.status, f.body, f.error, false, f.next_at::timestamptz FROM f
      WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = f.id)`,
    [
      ...attemptColumns(done),
      done.map((d) => d.error),
      done.map((d) => d.nextAttemptAt?.toISOString() ?? null),
      now,
    ],
  );
}

/** Records a failure; returns the endpoint's state afterwards (undefined when it was deleted meanwhile). */
export async function markEndpointFailure(
  q: Queryable,
  endpointId: string,
  now: Date,
): Promise<{ tenant_id: string; url: string; status: string; failing_since: Date; disabled_reason: DisabledReason | null } | undefined> {
  const rows = await q.query<{ tenant_id: string; url: string; status: string; failing_since: Date; disabled_reason: DisabledReason | null }>(
    `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2), last_failure_at = $2
      WHERE id = $1 RETURNING tenant_id, url, status, failing_since, disabled_reason`,
    [endpointId, now],
  );
  return rows[0];
}

// ---- the delivery log ----

export interface DeliveryRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  origin: DeliveryOrigin;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

export interface DeliveryFilter {
  state?: DeliveryState | undefined;
  eventType?: string | undefined;
  eventId?: string | undefined;
  limit: number;
  offset: number;
}

const DELIVERY_COLUMNS = `d.id, d.event_id, d.endpoint_id, ev.type AS event_type, d.origin, d.state, d.attempts, d.next_attempt_at,
  d.last_status, d.last_error, d.created_at, d.completed_at`;

export async function listDeliveries(q: Queryable, tenantId: string, endpointId: string, f: DeliveryFilter): Promise<{ items: DeliveryRow[]; total: number }> {
  const where = ['d.tenant_id = $1', 'd.endpoint_id = $2'];
  const params: unknown[] = [tenantId, endpointId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.state) add('d.state = ?', f.state);
  if (f.eventType) add('ev.type = ?', f.eventType);
  if (f.eventId) add('d.event_id = ?', f.eventId);
  const from = `FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE ${where.join(' AND ')}`;
  const [items, count] = await Promise.all([
    q.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} ${from} ORDER BY d.created_at DESC, d.id DESC LIMIT ${f.limit} OFFSET ${f.offset}`, params),
    q.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params),
  ]);
  return { items, total: count[0]!.n };
}

export async function findDelivery(q: Queryable, tenantId: string, endpointId: string, id: string): Promise<(DeliveryRow & { body: string; meta_body: string | null }) | undefined> {
  const rows = await q.query<DeliveryRow & { body: string; meta_body: string | null }>(
    `SELECT ${DELIVERY_COLUMNS}, ev.body, ev.meta_body FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
      WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.id = $3`,
    [tenantId, endpointId, id],
  );
  return rows[0];
}

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
  success: boolean;
  next_attempt_at: Date | null;
}

export async function listAttempts(q: Queryable, deliveryId: string): Promise<AttemptRow[]> {
  return q.query<AttemptRow>(
    `SELECT attempt, started_at, duration_ms, status_code, response_body, error, success, next_attempt_at
       FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`,
    [deliveryId],
  );
}

// ---- new deliveries: test events and replays ----

export async function insertEvent(q: Queryable, e: { id: string; tenantId: string; numberId: string | null; type: string; body: string; metaBody: string | null }): Promise<void> {
  await q.execute(`INSERT INTO webhook_events (id, tenant_id, number_id, type, body, meta_body) VALUES ($1, $2, $3, $4, $5, $6)`, [
    e.id,
    e.tenantId,
    e.numberId,
    e.type,
    e.body,
    e.metaBody,
  ]);
}

export async function insertDelivery(q: Queryable, d: { eventId: string; endpointId: string; tenantId: string; origin: DeliveryOrigin; now: Date }): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, origin, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
    [d.eventId, d.endpointId, d.tenantId, d.origin, d.now],
  );
  return rows[0]!.id;
}

/** A delivery waiting for its next retry is tried at `now` instead (not one an attempt holds right now). */
export async function makeDueNow(q: Queryable, deliveryId: string, now: Date): Promise<void> {
  await q.execute(`UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1 AND state = 'pending' AND claim_token IS NULL AND next_attempt_at > $2`, [deliveryId, now]);
}

/**
 * Queues again, as replays, the events since `since` that the endpoint takes now (its types,
 * numbers and format), skipping events already waiting for it; with `onlyUndelivered`, also those it
 * received. Returns how many were queued.
 */
export async function replaySince(
  q: Queryable,
  e: { id: string; tenantId: string; eventTypes: string[]; numberIds: string[] | null; format: EndpointFormat },
  opts: { since: Date; until: Date; onlyUndelivered: boolean; now: Date },
): Promise<number> {
  return q.execute(
    `INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, origin, next_attempt_at, created_at)
     SELECT ev.id, $1, $2, 'replay', $8, $8 FROM webhook_events ev
      WHERE ev.tenant_id = $2 AND ev.created_at >= $5 AND ev.created_at < $6 AND ev.type <> 'ping'
        AND (ev.type = ANY ($3::text[]) OR '*' = ANY ($3::text[]))
        AND (ev.number_id IS NULL OR $4::uuid[] IS NULL OR ev.number_id = ANY ($4::uuid[]))
        AND ($9 = 'standard' OR ev.meta_body IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.event_id = ev.id AND p.endpoint_id = $1 AND p.state = 'pending')
        AND (NOT $7 OR NOT EXISTS (SELECT 1 FROM webhook_deliveries s WHERE s.event_id = ev.id AND s.endpoint_id = $1 AND s.state = 'succeeded'))`,
    [e.id, e.tenantId, e.eventTypes, e.numberIds, opts.since, opts.until, opts.onlyUndelivered, opts.now, e.format],
  );
}

/** Removes events (with their deliveries and attempts) older than `before`, a batch at a time. */
export async function purgeEventsBefore(q: Queryable, before: Date, batch = 5000): Promise<number> {
  return q.execute(`DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events WHERE created_at < $1 LIMIT $2)`, [before, batch]);
}
