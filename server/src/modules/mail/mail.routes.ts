import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { Strict, Timestamp, Uuid, errorResponses } from '../../platform/schemas.js';

const MailItem = Type.Object({
  id: Uuid,
  to: Type.String(),
  subject: Type.String(),
  bodyText: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.String(),
  status: Type.String(),
  createdAt: Timestamp,
  sentAt: Type.Union([Timestamp, Type.Null()]),
});

export const mailRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/api/admin/mail',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['mail'],
        summary: 'The mail outbox (the sandbox mailbox when no SMTP server is configured)',
        querystring: Strict({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
        response: { 200: Type.Object({ items: Type.Array(MailItem) }), ...errorResponses },
      },
    },
    async (request) => {
      const rows = await db.query<{ id: string; to_address: string; subject: string; body_text: string | null; purpose: string; status: string; created_at: Date; sent_at: Date | null }>(
        'SELECT * FROM mail_outbox ORDER BY created_at DESC LIMIT $1',
        [request.query.limit],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          to: r.to_address,
          subject: r.subject,
          bodyText: r.body_text,
          purpose: r.purpose,
          status: r.status,
          createdAt: r.created_at.toISOString(),
          sentAt: r.sent_at?.toISOString() ?? null,
        })),
      };
    },
  );
};
