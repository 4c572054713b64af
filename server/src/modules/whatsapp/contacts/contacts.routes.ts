import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { apiKeyActor, apiKeyAuth } from '../api-keys/api-key-auth.js';
import {
  ConsentBody,
  Contact,
  ContactDetail,
  ContactIdParams,
  ContactList,
  ContactRefParams,
  CreateBody,
  ImportBody,
  ImportReport,
  ListQuery,
  UpdateBody,
  V1ConsentBody,
  V1Contact,
  V1ContactDetail,
  V1CreateBody,
  V1ListQuery,
  toConsentEventDto,
  toContactDto,
  toV1ConsentEvent,
  toV1Contact,
  toWindowDto,
} from './contacts.schemas.js';
import type { ContactsService } from './contacts.service.js';

/**
 * Contacts and consent over HTTP: /api/whatsapp/contacts for the web app (the tenant is the signed-in
 * account) and /v1/contacts for customers' code (API keys with contacts:read / contacts:write). Both
 * call the same service; another tenant's contact is not found.
 */

const tags = ['whatsapp contacts'];
const v1Tags = ['v1 contacts'];
const errors = { ...errorResponses, 422: Type.Ref('ErrorResponse') };
const tenantOf = (request: FastifyRequest) => userActor(request).userId;

export const contactRoutes: FastifyPluginAsyncTypebox<{ db: Db; contacts: ContactsService }> = async (app, { db, contacts }) => {
  const access = { access: 'signed-in' as const };

  app.get(
    '/api/whatsapp/contacts',
    { config: access, schema: { tags, summary: 'Your contacts, newest first: search by name or number, filter by tag or consent', querystring: ListQuery, response: { 200: ContactList, ...errors } } },
    async (request) => {
      const { items, nextCursor } = await contacts.list(tenantOf(request), { ...request.query, limit: request.query.limit ?? 50 });
      return { items: items.map(toContactDto), nextCursor };
    },
  );

  app.post(
    '/api/whatsapp/contacts',
    { config: access, schema: { tags, summary: 'Add a contact, optionally with the proof of their opt-in', body: CreateBody, response: { 201: Type.Object({ contact: Contact }), ...errors } } },
    async (request, reply) => {
      const row = await contacts.create(userActor(request), tenantOf(request), request.body, 'ui', requestMeta(request));
      return reply.status(201).send({ contact: toContactDto(row) });
    },
  );

  app.post(
    '/api/whatsapp/contacts/import',
    {
      config: access,
      bodyLimit: 2_500_000,
      preHandler: [rateLimit(db, { name: 'wa-contacts-import', limit: 20, windowSeconds: 3600, key: (r) => r.signedIn?.userId ?? r.ip })],
      schema: { tags, summary: 'Import contacts from CSV (at most 5,000 rows): a report per row, opt-ins recorded with their proof', body: ImportBody, response: { 200: ImportReport, ...errors } },
    },
    async (request) => contacts.importCsv(userActor(request), tenantOf(request), request.body.csv, requestMeta(request)),
  );

  app.get(
    '/api/whatsapp/contacts/:id',
    { config: access, schema: { tags, summary: 'A contact with its consent history and customer-service windows', params: ContactIdParams, response: { 200: ContactDetail, ...errors } } },
    async (request) => {
      const d = await contacts.detail(tenantOf(request), request.params.id);
      return { contact: toContactDto(d.contact), history: d.history.map(toConsentEventDto), windows: d.windows.map((w) => toWindowDto(w)) };
    },
  );

  app.patch(
    '/api/whatsapp/contacts/:id',
    { config: access, schema: { tags, summary: 'Change a contact’s name or tags', params: ContactIdParams, body: UpdateBody, response: { 200: Type.Object({ contact: Contact }), ...errors } } },
    async (request) => ({ contact: toContactDto(await contacts.update(userActor(request), tenantOf(request), request.params.id, request.body, requestMeta(request))) }),
  );

  app.delete(
    '/api/whatsapp/contacts/:id',
    { config: access, schema: { tags, summary: 'Delete a contact without consent records (those are kept as proof)', params: ContactIdParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await contacts.remove(userActor(request), tenantOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/whatsapp/contacts/:id/consent',
    {
      config: access,
      schema: {
        tags,
        summary: 'Record an opt-in (with its evidence), an opt-out, or a stop / resume of marketing messages',
        params: ContactIdParams,
        body: ConsentBody,
        response: { 200: Type.Object({ contact: Contact }), ...errors },
      },
    },
    async (request) => {
      const { action, ...proof } = request.body;
      return { contact: toContactDto(await contacts.consent(userActor(request), tenantOf(request), request.params.id, action, proof, 'ui', requestMeta(request))) };
    },
  );
};

export const contactApiRoutes: FastifyPluginAsyncTypebox<{ db: Db; contacts: ContactsService }> = async (app, { db, contacts }) => {
  const read = apiKeyAuth(db, 'contacts:read');
  const write = apiKeyAuth(db, 'contacts:write');
  const principal = (request: FastifyRequest) => request.apiKey!;

  app.get(
    '/v1/contacts',
    { onRequest: read, schema: { tags: v1Tags, summary: 'List contacts, newest first', querystring: V1ListQuery, response: { 200: Type.Object({ data: Type.Array(V1Contact), next: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => {
      const { after, ...q } = request.query;
      const { items, nextCursor } = await contacts.list(principal(request).tenantId, { ...q, cursor: after, limit: q.limit ?? 50 });
      return { data: items.map(toV1Contact), next: nextCursor };
    },
  );

  app.post(
    '/v1/contacts',
    { onRequest: write, schema: { tags: v1Tags, summary: 'Create a contact, optionally with the proof of their opt-in', body: V1CreateBody, response: { 201: V1Contact, ...errors } } },
    async (request, reply) => {
      const { opt_in, ...rest } = request.body;
      const optIn = opt_in ? { method: opt_in.method, evidence: opt_in.evidence, ip: opt_in.ip, documentRef: opt_in.document_ref, occurredAt: opt_in.occurred_at } : undefined;
      const row = await contacts.create(apiKeyActor(principal(request)), principal(request).tenantId, { ...rest, optIn }, 'api', requestMeta(request));
      return reply.status(201).send(toV1Contact(row));
    },
  );

  app.get(
    '/v1/contacts/:contact',
    { onRequest: read, schema: { tags: v1Tags, summary: 'A contact (by id or WhatsApp number) with its consent history', params: ContactRefParams, response: { 200: V1ContactDetail, ...errors } } },
    async (request) => {
      const d = await contacts.detail(principal(request).tenantId, request.params.contact);
      return {
        ...toV1Contact(d.contact),
        consent_history: d.history.map(toV1ConsentEvent),
        service_windows: d.windows.map((w) => {
          const dto = toWindowDto(w);
          return { number_id: dto.numberId, last_inbound_at: dto.lastInboundAt, open_until: dto.openUntil, open: dto.open };
        }),
      };
    },
  );

  app.patch(
    '/v1/contacts/:contact',
    { onRequest: write, schema: { tags: v1Tags, summary: 'Change a contact’s name or tags', params: ContactRefParams, body: UpdateBody, response: { 200: V1Contact, ...errors } } },
    async (request) => toV1Contact(await contacts.update(apiKeyActor(principal(request)), principal(request).tenantId, request.params.contact, request.body, requestMeta(request))),
  );

  app.delete(
    '/v1/contacts/:contact',
    { onRequest: write, schema: { tags: v1Tags, summary: 'Delete a contact without consent records', params: ContactRefParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await contacts.remove(apiKeyActor(principal(request)), principal(request).tenantId, request.params.contact, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/contacts/:contact/consent',
    {
      onRequest: write,
      schema: { tags: v1Tags, summary: 'Record an opt-in (with evidence), an opt-out, or a marketing stop / resume', params: ContactRefParams, body: V1ConsentBody, response: { 200: V1Contact, ...errors } },
    },
    async (request) => {
      const b = request.body;
      const proof = { method: b.method, evidence: b.evidence, ip: b.ip, documentRef: b.document_ref, occurredAt: b.occurred_at };
      return toV1Contact(await contacts.consent(apiKeyActor(principal(request)), principal(request).tenantId, request.params.contact, b.action, proof, 'api', requestMeta(request)));
    },
  );
};
