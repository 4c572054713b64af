import type { Db } from '../../db/index.js';
import { notFound } from '../../platform/errors.js';
import * as repo from './notifications.repo.js';
import type { NotificationRow } from './notifications.repo.js';

/** Notifications are kept this long, read or not; the daily purge removes older ones. */
export const NOTIFICATION_RETENTION_DAYS = 365;

export function toNotificationDto(r: NotificationRow) {
  return {
    id: r.id,
    topic: r.topic,
    kind: r.kind,
    title: { en: r.title_en, hi: r.title_hi },
    body: { en: r.body_en, hi: r.body_hi },
    link: r.link,
    read: r.read_at !== null,
    readAt: r.read_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * The in-app inbox of the signed-in person. Reading a notification is not written to the activity
 * log: it changes nothing anyone else relies on, and one record per click would bury the account's
 * real activity.
 */
export function createInbox(deps: { db: Db }) {
  const { db } = deps;
  return {
    async list(userId: string, f: { unreadOnly: boolean; limit: number; offset: number }) {
      const page = await repo.listInbox(db, userId, f);
      return { items: page.items.map(toNotificationDto), total: page.total, unread: page.unread };
    },
    unread: (userId: string) => repo.unreadCount(db, userId),
    async markRead(userId: string, id: string) {
      const row = await repo.markRead(db, userId, id);
      if (!row) throw notFound('Notification');
      return toNotificationDto(row);
    },
    markAllRead: (userId: string) => repo.markAllRead(db, userId),
    purge: () => repo.purgeOlderThan(db, NOTIFICATION_RETENTION_DAYS),
  };
}

export type Inbox = ReturnType<typeof createInbox>;
