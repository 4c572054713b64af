import type { Queryable } from '../../db/index.js';
import type { MailService } from '../mail/mail.service.js';
import { decideChannel } from './channel-rules.js';
import { notificationMail } from './notification-mail.js';
import type { DeliveryStatus, Notification, NotificationChannel, Notifier, NotifyOutcome, WhatsAppNotificationChannel } from './notifier.js';
import * as repo from './notifications.repo.js';

const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const LINK = /^\/([A-Za-z0-9._~?&=%-][A-Za-z0-9._~/?&=%-]*)?$/;

/** Caller mistakes are programming errors (a 500 and a log line), never something a user typed. */
function check(n: Notification): void {
  const problems: string[] = [];
  if (!KIND.test(n.kind) || n.kind.length > 64) problems.push(`kind ${JSON.stringify(n.kind)}`);
  if (n.link !== undefined && (!LINK.test(n.link) || n.link.length > 300)) problems.push(`link ${JSON.stringify(n.link)} (an in-app path)`);
  for (const lang of ['en', 'hi'] as const) {
    if (!n.title[lang] || n.title[lang].length > 200) problems.push(`title.${lang}`);
    if (n.body[lang].length > 2000) problems.push(`body.${lang}`);
  }
  if (problems.length) throw new Error(`invalid notification: ${problems.join(', ')}`);
}

/** The outbox `purpose` of a notification email: its kind in the outbox's naming (`kyc.approved` → `kyc_approved`). */
export const mailPurpose = (kind: string) => kind.replace(/\./g, '_');

export interface NotifierDeps {
  mail: Pick<MailService, 'queue'>;
  /** Absolute links in emails start here. */
  publicUrl: string;
  /** The platform's own WhatsApp number; absent until that capability exists (see README.md). */
  whatsapp?: WhatsAppNotificationChannel | null | undefined;
}

/**
 * The one notification service (see README.md). Everything happens in the caller's transaction:
 * the inbox row, the delivery records, the mail outbox row and its job, so a rolled-back change
 * notifies nobody.
 */
export function createNotifier(deps: NotifierDeps) {
  const { mail, publicUrl, whatsapp } = deps;

  async function notifyWithOutcome(q: Queryable, n: Notification): Promise<NotifyOutcome> {
    check(n);
    const user = await repo.findRecipient(q, n.userId);
    if (!user) throw new Error(`notification for unknown user ${n.userId}`);
    const choices = await repo.choicesFor(q, n.userId, n.topic);
    const decide = (channel: NotificationChannel) => decideChannel(n.topic, choices.get(channel));
    const lang = user.language === 'hi' ? 'hi' : 'en';

    const inApp = decide('in_app');
    const notificationId = await repo.insertNotification(q, {
      user_id: n.userId,
      topic: n.topic,
      kind: n.kind,
      title_en: n.title.en,
      title_hi: n.title.hi,
      body_en: n.body.en,
      body_hi: n.body.hi,
      link: n.link ?? null,
      in_inbox: inApp.send,
    });
    const channels = {} as NotifyOutcome['channels'];
    const record = async (channel: NotificationChannel, status: DeliveryStatus, reason: string | null, ids: { mailId?: string; externalId?: string } = {}) => {
      await repo.insertDelivery(q, { notificationId, channel, status, reason, ...ids });
      channels[channel] = { status, reason };
    };

    await (inApp.send ? record('in_app', 'sent', null) : record('in_app', 'skipped', inApp.reason));

    const email = decide('email');
    if (!email.send) await record('email', 'skipped', email.reason);
    else {
      const { subject, text } = notificationMail(n, { name: user.name, language: lang }, publicUrl);
      const mailId = await mail.queue(q, { to: user.email, subject, text, purpose: mailPurpose(n.kind), userId: user.id });
      await record('email', 'queued', null, { mailId });
    }

    const wa = decide('whatsapp');
    if (!wa.send) await record('whatsapp', 'skipped', wa.reason);
    else if (!user.mobile) await record('whatsapp', 'skipped', 'no_mobile');
    else if (!whatsapp) await record('whatsapp', 'skipped', 'whatsapp_not_configured');
    else {
      const { externalId } = await whatsapp.queue(q, {
        userId: user.id,
        to: user.mobile,
        kind: n.kind,
        language: lang,
        title: n.title[lang],
        body: n.body[lang],
        url: n.link ? publicUrl + n.link : null,
      });
      await record('whatsapp', 'queued', null, { externalId });
    }
    return { notificationId, channels };
  }

  const notifier: Notifier & { notifyWithOutcome: typeof notifyWithOutcome } = {
    async notify(q, n) {
      await notifyWithOutcome(q, n);
    },
    /** `notify`, also telling what each channel did (for callers that record it, and tests). */
    notifyWithOutcome,
  };
  return notifier;
}

export type NotifierService = ReturnType<typeof createNotifier>;
