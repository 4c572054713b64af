import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../db/index.js';
import { safeEqual, sha256 } from '../../../platform/crypto.js';
import type { Keyring } from '../../../platform/encryption.js';
import { AppError, badRequest } from '../../../platform/errors.js';
import type { Jobs } from '../../../platform/jobs.js';
import type { MetaAppCredentials } from '../graph/graph.module.js';
import { appSecretOf } from '../numbers/numbers.repo.js';
import { verifyWebhookSignature } from '../webhook-signature.js';
import { namedIds, parseEnvelope } from './webhook-envelope.js';
import { insertWebhookEvent } from './webhook-events.repo.js';
import { WEBHOOK_EVENT_JOB } from './webhook-processor.js';

/**
 * The receiving end of Meta's webhooks: checks the signature over the exact bytes, stores them and
 * queues their processing in one transaction, and lets the 200 go. Nothing is stored, logged as
 * an event or queued for a POST whose signature does not verify.
 *
 * Which secret: the platform's Meta app (it speaks for every tenant), or — for customers who
 * connected their own Meta app — the app secret of a number the body names. Such a POST may only
 * speak for the numbers whose secret verified it (kept in verified_phone_number_ids).
 */

// A body names a handful of numbers; a forged one naming thousands must not make us try them all.
const MAX_CANDIDATE_SECRETS = 25;

const invalidSignature = () => new AppError(401, 'invalid_signature', 'The X-Hub-Signature-256 header is missing or does not match the body.');

export function createWebhookReceiver(deps: { db: Db; jobs: Jobs; ring: Keyring; metaApp: MetaAppCredentials | null; log: FastifyBaseLogger }) {
  const { db, jobs, ring, metaApp, log } = deps;

  /** The numbers named in the body whose own app secret signed it (phone_number_ids). */
  async function verifiedByNumbers(raw: Buffer, signature: string): Promise<string[]> {
    const envelope = parseEnvelope(raw.toString('utf8'));
    if (!envelope) return [];
    const { phoneNumberIds, wabaIds } = namedIds(envelope);
    if (!phoneNumberIds.length && !wabaIds.length) return [];
    const rows = await db.query<{ id: string; phone_number_id: string; app_secret_enc: string }>(
      `SELECT id, phone_number_id, app_secret_enc FROM wa_numbers
        WHERE status <> 'disconnected' AND app_secret_enc IS NOT NULL AND app_secret_enc <> ''
          AND (phone_number_id = ANY($1::text[]) OR waba_id = ANY($2::text[]))
        LIMIT $3`,
      [phoneNumberIds.slice(0, 1000), wabaIds.slice(0, 1000), MAX_CANDIDATE_SECRETS],
    );
    const verified: string[] = [];
    for (const row of rows) {
      const secret = appSecretOf(ring, row);
      if (secret && verifyWebhookSignature(secret, raw, signature)) verified.push(row.phone_number_id);
    }
    return verified;
  }

  /** POST /webhooks/whatsapp: returns the stored event's id. */
  async function receive(raw: Buffer, signature: string | undefined, meta: { ip: string | null }): Promise<string> {
    // Only the SHA-256 header counts: the legacy SHA-1 one alone is a stale format, refused.
    if (!signature) {
      log.warn({ ip: meta.ip }, 'WhatsApp webhook without X-Hub-Signature-256 refused');
      throw invalidSignature();
    }
    let verifiedBy: 'platform' | 'number' = 'platform';
    let verifiedPhoneNumberIds: string[] | null = null;
    if (!metaApp || !verifyWebhookSignature(metaApp.appSecret, raw, signature)) {
      const numbers = await verifiedByNumbers(raw, signature);
      if (!numbers.length) {
        log.warn({ ip: meta.ip, bytes: raw.length }, 'WhatsApp webhook with a signature that does not verify refused');
        throw invalidSignature();
      }
      verifiedBy = 'number';
      verifiedPhoneNumberIds = numbers;
    }
    // Signed, but text the database cannot keep as it came: refused rather than stored altered.
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw badRequest('invalid_body', 'The body is not UTF-8 text.');
    }
    if (text.includes('\u0000')) throw badRequest('invalid_body', 'The body contains NUL characters.');
    return db.tx(async (tx) => {
      const id = await insertWebhookEvent(tx, { rawBody: text, verifiedBy, verifiedPhoneNumberIds });
      await jobs.enqueue(tx, WEBHOOK_EVENT_JOB, { id });
      return id;
    });
  }

  /**
   * GET /webhooks/whatsapp: Meta's check of the callback URL. The token is the platform's
   * META_VERIFY_TOKEN (or the simulator's), or a connected number's own verify token.
   */
  async function verifyToken(token: string): Promise<boolean> {
    if (metaApp?.verifyToken && safeEqual(token, metaApp.verifyToken)) return true;
    const hash = sha256(token).toString('hex');
    const rows = await db.query(`SELECT 1 FROM wa_numbers WHERE verify_token_hash = $1 AND status <> 'disconnected' LIMIT 1`, [hash]);
    return rows.length > 0;
  }

  return { receive, verifyToken };
}

export type WebhookReceiver = ReturnType<typeof createWebhookReceiver>;
