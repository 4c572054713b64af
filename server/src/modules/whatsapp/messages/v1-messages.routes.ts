import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../../db/index.js';
import { AppError, badRequest } from '../../../platform/errors.js';
import { idempotencyKeyOf, requestFingerprint } from './idempotency.js';
import { metaErrorAsV1, platformErrorAsV1 } from './meta-errors.js';
import { answerIdempotently, keySender, principalOf, type Rendered, type SendGate } from './send-http.js';
import { MetaRefusal, type SendOutcome, type SendService } from './send.service.js';
import { MESSAGE_OBJECT_TYPES, V1_ERRORS, V1ReadResult, V1SendBody, V1SendResult } from './v1-messages.schemas.js';

/**
 * POST /v1/messages — the platform's own send API (README.md beside this file). Authorization:
 * Bearer <API key with messages:send>; optional Idempotency-Key. 200 when Meta accepted the message
 * (with its wamid), 202 when it is queued (throughput, or Meta's answer is pending), errors in the
 * platform's format with Meta's code in `error.meta` when Meta (or its rules) refused it.
 */

/** The Meta request body for a /v1 body: the type's own object only, and nothing the caller did not send. */
function metaBodyOf(body: V1SendBody): Record<string, unknown> {
  if (body.status === 'read') {
    if (!body.message_id) throw badRequest('validation_failed', 'A read receipt needs message_id.', [{ field: 'message_id', message: 'is required with status "read"' }]);
    const extra = MESSAGE_OBJECT_TYPES.filter((t) => body[t] !== undefined).concat(body.to !== undefined ? ['to' as never] : []);
    if (extra.length) throw badRequest('validation_failed', `A read receipt carries no message: remove ${extra.join(', ')}.`);
    return { messaging_product: 'whatsapp', status: 'read', message_id: body.message_id, ...(body.typing_indicator ? { typing_indicator: body.typing_indicator } : {}) };
  }
  const missing = [...(body.to === undefined ? ['to'] : []), ...(body.type === undefined ? ['type'] : [])];
  if (missing.length) throw badRequest('validation_failed', `Some fields are missing: ${missing.join(', ')}.`, missing.map((field) => ({ field, message: 'is required' })));
  const type = body.type!;
  const others = MESSAGE_OBJECT_TYPES.filter((t) => t !== type && body[t] !== undefined);
  if (others.length) throw badRequest('validation_failed', `A ${type} message carries only its "${type}" object: remove ${others.join(', ')}.`, others.map((field) => ({ field, message: `does not belong to a ${type} message` })));
  if (body.message_id !== undefined || body.typing_indicator !== undefined) throw badRequest('validation_failed', 'message_id and typing_indicator belong to read receipts (status "read").');
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: body.to,
    type,
    ...(body[type] !== undefined ? { [type]: body[type] } : {}),
    ...(body.context ? { context: body.context } : {}),
    ...(body.biz_opaque_callback_data !== undefined ? { biz_opaque_callback_data: body.biz_opaque_callback_data } : {}),
  };
}

export function renderV1(outcome: SendOutcome): Rendered {
  if (outcome.kind === 'read') return { status: 200, store: true, body: { status: 'read', messageId: outcome.messageId, success: outcome.response.success } };
  const m = outcome.message;
  return {
    status: outcome.kind === 'accepted' ? 200 : 202,
    store: true,
    body: {
      id: m.id,
      status: m.status,
      wamid: m.wamid,
      from: { numberId: m.numberId, phoneNumberId: m.phoneNumberId },
      to: m.input,
      waId: m.waId,
      type: m.type,
      category: m.category,
      reservedPaise: m.reservedPaise,
      ...(m.messageStatus ? { messageStatus: m.messageStatus } : {}),
      ...(m.note ? { note: m.note } : {}),
    },
  };
}

/** The platform's error answer for what the send refused; only a refusal of a written message is replayed. */
export function renderV1Error(err: unknown, request: FastifyRequest): Rendered {
  const requestId = String(request.id);
  if (err instanceof MetaRefusal) return { ...metaErrorAsV1(err.info, requestId), store: Boolean(err.sent) };
  if (err instanceof AppError) return { ...platformErrorAsV1(err, requestId), store: false };
  throw err;
}

export const v1MessagesRoutes: FastifyPluginAsyncTypebox<{ db: Db; send: SendService; gate: SendGate }> = async (app, { db, send, gate }) => {
  app.post(
    '/v1/messages',
    {
      onRequest: gate.gate('messages:send'),
      schema: {
        tags: ['whatsapp-api'],
        summary: 'Send a WhatsApp message (or mark one read)',
        description:
          'Authorization: Bearer <API key> with the messages:send permission. Optional header Idempotency-Key (1–255 characters): a retry with the same key and body answers the first result and never sends or bills twice. 200 = accepted by WhatsApp, 202 = queued (sent shortly, or WhatsApp\'s answer is pending).',
        body: V1SendBody,
        response: { 200: Type.Union([V1SendResult, V1ReadResult]), 202: V1SendResult, ...V1_ERRORS },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
      const metaBody = metaBodyOf(request.body);
      const number = await gate.resolveNumber(principal, request.body.from);
      return answerIdempotently(db, reply, { tenantId: principal.tenantId, key: idempotencyKey, fingerprint: () => requestFingerprint('v1/messages', number.id, request.body) }, async () => {
        try {
          return renderV1(await send.send(keySender(principal, request, 'api'), number, metaBody, { queueOnThroughput: true }));
        } catch (err) {
          return renderV1Error(err, request);
        }
      });
    },
  );
};
