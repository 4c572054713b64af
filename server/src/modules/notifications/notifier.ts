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

export type NotificationChannel = 'in_app' | 'email' | 'whatsapp';
export type DeliveryStatus = 'queued' | 'sent' | 'skipped' | 'failed';

/** What `notify` did on each channel (`notifyWithOutcome` of the concrete notifier in notifier.service.ts returns it). */
export interface NotifyOutcome {
  notificationId: string;
  channels: Record<NotificationChannel, { status: DeliveryStatus; reason: string | null }>;
}

/**
 * The platform's own WhatsApp number as a notification channel: queues a template message in the
 * caller's transaction and returns the sender's id for it. Not built yet (see README.md): until an
 * implementation is passed to `createNotifier`, the channel is recorded as skipped
 * (`whatsapp_not_configured`).
 */
export interface WhatsAppNotificationChannel {
  queue(
    q: Queryable,
    message: { userId: string; to: string; kind: string; language: 'en' | 'hi'; title: string; body: string; url: string | null },
  ): Promise<{ externalId: string }>;
}
