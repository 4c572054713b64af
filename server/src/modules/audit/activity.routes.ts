import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../../db/index.js';
import { toCsv } from '../../platform/csv.js';
import { userActor } from '../../platform/http.js';
import { Strict, Timestamp, errorResponses } from '../../platform/schemas.js';
import { findActivity, type ActivityFilter, type ActivityRow } from './activity.repo.js';

const tags = ['activity'];

const ActivityItem = Type.Object({
  id: Type.Integer(),
  occurredAt: Timestamp,
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  subjectUserId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  objectType: Type.Union([Type.String(), Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
const Page = Type.Object({ items: Type.Array(ActivityItem), nextBefore: Type.Union([Type.Integer(), Type.Null()]) });

const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  // Ids are bigint; a larger number would fail in the query instead of validation.
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
};
const MyQuery = Strict(paging);
const AdminQuery = Strict({
  ...paging,
  action: Type.Optional(Type.String({ pattern: '^[a-z_.]+\\*?$', maxLength: 100 })),
  actorId: Type.Optional(Type.String({ maxLength: 64 })),
  subjectUserId: Type.Optional(Type.String({ format: 'uuid' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
  ip: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});
const CsvQuery = Strict({ ...AdminQuery.properties, limit: Type.Integer({ minimum: 1, maximum: 50_000, default: 10_000 }) });

function toItem(r: ActivityRow) {
  return {
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actorType: r.actor_type,
    actorId: r.actor_id,
    subjectUserId: r.subject_user_id,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    outcome: r.outcome,
    ip: r.ip,
    userAgent: r.user_agent,
    details: r.details,
  };
}

function page(rows: ActivityRow[], limit: number) {
  return { items: rows.map(toItem), nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null };
}

function adminFilter(q: Static<typeof AdminQuery>): ActivityFilter {
  return {
    limit: q.limit,
    ...(q.before ? { before: q.before } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.actorId ? { actorId: q.actorId } : {}),
    ...(q.subjectUserId ? { subjectUserId: q.subjectUserId } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.ip ? { ip: q.ip } : {}),
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
  };
}

export const activityRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/api/me/activity',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Your activity log, newest first', querystring: MyQuery, response: { 200: Page, ...errorResponses } } },
    async (request) => {
      const { limit, before } = request.query;
      const rows = await findActivity(db, { subjectUserId: userActor(request).userId, limit, ...(before ? { before } : {}) });
      return page(rows, limit);
    },
  );

  app.get(
    '/api/admin/activity',
    { config: { access: ['admin'] }, schema: { tags, summary: 'Search the whole activity log', querystring: AdminQuery, response: { 200: Page, ...errorResponses } } },
    async (request) => page(await findActivity(db, adminFilter(request.query)), request.query.limit),
  );

  app.get(
    '/api/admin/activity.csv',
    { config: { access: ['admin'] }, schema: { tags, summary: 'Export the filtered activity log as CSV', querystring: CsvQuery, produces: ['text/csv'] } },
    async (request, reply) => {
      const rows = await findActivity(db, adminFilter(request.query));
      const header = ['id', 'occurred_at', 'actor_type', 'actor_id', 'subject_user_id', 'action', 'object_type', 'object_id', 'outcome', 'ip', 'user_agent', 'request_id', 'details'];
      const body = toCsv(header, rows.map((r) => [r.id, r.occurred_at, r.actor_type, r.actor_id, r.subject_user_id, r.action, r.object_type, r.object_id, r.outcome, r.ip, r.user_agent, r.request_id, r.details]));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="activity-${new Date().toISOString().slice(0, 10)}.csv"`)
        .send(body);
    },
  );
};
