import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { decryptString, encryptString, rewrapString, type Keyring } from '../../../platform/encryption.js';
import { AppError, conflict, notFound } from '../../../platform/errors.js';
import { OutboundRefused, type SafeFetch } from '../../../platform/safe-fetch.js';
import { insertActivity } from '../../audit/activity.repo.js';
import * as deliveriesRepo from './deliveries.repo.js';
import type { DeliveryFilter, DeliveryRow } from './deliveries.repo.js';
import { metaBody, newEventId, standardBody } from './emit.js';
import * as repo from './endpoints.repo.js';
import type { EndpointFormat, EndpointRow } from './endpoints.repo.js';
import { ALL_EVENTS, EVENT_TYPES, isEventType } from './event-types.js';
import { MAX_ENDPOINTS_PER_TENANT, PREVIOUS_SECRET_VALID_MS, type Clock } from './settings.js';
import { generateSecret } from './signing.js';

/** Who is asking: a signed-in customer, or an API key of theirs (which may be limited to some numbers). */
export interface Caller {
  tenantId: string;
  actor: Actor;
  meta: RequestMeta;
  /** The numbers an API key is limited to; null = all (always null for people). */
  numberIds: readonly string[] | null;
}

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  eventTypes: string[];
  numberIds?: string[] | null | undefined;
  format?: EndpointFormat | undefined;
}

export type EndpointPatch = Partial<EndpointInput>;

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  numberIds: string[] | null;
  format: EndpointFormat;
  status: 'enabled' | 'disabled';
  disabledReason: 'manual' | 'gone' | 'failing' | null;
  disabledAt: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  secretRotatedAt: string | null;
  /** While a rotated-out secret still signs too. */
  previousSecretExpiresAt: string | null;
  pendingDeliveries: number;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const secretContext = (endpointId: string) => `webhook_endpoint:${endpointId}`;

const invalidUrl = (message: string) => new AppError(422, 'invalid_webhook_url', message, { details: [{ field: 'url', message }] });

export interface WebhookEndpointsDeps {
  db: Db;
  ring: Keyring;
  /** Checks a URL as a delivery would (scheme, addresses), without calling it. */
  http: Pick<SafeFetch, 'check'>;
  clock: Clock;
  /** Events are kept this long; replays reach back no further. */
  retentionDays: number;
}

/** Endpoints, their secrets, test events, the delivery log and replays (README.md). */
export function createWebhookEndpoints(deps: WebhookEndpointsDeps) {
  const { db, ring, clock } = deps;

  function view(row: EndpointRow): EndpointView {
    const now = clock.now();
    return {
      id: row.id,
      url: row.url,
      description: row.description,
      eventTypes: row.event_types,
      numberIds: row.number_ids,
      format: row.format,
      status: row.status,
      disabledReason: row.disabled_reason,
      disabledAt: iso(row.disabled_at),
      failingSince: iso(row.failing_since),
      lastSuccessAt: iso(row.last_success_at),
      lastFailureAt: iso(row.last_failure_at),
      secretRotatedAt: iso(row.secret_rotated_at),
      previousSecretExpiresAt: row.previous_secret_expires_at && row.previous_secret_expires_at > now ? row.previous_secret_expires_at.toISOString() : null,
      pendingDeliveries: row.pending ?? 0,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  /** An API key limited to some numbers sees only endpoints limited to (some of) those numbers. */
  const visible = (caller: Caller, row: EndpointRow) =>
    !caller.numberIds || (row.number_ids !== null && row.number_ids.every((n) => caller.numberIds!.includes(n)));

  async function load(q: Queryable, caller: Caller, id: string, forUpdate = false): Promise<EndpointRow> {
    const row = await repo.findEndpoint(q, caller.tenantId, id, forUpdate);
    if (!row || !visible(caller, row)) throw notFound('Webhook endpoint', 'webhook_endpoint_not_found');
    return row;
  }

  const audit = (q: Queryable, caller: Caller, action: string, endpointId: string, details: Record<string, unknown> = {}) =>
    insertActivity(q, caller.actor, { action: `webhook_endpoint.${action}`, subjectUserId: caller.tenantId, object: { type: 'webhook_endpoint', id: endpointId }, details }, caller.meta);

  async function checkUrl(url: string): Promise<string> {
    const trimmed = url.trim();
    if (trimmed.includes('#')) throw invalidUrl('The URL may not contain a # fragment.');
    try {
      await deps.http.check(trimmed);
    } catch (err) {
      // A name that does not resolve yet may be set up later; deliveries retry and show the error.
      if (err instanceof OutboundRefused && err.code !== 'dns_failed') throw invalidUrl(err.message);
      if (!(err instanceof OutboundRefused)) throw err;
    }
    return new URL(trimmed).toString();
  }

  function normaliseTypes(types: string[]): string[] {
    const unique = [...new Set(types)];
    const unknown = unique.filter((t) => t !== ALL_EVENTS && !isEventType(t));
    if (unknown.length) {
      throw new AppError(422, 'unknown_event_type', `Unknown event types: ${unknown.join(', ')}. Known: ${EVENT_TYPES.join(', ')} or * for all.`, {
        details: [{ field: 'eventTypes', message: `unknown: ${unknown.join(', ')}` }],
      });
    }
    if (!unique.length) throw new AppError(422, 'no_event_types', 'Choose at least one event type.', { details: [{ field: 'eventTypes', message: 'choose at least one' }] });
    return unique.includes(ALL_EVENTS) ? [ALL_EVENTS] : unique.sort();
  }

  async function checkNumbers(q: Queryable, caller: Caller, numberIds: string[] | null | undefined): Promise<string[] | null> {
    const ids = numberIds === null || numberIds === undefined ? null : [...new Set(numberIds)];
    if (caller.numberIds && (!ids || !ids.every((n) => caller.numberIds!.includes(n)))) {
      throw new AppError(403, 'number_not_allowed', 'This API key may only manage endpoints limited to its own phone numbers.');
    }
    if (!ids) return null;
    if (!ids.length) throw new AppError(422, 'no_numbers', 'Choose at least one number, or all numbers.', { details: [{ field: 'numberIds', message: 'empty' }] });
    const own = new Set((await repo.tenantNumbers(q, caller.tenantId)).map((n) => n.id));
    const unknown = ids.filter((id) => !own.has(id));
    if (unknown.length) {
      throw new AppError(422, 'unknown_number', 'One or more numbers are not yours.', { details: [{ field: 'numberIds', message: `unknown: ${unknown.join(', ')}` }] });
    }
    return ids.sort();
  }

  const decrypt = (row: Pick<EndpointRow, 'id'>, enc: string) => decryptString(ring, enc, secretContext(row.id));

  return {
    async list(caller: Caller) {
      const [rows, numbers] = await Promise.all([repo.listEndpoints(db, caller.tenantId), repo.tenantNumbers(db, caller.tenantId)]);
      return {
        items: rows.filter((r) => visible(caller, r)).map(view),
        eventTypes: [...EVENT_TYPES],
        numbers: numbers
          .filter((n) => !caller.numberIds || caller.numberIds.includes(n.id))
          .map((n) => ({ id: n.id, label: n.label, displayPhoneNumber: n.display_phone_number, phoneNumberId: n.phone_number_id, status: n.status })),
      };
    },

    async get(caller: Caller, id: string): Promise<EndpointView> {
      return view(await load(db, caller, id));
    },

    /** Registers an endpoint; its secret is returned here (and from `revealSecret`), stored only encrypted. */
    async create(caller: Caller, input: EndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
      const url = await checkUrl(input.url);
      const eventTypes = normaliseTypes(input.eventTypes);
      return db.tx(async (tx) => {
        const numberIds = await checkNumbers(tx, caller, input.numberIds);
        // Counted inside the transaction that inserts; two racing creates may both pass at the limit, which is harmless.
        if ((await repo.countEndpoints(tx, caller.tenantId)) >= MAX_ENDPOINTS_PER_TENANT) {
          throw conflict('endpoint_limit', `An account can have at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints. Delete one first.`);
        }
        const id = randomUUID();
        const secret = generateSecret();
        const row = await repo.insertEndpoint(tx, {
          id,
          tenantId: caller.tenantId,
          url,
          description: input.description?.trim() ?? '',
          eventTypes,
          numberIds,
          format: input.format ?? 'standard',
          secretEnc: encryptString(ring, secret, secretContext(id)),
          createdBy: caller.actor.type === 'user' ? caller.actor.userId : null,
        });
        await audit(tx, caller, 'created', id, { url, eventTypes, numberIds, format: row.format });
        return { endpoint: view(row), secret };
      });
    },

    async update(caller: Caller, id: string, patch: EndpointPatch): Promise<EndpointView> {
      const url = patch.url === undefined ? undefined : await checkUrl(patch.url);
      const eventTypes = patch.eventTypes === undefined ? undefined : normaliseTypes(patch.eventTypes);
      return db.tx(async (tx) => {
        const before = await load(tx, caller, id, true);
        const numberIds = patch.numberIds === undefined ? undefined : await checkNumbers(tx, caller, patch.numberIds);
        const changes: repo.EndpointChanges = {};
        if (url !== undefined) changes.url = url;
        if (patch.description !== undefined) changes.description = patch.description.trim();
        if (eventTypes !== undefined) changes.eventTypes = eventTypes;
        if (numberIds !== undefined) changes.numberIds = numberIds;
        if (patch.format !== undefined) changes.format = patch.format;
        await repo.updateEndpoint(tx, caller.tenantId, id, changes);
        await audit(tx, caller, 'updated', id, { before: { url: before.url, eventTypes: before.event_types, numberIds: before.number_ids, format: before.format }, changes });
        return view(await load(tx, caller, id));
      });
    },

    /** Deletes the endpoint with its delivery log; deliveries in flight finish but are not retried. */
    async remove(caller: Caller, id: string): Promise<void> {
      await db.tx(async (tx) => {
        const row = await load(tx, caller, id, true);
        await repo.deleteEndpoint(tx, caller.tenantId, id);
        await audit(tx, caller, 'deleted', id, { url: row.url });
      });
    },

    async setEnabled(caller: Caller, id: string, enabled: boolean): Promise<EndpointView> {
      return db.tx(async (tx) => {
        const row = await load(tx, caller, id, true);
        if ((row.status === 'enabled') !== enabled) {
          await repo.setStatus(tx, id, enabled ? null : 'manual', clock.now());
          await audit(tx, caller, enabled ? 'enabled' : 'disabled', id, enabled ? { previousReason: row.disabled_reason } : {});
        }
        return view(await load(tx, caller, id));
      });
    },

    /**
     * A new secret; the old one keeps signing beside it for 24 hours (both signatures are sent), so
     * receivers can switch without losing an event. Rotating again within the 24 hours drops the
     * oldest secret.
     */
    async rotateSecret(caller: Caller, id: string): Promise<{ endpoint: EndpointView; secret: string }> {
      return db.tx(async (tx) => {
        const row = await load(tx, caller, id, true);
        const now = clock.now();
        const secret = generateSecret();
        await repo.setSecrets(tx, id, {
          secretEnc: encryptString(ring, secret, secretContext(id)),
          previousEnc: row.secret_enc,
          previousExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS),
          rotatedAt: now,
        });
        await audit(tx, caller, 'secret_rotated', id);
        return { endpoint: view(await load(tx, caller, id)), secret };
      });
    },

    /** The current signing secret, for setting up a receiver again; each viewing is logged. */
    async revealSecret(caller: Caller, id: string): Promise<{ secret: string; previousSecretExpiresAt: string | null }> {
      return db.tx(async (tx) => {
        const row = await load(tx, caller, id);
        await audit(tx, caller, 'secret_viewed', id);
        return { secret: decrypt(row, row.secret_enc), previousSecretExpiresAt: view(row).previousSecretExpiresAt };
      });
    },

    /** Queues a `ping` event to this endpoint only. */
    async sendTest(caller: Caller, id: string): Promise<{ deliveryId: string; eventId: string }> {
      return db.tx(async (tx) => {
        const row = await load(tx, caller, id);
        if (row.status !== 'enabled') throw conflict('endpoint_disabled', 'Enable the endpoint before sending a test event.');
        const now = clock.now();
        const eventId = newEventId();
        const data = { endpoint_id: id, message: 'Test event from Seva Kendra: your endpoint receives webhooks.' };
        await deliveriesRepo.insertEvent(tx, {
          id: eventId,
          tenantId: caller.tenantId,
          numberId: null,
          type: 'ping',
          body: standardBody(eventId, 'ping', null, data, now),
          // Meta has no test shape of its own; a `test` field no WhatsApp handler acts on.
          metaBody: metaBody({ wabaId: '0', field: 'test', value: { event_id: eventId, ...data } }),
        });
        const deliveryId = await deliveriesRepo.insertDelivery(tx, { eventId, endpointId: id, tenantId: caller.tenantId, origin: 'test', now });
        await audit(tx, caller, 'test_sent', id, { eventId });
        return { deliveryId, eventId };
      });
    },

    async deliveries(caller: Caller, id: string, filter: DeliveryFilter): Promise<{ items: DeliveryRow[]; total: number }> {
      await load(db, caller, id);
      return deliveriesRepo.listDeliveries(db, caller.tenantId, id, filter);
    },

    async delivery(caller: Caller, id: string, deliveryId: string) {
      const endpoint = await load(db, caller, id);
      const delivery = await deliveriesRepo.findDelivery(db, caller.tenantId, id, deliveryId);
      if (!delivery) throw notFound('Delivery', 'delivery_not_found');
      const attempts = await deliveriesRepo.listAttempts(db, deliveryId);
      return { delivery, attempts, payload: endpoint.format === 'meta' && delivery.meta_body ? delivery.meta_body : delivery.body };
    },

    /**
     * Sends one event again, with the same webhook-id so receivers can tell it is the same event. A
     * delivery still being retried is simply made due now instead of doubled.
     */
    async replayDelivery(caller: Caller, id: string, deliveryId: string): Promise<{ deliveryId: string }> {
      return db.tx(async (tx) => {
        const endpoint = await load(tx, caller, id, true);
        if (endpoint.status !== 'enabled') throw conflict('endpoint_disabled', 'Enable the endpoint before replaying events to it.');
        const delivery = await deliveriesRepo.findDelivery(tx, caller.tenantId, id, deliveryId);
        if (!delivery) throw notFound('Delivery', 'delivery_not_found');
        const now = clock.now();
        let result = deliveryId;
        if (delivery.state === 'pending') {
          await deliveriesRepo.makeDueNow(tx, deliveryId, now);
        } else {
          result = await deliveriesRepo.insertDelivery(tx, { eventId: delivery.event_id, endpointId: id, tenantId: caller.tenantId, origin: 'replay', now });
        }
        await audit(tx, caller, 'replayed', id, { eventId: delivery.event_id, deliveryId: result });
        return { deliveryId: result };
      });
    },

    /** Queues again the events since `since` that the endpoint takes (see deliveries.repo replaySince). */
    async replaySince(caller: Caller, id: string, opts: { since: Date; until?: Date | undefined; onlyUndelivered: boolean }): Promise<{ queued: number }> {
      const now = clock.now();
      const until = opts.until ?? now;
      if (!(opts.since < until)) throw new AppError(422, 'invalid_range', '`since` must be before `until` (and in the past).', { details: [{ field: 'since', message: 'must be before until' }] });
      const oldest = new Date(now.getTime() - deps.retentionDays * 24 * 3600 * 1000);
      return db.tx(async (tx) => {
        const endpoint = await load(tx, caller, id, true);
        if (endpoint.status !== 'enabled') throw conflict('endpoint_disabled', 'Enable the endpoint before replaying events to it.');
        const since = opts.since < oldest ? oldest : opts.since;
        const queued = await deliveriesRepo.replaySince(
          tx,
          { id, tenantId: caller.tenantId, eventTypes: endpoint.event_types, numberIds: endpoint.number_ids, format: endpoint.format },
          { since, until, onlyUndelivered: opts.onlyUndelivered, now },
        );
        await audit(tx, caller, 'replayed', id, { since: since.toISOString(), until: until.toISOString(), onlyUndelivered: opts.onlyUndelivered, queued });
        return { queued };
      });
    },

    /** Re-encrypts every endpoint secret under the current master key (`seva rotate-keys`). */
    async rewrapSecrets(): Promise<number> {
      const rows = await db.query<{ id: string; secret_enc: string; previous_secret_enc: string | null }>('SELECT id, secret_enc, previous_secret_enc FROM webhook_endpoints');
      let changed = 0;
      for (const r of rows) {
        const secret = rewrapString(ring, r.secret_enc, secretContext(r.id));
        const previous = r.previous_secret_enc ? rewrapString(ring, r.previous_secret_enc, secretContext(r.id)) : null;
        if (!secret && !previous) continue;
        await db.execute('UPDATE webhook_endpoints SET secret_enc = COALESCE($2, secret_enc), previous_secret_enc = COALESCE($3, previous_secret_enc) WHERE id = $1 AND secret_enc = $4', [
          r.id,
          secret,
          previous,
          r.secret_enc,
        ]);
        changed++;
      }
      return changed;
    },

    /** Drops events (and their deliveries and attempts) past the retention period. */
    async purge(): Promise<number> {
      const before = new Date(clock.now().getTime() - deps.retentionDays * 24 * 3600 * 1000);
      let total = 0;
      for (;;) {
        const n = await deliveriesRepo.purgeEventsBefore(db, before);
        total += n;
        if (n === 0) return total;
      }
    },
  };
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>;
