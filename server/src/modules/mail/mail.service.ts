import nodemailer from 'nodemailer';
import type { Db, Queryable } from '../../db/index.js';
import type { Jobs } from '../../platform/jobs.js';
import type { FastifyBaseLogger } from 'fastify';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  purpose: string;
  userId?: string | null;
}

export interface MailTransport {
  /** `sandbox` keeps mail in the outbox only; `smtp` hands it to the configured server. */
  readonly kind: 'sandbox' | 'smtp';
  send(mail: { from: string; to: string; subject: string; text: string }): Promise<void>;
}

export function createMailTransport(smtpUrl: string | undefined): MailTransport {
  if (!smtpUrl) return { kind: 'sandbox', send: async () => {} };
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail(mail);
    },
  };
}

export const MAIL_JOB = 'mail.send';

/**
 * Mail is written to the outbox in the caller's transaction and sent by a job, so a rolled-back
 * change sends nothing and a committed one is sent even across restarts. After an SMTP send the
 * body is dropped from the outbox: it may hold one-time links that should not outlive delivery.
 */
export function createMailService(deps: { db: Db; jobs: Jobs; transport: MailTransport; from: string; log: FastifyBaseLogger }) {
  const { db, jobs, transport, from, log } = deps;

  async function queue(q: Queryable, mail: OutgoingMail): Promise<string> {
    const rows = await q.query<{ id: string }>(
      `INSERT INTO mail_outbox (to_address, subject, body_text, purpose, user_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [mail.to, mail.subject, mail.text, mail.purpose, mail.userId ?? null],
    );
    const id = rows[0]!.id;
    await jobs.enqueue(q, MAIL_JOB, { id });
    return id;
  }

  async function deliver({ id }: { id: string }): Promise<void> {
    const row = (
      await db.query<{ to_address: string; subject: string; body_text: string | null; status: string }>(
        'SELECT to_address, subject, body_text, status FROM mail_outbox WHERE id = $1',
        [id],
      )
    )[0];
    if (!row || row.status === 'sent' || row.status === 'sandbox') return;
    if (transport.kind === 'sandbox') {
      await db.query("UPDATE mail_outbox SET status = 'sandbox', sent_at = now(), attempts = attempts + 1 WHERE id = $1", [id]);
      return;
    }
    try {
      await transport.send({ from, to: row.to_address, subject: row.subject, text: row.body_text ?? '' });
      await db.query(
        "UPDATE mail_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, body_text = NULL, last_error = NULL WHERE id = $1",
        [id],
      );
    } catch (err) {
      log.warn({ err, mailId: id }, 'mail send failed; will retry');
      await db.query("UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, status = 'failed' WHERE id = $1", [
        id,
        String((err as Error).message).slice(0, 500),
      ]);
      throw err; // pg-boss retries with backoff
    }
  }

  return { queue, deliver };
}

export type MailService = ReturnType<typeof createMailService>;
