import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Strict, errorResponses } from '../../platform/schemas.js';
import type { MetaSandbox } from './meta-sandbox.service.js';

/**
 * The simulator's own admin API under /sandbox/graph/_sim: create simulated numbers (with their
 * business account and an access token), set how they behave (throughput, restrictions, webhook
 * batching and duplicates, how a stopped user's marketing is refused), configure simulated users, play a user writing in, read what a user's
 * phone received, move templates between statuses, and look at the webhooks owed. It speaks the
 * platform's error format. It exists only where the simulator does: never in production.
 */

const tags = ['meta-sandbox'];
const PhoneNumberId = Type.String({ pattern: '^[0-9]{15}$' });
const WaId = Type.String({ pattern: '^[0-9]{7,15}$' });
const Open = Type.Object({}, { additionalProperties: true });

const QualityRating = Type.Union([Type.Literal('GREEN'), Type.Literal('YELLOW'), Type.Literal('RED'), Type.Literal('UNKNOWN')]);
const LimitTier = Type.Union(['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'].map((t) => Type.Literal(t)));
const ThroughputLevel = Type.Union([Type.Literal('STANDARD'), Type.Literal('HIGH'), Type.Literal('NOT_APPLICABLE')]);

const NumberView = Type.Object({
  phone_number_id: Type.String(),
  waba_id: Type.String(),
  display_phone_number: Type.String(),
  verified_name: Type.String(),
  quality_rating: Type.String(),
  messaging_limit_tier: Type.String(),
  throughput_level: Type.String(),
  mps: Type.Integer(),
  pair_limit: Type.Integer(),
  restriction: Type.Union([Type.String(), Type.Null()]),
  webhook_batching: Type.String(),
  duplicate_webhooks: Type.Boolean(),
  marketing_stop_refusal: Type.String(),
  created_at: Type.String(),
});

const CreateNumber = Strict({
  display_phone_number: Type.Optional(Type.String({ maxLength: 20 })),
  verified_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  waba_id: Type.Optional(Type.String({ pattern: '^[0-9]{15}$' })),
  waba_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  quality_rating: Type.Optional(QualityRating),
  messaging_limit_tier: Type.Optional(LimitTier),
  throughput_level: Type.Optional(ThroughputLevel),
  mps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
});

const UpdateNumber = Strict({
  verified_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  quality_rating: Type.Optional(QualityRating),
  messaging_limit_tier: Type.Optional(LimitTier),
  throughput_level: Type.Optional(ThroughputLevel),
  mps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pair_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  restriction: Type.Optional(Type.Union([Type.Literal('policy_blocked'), Type.Literal('spam_rate_limited'), Type.Null()])),
  webhook_batching: Type.Optional(Type.Union([Type.Literal('never'), Type.Literal('sometimes'), Type.Literal('always')])),
  duplicate_webhooks: Type.Optional(Type.Boolean()),
  marketing_stop_refusal: Type.Optional(
    Type.Union([Type.Literal('async'), Type.Literal('sync')], { description: 'A marketing template to a user who stopped marketing: a failed status 131050 (async) or the send refused with 131050 (sync).' }),
  ),
});

const InboundMessage = Type.Object(
  {
    type: Type.Union(['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'system', 'unsupported'].map((t) => Type.Literal(t))),
    id: Type.Optional(Type.String({ maxLength: 310, description: 'Replay this wamid instead of minting one.' })),
    reply_to: Type.Optional(Type.String({ maxLength: 200, description: 'The wamid this message replies to (becomes context).' })),
    referral: Type.Optional(Open),
    media_url: Type.Optional(Type.Boolean({ description: 'Put a download URL into the media object, as newer webhooks do.' })),
  },
  { additionalProperties: true, description: 'Meta’s inbound message object without from, id and timestamp: e.g. {"type":"text","text":{"body":"Hi"}}.' },
);

const Inbound = Strict({
  phone_number_id: PhoneNumberId,
  from: Type.String({ minLength: 7, maxLength: 20 }),
  profile_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  messages: Type.Array(InboundMessage, { minItems: 1, maxItems: 100 }),
  batch: Type.Optional(Type.Boolean({ description: 'All messages in one POST (default) or one POST each.' })),
  duplicate: Type.Optional(Type.Boolean({ description: 'Deliver the webhook twice, as Meta’s retries can.' })),
});

const UserSettings = Strict({
  profile_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  undeliverable: Type.Optional(Type.Union([Type.Literal('async'), Type.Literal('sync'), Type.Null()])),
  auto_read: Type.Optional(Type.Boolean()),
});

const TemplateStatus = Strict({
  status: Type.Union(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'LIMIT_EXCEEDED', 'ARCHIVED', 'LOCKED'].map((t) => Type.Literal(t))),
  reason: Type.Optional(Type.String({ maxLength: 100 })),
  quality_pacing: Type.Optional(Type.Boolean()),
  category: Type.Optional(Type.Union([Type.Literal('MARKETING'), Type.Literal('UTILITY'), Type.Literal('AUTHENTICATION')])),
});

/** For the routes whose body is all optional: no body at all counts as {}. */
const emptyBody = async (request: FastifyRequest) => {
  request.body ??= {};
};

export async function simAdminRoutes(app: FastifyInstance, opts: { sandbox: MetaSandbox }): Promise<void> {
  const { sandbox } = opts;

  app.post<{ Body: Static<typeof CreateNumber> }>(
    '/numbers',
    {
      preValidation: emptyBody,
      schema: {
        tags,
        summary: 'Create a simulated number (with a new business account and hello_world template unless waba_id is given) and an access token',
        body: CreateNumber,
        response: {
          201: Type.Intersect([NumberView, Type.Object({ access_token: Type.String(), app_id: Type.String(), graph_url: Type.String(), api_version: Type.String() })]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await sandbox.createNumber(request.body)),
  );

  app.get('/numbers', { schema: { tags, summary: 'Simulated numbers', response: { 200: Type.Object({ data: Type.Array(NumberView) }) } } }, async () => ({ data: await sandbox.listSimNumbers() }));

  app.get<{ Params: { id: string } }>(
    '/numbers/:id',
    { schema: { tags, summary: 'One simulated number', params: Type.Object({ id: PhoneNumberId }), response: { 200: NumberView, ...errorResponses } } },
    async (request) => sandbox.getNumber(request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: Static<typeof UpdateNumber> }>(
    '/numbers/:id',
    { schema: { tags, summary: 'Change how a simulated number behaves', params: Type.Object({ id: PhoneNumberId }), body: UpdateNumber, response: { 200: NumberView, ...errorResponses } } },
    async (request) => sandbox.updateNumber(request.params.id, request.body),
  );

  app.get<{ Params: { id: string } }>(
    '/numbers/:id/conversations',
    { schema: { tags, summary: 'The users this number talks with ("be the phone")', params: Type.Object({ id: PhoneNumberId }), response: { 200: Type.Object({ data: Type.Array(Open) }), ...errorResponses } } },
    async (request) => ({ data: await sandbox.conversations(request.params.id) }),
  );

  app.get<{ Params: { id: string; waId: string } }>(
    '/numbers/:id/conversations/:waId',
    {
      schema: {
        tags,
        summary: 'What one user’s phone received from the number, and what it sent',
        params: Type.Object({ id: PhoneNumberId, waId: WaId }),
        response: { 200: Type.Object({ data: Type.Array(Open) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await sandbox.conversationMessages(request.params.id, request.params.waId) }),
  );

  app.post<{ Params: { id: string; waId: string }; Body: { message_ids?: string[] } }>(
    '/numbers/:id/conversations/:waId/read',
    {
      preValidation: emptyBody,
      schema: {
        tags,
        summary: 'The user reads the chat: delivered messages (or the ones named) turn read, in one status webhook',
        params: Type.Object({ id: PhoneNumberId, waId: WaId }),
        body: Strict({ message_ids: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 1000 })) }),
        response: { 200: Type.Object({ read: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => sandbox.readByUser(request.params.id, request.params.waId, request.body.message_ids),
  );

  app.patch<{ Params: { id: string; waId: string }; Body: { marketing: 'subscribed' | 'stopped' | 'capped' } }>(
    '/numbers/:id/conversations/:waId',
    {
      schema: {
        tags,
        summary: 'The user stops or resumes marketing messages from this number (webhook user_preferences), or hits the marketing cap',
        params: Type.Object({ id: PhoneNumberId, waId: WaId }),
        body: Strict({ marketing: Type.Union([Type.Literal('subscribed'), Type.Literal('stopped'), Type.Literal('capped')]) }),
        response: { 200: Open, ...errorResponses },
      },
    },
    async (request) => sandbox.setMarketing(request.params.id, request.params.waId, request.body.marketing),
  );

  app.post<{ Body: Static<typeof Inbound> }>(
    '/inbound',
    {
      schema: {
        tags,
        summary: 'A simulated user sends messages to a number; the platform receives Meta-shaped webhooks',
        body: Inbound,
        response: { 201: Type.Object({ messages: Type.Array(Type.Object({ id: Type.String(), type: Type.String() })), webhooks: Type.Array(Type.String()) }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await sandbox.simulateInbound(request.body as Parameters<MetaSandbox['simulateInbound']>[0])),
  );

  app.put<{ Params: { waId: string }; Body: Static<typeof UserSettings> }>(
    '/users/:waId',
    {
      schema: {
        tags,
        summary: 'Configure a simulated WhatsApp user: profile name, not on WhatsApp (async or sync 131026), reads automatically',
        params: Type.Object({ waId: WaId }),
        body: UserSettings,
        response: { 200: Open, ...errorResponses },
      },
    },
    async (request) => sandbox.upsertUser(request.params.waId, request.body),
  );

  app.post<{ Params: { wabaId: string }; Body: { expires_in_seconds?: number } }>(
    '/wabas/:wabaId/tokens',
    {
      preValidation: emptyBody,
      schema: {
        tags,
        summary: 'Mint another access token for a simulated business account (optionally expiring)',
        params: Type.Object({ wabaId: PhoneNumberId }),
        body: Strict({ expires_in_seconds: Type.Optional(Type.Integer({ minimum: -86400, maximum: 31_536_000 })) }),
        response: { 201: Type.Object({ access_token: Type.String(), waba_id: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await sandbox.newToken(request.params.wabaId, request.body.expires_in_seconds)),
  );

  app.patch<{ Params: { wabaId: string }; Body: { mgmt_calls_per_hour?: number; name?: string } }>(
    '/wabas/:wabaId',
    {
      schema: {
        tags,
        summary: 'Change a simulated business account (management calls per hour before 80007)',
        params: Type.Object({ wabaId: PhoneNumberId }),
        body: Strict({ mgmt_calls_per_hour: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }),
        response: { 200: Open, ...errorResponses },
      },
    },
    async (request) => sandbox.updateWaba(request.params.wabaId, request.body),
  );

  app.post<{ Body: { access_token: string } }>(
    '/tokens/revoke',
    {
      schema: { tags, summary: 'Revoke an access token (calls with it then fail with code 0)', body: Strict({ access_token: Type.String({ minLength: 1, maxLength: 4096 }) }), response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await sandbox.revokeToken(request.body.access_token);
      return reply.status(204).send();
    },
  );

  app.patch<{ Params: { id: string }; Body: Static<typeof TemplateStatus> }>(
    '/templates/:id',
    {
      schema: {
        tags,
        summary: 'Move a template to a status (APPROVED, REJECTED, PAUSED, DISABLED, …) and send message_template_status_update',
        params: Type.Object({ id: PhoneNumberId }),
        body: TemplateStatus,
        response: { 200: Open, ...errorResponses },
      },
    },
    async (request) => sandbox.setTemplateStatus(request.params.id, request.body),
  );

  app.post(
    '/webhooks/verify',
    {
      schema: {
        tags,
        summary: 'Meta’s check of the callback URL: GET ?hub.mode=subscribe&hub.challenge&hub.verify_token; verified when it answers 200 with the challenge',
        response: { 200: Type.Object({ url: Type.String(), status: Type.Union([Type.Integer(), Type.Null()]), verified: Type.Boolean(), error: Type.Optional(Type.String()) }) },
      },
    },
    async () => sandbox.verifyWebhookUrl(),
  );

  app.get<{ Querystring: { phone_number_id?: string; limit?: number } }>(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'The webhooks the simulator owes or delivered, newest first',
        querystring: Strict({ phone_number_id: Type.Optional(PhoneNumberId), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Object({ data: Type.Array(Open) }), ...errorResponses },
      },
    },
    async (request) => ({ data: await sandbox.listWebhooks(request.query) }),
  );
}
