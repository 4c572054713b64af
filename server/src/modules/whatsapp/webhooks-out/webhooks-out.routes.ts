import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../../db/index.js';
import { forbidden } from '../../../platform/errors.js';
import { requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { apiKeyActor, apiKeyAuth } from '../api-keys/api-key-auth.js';
import type { AttemptRow, DeliveryRow } from './deliveries.repo.js';
import type { Caller, WebhookEndpoints } from './endpoints.service.js';
import {
  CreateEndpointBody,
  DeliveriesQuery,
  DeliveryDetail,
  DeliveryList,
  DeliveryParams,
  DeliveryQueued,
  EndpointAnswer,
  EndpointList,
  EndpointParams,
  EndpointWithSecret,
  ReplayBody,
  ReplayQueued,
  SecretAnswer,
  TestQueued,
  UpdateEndpointBody,
} from './webhooks-out.schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function deliveryView(d: DeliveryRow) {
  return {
    id: d.id,
    eventId: d.event_id,
    eventType: d.event_type,
    origin: d.origin,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.next_attempt_at.toISOString() : null,
    lastStatus: d.last_status,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    completedAt: iso(d.completed_at),
  };
}

function attemptView(a: AttemptRow) {
  return {
    attempt: a.attempt,
    startedAt: a.started_at.toISOString(),
    durationMs: a.duration_ms,
    statusCode: a.status_code,
    responseBody: a.response_body,
    error: a.error,
    success: a.success,
    nextAttemptAt: iso(a.next_attempt_at),
  };
}

interface Surface {
  prefix: string;
  tags: string[];
  /** Route options that authenticate (and authorise) reading or changing. */
  guard: (mode: 'read' | 'write') => Record<string, unknown>;
  caller: (request: FastifyRequest) => Caller;
}

/** The same operations under both surfaces: the web UI's session API and the API-key API. */
const endpointRoutes: FastifyPluginAsyncTypebox<{ endpoints: WebhookEndpoints; surface: Surface }> = async (app, { endpoints, surface }) => {
  const { prefix, tags, guard, caller } = surface;
  const one = `${prefix}/:id`;

  app.get(prefix, { ...guard('read'), schema: { tags, summary: 'Webhook endpoints, the event types and the numbers they can take', response: { 200: EndpointList, ...errorResponses } } }, async (request) =>
    endpoints.list(caller(request)),
  );

  app.post(
    prefix,
    {
      ...guard('write'),
      schema: { tags, summary: 'Register an endpoint; the answer holds its signing secret', body: CreateEndpointBody, response: { 201: EndpointWithSecret, ...errorResponses, 422: Type.Ref('ErrorResponse') } },
    },
    async (request, reply) => reply.status(201).send(await endpoints.create(caller(request), request.body)),
  );

  app.get(one, { ...guard('read'), schema: { tags, summary: 'One endpoint', params: EndpointParams, response: { 200: EndpointAnswer, ...errorResponses } } }, async (request) => ({
    endpoint: await endpoints.get(caller(request), request.params.id),
  }));

  app.patch(
    one,
    {
      ...guard('write'),
      schema: { tags, summary: 'Change the URL, description, event types, numbers or format', params: EndpointParams, body: UpdateEndpointBody, response: { 200: EndpointAnswer, ...errorResponses, 422: Type.Ref('ErrorResponse') } },
    },
    async (request) => ({ endpoint: await endpoints.update(caller(request), request.params.id, request.body) }),
  );

  app.delete(one, { ...guard('write'), schema: { tags, summary: 'Delete an endpoint and its delivery log', params: EndpointParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    await endpoints.remove(caller(request), request.params.id);
    return reply.status(204).send(null);
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(
      `${one}/${action}`,
      {
        ...guard('write'),
        schema: {
          tags,
          summary: enabled ? 'Enable: waiting deliveries are sent at once' : 'Disable: nothing is sent; events wait until enabled again',
          params: EndpointParams,
          response: { 200: EndpointAnswer, ...errorResponses },
        },
      },
      async (request) => ({ endpoint: await endpoints.setEnabled(caller(request), request.params.id, enabled) }),
    );
  }

  app.post(
    `${one}/rotate-secret`,
    { ...guard('write'), schema: { tags, summary: 'New signing secret; the old one also signs for 24 hours', params: EndpointParams, response: { 200: EndpointWithSecret, ...errorResponses } } },
    async (request) => endpoints.rotateSecret(caller(request), request.params.id),
  );

  app.get(
    `${one}/secret`,
    { ...guard('write'), schema: { tags, summary: 'The current signing secret (each viewing is logged)', params: EndpointParams, response: { 200: SecretAnswer, ...errorResponses } } },
    async (request) => endpoints.revealSecret(caller(request), request.params.id),
  );

  app.post(
    `${one}/test`,
    { ...guard('write'), schema: { tags, summary: 'Send a ping event to this endpoint', params: EndpointParams, response: { 202: TestQueued, ...errorResponses } } },
    async (request, reply) => reply.status(202).send(await endpoints.sendTest(caller(request), request.params.id)),
  );

  app.get(
    `${one}/deliveries`,
    { ...guard('read'), schema: { tags, summary: 'Delivery log, newest first', params: EndpointParams, querystring: DeliveriesQuery, response: { 200: DeliveryList, ...errorResponses } } },
    async (request) => {
      const q = request.query;
      const { items, total } = await endpoints.deliveries(caller(request), request.params.id, {
        state: q.state,
        eventType: q.eventType,
        eventId: q.eventId,
        limit: q.limit,
        offset: q.offset,
      });
      return { items: items.map(deliveryView), total };
    },
  );

  app.get(
    `${one}/deliveries/:deliveryId`,
    { ...guard('read'), schema: { tags, summary: 'One delivery with its payload and every attempt', params: DeliveryParams, response: { 200: DeliveryDetail, ...errorResponses } } },
    async (request) => {
      const { delivery, attempts, payload } = await endpoints.delivery(caller(request), request.params.id, request.params.deliveryId);
      return { delivery: deliveryView(delivery), attempts: attempts.map(attemptView), payload };
    },
  );

  app.post(
    `${one}/deliveries/:deliveryId/replay`,
    {
      ...guard('write'),
      schema: { tags, summary: 'Send this event again (same webhook-id); a delivery still retrying is tried now', params: DeliveryParams, response: { 202: DeliveryQueued, ...errorResponses } },
    },
    async (request, reply) => reply.status(202).send(await endpoints.replayDelivery(caller(request), request.params.id, request.params.deliveryId)),
  );

  app.post(
    `${one}/replay`,
    {
      ...guard('write'),
      schema: { tags, summary: 'Send again every event since a time that this endpoint takes', params: EndpointParams, body: ReplayBody, response: { 202: ReplayQueued, ...errorResponses, 422: Type.Ref('ErrorResponse') } },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await endpoints.replaySince(caller(request), request.params.id, {
        since: new Date(b.since),
        until: b.until ? new Date(b.until) : undefined,
        onlyUndelivered: b.onlyUndelivered ?? false,
      });
      return reply.status(202).send(result);
    },
  );
};

/**
 * Scopes an API key needs for /v1/webhook-endpoints. They are not (yet) in api-key-auth.ts SCOPES,
 * so they are checked here by name; a key gets them like any other scope.
 */
export const WEBHOOK_SCOPES = { read: 'webhooks:read', write: 'webhooks:write' } as const;

export async function registerWebhookRoutes(app: Parameters<FastifyPluginAsyncTypebox>[0], deps: { db: Queryable; endpoints: WebhookEndpoints }): Promise<void> {
  const { db, endpoints } = deps;

  // The web UI: the signed-in customer is the tenant.
  await app.register(endpointRoutes, {
    endpoints,
    surface: {
      prefix: '/api/whatsapp/webhooks',
      tags: ['whatsapp webhooks'],
      guard: () => ({ config: { access: 'signed-in' } }),
      caller: (request) => ({ tenantId: userActor(request).userId, actor: userActor(request), meta: requestMeta(request), numberIds: null }),
    },
  });

  // Customers' code: an API key with webhooks:read / webhooks:write.
  const authenticate = apiKeyAuth(db);
  const scoped = (mode: 'read' | 'write') => async (request: FastifyRequest, reply: FastifyReply) => {
    await authenticate(request, reply);
    const scope = WEBHOOK_SCOPES[mode];
    // A write key may also read: managing endpoints needs to see them.
    const held = request.apiKey!.scopes as readonly string[];
    if (!held.includes(scope) && !(mode === 'read' && held.includes(WEBHOOK_SCOPES.write))) {
      throw forbidden(`This API key does not have the ${scope} permission.`, 'insufficient_scope');
    }
  };
  await app.register(endpointRoutes, {
    endpoints,
    surface: {
      prefix: '/v1/webhook-endpoints',
      tags: ['v1 webhook endpoints'],
      // onRequest: the key is checked before the body is read, as sessions are.
      guard: (mode) => ({ onRequest: scoped(mode) }),
      caller: (request) => {
        const key = request.apiKey!;
        return { tenantId: key.tenantId, actor: apiKeyActor(key), meta: requestMeta(request), numberIds: key.numberIds };
      },
    },
  });
}
