import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SIGNATURE_HEADER } from '../webhook-signature.js';
import type { WebhookReceiver } from './webhook-receiver.js';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's largest webhook payload (CONTRACT §6: "Payload ≤3 MB"). */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

const tags = ['whatsapp webhooks'];
const ErrorRef = Type.Ref('ErrorResponse');

/**
 * Meta's calls to the platform, outside /api: no session, authenticated by the verify token (GET)
 * and the app secret's signature over the raw body (POST).
 */
export async function inboundRoutes(app: FastifyInstance, opts: { receiver: WebhookReceiver }): Promise<void> {
  const { receiver } = opts;

  app.get<{ Querystring: Record<string, string | undefined> }>(
    WHATSAPP_WEBHOOK_PATH,
    {
      schema: {
        tags,
        summary: 'Meta’s verification handshake: answers hub.challenge (text/plain) when hub.mode=subscribe and hub.verify_token is the platform’s or a number’s own',
        querystring: Type.Object(
          {
            'hub.mode': Type.Optional(Type.String({ maxLength: 40 })),
            'hub.verify_token': Type.Optional(Type.String({ maxLength: 512 })),
            'hub.challenge': Type.Optional(Type.String({ maxLength: 512 })),
          },
          { additionalProperties: true },
        ),
        response: { 200: Type.String(), 400: ErrorRef, 403: ErrorRef },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const challenge = q['hub.challenge'];
      const token = q['hub.verify_token'];
      const ok = q['hub.mode'] === 'subscribe' && typeof challenge === 'string' && /^[\x21-\x7e]{1,512}$/.test(challenge) && typeof token === 'string' && token.length > 0 && (await receiver.verifyToken(token));
      if (!ok) {
        return reply.status(403).send({ error: { code: 'verification_failed', message: 'The verify token does not match.', requestId: String(request.id) } });
      }
      return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send(challenge);
    },
  );

  await app.register(async (webhooks) => {
    // The signature is over the exact bytes: keep them, whatever the content type says.
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    webhooks.post(
      WHATSAPP_WEBHOOK_PATH,
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Meta’s webhook deliveries, signed with X-Hub-Signature-256 over the raw body; stored before the 200 and processed by a job',
          response: { 200: Type.Object({ status: Type.Literal('received'), id: Type.String() }), 400: ErrorRef, 401: ErrorRef, 413: ErrorRef },
        },
      },
      async (request: FastifyRequest) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers[SIGNATURE_HEADER];
        const id = await receiver.receive(raw, typeof header === 'string' ? header : undefined, { ip: request.ip ?? null });
        return { status: 'received' as const, id };
      },
    );
  });
}
