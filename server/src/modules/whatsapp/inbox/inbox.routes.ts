import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { metaErrorAsV1 } from '../messages/meta-errors.js';
import { MetaRefusal } from '../messages/send.service.js';
import { V1_ERRORS } from '../messages/v1-messages.schemas.js';
import type { ConversationsService } from './conversations.service.js';
import {
  AssignBody,
  Conversation,
  ConversationDetail,
  ConversationList,
  IdParams,
  InboxTenant,
  ListQuery,
  Note,
  NoteBody,
  Overview,
  QuickReply,
  QuickReplyCreate,
  QuickReplyUpdate,
  ReplyBody,
  ReplyResult,
  TemplateOption,
  TenantQuery,
  Timeline,
  TimelineQuery,
} from './inbox.schemas.js';
import type { QuickRepliesService } from './quick-replies.service.js';
import type { ReplyService } from './reply.service.js';

/**
 * The team inbox over HTTP (README.md "API"). Every route is for signed-in people; which inbox they
 * may use is decided per request: the tenant's own, or one whose team they are in. Lists name the
 * inbox with `tenantId`; object routes find it from the object. Anything else answers 404.
 */

const tags = ['whatsapp team inbox'];
const access = { access: 'signed-in' as const };
const errors = { ...errorResponses, 422: Type.Ref('ErrorResponse') };
const perUser = (r: FastifyRequest) => r.signedIn?.userId ?? r.ip;

export const inboxRoutes: FastifyPluginAsyncTypebox<{ db: Db; conversations: ConversationsService; replies: ReplyService; quickReplies: QuickRepliesService }> = async (
  app,
  { db, conversations, replies, quickReplies },
) => {
  app.get(
    '/api/whatsapp/inbox/tenants',
    { config: access, schema: { tags, summary: 'The inboxes you can open: your own, and those of the teams you were invited to', response: { 200: Type.Object({ items: Type.Array(InboxTenant) }), ...errors } } },
    async (request) => conversations.tenants(userActor(request).userId),
  );

  app.get(
    '/api/whatsapp/inbox/overview',
    { config: access, schema: { tags, summary: 'Your role in an inbox, who can be assigned, its numbers and the filter counts', querystring: TenantQuery, response: { 200: Overview, ...errors } } },
    async (request) => conversations.overview(userActor(request).userId, request.query.tenantId),
  );

  app.get(
    '/api/whatsapp/inbox/conversations',
    {
      config: access,
      schema: { tags, summary: 'Conversations, latest message first: open/closed, mine/unassigned, by number, unread, search', querystring: ListQuery, response: { 200: ConversationList, ...errors } },
    },
    async (request) => conversations.list(userActor(request).userId, request.query),
  );

  app.get(
    '/api/whatsapp/inbox/conversations/:id',
    { config: access, schema: { tags, summary: 'One conversation with its 24-hour window', params: IdParams, response: { 200: ConversationDetail, ...errors } } },
    async (request) => conversations.detail(userActor(request).userId, request.params.id),
  );

  app.get(
    '/api/whatsapp/inbox/conversations/:id/timeline',
    {
      config: access,
      schema: { tags, summary: 'Messages and internal notes, newest page first (oldest first within a page)', params: IdParams, querystring: TimelineQuery, response: { 200: Timeline, ...errors } },
    },
    async (request) => conversations.timeline(userActor(request).userId, request.params.id, request.query),
  );

  app.get(
    '/api/whatsapp/inbox/conversations/:id/templates',
    {
      config: access,
      schema: { tags, summary: 'Approved templates of the conversation’s business account, for a reply outside the window', params: IdParams, response: { 200: Type.Object({ items: Type.Array(TemplateOption) }), ...errors } },
    },
    async (request) => conversations.templates(userActor(request).userId, request.params.id),
  );

  app.post(
    '/api/whatsapp/inbox/conversations/:id/read',
    { config: access, schema: { tags, summary: 'Mark the conversation read (for you)', params: IdParams, response: { 200: Type.Object({ conversation: Conversation }), ...errors } } },
    async (request) => ({ conversation: await conversations.markRead(userActor(request).userId, request.params.id) }),
  );

  app.post(
    '/api/whatsapp/inbox/conversations/:id/assign',
    {
      config: access,
      schema: { tags, summary: 'Assign to a team member, yourself, or nobody (null)', params: IdParams, body: AssignBody, response: { 200: Type.Object({ conversation: Conversation }), ...errors } },
    },
    async (request) => ({ conversation: await conversations.assign(userActor(request), request.params.id, request.body.assigneeId, requestMeta(request)) }),
  );

  app.post(
    '/api/whatsapp/inbox/conversations/:id/close',
    { config: access, schema: { tags, summary: 'Close the conversation (a new message from the person reopens it)', params: IdParams, response: { 200: Type.Object({ conversation: Conversation }), ...errors } } },
    async (request) => ({ conversation: await conversations.setStatus(userActor(request), request.params.id, 'closed', requestMeta(request)) }),
  );

  app.post(
    '/api/whatsapp/inbox/conversations/:id/reopen',
    { config: access, schema: { tags, summary: 'Reopen the conversation', params: IdParams, response: { 200: Type.Object({ conversation: Conversation }), ...errors } } },
    async (request) => ({ conversation: await conversations.setStatus(userActor(request), request.params.id, 'open', requestMeta(request)) }),
  );

  app.post(
    '/api/whatsapp/inbox/conversations/:id/notes',
    {
      config: access,
      preHandler: rateLimit(db, { name: 'wa-inbox-notes', limit: 120, windowSeconds: 600, key: perUser }),
      schema: { tags, summary: 'Add an internal note (seen by the team only, never sent to WhatsApp)', params: IdParams, body: NoteBody, response: { 201: Type.Object({ note: Note }), ...errors } },
    },
    async (request, reply) => reply.status(201).send({ note: await conversations.addNote(userActor(request), request.params.id, request.body.body, requestMeta(request)) }),
  );

  app.post(
    '/api/whatsapp/inbox/conversations/:id/messages',
    {
      config: access,
      preHandler: rateLimit(db, { name: 'wa-inbox-reply', limit: 300, windowSeconds: 600, key: perUser }),
      schema: {
        tags,
        summary: 'Reply: a text inside the 24-hour window (422 window_closed outside it), or an approved template with its parameters',
        params: IdParams,
        body: ReplyBody,
        response: { 200: ReplyResult, 202: ReplyResult, ...V1_ERRORS },
      },
    },
    async (request, reply) => {
      try {
        const result = await replies.reply(userActor(request), request.params.id, request.body, requestMeta(request));
        return reply.status(result.message.status === 'queued' ? 202 : 200).send(result);
      } catch (err) {
        if (!(err instanceof MetaRefusal)) throw err;
        const r = metaErrorAsV1(err.info, String(request.id));
        return reply.status(r.status as 422).headers(r.headers).send(r.body);
      }
    },
  );

  app.get(
    '/api/whatsapp/inbox/quick-replies',
    { config: access, schema: { tags, summary: 'The inbox’s quick replies, by shortcut', querystring: TenantQuery, response: { 200: Type.Object({ items: Type.Array(QuickReply) }), ...errors } } },
    async (request) => quickReplies.list(userActor(request).userId, request.query.tenantId),
  );

  app.post(
    '/api/whatsapp/inbox/quick-replies',
    { config: access, schema: { tags, summary: 'Save a quick reply (owner and managers)', body: QuickReplyCreate, response: { 201: Type.Object({ quickReply: QuickReply }), ...errors } } },
    async (request, reply) => reply.status(201).send(await quickReplies.create(userActor(request), request.body, requestMeta(request))),
  );

  app.patch(
    '/api/whatsapp/inbox/quick-replies/:id',
    { config: access, schema: { tags, summary: 'Change a quick reply (owner and managers)', params: IdParams, body: QuickReplyUpdate, response: { 200: Type.Object({ quickReply: QuickReply }), ...errors } } },
    async (request) => quickReplies.update(userActor(request), request.params.id, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/whatsapp/inbox/quick-replies/:id',
    { config: access, schema: { tags, summary: 'Delete a quick reply (owner and managers)', params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await quickReplies.remove(userActor(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
};
