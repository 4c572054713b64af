import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/index.js';
import { AppError, tooManyRequests } from '../../../platform/errors.js';
import { rateLimit, userActor } from '../../../platform/http.js';
import { errorResponses } from '../../../platform/schemas.js';
import { requireInbox } from './inbox-access.js';
import { TenantQuery } from './inbox.schemas.js';
import type { InboxStreamHub, StreamClient } from './stream-hub.js';

/**
 * GET /api/whatsapp/inbox/stream?tenantId=…: server-sent events of one inbox for as long as the
 * session lives (README.md "Live updates" lists the events). The browser's EventSource reconnects by
 * itself; every (re)connection starts with `ready`, after which the page reloads what it shows.
 */

const tags = ['whatsapp team inbox'];
/** One person's open streams in one process: a few tabs and devices, not a leak. */
const MAX_STREAMS_PER_USER = 20;
const perUser = (r: FastifyRequest) => r.signedIn?.userId ?? r.ip;

export const streamRoutes: FastifyPluginAsyncTypebox<{ db: Db; hub: InboxStreamHub }> = async (app, { db, hub }) => {
  app.get(
    '/api/whatsapp/inbox/stream',
    {
      config: { access: 'signed-in' },
      preHandler: rateLimit(db, { name: 'wa-inbox-stream', limit: 120, windowSeconds: 600, key: perUser }),
      schema: {
        tags,
        summary: 'Live updates of an inbox (text/event-stream): ready, message, status, note, conversation, team, resync, heartbeat, end',
        querystring: TenantQuery,
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses, 503: Type.Ref('ErrorResponse') },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const tenantId = request.query.tenantId;
      const role = await requireInbox(db, actor.userId, tenantId);
      // HEAD learns that the stream exists; only GET holds a connection open.
      if (request.method === 'HEAD') return reply.header('content-type', 'text/event-stream; charset=utf-8').send();
      if (hub.countFor(actor.userId) >= MAX_STREAMS_PER_USER) throw tooManyRequests('Too many live inbox windows are open. Close some tabs.', 30, 'too_many_streams');

      const out = new PassThrough();
      let ended = false;
      const write = (event: string, data: unknown) => {
        if (!ended) out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const client: StreamClient = {
        userId: actor.userId,
        sessionId: actor.sessionId,
        tenantId,
        role,
        send: write,
        end(reason) {
          if (ended) return;
          write('end', { reason });
          ended = true;
          hub.remove(client);
          out.end();
        },
      };
      try {
        await hub.add(client);
      } catch (err) {
        request.log.error({ err }, 'team inbox: could not listen for changes');
        throw new AppError(503, 'live_updates_unavailable', 'Live updates are not available right now. The inbox still works; reload to see new messages.');
      }
      reply.raw.on('close', () => {
        ended = true;
        hub.remove(client);
        out.destroy();
      });
      reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no');
      // The browser waits this long before reconnecting after the stream ended.
      out.write('retry: 3000\n\n');
      write('ready', { tenantId, role, heartbeatSeconds: Math.round(hub.heartbeatMs / 1000) });
      return reply.send(out);
    },
  );
};
