import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError } from '../../platform/errors.js';
import { MAX_UPLOAD_BYTES } from './media-rules.js';
import { SANDBOX_GRAPH_PREFIX, type MetaSandbox } from './meta-sandbox.service.js';
import { SimGraphError, missing } from './sim-errors.js';

/**
 * Meta's Graph API as the simulator speaks it, under /sandbox/graph/{version}/…: sends, media,
 * phone numbers, templates. Errors leave in Meta's envelope (never the platform's), bodies are
 * checked by hand as Meta checks them (unknown fields are ignored, as Meta ignores them), and these
 * routes are kept out of the platform's OpenAPI document: Meta's spec describes them.
 */

const VERSION = /^v[0-9]{1,3}\.[0-9]{1,2}$/;
const hide = { schema: { hide: true } };

type Params = { version: string; id: string };
type Query = Record<string, string | undefined>;

/** Bearer token, or the access_token query parameter the Graph API also accepts. */
function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : undefined;
  }
  const q = (request.query as Query).access_token;
  return typeof q === 'string' ? q : undefined;
}

function checkVersion(version: string): void {
  if (!VERSION.test(version)) throw new SimGraphError(2500, undefined, { whatsapp: false, message: `Unknown path components: /${version.slice(0, 40)}` });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function send(reply: FastifyReply, err: SimGraphError) {
  if (err.opts.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.opts.retryAfterSeconds));
  return reply.status(err.httpStatus).send(err.body());
}

/** The origin the caller used, so download URLs point back where the caller can reach them. */
function originOf(request: FastifyRequest, publicUrl: string): string {
  const pub = new URL(publicUrl);
  return request.host === pub.host ? pub.origin : `${request.protocol}://${request.host}`;
}

export async function graphApiRoutes(app: FastifyInstance, opts: { sandbox: MetaSandbox; publicUrl: string }): Promise<void> {
  const { sandbox, publicUrl } = opts;

  app.setErrorHandler((err: FastifyError | SimGraphError | AppError, request, reply) => {
    if (err instanceof SimGraphError) return send(reply, err);
    // The platform's input guard (NUL characters, broken Unicode) and Fastify's own 4xx (bad JSON,
    // a body too large, an unsupported content type) become Meta's "Invalid parameter".
    const status = err instanceof AppError ? err.status : ((err as FastifyError).statusCode ?? 500);
    if (status < 500) return send(reply, new SimGraphError(100, err.message.slice(0, 300)));
    request.log.error({ err }, 'meta sandbox error');
    return send(reply, new SimGraphError(1, undefined, { whatsapp: false, isTransient: true, message: 'An unknown error has occurred.', httpStatus: 500 }));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!.slice(SANDBOX_GRAPH_PREFIX.length);
    return send(reply, new SimGraphError(2500, undefined, { whatsapp: false, message: `Unknown path components: ${path.slice(0, 100)}` }));
  });

  await app.register(multipart, {
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
    throwFileSizeLimit: true,
  });

  app.post<{ Params: Params }>('/:version/:id/messages', hide, async (request) => {
    checkVersion(request.params.version);
    return sandbox.send(request.params.id, tokenOf(request), request.body);
  });

  app.post<{ Params: Params }>('/:version/:id/media', { ...hide, bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024 }, async (request) => {
    checkVersion(request.params.version);
    if (!request.isMultipart()) throw missing('file');
    const fields: Record<string, string> = {};
    let file: { data: Buffer; mimeType: string; filename: string | undefined } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            part.file.resume();
            continue;
          }
          file = { data: await part.toBuffer(), mimeType: part.mimetype, filename: part.filename || undefined };
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new SimGraphError(131053, `The file is larger than ${MAX_UPLOAD_BYTES} bytes.`);
      throw new SimGraphError(100, `The upload could not be read: ${(err as Error).message.slice(0, 200)}`);
    }
    return sandbox.uploadMedia(request.params.id, tokenOf(request), { messagingProduct: fields.messaging_product, type: fields.type, file });
  });

  app.get<{ Params: Params; Querystring: Query }>('/:version/:id', hide, async (request) => {
    checkVersion(request.params.version);
    return sandbox.getNode(tokenOf(request), request.params.id, { fields: str(request.query.fields), phone_number_id: str(request.query.phone_number_id) }, originOf(request, publicUrl));
  });

  app.delete<{ Params: Params; Querystring: Query }>('/:version/:id', hide, async (request) => {
    checkVersion(request.params.version);
    return sandbox.deleteMedia(tokenOf(request), request.params.id, str(request.query.phone_number_id));
  });

  app.get<{ Params: Params; Querystring: Query }>('/:version/:id/message_templates', hide, async (request) => {
    checkVersion(request.params.version);
    const q = request.query;
    return sandbox.listTemplates(tokenOf(request), request.params.id, { name: str(q.name), status: str(q.status), category: str(q.category), language: str(q.language), limit: str(q.limit), after: str(q.after) });
  });

  app.post<{ Params: Params }>('/:version/:id/message_templates', hide, async (request) => {
    checkVersion(request.params.version);
    return sandbox.createTemplate(tokenOf(request), request.params.id, request.body);
  });

  app.delete<{ Params: Params; Querystring: Query }>('/:version/:id/message_templates', hide, async (request) => {
    checkVersion(request.params.version);
    return sandbox.deleteTemplate(tokenOf(request), request.params.id, { name: str(request.query.name), hsm_id: str(request.query.hsm_id) });
  });

  app.get<{ Params: Params; Querystring: Query }>('/:version/:id/phone_numbers', hide, async (request) => {
    checkVersion(request.params.version);
    const q = request.query;
    return sandbox.listNumbers(tokenOf(request), request.params.id, { fields: str(q.fields), limit: str(q.limit), after: str(q.after) });
  });

  // The download URL handed out by GET /{media-id} (Meta's lookaside.fbsbx.com/whatsapp_business/attachments/).
  app.get<{ Querystring: Query }>('/whatsapp_business/attachments/', hide, async (request, reply) => {
    const q = request.query;
    const file = await sandbox.download(tokenOf(request), { mid: str(q.mid), ext: str(q.ext), hash: str(q.hash) });
    // Meta answers an expired or unknown URL with 404: fetch a fresh one through GET /{media-id}.
    if (!file) return send(reply, new SimGraphError(100, 'The media URL has expired or is not valid; retrieve a new one.', { httpStatus: 404 }));
    return reply
      .header('content-type', file.mimeType)
      .header('content-length', String(file.content.length))
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment${file.filename ? `; filename="${file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"` : ''}`)
      .send(file.content);
  });
}
