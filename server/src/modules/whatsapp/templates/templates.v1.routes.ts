import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta } from '../../../platform/http.js';
import { apiKeyActor, apiKeyAuth, type ApiPrincipal } from '../api-keys/api-key-auth.js';
import {
  CreateBody,
  DetailResponse,
  IdParams,
  ListQuery,
  ListResponse,
  PreviewResponse,
  SendComponentsBody,
  SyncBody,
  SyncResponse,
  TemplateResponse,
  templateErrors,
  toEventDto,
  toPreviewDto,
  toSyncResultDto,
  toTemplateDto,
} from './templates.schemas.js';
import type { Scope, TemplatesService } from './templates.service.js';

/**
 * The template manager for customers' code: `Authorization: Bearer <api key>` with
 * `templates:read` (list, get, preview) or `templates:write` (create, delete, sync). A key limited
 * to some numbers sees the templates of those numbers' business accounts only.
 */

const tags = ['v1 templates'];

function principal(request: FastifyRequest): ApiPrincipal {
  // apiKeyAuth ran in the route's onRequest hook, before the body was even read.
  return request.apiKey!;
}
const scopeOf = (request: FastifyRequest): Scope => ({ tenantId: principal(request).tenantId, numberIds: principal(request).numberIds });
const perTenant = (r: FastifyRequest) => r.apiKey?.tenantId ?? r.ip;

export const templateApiRoutes: FastifyPluginAsyncTypebox<{ db: Db; templates: TemplatesService }> = async (app, { db, templates }) => {
  const read = apiKeyAuth(db, 'templates:read');
  const write = apiKeyAuth(db, 'templates:write');

  app.get(
    '/v1/templates',
    { onRequest: read, schema: { tags, summary: 'List templates', querystring: ListQuery, response: { 200: ListResponse, ...templateErrors } } },
    async (request) => {
      const q = request.query;
      const { items, total } = await templates.list(scopeOf(request), q);
      return { items: items.map(toTemplateDto), total, limit: q.limit, offset: q.offset };
    },
  );

  app.post(
    '/v1/templates',
    {
      onRequest: write,
      preHandler: [rateLimit(db, { name: 'wa-template-create', limit: 30, windowSeconds: 600, key: perTenant })],
      schema: { tags, summary: 'Create a template and submit it to Meta (starts PENDING)', body: CreateBody, response: { 201: TemplateResponse, ...templateErrors } },
    },
    async (request, reply) => {
      const row = await templates.create(scopeOf(request), apiKeyActor(principal(request)), request.body, requestMeta(request));
      return reply.status(201).send({ template: toTemplateDto(row) });
    },
  );

  app.post(
    '/v1/templates/sync',
    {
      onRequest: write,
      preHandler: [rateLimit(db, { name: 'wa-template-sync', limit: 10, windowSeconds: 600, key: perTenant })],
      schema: { tags, summary: 'Fetch templates and their status from Meta now', body: SyncBody, response: { 200: SyncResponse, ...templateErrors } },
    },
    async (request) => ({ results: (await templates.syncNow(scopeOf(request), apiKeyActor(principal(request)), request.body, requestMeta(request))).map(toSyncResultDto) }),
  );

  app.get(
    '/v1/templates/:id',
    { onRequest: read, schema: { tags, summary: 'One template with its status history', params: IdParams, response: { 200: DetailResponse, ...templateErrors } } },
    async (request) => {
      const d = await templates.detail(scopeOf(request), request.params.id);
      return { template: toTemplateDto(d.template), events: d.events.map(toEventDto), preview: d.preview, expected: d.expected };
    },
  );

  app.post(
    '/v1/templates/:id/preview',
    {
      onRequest: read,
      schema: { tags, summary: 'Check a send’s template.components against the template and render it', params: IdParams, body: SendComponentsBody, response: { 200: PreviewResponse, ...templateErrors } },
    },
    async (request) => toPreviewDto(await templates.preview(scopeOf(request), request.params.id, request.body.components)),
  );

  app.delete(
    '/v1/templates/:id',
    { onRequest: write, schema: { tags, summary: 'Delete the template (this language) at Meta and here', params: IdParams, response: { 200: TemplateResponse, ...templateErrors } } },
    async (request) => ({ template: toTemplateDto(await templates.remove(scopeOf(request), apiKeyActor(principal(request)), request.params.id, requestMeta(request))) }),
  );
};
