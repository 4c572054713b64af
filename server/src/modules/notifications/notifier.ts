import type { Queryable } from '../../db/index.js';

/**
 * What a capability tells a person about. Each topic maps onto one of the user's communication
 * preference topics (`service_updates`, `wallet`, `marketing`); marketing is never sent without opt-in.
 */
export type NotificationTopic = 'service_updates' | 'wallet' | 'marketing';

export interface Notification {
  userId: string;
  topic: NotificationTopic;
  /** Machine-readable kind, e.g. `application.completed`, `ticket.replied`. */
  kind: string;
  /** Short title and body in English and Hindi; the user's language picks one. */
  title: { en: string; hi: string };
  body: { en: string; hi: string };
  /** In-app path the notification opens, e.g. `/applications/<id>`. */
  link?: string;
}

/**
 * The one notification service every capability uses. `notify` writes the in-app notification and
 * queues the email / WhatsApp deliveries in the caller's transaction (outbox), each channel honouring
 * the user's communication preferences; nothing is sent if the transaction rolls back.
 */
export interface Notifier {
  notify(q: Queryable, notification: Notification): Promise<void>;
}
