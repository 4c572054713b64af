import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import type { Inbox } from './inbox.service.js';
import { IdParams, InboxPage, InboxQuery, NotificationItem, UnreadCount } from './notifications.schemas.js';

const tags = ['notifications'];

export const notificationRoutes: FastifyPluginAsyncTypebox<{ inbox: Inbox }> = async (app, { inbox }) => {
  app.get(
    '/api/notifications',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Your in-app notifications, newest first, with the unread count', querystring: InboxQuery, response: { 200: InboxPage, ...errorResponses } },
    },
    async (request) => {
      const { unread, limit, offset } = request.query;
      return inbox.list(userActor(request).userId, { unreadOnly: unread === true, limit, offset });
    },
  );

  app.get(
    '/api/notifications/unread-count',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'How many of your notifications are unread (for the bell)', response: { 200: UnreadCount, ...errorResponses } } },
    async (request) => ({ unread: await inbox.unread(userActor(request).userId) }),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Mark one of your notifications read', params: IdParams, response: { 200: Type.Object({ notification: NotificationItem }), ...errorResponses } },
    },
    async (request) => ({ notification: await inbox.markRead(userActor(request).userId, request.params.id) }),
  );

  app.post(
    '/api/notifications/read-all',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Mark all your notifications read', response: { 200: Type.Object({ marked: Type.Integer(), unread: Type.Integer() }), ...errorResponses } },
    },
    async (request) => {
      const userId = userActor(request).userId;
      return { marked: await inbox.markAllRead(userId), unread: await inbox.unread(userId) };
    },
  );
};
