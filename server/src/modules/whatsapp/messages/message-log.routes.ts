import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { apiKeyAuth } from '../api-keys/api-key-auth.js';
import { CsvQuery, LogQuery, MessageDetail, MessageIdParams, MessageList, V1LogQuery, V1MessageDetail, V1MessageList, V1MessageParams, toDetailDto, toSummaryDto, toV1Detail, toV1Message } from './message-log.schemas.js';
import type { MessageLog } from './message-log.service.js';

/**
 * The message log over HTTP: /api/whatsapp/messages… for the web app (the tenant is the signed-in
 * account) and GET /v1/messages… for customers' code (messages:read; a key limited to some numbers
 * sees only their messages).
 */

const tags = ['whatsapp message log'];
const v1Tags = ['v1 messages'];

export const messageLogRoutes: FastifyPluginAsyncTypebox<{ log: MessageLog }> = async (app, { log }) => {
  const access = { access: 'signed-in' as const };
  const tenantOf = (request: FastifyRequest) => userActor(request).userId;

  app.get(
    '/api/whatsapp/messages',
    {
      config: access,
      schema: { tags, summary: 'Messages in both directions, newest first: filter by number, direction, status, type, template, contact, dates, text', querystring: LogQuery, response: { 200: MessageList, ...errorResponses } },
    },
    async (request) => {
      const { items, nextCursor } = await log.list(tenantOf(request), request.query);
      return { items: items.map(toSummaryDto), nextCursor };
    },
  );

  app.get(
    '/api/whatsapp/messages.csv',
    { config: access, schema: { tags, summary: 'The filtered message log as CSV (newest first, at most 50,000 rows)', querystring: CsvQuery, produces: ['text/csv'] } },
    async (request, reply) => {
      const { csv, truncated } = await log.csv(tenantOf(request), request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="whatsapp-messages-${new Date().toISOString().slice(0, 10)}.csv"`)
        .header('cache-control', 'no-store')
        .header('x-export-truncated', String(truncated))
        .send(csv);
    },
  );

  app.get(
    '/api/whatsapp/messages/:id',
    {
      config: access,
      schema: { tags, summary: 'One message with its timeline: status reports, errors, pricing, the webhooks that carried them, billing and the customer-service window', params: MessageIdParams, response: { 200: MessageDetail, ...errorResponses } },
    },
    async (request) => toDetailDto(await log.detail(tenantOf(request), request.params.id)),
  );
};

export const messageLogApiRoutes: FastifyPluginAsyncTypebox<{ db: Db; log: MessageLog }> = async (app, { db, log }) => {
  const read = apiKeyAuth(db, 'messages:read');

  app.get(
    '/v1/messages',
    { onRequest: read, schema: { tags: v1Tags, summary: 'The message log, newest first, with filters', querystring: V1LogQuery, response: { 200: V1MessageList, ...errorResponses } } },
    async (request) => {
      const p = request.apiKey!;
      const q = request.query;
      const { items, nextCursor } = await log.list(
        p.tenantId,
        { numberId: q.number_id, direction: q.direction, status: q.status, type: q.type, template: q.template, waId: q.wa_id, from: q.from, to: q.to, q: q.q, cursor: q.after, limit: q.limit },
        p.numberIds,
      );
      return { data: items.map(toV1Message), next: nextCursor };
    },
  );

  app.get(
    '/v1/messages/:id',
    { onRequest: read, schema: { tags: v1Tags, summary: 'One message (by id or wamid) with its status timeline', params: V1MessageParams, response: { 200: V1MessageDetail, ...errorResponses } } },
    async (request) => toV1Detail(await log.detail(request.apiKey!.tenantId, request.params.id, request.apiKey!.numberIds)),
  );
};
