import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { rateLimit, requestMeta, userActor } from '../../../platform/http.js';
import { Strict, Timestamp, Uuid, errorResponses } from '../../../platform/schemas.js';
import type { PhoneReply, PhoneService } from './phone.service.js';

/**
 * "Be the phone" for the web app: the tenant's simulator numbers, the chats each has with simulated
 * people, what those people's phones received, and replies sent as them (inbound webhooks).
 */

const tags = ['whatsapp simulator phone'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Json = Type.Object({}, { additionalProperties: true });
const NumberParams = Type.Object({ numberId: Uuid });
const ChatParams = Type.Object({ numberId: Uuid, waId: Type.String({ minLength: 6, maxLength: 32 }) });
const Wamid = Type.String({ minLength: 8, maxLength: 310 });
const profileName = { profileName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The simulated person’s WhatsApp profile name' })) };
const variant = <P extends TProperties>(kind: string, props: P) => Strict({ kind: Type.Literal(kind), ...props, ...profileName });

const ReplyBody = Type.Union([
  variant('text', { text: Type.String({ minLength: 1, maxLength: 4096 }), replyTo: Type.Optional(Wamid) }),
  variant('button', { replyTo: Wamid, payload: Type.String({ minLength: 1, maxLength: 256 }), text: Type.String({ minLength: 1, maxLength: 256 }) }),
  variant('button_reply', { replyTo: Wamid, id: Type.String({ minLength: 1, maxLength: 256 }), title: Type.String({ minLength: 1, maxLength: 20 }) }),
  variant('list_reply', { replyTo: Wamid, id: Type.String({ minLength: 1, maxLength: 200 }), title: Type.String({ minLength: 1, maxLength: 24 }), description: Type.Optional(Type.String({ maxLength: 72 })) }),
  variant('reaction', { messageId: Wamid, emoji: Type.String({ minLength: 1, maxLength: 16 }) }),
  variant('location', { latitude: Type.Number({ minimum: -90, maximum: 90 }), longitude: Type.Number({ minimum: -180, maximum: 180 }), name: Type.Optional(Type.String({ maxLength: 100 })), address: Type.Optional(Type.String({ maxLength: 200 })) }),
]);

const PhoneNumber = Type.Object({ id: Uuid, label: Type.String(), phoneNumberId: Type.String(), displayPhoneNumber: Nullable(Type.String()), verifiedName: Nullable(Type.String()) });
const Chat = Type.Object({
  waId: Type.String(),
  profileName: Type.String(),
  windowOpen: Type.Boolean(),
  windowOpenUntil: Nullable(Timestamp),
  marketing: Type.String(),
  lastMessageAt: Timestamp,
});
const PhoneMessage = Type.Object({
  id: Type.String(),
  direction: Type.Union([Type.Literal('outbound'), Type.Literal('inbound')]),
  type: Type.String(),
  content: Json,
  status: Type.String(),
  errorCode: Nullable(Type.Integer()),
  category: Nullable(Type.String()),
  createdAt: Timestamp,
});

export const phoneRoutes: FastifyPluginAsyncTypebox<{ db: Db; phone: PhoneService }> = async (app, { db, phone }) => {
  const access = { access: 'signed-in' as const };
  const tenantOf = (request: FastifyRequest) => userActor(request).userId;

  app.get(
    '/api/whatsapp/phone/numbers',
    { config: access, schema: { tags, summary: 'Your numbers that live in the built-in simulator (none where it does not run)', response: { 200: Type.Object({ available: Type.Boolean(), items: Type.Array(PhoneNumber) }), ...errorResponses } } },
    async (request) => ({
      available: phone.available,
      items: (await phone.numbers(tenantOf(request))).map((n) => ({ id: n.id, label: n.label, phoneNumberId: n.phone_number_id, displayPhoneNumber: n.display_phone_number, verifiedName: n.verified_name })),
    }),
  );

  app.get(
    '/api/whatsapp/phone/:numberId/chats',
    { config: access, schema: { tags, summary: 'The simulated people this number talks with', params: NumberParams, response: { 200: Type.Object({ items: Type.Array(Chat) }), ...errorResponses } } },
    async (request) => ({
      items: (await phone.chats(tenantOf(request), request.params.numberId)).map((c) => ({
        waId: c.wa_id,
        profileName: c.profile_name,
        windowOpen: c.window_open,
        windowOpenUntil: c.window_open_until,
        marketing: c.marketing,
        lastMessageAt: c.last_message_at,
      })),
    }),
  );

  app.get(
    '/api/whatsapp/phone/:numberId/chats/:waId',
    { config: access, schema: { tags, summary: 'What the simulated person’s phone received from the number, and sent to it', params: ChatParams, response: { 200: Type.Object({ items: Type.Array(PhoneMessage) }), ...errorResponses } } },
    async (request) => ({
      items: (await phone.chat(tenantOf(request), request.params.numberId, request.params.waId)).map((m) => ({
        id: m.id,
        direction: m.direction,
        type: m.type,
        content: m.content,
        status: m.status,
        errorCode: m.error_code,
        category: m.category,
        createdAt: m.created_at,
      })),
    }),
  );

  app.post(
    '/api/whatsapp/phone/:numberId/chats/:waId/messages',
    {
      config: access,
      preHandler: [rateLimit(db, { name: 'wa-phone-reply', limit: 120, windowSeconds: 60, key: (r) => r.signedIn?.userId ?? r.ip })],
      schema: {
        tags,
        summary: 'Write to the number as the simulated person (text, a button or list reply, a reaction, a location): it arrives as Meta’s inbound webhook',
        params: ChatParams,
        body: ReplyBody,
        response: { 201: Type.Object({ wamid: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const sent = await phone.reply(userActor(request), tenantOf(request), request.params.numberId, request.params.waId, request.body as PhoneReply & { profileName?: string }, requestMeta(request));
      return reply.status(201).send(sent);
    },
  );

  app.post(
    '/api/whatsapp/phone/:numberId/chats/:waId/read',
    { config: access, schema: { tags, summary: 'The simulated person reads the chat: delivered messages turn read', params: ChatParams, response: { 200: Type.Object({ read: Type.Integer() }), ...errorResponses } } },
    async (request) => phone.read(tenantOf(request), request.params.numberId, request.params.waId),
  );

  app.post(
    '/api/whatsapp/phone/:numberId/chats/:waId/marketing',
    {
      config: access,
      schema: {
        tags,
        summary: 'The simulated person stops or resumes marketing messages from the business (Meta’s user_preferences webhook)',
        params: ChatParams,
        body: Strict({ marketing: Type.Union([Type.Literal('stopped'), Type.Literal('subscribed')]) }),
        response: { 200: Type.Object({ marketing: Type.String() }), ...errorResponses },
      },
    },
    async (request) => phone.marketing(userActor(request), tenantOf(request), request.params.numberId, request.params.waId, request.body.marketing, requestMeta(request)),
  );
};
