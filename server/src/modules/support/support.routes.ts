import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { acceptUploads } from '../../platform/uploads/index.js';
import {
  Attachment,
  CustomerTicketView,
  GrievanceOfficer,
  IdParams,
  OpenTicketBody,
  OwnListQuery,
  QueueItem,
  QueueQuery,
  ReplyBody,
  StaffReplyBody,
  StaffTicketView,
  StateBody,
  TicketSummary,
  UpdateBody,
} from './support.schemas.js';
import type { SupportService } from './support.service.js';

const tags = ['support'];
const staffTags = ['support desk'];
const STAFF = ['operator', 'admin'] as const;
const uploadErrors = { 413: Type.Ref('ErrorResponse'), 415: Type.Ref('ErrorResponse'), 422: Type.Ref('ErrorResponse'), 503: Type.Ref('ErrorResponse') };
const perUser = (request: { signedIn: { userId: string } | null }) => request.signedIn?.userId ?? 'anonymous';

/** Customers' tickets, attachments and the public grievance-officer contact. */
export const supportRoutes: FastifyPluginAsyncTypebox<{ db: Db; support: SupportService; maxUploadBytes: number }> = async (app, { db, support, maxUploadBytes }) => {
  // Multipart bodies are parsed only by the routes of this plugin.
  await acceptUploads(app as never, maxUploadBytes);

  app.get(
    '/api/support/grievance-officer',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'The grievance officer to contact about personal data (Digital Personal Data Protection Act, 2023)', response: { 200: GrievanceOfficer, ...errorResponses } },
    },
    async () => support.grievanceOfficer(),
  );

  app.get(
    '/api/support/tickets',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Your tickets, most recently active first', querystring: OwnListQuery, response: { 200: Type.Object({ items: Type.Array(TicketSummary), total: Type.Integer() }), ...errorResponses } },
    },
    async (request) => support.listOwn(userActor(request).userId, { states: request.query.state, limit: request.query.limit, offset: request.query.offset }),
  );

  app.post(
    '/api/support/tickets',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'support.open', limit: 10, windowSeconds: 3600, key: perUser }),
      schema: {
        tags,
        summary: 'Open a ticket, optionally about one of your payments, applications or WhatsApp messages, with files uploaded before',
        body: OpenTicketBody,
        response: { 201: CustomerTicketView, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await support.open(userActor(request), request.body, requestMeta(request))),
  );

  app.get(
    '/api/support/tickets/:id',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'One of your tickets with its conversation (internal staff notes are never included)', params: IdParams, response: { 200: CustomerTicketView, ...errorResponses } },
    },
    async (request) => support.view(userActor(request).userId, request.params.id),
  );

  app.post(
    '/api/support/tickets/:id/messages',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'support.reply', limit: 60, windowSeconds: 3600, key: perUser }),
      schema: { tags, summary: 'Reply on your ticket (a ticket waiting on you goes back to the support team)', params: IdParams, body: ReplyBody, response: { 200: CustomerTicketView, ...errorResponses } },
    },
    async (request) => support.reply(userActor(request), request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/support/tickets/:id/reopen',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Reopen your resolved ticket (within the reopen period)', params: IdParams, response: { 200: CustomerTicketView, ...errorResponses } },
    },
    async (request) => support.reopen(userActor(request), request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/support/tickets/:id/resolve',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Mark your ticket as solved', params: IdParams, response: { 200: CustomerTicketView, ...errorResponses } },
    },
    async (request) => support.resolve(userActor(request), request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/support/attachments',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'support.upload', limit: 60, windowSeconds: 3600, key: perUser }),
      schema: {
        tags,
        summary: 'Upload a file for a ticket message (multipart/form-data, one file: PDF, JPEG, PNG or WebP); send its id with the message within 24 hours',
        consumes: ['multipart/form-data'],
        response: { 201: Type.Object({ attachment: Attachment }), ...errorResponses, ...uploadErrors },
      },
    },
    async (request, reply) => reply.status(201).send({ attachment: await support.uploadAttachment(userActor(request), request, requestMeta(request)) }),
  );
};

/** The operators' desk: queue, ticket detail, replies and internal notes, state, priority, assignment. */
export const supportStaffRoutes: FastifyPluginAsyncTypebox<{ support: SupportService }> = async (app, { support }) => {
  app.get(
    '/api/staff/support/tickets',
    {
      config: { access: STAFF },
      schema: {
        tags: staffTags,
        summary: 'The ticket queue: most urgent first, then by SLA due time; overdue tickets are flagged',
        querystring: QueueQuery,
        response: { 200: Type.Object({ items: Type.Array(QueueItem), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const { state, assignee, ...rest } = request.query;
      return support.queue({
        ...rest,
        states: state?.length ? state : ['open', 'waiting_on_customer'],
        assignee: assignee === 'me' ? userActor(request).userId : assignee,
      });
    },
  );

  app.get(
    '/api/staff/support/assignees',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Operators and admins a ticket can be assigned to', response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() })) }), ...errorResponses } },
    },
    async () => ({ items: await support.assignees() }),
  );

  app.get(
    '/api/staff/support/tickets/:id',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'A ticket with its whole conversation, internal notes and timeline', params: IdParams, response: { 200: StaffTicketView, ...errorResponses } },
    },
    async (request) => support.staffView(userActor(request).userId, request.params.id),
  );

  app.post(
    '/api/staff/support/tickets/:id/messages',
    {
      config: { access: STAFF },
      schema: {
        tags: staffTags,
        summary: 'Reply to the customer (optionally moving the ticket to waiting on customer or resolved), or add an internal note',
        params: IdParams,
        body: StaffReplyBody,
        response: { 200: StaffTicketView, ...errorResponses },
      },
    },
    async (request) => support.staffReply(userActor(request), request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/staff/support/tickets/:id/state',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Move the ticket; the customer is notified', params: IdParams, body: StateBody, response: { 200: StaffTicketView, ...errorResponses } },
    },
    async (request) => support.staffMove(userActor(request), request.params.id, request.body.state, requestMeta(request)),
  );

  app.patch(
    '/api/staff/support/tickets/:id',
    {
      config: { access: STAFF },
      schema: { tags: staffTags, summary: 'Change priority (SLA due times follow) or assignment (null: unassigned)', params: IdParams, body: UpdateBody, response: { 200: StaffTicketView, ...errorResponses } },
    },
    async (request) => support.update(userActor(request), request.params.id, request.body, requestMeta(request)),
  );
};
