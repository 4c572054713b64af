import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError, notFound } from '../../platform/errors.js';
import type { FileLinks } from '../../platform/file-links.js';
import { requestMeta } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import { StorageNotFoundError, type FileStore } from '../../platform/storage/index.js';

/** Downloads through signed, short-lived links (platform/file-links.ts). */
export const fileRoutes: FastifyPluginAsyncTypebox<{ links: FileLinks; store: FileStore }> = async (app, { links, store }) => {
  app.get(
    '/api/files/:token',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['files'],
        summary: 'Download a file through a link the API handed out (valid 5 minutes, for the user it was made for)',
        params: Type.Object({ token: Type.String({ minLength: 40, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) }),
        produces: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'],
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), 410: Type.Ref('ErrorResponse'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const viewer = request.signedIn!;
      const link = links.verify(request.params.token, viewer.userId);
      if (link === 'expired') throw new AppError(410, 'link_expired', 'This download link has expired. Open the page again for a fresh link.');
      if (!link) throw notFound('File');
      const resolve = links.resolver(link.resource);
      const meta = requestMeta(request);
      const file = resolve ? await resolve(link.id, viewer, { ip: meta.ip, userAgent: meta.userAgent, requestId: String(request.id) }) : null;
      if (!file) throw notFound('File');
      let stream;
      try {
        stream = await store.get(file.objectKey);
      } catch (err) {
        if (err instanceof StorageNotFoundError) {
          request.log.error({ objectKey: file.objectKey }, 'a stored file is missing');
          throw notFound('File');
        }
        throw err;
      }
      if (file.onServe) await file.onServe();
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `${file.disposition}; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin')
        .send(stream);
    },
  );
};
