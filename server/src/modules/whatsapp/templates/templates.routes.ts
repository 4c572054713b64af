import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { TEMPLATE_LANGUAGES } from './template-languages.js';
import {
  AccountsResponse,
  CreateBody,
  DetailResponse,
  DraftBody,
  DraftPreviewResponse,
  IdParams,
  LanguagesResponse,
  ListQuery,
  ListResponse,
  PreviewResponse,
  SendComponentsBody,
  SyncBody,
  SyncResponse,
  TemplateResponse,
  templateErrors,
  toAccountDto,
  toEventDto,
  toPreviewDto,
  toSyncResultDto,
  toTemplateDto,
} from './templates.schemas.js';
import type { Scope, TemplatesService } from './templates.service.js';

/**
 * The template manager for the web UI: a signed-in customer manages the templates of the business
 * accounts of their own numbers (the tenant is the signed-in account); another tenant's template or
 * number answers 404.
 */

const tags = ['whatsapp templates'];
const SIGNED_IN = 'signed-in' as const;
const scopeOf = (request: FastifyRequest): Scope => ({ tenantId: userActor(request).userId, numberIds: null });
const perTenant = (r: FastifyRequest) => r.signedIn?.userId ?? r.ip;

export const templateRoutes: FastifyPluginAsyncTypebox<{ db: Db; templates: TemplatesService }> = async (app, { db, templates }) => {
  app.get(
    '/api/whatsapp/templates',
    {
      config: { access: SIGNED_IN },
      schema: { tags, summary: 'Your templates: filter by number, status, category, language; search name and text', querystring: ListQuery, response: { 200: ListResponse, ...templateErrors } },
    },
    async (request) => {
      const q = request.query;
      const { items, total } = await templates.list(scopeOf(request), q);
      return { items: items.map(toTemplateDto), total, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    '/api/whatsapp/templates/accounts',
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'Your business accounts with their numbers and template sync state', response: { 200: AccountsResponse, ...templateErrors } } },
    async (request) => ({ items: (await templates.accounts(scopeOf(request))).map(toAccountDto) }),
  );

  app.get(
    '/api/whatsapp/templates/languages',
    { config: { access: SIGNED_IN }, schema: { tags, summary: 'Languages Meta offers for templates', response: { 200: LanguagesResponse, ...templateErrors } } },
    async () => ({ items: [...TEMPLATE_LANGUAGES] }),
  );

  app.post(
    '/api/whatsapp/templates',
    {
      config: { access: SIGNED_IN },
      preHandler: rateLimit(db, { name: 'wa-template-create', limit: 30, windowSeconds: 600, key: perTenant }),
      schema: { tags, summary: 'Create a template: checked against Meta’s rules, then submitted to Meta for review', body: CreateBody, response: { 201: TemplateResponse, ...templateErrors } },
    },
    async (request, reply) => {
      const row = await templates.create(scopeOf(request), userActor(request), request.body, requestMeta(request));
      return reply.status(201).send({ template: toTemplateDto(row) });
    },
  );

  app.post(
    '/api/whatsapp/templates/preview',
    {
      config: { access: SIGNED_IN },
      preHandler: rateLimit(db, { name: 'wa-template-preview', limit: 600, windowSeconds: 600, key: perTenant }),
      schema: { tags, summary: 'Check a draft against Meta’s rules and render it with its samples (the create form’s live preview)', body: DraftBody, response: { 200: DraftPreviewResponse, ...templateErrors } },
    },
    async (request) => templates.previewDraft(request.body),
  );

  app.post(
    '/api/whatsapp/templates/sync',
    {
      config: { access: SIGNED_IN },
      preHandler: rateLimit(db, { name: 'wa-template-sync', limit: 10, windowSeconds: 600, key: perTenant }),
      schema: { tags, summary: 'Sync now: fetch the templates and their status from Meta', body: SyncBody, response: { 200: SyncResponse, ...templateErrors } },
    },
    async (request) => ({ results: (await templates.syncNow(scopeOf(request), userActor(request), request.body, requestMeta(request))).map(toSyncResultDto) }),
  );

  app.get(
    '/api/whatsapp/templates/:id',
    {
      config: { access: SIGNED_IN },
      schema: { tags, summary: 'One template with its status history and a preview', params: IdParams, response: { 200: DetailResponse, ...templateErrors } },
    },
    async (request) => {
      const d = await templates.detail(scopeOf(request), request.params.id);
      return { template: toTemplateDto(d.template), events: d.events.map(toEventDto), preview: d.preview, expected: d.expected };
    },
  );

  app.post(
    '/api/whatsapp/templates/:id/preview',
    {
      config: { access: SIGNED_IN },
      schema: { tags, summary: 'Fill the template with a send’s parameters (or its samples) and check them', params: IdParams, body: SendComponentsBody, response: { 200: PreviewResponse, ...templateErrors } },
    },
    async (request) => toPreviewDto(await templates.preview(scopeOf(request), request.params.id, request.body.components)),
  );

  app.delete(
    '/api/whatsapp/templates/:id',
    {
      config: { access: SIGNED_IN },
      schema: { tags, summary: 'Delete the template (this language) at Meta and here', params: IdParams, response: { 200: TemplateResponse, ...templateErrors } },
    },
    async (request) => ({ template: toTemplateDto(await templates.remove(scopeOf(request), userActor(request), request.params.id, requestMeta(request))) }),
  );
};
