import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Db } from '../../../db/index.js';
import { AppError } from '../../../platform/errors.js';
import { requestMeta } from '../../../platform/http.js';
import { MAX_UPLOAD_BYTES, uploadLimitFor } from '../../meta-sandbox/media-rules.js';
import { SimGraphError, missing } from '../../meta-sandbox/sim-errors.js';
import { apiKeyActor } from '../api-keys/api-key-auth.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';
import { idempotencyKeyOf, requestFingerprint } from './idempotency.js';
import { objectNotFound, type MediaService } from './media.service.js';
import { metaEnvelope, metaErrorInfo, platformErrorAsMeta } from './meta-errors.js';
import { answerIdempotently, keySender, principalOf, type Rendered, type SendGate } from './send-http.js';
import { MetaRefusal, type SendOutcome, type SendService } from './send.service.js';

/**
 * The Cloud API's own endpoints under /graph, authenticated by a platform API key as the Bearer
 * token, so an existing Cloud API SDK works by changing its base URL (README.md beside this file).
 * Requests are read as Meta reads them (unknown fields ignored; Meta's rules and error codes);
 * answers are Meta's — its response bodies, and errors in its envelope, Meta's own errors as Meta
 * sent them. These routes stay out of the platform's OpenAPI document: Meta's spec describes them.
 */

const VERSION = /^v[0-9]{1,3}\.[0-9]{1,2}$/;
const hide = { schema: { hide: true } } as const;

type VersionParams = { version: string; id: string };

function checkVersion(version: string): void {
  if (!VERSION.test(version)) throw new SimGraphError(2500, undefined, { whatsapp: false, message: `Unknown path components: /${version.slice(0, 40)}` });
}

/** The origin the caller used, so download URLs point back where the caller reaches the platform. */
function originOf(request: FastifyRequest, publicUrl: string): string {
  const pub = new URL(publicUrl);
  return request.host === pub.host ? pub.origin : `${request.protocol}://${request.host}`;
}

function sendError(reply: FastifyReply, status: number, body: unknown, retryAfterSeconds?: number) {
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return reply.status(status).send(body);
}

/** Meta's answer to a send outcome. */
export function renderGraph(outcome: SendOutcome, requestId: string): Rendered {
  if (outcome.kind === 'read') return { status: 200, store: true, body: outcome.response };
  if (outcome.kind === 'accepted') return { status: 200, store: true, body: outcome.response };
  // Only an unknown outcome is queued here: Meta's format has no "pending", and a blind resend
  // could deliver it twice, so the caller is told exactly that.
  return {
    status: 500,
    store: true,
    body: metaEnvelope(
      {
        httpStatus: 500,
        code: 131000,
        type: 'OAuthException',
        message: '(#131000) Something went wrong',
        details: `WhatsApp did not answer in time, so the message may have been sent (platform message id ${outcome.message.id}). Its status will follow by webhook; sending it again may deliver it twice.`,
        isTransient: false,
      },
      requestId,
      'outcome_unknown',
    ),
  };
}

function renderGraphError(err: unknown, requestId: string): Rendered {
  if (err instanceof MetaRefusal) {
    const headers: Record<string, string> = err.info.retryAfterSeconds !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(err.info.retryAfterSeconds))) } : {};
    return { status: err.info.httpStatus, headers, body: metaEnvelope(err.info, requestId), store: Boolean(err.sent) };
  }
  if (err instanceof AppError) {
    const m = platformErrorAsMeta(err, requestId);
    return { status: m.status, headers: err.headers ?? {}, body: m.body, store: false };
  }
  throw err;
}

export async function graphCompatRoutes(app: FastifyInstance, opts: { db: Db; send: SendService; media: MediaService; gate: SendGate; publicUrl: string }): Promise<void> {
  const { db, send, media, gate, publicUrl } = opts;

  app.setErrorHandler((err: FastifyError | AppError | SimGraphError | MetaRefusal | GraphApiError | GraphRequestError, request, reply) => {
    const requestId = String(request.id);
    if (err instanceof SimGraphError) return sendError(reply, err.httpStatus, metaEnvelope(metaErrorInfo(err), requestId), err.opts.retryAfterSeconds);
    if (err instanceof MetaRefusal) return sendError(reply, err.info.httpStatus, metaEnvelope(err.info, requestId), err.info.retryAfterSeconds);
    // Meta's own answer to a media call, passed on as Meta gave it.
    if (err instanceof GraphApiError) return sendError(reply, err.httpStatus, metaEnvelope(metaErrorInfo(err), requestId), err.retryAfterSeconds);
    if (err instanceof GraphRequestError) {
      request.log.warn({ err }, 'Graph API unreachable');
      return sendError(reply, 503, metaEnvelope({ httpStatus: 503, code: 2, type: 'OAuthException', message: '(#2) Service temporarily unavailable', details: 'WhatsApp could not be reached. Try again in a moment.', isTransient: true }, requestId));
    }
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      const m = platformErrorAsMeta(err, requestId);
      return reply.status(m.status).send(m.body);
    }
    // Fastify's own 4xx (bad JSON, body too large, wrong content type) are Meta's "Invalid parameter".
    const status = (err as FastifyError).statusCode ?? 500;
    if (status < 500) return sendError(reply, status, metaEnvelope({ httpStatus: status, code: 100, type: 'OAuthException', message: '(#100) Invalid parameter', details: err.message.slice(0, 300) }, requestId));
    request.log.error({ err }, 'graph-compatible endpoint failed');
    return sendError(reply, 500, metaEnvelope({ httpStatus: 500, code: 1, type: 'OAuthException', message: 'An unknown error has occurred.', isTransient: true }, requestId));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!.replace(/^\/graph/, '');
    return sendError(reply, 400, metaEnvelope({ httpStatus: 400, code: 2500, type: 'OAuthException', message: `Unknown path components: ${path.slice(0, 100)}` }, String(request.id)));
  });

  await app.register(multipart, {
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
    throwFileSizeLimit: true,
  });

  /** The caller's number by Meta's phone_number_id; any miss is Meta's "no such object". */
  async function numberFor(request: FastifyRequest, phoneNumberId: string, method: 'post' | 'get' | 'delete') {
    try {
      return await gate.resolveNumber(principalOf(request), phoneNumberId);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) throw objectNotFound(phoneNumberId, method);
      throw err;
    }
  }

  app.post<{ Params: VersionParams }>('/:version/:id/messages', { ...hide, onRequest: gate.gate('messages:send') }, async (request, reply) => {
    checkVersion(request.params.version);
    const principal = principalOf(request);
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
    const number = await numberFor(request, request.params.id, 'post');
    const requestId = String(request.id);
    return answerIdempotently(db, reply, { tenantId: principal.tenantId, key: idempotencyKey, fingerprint: () => requestFingerprint('graph/messages', number.id, request.body) }, async () => {
      try {
        return renderGraph(await send.send(keySender(principal, request, 'graph'), number, request.body, { queueOnThroughput: false }), requestId);
      } catch (err) {
        return renderGraphError(err, requestId);
      }
    });
  });

  app.post<{ Params: VersionParams }>('/:version/:id/media', { ...hide, bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024, onRequest: gate.gate('media:write') }, async (request) => {
    checkVersion(request.params.version);
    const principal = principalOf(request);
    const number = await numberFor(request, request.params.id, 'post');
    if (!request.isMultipart()) throw missing('file');
    const fields: Record<string, string> = {};
    let file: { data: Buffer; mimeType: string; filename: string | undefined } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          continue;
        }
        // Meta's limit for the declared type, enforced while the file streams in.
        const declared = fields.type || part.mimetype;
        const limit = uploadLimitFor(declared);
        if (limit === null) {
          part.file.resume();
          throw new SimGraphError(131053, `Param file must be a file of a type WhatsApp accepts. Received file of type '${declared.slice(0, 100)}'.`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file) {
          size += (chunk as Buffer).length;
          if (size > limit) {
            part.file.resume();
            throw new SimGraphError(131053, `File of type ${declared.slice(0, 100)} is larger than ${limit} bytes, the limit for its type.`);
          }
          chunks.push(chunk as Buffer);
        }
        file = { data: Buffer.concat(chunks), mimeType: part.mimetype, filename: part.filename || undefined };
      }
    } catch (err) {
      if (err instanceof SimGraphError) throw err;
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new SimGraphError(131053, `The file is larger than ${MAX_UPLOAD_BYTES} bytes.`);
      throw new SimGraphError(100, `The upload could not be read: ${(err as Error).message.slice(0, 200)}`);
    }
    if (fields.messaging_product === undefined) throw missing('messaging_product');
    if (fields.messaging_product !== 'whatsapp') throw new SimGraphError(100, 'Param messaging_product must be whatsapp.');
    if (!file) throw missing('file');
    return media.upload(principal, number, { ...file, mimeType: fields.type || file.mimeType }, apiKeyActor(principal), requestMeta(request));
  });

  app.get<{ Params: { token: string } }>('/media-downloads/:token', { ...hide, onRequest: gate.gate('media:read') }, async (request, reply) => {
    const file = await media.download(principalOf(request), request.params.token);
    // Like Meta's expired URL: 404, fetch a fresh one through GET /{media-id}.
    if (!file) return sendError(reply, 404, metaEnvelope({ httpStatus: 404, code: 100, type: 'OAuthException', message: '(#100) Invalid parameter', details: 'The media URL has expired or is not valid; retrieve a new one.' }, String(request.id)));
    return reply
      .header('content-type', file.contentType ?? 'application/octet-stream')
      .header('content-length', String(file.data.length))
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-disposition', 'attachment')
      .send(file.data);
  });

  app.get<{ Params: VersionParams }>('/:version/:id', { ...hide, onRequest: gate.gate('media:read') }, async (request) => {
    checkVersion(request.params.version);
    return media.describe(principalOf(request), request.params.id, originOf(request, publicUrl));
  });

  app.delete<{ Params: VersionParams }>('/:version/:id', { ...hide, onRequest: gate.gate('media:write') }, async (request) => {
    checkVersion(request.params.version);
    const principal = principalOf(request);
    return media.remove(principal, request.params.id, apiKeyActor(principal), requestMeta(request));
  });
}
