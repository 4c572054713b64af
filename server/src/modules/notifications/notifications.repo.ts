import type { Queryable } from '../../db/index.js';
import type { DeliveryStatus, NotificationChannel, NotificationTopic } from './notifier.js';

export interface NotificationRow {
  id: string;
  user_id: string;
  topic: NotificationTopic;
  kind: string;
  title_en: string;
  title_hi: string;
  body_en: string;
  body_hi: string;
  link: string | null;
  in_inbox: boolean;
  read_at: Date | null;
  created_at: Date;
}

export interface Recipient {
  id: string;
  name: string;
  email: string;
  mobile: string | null;
  language: 'en' | 'hi';
}

export async function findRecipient(q: Queryable, userId: string): Promise<Recipient | undefined> {
  return (await q.query<Recipient>('SELECT id, name, email, mobile, language FROM users WHERE id = $1', [userId]))[0];
}

/** The person's stored choices for one topic, by channel (a channel without a row is absent). */
export async function choicesFor(q: Queryable, userId: string, topic: NotificationTopic): Promise<Map<NotificationChannel, { enabled: boolean }>> {
  const rows = await q.query<{ channel: NotificationChannel; enabled: boolean }>(
    'SELECT channel, enabled FROM communication_preferences WHERE user_id = $1 AND topic = $2',
    [userId, topic],
  );
  return new Map(rows.map((r) => [r.channel, { enabled: r.enabled }]));
}

export async function insertNotification(
  q: Queryable,
  n: Pick<NotificationRow, 'user_id' | 'topic' | 'kind' | 'title_en' | 'title_hi' | 'body_en' | 'body_hi' | 'link' | 'in_inbox'>,
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO notifications (user_id, topic, kind, title_en, title_hi, body_en, body_hi, link, in_inbox)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [n.user_id, n.topic, n.kind, n.title_en, n.title_hi, n.body_en, n.body_hi, n.link, n.in_inbox],
  );
  return rows[0]!.id;
}

export async function insertDelivery(
  q: Queryable,
  d: { notificationId: string; channel: NotificationChannel; status: DeliveryStatus; reason: string | null; mailId?: string | null; externalId?: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO notification_deliveries (notification_id, channel, status, reason, mail_id, external_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [d.notificationId, d.channel, d.status, d.reason, d.mailId ?? null, d.externalId ?? null],
  );
}

export async function listInbox(
  q: Queryable,
  userId: string,
  f: { unreadOnly: boolean; limit: number; offset: number },
): Promise<{ items: NotificationRow[]; total: number; unread: number }> {
  const filter = f.unreadOnly ? 'AND read_at IS NULL' : '';
  const counts = (
    await q.query<{ total: number; unread: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread
       FROM notifications WHERE user_id = $1 AND in_inbox`,
      [userId],
    )
  )[0]!;
  const items = await q.query<NotificationRow>(
    `SELECT * FROM notifications WHERE user_id = $1 AND in_inbox ${filter}
     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [userId, f.limit, f.offset],
  );
  return { items, total: f.unreadOnly ? counts.unread : counts.total, unread: counts.unread };
}

export async function unreadCount(q: Queryable, userId: string): Promise<number> {
  return (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND in_inbox AND read_at IS NULL', [userId]))[0]!.n;
}

/** Marks one of the person's inbox notifications read; undefined when it is not theirs (or not in the inbox). */
export async function markRead(q: Queryable, userId: string, id: string): Promise<NotificationRow | undefined> {
  const rows = await q.query<NotificationRow>(
    `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 AND in_inbox RETURNING *`,
    [id, userId],
  );
  return rows[0];
}

export async function markAllRead(q: Queryable, userId: string): Promise<number> {
  return q.execute('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND in_inbox AND read_at IS NULL', [userId]);
}

export async function deliveriesOf(q: Queryable, notificationId: string): Promise<{ channel: NotificationChannel; status: DeliveryStatus; reason: string | null; mail_id: string | null }[]> {
  return q.query('SELECT channel, status, reason, mail_id FROM notification_deliveries WHERE notification_id = $1 ORDER BY channel', [notificationId]);
}

/** Retention: notifications older than `days` go, with their delivery records. */
export async function purgeOlderThan(q: Queryable, days: number): Promise<number> {
  return q.execute('DELETE FROM notifications WHERE created_at < now() - make_interval(days => $1)', [days]);
}
