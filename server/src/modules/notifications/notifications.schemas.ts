import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../platform/schemas.js';

const Bilingual = Type.Object({ en: Type.String(), hi: Type.String() });

export const NotificationItem = Type.Object({
  id: Uuid,
  topic: Type.Union([Type.Literal('service_updates'), Type.Literal('wallet'), Type.Literal('marketing')]),
  kind: Type.String({ description: 'Machine-readable kind, e.g. ticket.replied' }),
  title: Bilingual,
  body: Bilingual,
  link: Type.Union([Type.String({ description: 'In-app path to open' }), Type.Null()]),
  read: Type.Boolean(),
  readAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});

export const InboxQuery = Type.Object({
  unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

export const InboxPage = Type.Object({ items: Type.Array(NotificationItem), total: Type.Integer(), unread: Type.Integer() });
export const UnreadCount = Type.Object({ unread: Type.Integer() });
export const IdParams = Type.Object({ id: Uuid });
