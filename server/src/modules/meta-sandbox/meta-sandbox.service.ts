import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../../db/index.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import { GroupCommit } from '../../platform/group-commit.js';
import { hitWindow } from '../../platform/rate-limit.js';
import { GraphRequestError } from '../whatsapp/graph/graph-errors.js';
import type { GraphTransport } from '../whatsapp/graph/graph-transport.js';
import { signWebhook } from '../whatsapp/webhook-signature.js';
import { checkUpload, mediaFits } from './media-rules.js';
import { SimRates } from './sim-rates.js';
import { TtlCache } from '../../platform/ttl-cache.js';
import { RecipientCache, type Recipient } from './recipient-cache.js';
import { validateSend, type ValidatedSend } from './message-rules.js';
import * as repo from './meta-sandbox.repo.js';
import type { ConversationRow, MessageRow, NumberRow, TemplateRow, UserRow } from './meta-sandbox.repo.js';
import { accessToken, conversationId, graphId, tokenHash, wamid, type SandboxMetaApp } from './sandbox-ids.js';
import { SimGraphError, invalid, missing } from './sim-errors.js';
import { checkTemplateCall, reviewTemplate, templateUnusable, validateTemplateCreate } from './template-rules.js';
import {
  envelope,
  messagesChange,
  statusObject,
  statusesChange,
  templateStatusChange,
  unix,
  userPreferencesChange,
  webhookError,
  type Change,
  type NumberMeta,
  type Pricing,
  type StatusName,
} from './webhook-payloads.js';

/**
 * The Cloud API simulator: a stand-in for Meta's servers with its state in meta_sandbox_* tables
 * (see README.md). It answers the Graph API (sends, media, phone numbers, templates) with Meta's
 * shapes and errors, and owes the platform signed webhooks (statuses after each accepted send,
 * simulated inbound messages, template reviews, marketing preferences), delivered by a job.
 */

export const SANDBOX_GRAPH_PREFIX = '/sandbox/graph';
export const WEBHOOK_JOB = 'meta-sandbox.webhook';
export const PROGRESS_JOB = 'meta-sandbox.progress';
export const TEMPLATE_REVIEW_JOB = 'meta-sandbox.template-review';
export const PURGE_JOB = 'meta-sandbox.purge';

const DAY_MS = 86_400_000;
/** Download URLs live 5 minutes, as Meta's (SPEC retrieveMediaUrl). */
const MEDIA_URL_TTL_SECONDS = 300;

interface Auth {
  wabaId: string;
}

export interface InboundSpec {
  type: string;
  [key: string]: unknown;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function sha256Base64(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}

/** "+1 555-078-3881" for North American numbers, "+91 98765 43210" for Indian ones, "+<digits>" otherwise. */
export function formatDisplayNumber(digits: string): string {
  if (/^1[0-9]{10}$/.test(digits)) return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  if (/^91[0-9]{10}$/.test(digits)) return `+91 ${digits.slice(2, 7)} ${digits.slice(7)}`;
  return `+${digits}`;
}

function countryOf(digits: string): { country_code: string; country_dial_code: string } | undefined {
  if (digits.startsWith('91')) return { country_code: 'IN', country_dial_code: '91' };
  if (digits.startsWith('1')) return { country_code: 'US', country_dial_code: '1' };
  return undefined;
}

function expiredMessage(expiredAt: Date, now = new Date()): string {
  const fmt = (d: Date) => {
    const day = d.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
    const [, mon, dd, yy] = /^\w+, (\w+) (\d+), \d\d(\d\d)$/.exec(d.toLocaleDateString('en-US', { weekday: 'long', month: 'short', day: '2-digit', year: 'numeric', timeZone: 'UTC' })) ?? [];
    return `${day}, ${dd}-${mon}-${yy} ${d.toISOString().slice(11, 19)} UTC`;
  };
  return `Error validating access token: Session has expired on ${fmt(expiredAt)}. The current time is ${fmt(now)}.`;
}

/** Meta's answer to a token it cannot parse or does not know. */
const unparsable = () => new SimGraphError(190, undefined, { whatsapp: false, message: 'Invalid OAuth access token - Cannot parse access token' });

const objectNotFound = (id: string, method: 'get' | 'post' | 'delete') =>
  new SimGraphError(100, undefined, {
    subcode: 33,
    whatsapp: false,
    message: `Unsupported ${method} request. Object with ID '${id.slice(0, 40)}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

// A tiny valid file per media kind, for simulated inbound media sent without data.
const PLACEHOLDER: Record<string, { mime: string; data: Buffer }> = {
  image: { mime: 'image/jpeg', data: Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64') },
  document: { mime: 'application/pdf', data: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n') },
  audio: { mime: 'audio/ogg', data: Buffer.from('OggS\u0000\u0002simulated voice note', 'latin1') },
  video: { mime: 'video/mp4', data: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42simulated video', 'latin1')]) },
  sticker: { mime: 'image/webp', data: Buffer.from('RIFF\u0010\u0000\u0000\u0000WEBPVP8 simulated', 'latin1') },
};

export interface CreateNumberInput {
  display_phone_number?: string | undefined;
  verified_name?: string | undefined;
  waba_id?: string | undefined;
  waba_name?: string | undefined;
  quality_rating?: string | undefined;
  messaging_limit_tier?: string | undefined;
  throughput_level?: string | undefined;
  mps?: number | undefined;
}

const MARKETING_STOPPED = 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.';

export interface NumberSettings {
  verified_name?: string | undefined;
  quality_rating?: string | undefined;
  messaging_limit_tier?: string | undefined;
  throughput_level?: string | undefined;
  mps?: number | undefined;
  pair_limit?: number | undefined;
  restriction?: 'policy_blocked' | 'spam_rate_limited' | null | undefined;
  webhook_batching?: 'never' | 'sometimes' | 'always' | undefined;
  duplicate_webhooks?: boolean | undefined;
  marketing_stop_refusal?: 'async' | 'sync' | undefined;
}

const NUMBER_SETTINGS = [
  'verified_name',
  'quality_rating',
  'messaging_limit_tier',
  'throughput_level',
  'mps',
  'pair_limit',
  'restriction',
  'webhook_batching',
  'duplicate_webhooks',
  'marketing_stop_refusal',
] as const satisfies readonly (keyof NumberSettings)[];

export function createMetaSandbox(deps: {
  db: Db;
  jobs: Jobs;
  metaApp: SandboxMetaApp;
  /** The platform's origin, for URLs the simulator hands out when no request tells another. */
  publicUrl: string;
  /** Where the webhooks go. */
  webhookUrl: string;
  webhookTransport: GraphTransport;
  /** The token Meta echoes when it verifies the callback URL (GET hub.mode=subscribe). */
  verifyToken: string;
  /** The webhook subscription's API version: below v24.0, statuses carry `conversation`. */
  graphVersion: string;
  log: FastifyBaseLogger;
  templateReviewDelaySeconds?: number;
}) {
  const { db, jobs, metaApp, log } = deps;
  const rates = new SimRates();
  const senders = new TtlCache<{ token: repo.TokenRow; number: NumberRow | undefined }>(5_000);
  const recipients = new RecipientCache();
  /**
   * Accepted messages are written in groups (platform/group-commit.ts): the messages of concurrent
   * calls and one progress job for the group in one statement — as Meta answers at once and works
   * through its queue afterwards.
   */
  const accepted = new GroupCommit<repo.NewOutboundMessage, void>(
    async (items) => {
      await jobs.enqueueWith(db, (ps) => repo.outboundMessagesInsert(ps, items), PROGRESS_JOB, { ids: items.map((m) => m.id) });
      return items.map(() => undefined);
    },
    { concurrency: db.kind === 'pglite' ? 1 : 4 },
  );
  const legacyConversation = Number(/^v(\d+)/.exec(deps.graphVersion)?.[1] ?? 99) < 24;
  const reviewDelay = deps.templateReviewDelaySeconds ?? 5;

  const numberMeta = (n: NumberRow): NumberMeta => ({ wabaId: n.waba_id, phoneNumberId: n.id, displayPhoneNumber: n.display_phone_number });

  // ---- authentication -------------------------------------------------------------------------

  /** Bearer token (or access_token query parameter, as the Graph API also accepts) → its WABA. */
  async function authenticate(token: string | undefined): Promise<Auth> {
    if (!token || token.length > 4096) throw unparsable();
    const row = await repo.findToken(db, tokenHash(token));
    if (!row) throw unparsable();
    checkToken(row);
    return { wabaId: row.waba_id };
  }

  /** A known token still usable: not revoked, not expired. */
  function checkToken(row: repo.TokenRow): void {
    if (row.revoked_at) {
      throw new SimGraphError(0, undefined, { whatsapp: false, message: 'AuthException: We were unable to authenticate the app user. The access token has been invalidated.' });
    }
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw new SimGraphError(190, undefined, { whatsapp: false, subcode: 463, message: expiredMessage(row.expires_at) });
  }

  /**
   * authenticate + numberFor of a send: the same answers in the same order, from one round trip, and
   * for a few seconds from memory — the simulator changes tokens and numbers only through this
   * service, which forgets them then (`senders.clear()`).
   */
  async function sendingNumber(token: string | undefined, id: string): Promise<NumberRow> {
    if (!token || token.length > 4096) throw unparsable();
    const hash = tokenHash(token);
    const numberId = /^[0-9]{1,32}$/.test(id) ? id : '';
    let found = senders.get(`${hash}:${numberId}`);
    if (!found) {
      found = await repo.findTokenAndNumber(db, hash, numberId);
      if (found?.number) senders.set(`${hash}:${numberId}`, found);
    }
    if (!found) throw unparsable();
    checkToken(found.token);
    const n = found.number;
    if (!n || n.waba_id !== found.token.waba_id) throw objectNotFound(id, 'post');
    return n;
  }

  async function numberFor(auth: Auth, id: string, method: 'get' | 'post' | 'delete'): Promise<NumberRow> {
    const n = /^[0-9]{1,32}$/.test(id) ? await repo.findNumber(db, id) : undefined;
    if (!n || n.waba_id !== auth.wabaId) throw objectNotFound(id, method);
    return n;
  }

  async function wabaFor(auth: Auth, id: string, method: 'get' | 'post' | 'delete') {
    const waba = /^[0-9]{1,32}$/.test(id) ? await repo.findWaba(db, id) : undefined;
    if (!waba || waba.id !== auth.wabaId) throw objectNotFound(id, method);
    // Management endpoints share a per-WABA hourly budget (CONTRACT §7: 200/h, 5,000/h when active).
    const { hits, resetInSeconds } = await hitWindow(db, `meta-sandbox:mgmt:${waba.id}`, 3600);
    if (hits > waba.mgmt_calls_per_hour) {
      throw new SimGraphError(80007, 'The WhatsApp Business Account has reached its rate limit.', { retryAfterSeconds: Math.ceil(resetInSeconds) });
    }
    return waba;
  }

  // ---- webhooks -------------------------------------------------------------------------------

  /** Stores a webhook body (as the exact bytes to send) and queues its delivery, `copies` times. */
  async function queueWebhook(tx: Queryable, w: { wabaId: string; phoneNumberId: string | null; field: string; body: object; copies?: number }): Promise<string[]> {
    const body = JSON.stringify(w.body);
    const ids: string[] = [];
    for (let i = 0; i < (w.copies ?? 1); i++) {
      const id = await repo.insertWebhook(tx, { wabaId: w.wabaId, phoneNumberId: w.phoneNumberId, field: w.field, body });
      await jobs.enqueue(tx, WEBHOOK_JOB, { id });
      ids.push(id);
    }
    return ids;
  }

  /** Job: POSTs one owed webhook, signed over the exact bytes sent; a non-2xx answer is retried. */
  async function deliverWebhook({ id }: { id: string }): Promise<void> {
    const row = (await db.query<repo.WebhookRow>('SELECT * FROM meta_sandbox_webhooks WHERE id = $1', [id]))[0];
    if (!row || row.delivered_at) return;
    let status = 0;
    let error: string | null = null;
    try {
      const res = await deps.webhookTransport({
        method: 'POST',
        url: deps.webhookUrl,
        headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...signWebhook(metaApp.appSecret, row.body) },
        body: row.body,
        timeoutMs: 10_000,
        maxResponseBytes: 64 * 1024,
      });
      status = res.status;
    } catch (err) {
      if (!(err instanceof GraphRequestError)) throw err;
      error = err.message.slice(0, 500);
    } finally {
      await db.query(
        `UPDATE meta_sandbox_webhooks SET attempts = attempts + 1, last_status = $2, last_error = $3,
           delivered_at = CASE WHEN $2 BETWEEN 200 AND 299 THEN now() ELSE NULL END WHERE id = $1`,
        [id, status || null, error],
      );
    }
    if (status < 200 || status > 299) {
      log.warn({ webhookId: id, status, error, url: deps.webhookUrl }, 'meta sandbox webhook not accepted; will retry');
      throw new Error(`meta sandbox webhook ${id}: ${error ?? `answered ${status}`}`);
    }
  }

  /**
   * Meta's check of a callback URL when an app subscribes it: GET ?hub.mode=subscribe&hub.challenge=…
   * &hub.verify_token=…; the endpoint must answer 200 with the challenge as the body.
   */
  async function verifyWebhookUrl() {
    const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
    const url = new URL(deps.webhookUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', deps.verifyToken);
    try {
      const res = await deps.webhookTransport({ method: 'GET', url: url.toString(), headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' }, timeoutMs: 10_000, maxResponseBytes: 4096 });
      const body = res.body.toString('utf8');
      return { url: deps.webhookUrl, status: res.status, verified: res.status === 200 && body === challenge };
    } catch (err) {
      if (!(err instanceof GraphRequestError)) throw err;
      return { url: deps.webhookUrl, status: null, verified: false, error: err.message };
    }
  }

  /** Job (hourly): Meta keeps uploaded media about 30 days; the simulator forgets old traffic likewise. */
  async function purge(): Promise<void> {
    await db.execute("DELETE FROM meta_sandbox_media WHERE created_at < now() - interval '30 days'");
    await db.execute("DELETE FROM meta_sandbox_messages WHERE created_at < now() - interval '30 days'");
    await db.execute("DELETE FROM meta_sandbox_webhooks WHERE created_at < now() - interval '7 days' AND (delivered_at IS NOT NULL OR attempts >= 10)");
  }

  // ---- sending --------------------------------------------------------------------------------

  function windowOpen(lastInboundAt: Date | null | undefined): boolean {
    return Boolean(lastInboundAt && lastInboundAt.getTime() > Date.now() - DAY_MS);
  }

  /** The recipient of a send, normally from memory (recipient-cache.ts). */
  async function recipientOf(phoneNumberId: string, waId: string): Promise<Recipient> {
    const known = recipients.get(phoneNumberId, waId);
    if (known) return known;
    const generation = recipients.generation();
    const read = await repo.findRecipient(db, phoneNumberId, waId);
    recipients.fill(generation, phoneNumberId, waId, read);
    return read;
  }

  async function markRead(n: NumberRow, v: Extract<ValidatedSend, { kind: 'read' }>) {
    const m = await repo.findMessage(db, v.messageId);
    if (!m || m.phone_number_id !== n.id || m.direction !== 'inbound') {
      throw invalid('Invalid message_id: no message with this id was received by this phone number.');
    }
    if (m.status !== 'read') await repo.setMessageStatus(db, m.id, 'read');
    return { success: true };
  }

  /** POST /{phone-number-id}/messages. */
  async function send(phoneNumberId: string, token: string | undefined, body: unknown) {
    const n = await sendingNumber(token, phoneNumberId);
    // Every call counts against the number's throughput, accepted or not.
    if (!rates.takeCall(n.id, n.mps)) throw new SimGraphError(130429, 'Cloud API message throughput has been reached.', { subcode: 2494055, retryAfterSeconds: 1 });
    if (n.restriction === 'policy_blocked') {
      throw new SimGraphError(368, 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.');
    }
    if (n.restriction === 'spam_rate_limited') {
      throw new SimGraphError(
        131048,
        'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.',
      );
    }
    const v = validateSend(body);
    if (v.kind === 'read') return markRead(n, v);
    if (v.waId === n.display_phone_number) throw new SimGraphError(131021, 'Recipient cannot be the sender.');
    const recipient = await recipientOf(n.id, v.waId);
    if (recipient.undeliverable === 'sync') throw new SimGraphError(131026, 'Message Undeliverable.');
    // Messages accepted for this user in the last 6 s, a sliding window (Meta: 1 per 6 s, bursts to 45).
    if (rates.pairCount(n.id, v.waId) >= n.pair_limit) {
      throw new SimGraphError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.');
    }

    let template: TemplateRow | undefined;
    if (v.template) {
      template = await repo.findTemplate(db, n.waba_id, v.template.name, v.template.language);
      const unusable = templateUnusable(template, v.template.name, v.template.language);
      if (unusable) throw unusable;
      checkTemplateCall(template!, v.template.components);
      if (template!.category === 'MARKETING' && n.marketing_stop_refusal === 'sync' && recipient.marketing === 'stopped') {
        throw new SimGraphError(131050, MARKETING_STOPPED);
      }
    } else if (!windowOpen(recipient.lastInboundAt)) {
      throw new SimGraphError(131047, 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.');
    }

    const id = wamid(v.waId, 'outbound');
    rates.notePair(n.id, v.waId);
    await accepted.submit({
      id,
      phoneNumberId: n.id,
      waId: v.waId,
      type: v.type,
      content: body,
      templateId: template?.id ?? null,
      category: template ? template.category.toLowerCase() : 'service',
      bizOpaque: v.bizOpaque ?? null,
    });
    return {
      messaging_product: 'whatsapp',
      contacts: [{ input: v.input, wa_id: v.waId }],
      messages: [{ id, ...(template ? { message_status: template.quality_pacing ? 'held_for_quality_assessment' : 'accepted' } : {}) }],
    };
  }

  /** Why an accepted message fails later, if it does (the documented asynchronous failures). */
  async function asyncFailure(q: Queryable, m: MessageRow, n: NumberRow, user: UserRow, conv: ConversationRow | undefined): Promise<{ code: number; details: string } | null> {
    if (user.undeliverable === 'async') return { code: 131026, details: 'Message Undeliverable.' };
    if (m.category === 'marketing' && conv?.marketing === 'stopped') {
      return { code: 131050, details: MARKETING_STOPPED };
    }
    if (m.category === 'marketing' && conv?.marketing === 'capped') {
      return { code: 131049, details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' };
    }
    const v = validateSend(m.content);
    if (v.kind === 'message') {
      for (const ref of v.mediaIds) {
        const media = await repo.findMedia(q, ref.id);
        if (!media || media.waba_id !== n.waba_id) return { code: 131053, details: `Unable to retrieve media with id ${ref.id}: it does not exist or belongs to another account.` };
        if (!mediaFits(ref.type, media.mime_type)) return { code: 131053, details: `Media ${ref.id} is ${media.mime_type}, which cannot be sent as ${ref.type}.` };
      }
    }
    return null;
  }

  function pricingFor(category: string, conv: ConversationRow | undefined): Pricing {
    if (conv?.entry_point_until && conv.entry_point_until.getTime() > Date.now()) return { billable: false, pricing_model: 'PMP', type: 'free_entry_point', category };
    if (category === 'service') return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category };
    return { billable: true, pricing_model: 'PMP', type: 'regular', category };
  }

  /** Whether the statuses of one message go in one POST. */
  function batched(n: NumberRow, messageId: string): boolean {
    if (n.webhook_batching === 'always') return true;
    if (n.webhook_batching === 'never') return false;
    return createHash('sha256').update(messageId).digest()[0]! % 3 === 0;
  }

  async function queueStatuses(tx: Queryable, n: NumberRow, statuses: Record<string, unknown>[], batch: boolean): Promise<void> {
    const copies = n.duplicate_webhooks ? 2 : 1;
    const groups = batch ? [statuses] : statuses.map((s) => [s]);
    for (const g of groups) {
      await queueWebhook(tx, { wabaId: n.waba_id, phoneNumberId: n.id, field: 'messages', body: envelope([{ wabaId: n.waba_id, change: statusesChange(numberMeta(n), g) }]), copies });
    }
  }

  /** Job: what happens to an accepted message: sent, delivered, read — or failed for a documented reason. */
  async function progress(job: { ids?: string[]; id?: string }): Promise<void> {
    for (const id of job.ids ?? (job.id ? [job.id] : [])) await progressOne(id);
  }

  async function progressOne(id: string): Promise<void> {
    await db.tx(async (tx) => {
      const m = await repo.findMessage(tx, id, true);
      if (!m || m.direction !== 'outbound' || m.status !== 'accepted') return;
      const n = (await repo.findNumber(tx, m.phone_number_id))!;
      const user = (await repo.findUser(tx, m.wa_id)) ?? repo.defaultUser(m.wa_id);
      const conv = await repo.findConversation(tx, n.id, m.wa_id);
      const now = Date.now();
      // Never in the future: a person reading the chat (readByUser, stamped now) must not appear to read
      // before the delivery. Reports of one second are ordered by their rank.
      const stamp = String(Math.floor(now / 1000));
      const base = { id: m.id, recipientId: m.wa_id, bizOpaque: m.biz_opaque_callback_data };

      const failure = await asyncFailure(tx, m, n, user, conv);
      if (failure) {
        await repo.setMessageStatus(tx, m.id, 'failed', failure.code);
        await queueStatuses(tx, n, [statusObject({ ...base, status: 'failed', timestamp: stamp, errors: [webhookError(failure.code, failure.details)] })], false);
        return;
      }
      const category = m.category ?? 'service';
      const pricing = pricingFor(category, conv);
      const dayStart = Math.floor(now / DAY_MS) * 86_400;
      const conversation =
        legacyConversation || pricing.type === 'free_entry_point'
          ? { id: conversationId(n.id, m.wa_id, category, dayStart), expiration_timestamp: String(dayStart + 86_400), origin: { type: category } }
          : undefined;
      const statuses = [
        statusObject({ ...base, status: 'sent', timestamp: stamp, ...(conversation ? { conversation } : {}), pricing }),
        statusObject({ ...base, status: 'delivered', timestamp: stamp, pricing }),
      ];
      if (user.auto_read) statuses.push(statusObject({ ...base, status: 'read', timestamp: stamp }));
      await repo.setMessageStatus(tx, m.id, user.auto_read ? 'read' : 'delivered');
      await queueStatuses(tx, n, statuses, batched(n, m.id));
    });
  }

  // ---- media ----------------------------------------------------------------------------------

  function mediaUrl(mediaId: string, origin: string): string {
    const ext = Math.floor(Date.now() / 1000) + MEDIA_URL_TTL_SECONDS;
    const hash = createHmac('sha256', metaApp.appSecret).update(`${mediaId}.${ext}`).digest('base64url').slice(0, 32);
    return `${origin}${SANDBOX_GRAPH_PREFIX}/whatsapp_business/attachments/?mid=${mediaId}&ext=${ext}&hash=${hash}`;
  }

  function mediaUrlValid(mediaId: string, ext: string, hash: string): boolean {
    if (!/^[0-9]{1,32}$/.test(mediaId) || !/^[0-9]{1,12}$/.test(ext) || Number(ext) < Date.now() / 1000) return false;
    const expected = Buffer.from(createHmac('sha256', metaApp.appSecret).update(`${mediaId}.${ext}`).digest('base64url').slice(0, 32));
    const given = Buffer.from(String(hash));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function uploadMedia(phoneNumberId: string, token: string | undefined, form: { messagingProduct?: string | undefined; type?: string | undefined; file?: { data: Buffer; mimeType: string; filename: string | undefined } | undefined }) {
    const auth = await authenticate(token);
    const n = await numberFor(auth, phoneNumberId, 'post');
    if (form.messagingProduct === undefined) throw missing('messaging_product');
    if (form.messagingProduct !== 'whatsapp') throw invalid('Param messaging_product must be whatsapp.');
    if (!form.file) throw missing('file');
    const mime = (form.type || form.file.mimeType).split(';')[0]!.trim().toLowerCase();
    checkUpload(mime, form.file.data);
    const id = graphId();
    await repo.insertMedia(db, { id, phoneNumberId: n.id, mimeType: mime, sha256: sha256Base64(form.file.data), filename: form.file.filename?.slice(0, 240) ?? null, content: form.file.data });
    return { id };
  }

  async function mediaFor(auth: Auth, id: string, phoneNumberId: string | undefined, method: 'get' | 'delete') {
    const m = await repo.findMedia(db, id);
    if (!m || m.waba_id !== auth.wabaId || (phoneNumberId !== undefined && m.phone_number_id !== phoneNumberId)) throw objectNotFound(id, method);
    return m;
  }

  const NUMBER_FIELDS = [
    'id',
    'display_phone_number',
    'verified_name',
    'quality_rating',
    'messaging_limit_tier',
    'whatsapp_business_manager_messaging_limit',
    'throughput',
    'status',
    'name_status',
    'code_verification_status',
    'platform_type',
    'account_mode',
    'is_official_business_account',
    'country_code',
    'country_dial_code',
  ];

  function phoneNumberObject(n: NumberRow, fields: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = {
      id: n.id,
      display_phone_number: formatDisplayNumber(n.display_phone_number),
      verified_name: n.verified_name,
      quality_rating: n.quality_rating,
      messaging_limit_tier: n.messaging_limit_tier,
      whatsapp_business_manager_messaging_limit: n.messaging_limit_tier,
      throughput: { level: n.throughput_level },
      status: 'CONNECTED',
      name_status: 'APPROVED',
      code_verification_status: 'VERIFIED',
      platform_type: 'CLOUD_API',
      account_mode: 'LIVE',
      is_official_business_account: false,
      ...countryOf(n.display_phone_number),
    };
    const out: Record<string, unknown> = {};
    for (const f of fields) if (all[f] !== undefined) out[f] = all[f];
    return out;
  }

  function requestedFields(raw: string | undefined, allowed: string[], defaults: string[], nodeType: string): string[] {
    if (!raw) return defaults;
    const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
    for (const f of fields) if (!allowed.includes(f)) throw invalid(`Tried accessing nonexisting field (${f.slice(0, 60)}) on node type (${nodeType})`);
    return fields.includes('id') ? fields : ['id', ...fields];
  }

  /** GET /{id}: a phone number, a media object (its download URL) or a template. */
  async function getNode(token: string | undefined, id: string, query: { fields?: string | undefined; phone_number_id?: string | undefined }, origin: string) {
    const auth = await authenticate(token);
    if (!/^[0-9]{1,32}$/.test(id)) throw objectNotFound(id, 'get');
    const n = await repo.findNumber(db, id);
    if (n && n.waba_id === auth.wabaId) {
      return phoneNumberObject(n, requestedFields(query.fields, NUMBER_FIELDS, ['id', 'display_phone_number', 'verified_name', 'quality_rating'], 'WhatsAppBusinessPhoneNumber'));
    }
    const t = await repo.findTemplateById(db, id);
    if (t && t.waba_id === auth.wabaId) return templateObject(t);
    const m = await mediaFor(auth, id, query.phone_number_id, 'get');
    return { messaging_product: 'whatsapp', url: mediaUrl(m.id, origin), mime_type: m.mime_type, sha256: m.sha256, file_size: String(m.file_size), id: m.id };
  }

  async function deleteMedia(token: string | undefined, id: string, phoneNumberId: string | undefined) {
    const auth = await authenticate(token);
    const m = await mediaFor(auth, id, phoneNumberId, 'delete');
    await db.query('DELETE FROM meta_sandbox_media WHERE id = $1', [m.id]);
    return { success: true };
  }

  /** GET of a download URL: needs a valid, unexpired URL and a bearer token of the media's account. */
  async function download(token: string | undefined, q: { mid?: string | undefined; ext?: string | undefined; hash?: string | undefined }) {
    const auth = await authenticate(token);
    if (!q.mid || !q.ext || !q.hash || !mediaUrlValid(q.mid, q.ext, q.hash)) return null;
    const m = await repo.findMedia(db, q.mid);
    if (!m || m.waba_id !== auth.wabaId) return null;
    const content = await repo.mediaContent(db, m.id);
    return content ? { content, mimeType: m.mime_type, filename: m.filename } : null;
  }

  // ---- templates ------------------------------------------------------------------------------

  function templateObject(t: TemplateRow): Record<string, unknown> {
    return {
      name: t.name,
      components: t.components,
      language: t.language,
      status: t.status,
      category: t.category,
      ...(t.parameter_format === 'NAMED' ? { parameter_format: 'NAMED' } : {}),
      ...(t.status === 'REJECTED' && t.rejected_reason ? { rejected_reason: t.rejected_reason } : {}),
      id: t.id,
    };
  }

  const cursor = (offset: number) => Buffer.from(String(offset)).toString('base64url');
  const fromCursor = (c: string | undefined) => {
    const n = c ? Number(Buffer.from(c, 'base64url').toString('utf8')) : 0;
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };

  async function listTemplates(token: string | undefined, wabaId: string, q: { name?: string | undefined; status?: string | undefined; category?: string | undefined; language?: string | undefined; limit?: string | undefined; after?: string | undefined }) {
    const auth = await authenticate(token);
    const waba = await wabaFor(auth, wabaId, 'get');
    const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 1000);
    const offset = fromCursor(q.after);
    const rows = await db.query<TemplateRow>(
      `SELECT * FROM meta_sandbox_templates WHERE waba_id = $1
         AND ($2::text IS NULL OR strpos(name, $2) > 0) AND ($3::text IS NULL OR status = $3)
         AND ($4::text IS NULL OR category = $4) AND ($5::text IS NULL OR language = $5)
       ORDER BY created_at, id LIMIT $6 OFFSET $7`,
      [waba.id, q.name ?? null, q.status ?? null, q.category ?? null, q.language ?? null, limit + 1, offset],
    );
    const page = rows.slice(0, limit);
    return {
      data: page.map(templateObject),
      paging: {
        cursors: { before: cursor(offset), after: cursor(offset + page.length) },
        ...(rows.length > limit ? { next: `${SANDBOX_GRAPH_PREFIX}/${deps.graphVersion}/${waba.id}/message_templates?limit=${limit}&after=${cursor(offset + page.length)}` } : {}),
      },
    };
  }

  async function createTemplate(token: string | undefined, wabaId: string, body: unknown) {
    const auth = await authenticate(token);
    const waba = await wabaFor(auth, wabaId, 'post');
    const draft = validateTemplateCreate(body);
    const id = graphId();
    return db.tx(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO meta_sandbox_templates (id, waba_id, name, language, category, parameter_format, components)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ON CONSTRAINT meta_sandbox_templates_name_language DO NOTHING RETURNING id`,
        [id, waba.id, draft.name, draft.language, draft.category, draft.parameterFormat, JSON.stringify(draft.components)],
      );
      if (!rows.length) {
        throw new SimGraphError(100, `Content in this language already exists: ${draft.name} (${draft.language}).`, { subcode: 2388024, message: 'Invalid parameter' });
      }
      await jobs.enqueue(tx, TEMPLATE_REVIEW_JOB, { id }, { startAfterSeconds: reviewDelay });
      return { id, status: 'PENDING', category: draft.category };
    });
  }

  async function deleteTemplate(token: string | undefined, wabaId: string, q: { name?: string | undefined; hsm_id?: string | undefined }) {
    const auth = await authenticate(token);
    const waba = await wabaFor(auth, wabaId, 'delete');
    if (!q.name) throw invalid('The parameter name is required.');
    const deleted = await db.execute('DELETE FROM meta_sandbox_templates WHERE waba_id = $1 AND name = $2 AND ($3::text IS NULL OR id = $3)', [waba.id, q.name, q.hsm_id ?? null]);
    if (!deleted) throw invalid(`Message template "${q.name.slice(0, 100)}" does not exist.`);
    return { success: true };
  }

  /** Meta's pages: `limit` 1–100 (default 25), cursor `after`; `paging.next` only while more follow. */
  async function listNumbers(token: string | undefined, wabaId: string, q: { fields?: string | undefined; limit?: string | undefined; after?: string | undefined }) {
    const auth = await authenticate(token);
    const waba = await wabaFor(auth, wabaId, 'get');
    const fields = requestedFields(q.fields, NUMBER_FIELDS, ['id', 'display_phone_number', 'verified_name', 'quality_rating'], 'WhatsAppBusinessPhoneNumber');
    const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 100);
    const offset = fromCursor(q.after);
    const rows = await repo.numbersOfWaba(db, waba.id, { limit: limit + 1, offset });
    const page = rows.slice(0, limit);
    const query = (after: string) => `limit=${limit}&after=${after}${q.fields ? `&fields=${encodeURIComponent(q.fields)}` : ''}`;
    return {
      data: page.map((n) => phoneNumberObject(n, fields)),
      paging: {
        cursors: { before: cursor(offset), after: cursor(offset + page.length) },
        ...(rows.length > limit ? { next: `${deps.publicUrl}${SANDBOX_GRAPH_PREFIX}/${deps.graphVersion}/${waba.id}/phone_numbers?${query(cursor(offset + page.length))}` } : {}),
      },
    };
  }

  async function templateEvent(tx: Queryable, t: TemplateRow, extra: { reason?: string | null; rejectionInfo?: { reason: string; recommendation: string } } = {}) {
    const otherInfo =
      t.status === 'PAUSED'
        ? { title: 'FIRST_PAUSE', description: 'Your message template has been paused because of low quality ratings from customers.' }
        : undefined;
    const change = templateStatusChange({
      event: t.status,
      id: t.id,
      name: t.name,
      language: t.language,
      reason: extra.reason === undefined ? 'NONE' : extra.reason,
      category: t.category,
      rejectionInfo: extra.rejectionInfo,
      otherInfo,
      disableDate: t.status === 'DISABLED' ? new Date().toISOString() : undefined,
    });
    await queueWebhook(tx, { wabaId: t.waba_id, phoneNumberId: null, field: change.field, body: { entry: [{ id: t.waba_id, time: Math.floor(Date.now() / 1000), changes: [change] }], object: 'whatsapp_business_account' } });
  }

  /** Job: the review of a new template: approved, or rejected for variables next to each other. */
  async function reviewPendingTemplate({ id }: { id: string }): Promise<void> {
    await db.tx(async (tx) => {
      const t = await repo.findTemplateById(tx, id, true);
      if (!t || t.status !== 'PENDING') return;
      const result = reviewTemplate(t.components);
      const rows = await tx.query<TemplateRow>(`UPDATE meta_sandbox_templates SET status = $2, rejected_reason = $3, updated_at = now() WHERE id = $1 RETURNING *`, [
        id,
        result.status,
        result.status === 'REJECTED' ? result.reason : null,
      ]);
      await templateEvent(tx, rows[0]!, result.status === 'REJECTED' ? { reason: result.reason, rejectionInfo: result.rejectionInfo } : { reason: 'NONE' });
    });
  }

  // ---- the simulator's own admin API (the _sim routes) ------------------------------------------

  async function newDisplayNumber(q: Queryable): Promise<string> {
    for (;;) {
      const digits = '1555' + String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0');
      const taken = await q.query('SELECT 1 FROM meta_sandbox_numbers WHERE display_phone_number = $1', [digits]);
      if (!taken.length) return digits;
    }
  }

  async function mintToken(q: Queryable, wabaId: string, expiresInSeconds?: number): Promise<string> {
    const token = accessToken();
    await repo.insertToken(q, tokenHash(token), wabaId, expiresInSeconds !== undefined ? new Date(Date.now() + expiresInSeconds * 1000) : null);
    return token;
  }

  function numberView(n: NumberRow) {
    return {
      phone_number_id: n.id,
      waba_id: n.waba_id,
      display_phone_number: n.display_phone_number,
      verified_name: n.verified_name,
      quality_rating: n.quality_rating,
      messaging_limit_tier: n.messaging_limit_tier,
      throughput_level: n.throughput_level,
      mps: n.mps,
      pair_limit: n.pair_limit,
      restriction: n.restriction,
      webhook_batching: n.webhook_batching,
      duplicate_webhooks: n.duplicate_webhooks,
      marketing_stop_refusal: n.marketing_stop_refusal,
      created_at: n.created_at.toISOString(),
    };
  }

  /** Creates a number (and its WABA, with Meta's hello_world template, unless `waba_id` names one) and a token for it. */
  async function createNumber(input: CreateNumberInput) {
    return db.tx(async (tx) => {
      let wabaId = input.waba_id;
      if (wabaId) {
        if (!(await repo.findWaba(tx, wabaId))) throw notFound('Simulated business account');
      } else {
        wabaId = graphId();
        await tx.query('INSERT INTO meta_sandbox_wabas (id, name) VALUES ($1, $2)', [wabaId, input.waba_name ?? 'Sandbox Business']);
        await tx.query(
          `INSERT INTO meta_sandbox_templates (id, waba_id, name, language, category, status, components) VALUES ($1, $2, 'hello_world', 'en_US', 'MARKETING', 'APPROVED', $3)`,
          [
            graphId(),
            wabaId,
            JSON.stringify([
              { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
              { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a message notification from WhatsApp Business Platform’s Cloud API. Thank you for taking the time to test with us.' },
              { type: 'FOOTER', text: 'WhatsApp Business API Team' },
            ]),
          ],
        );
      }
      let digits = input.display_phone_number?.replace(/[\s\-().+]/g, '');
      if (digits !== undefined && !/^[0-9]{8,15}$/.test(digits)) throw badRequest('validation_failed', 'display_phone_number must be a phone number in international format.');
      digits ??= await newDisplayNumber(tx);
      const taken = await tx.query('SELECT 1 FROM meta_sandbox_numbers WHERE display_phone_number = $1', [digits]);
      if (taken.length) throw badRequest('number_taken', 'A simulated number with this display number exists already.');
      const rows = await tx.query<NumberRow>(
        `INSERT INTO meta_sandbox_numbers (id, waba_id, display_phone_number, verified_name, quality_rating, messaging_limit_tier, throughput_level, mps)
         VALUES ($1, $2, $3, $4, COALESCE($5, 'GREEN'), COALESCE($6, 'TIER_250'), COALESCE($7, 'STANDARD'), COALESCE($8::int, 80)) RETURNING *`,
        [graphId(), wabaId, digits, input.verified_name ?? 'Sandbox Business', input.quality_rating ?? null, input.messaging_limit_tier ?? null, input.throughput_level ?? null, input.mps ?? null],
      );
      const token = await mintToken(tx, wabaId);
      return { ...numberView(rows[0]!), access_token: token, app_id: metaApp.appId, graph_url: deps.publicUrl + SANDBOX_GRAPH_PREFIX, api_version: deps.graphVersion };
    });
  }

  async function getNumber(id: string) {
    const n = /^[0-9]{15}$/.test(id) ? await repo.findNumber(db, id) : undefined;
    if (!n) throw notFound('Simulated number');
    return numberView(n);
  }

  async function listSimNumbers() {
    return (await db.query<NumberRow>('SELECT * FROM meta_sandbox_numbers ORDER BY created_at DESC, id LIMIT 500')).map(numberView);
  }

  async function updateNumber(id: string, s: NumberSettings) {
    await getNumber(id);
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const key of NUMBER_SETTINGS) {
      const value = s[key];
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${key} = $${params.length}`);
    }
    if (sets.length) await db.query(`UPDATE meta_sandbox_numbers SET ${sets.join(', ')} WHERE id = $1`, params);
    senders.clear();
    return getNumber(id);
  }

  async function newToken(wabaId: string, expiresInSeconds?: number) {
    if (!/^[0-9]{15}$/.test(wabaId) || !(await repo.findWaba(db, wabaId))) throw notFound('Simulated business account');
    return { access_token: await mintToken(db, wabaId, expiresInSeconds), waba_id: wabaId };
  }

  async function revokeToken(token: string) {
    const n = await db.execute('UPDATE meta_sandbox_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash(token)]);
    senders.clear();
    if (!n) throw notFound('Access token');
  }

  async function updateWaba(wabaId: string, s: { mgmt_calls_per_hour?: number | undefined; name?: string | undefined }) {
    if (!/^[0-9]{15}$/.test(wabaId) || !(await repo.findWaba(db, wabaId))) throw notFound('Simulated business account');
    await db.query('UPDATE meta_sandbox_wabas SET mgmt_calls_per_hour = COALESCE($2, mgmt_calls_per_hour), name = COALESCE($3, name) WHERE id = $1', [
      wabaId,
      s.mgmt_calls_per_hour ?? null,
      s.name ?? null,
    ]);
    const w = (await repo.findWaba(db, wabaId))!;
    return { waba_id: w.id, name: w.name, mgmt_calls_per_hour: w.mgmt_calls_per_hour };
  }

  async function upsertUser(waId: string, s: { profile_name?: string | undefined; undeliverable?: 'async' | 'sync' | null | undefined; auto_read?: boolean | undefined }) {
    if (!/^[0-9]{7,15}$/.test(waId)) throw badRequest('validation_failed', 'wa_id must be 7 to 15 digits.');
    const d = repo.defaultUser(waId);
    // A write of rows a send reads forgets what the cache held of them once it is committed (or
    // failed): a send reading the rows before that could keep the old ones (recipient-cache.ts).
    const rows = await db
      .query<UserRow>(
        `INSERT INTO meta_sandbox_users (wa_id, profile_name, undeliverable, auto_read) VALUES ($1, $2, $3, $4)
         ON CONFLICT (wa_id) DO UPDATE SET
           profile_name = CASE WHEN $5 THEN EXCLUDED.profile_name ELSE meta_sandbox_users.profile_name END,
           undeliverable = CASE WHEN $6 THEN EXCLUDED.undeliverable ELSE meta_sandbox_users.undeliverable END,
           auto_read = CASE WHEN $7 THEN EXCLUDED.auto_read ELSE meta_sandbox_users.auto_read END,
           updated_at = now()
         RETURNING wa_id, profile_name, undeliverable, auto_read`,
        [waId, s.profile_name ?? d.profile_name, s.undeliverable ?? null, s.auto_read ?? true, s.profile_name !== undefined, s.undeliverable !== undefined, s.auto_read !== undefined],
      )
      .finally(() => recipients.forgetUser(waId));
    return rows[0]!;
  }

  async function userOf(q: Queryable, waId: string): Promise<UserRow> {
    return (await repo.findUser(q, waId)) ?? repo.defaultUser(waId);
  }

  /** The user's marketing choice for one number; stop and resume reach the platform as user_preferences. */
  async function setMarketing(phoneNumberId: string, waId: string, marketing: 'subscribed' | 'stopped' | 'capped') {
    const n = await repo.findNumber(db, phoneNumberId);
    if (!n) throw notFound('Simulated number');
    if (!/^[0-9]{7,15}$/.test(waId)) throw badRequest('validation_failed', 'wa_id must be 7 to 15 digits.');
    return db.tx(async (tx) => {
      const before = await repo.findConversation(tx, n.id, waId);
      await repo.touchConversation(tx, n.id, waId);
      await tx.query('UPDATE meta_sandbox_conversations SET marketing = $3 WHERE phone_number_id = $1 AND wa_id = $2', [n.id, waId, marketing]);
      const was = before?.marketing ?? 'subscribed';
      const event = marketing === 'stopped' && was !== 'stopped' ? 'stop' : was === 'stopped' && marketing !== 'stopped' ? 'resume' : null;
      if (event) {
        const user = await userOf(tx, waId);
        const change = userPreferencesChange(numberMeta(n), { name: user.profile_name, waId }, event);
        await queueWebhook(tx, { wabaId: n.waba_id, phoneNumberId: n.id, field: change.field, body: envelope([{ wabaId: n.waba_id, change }]) });
      }
      return { phone_number_id: n.id, wa_id: waId, marketing, webhook: event };
    }).finally(() => recipients.forgetConversation(n.id, waId));
  }

  /** A simulated inbound media object: an uploaded id, or a new file from base64 data or a placeholder. */
  async function inboundMedia(tx: Queryable, n: NumberRow, type: string, spec: Json, withUrl: boolean): Promise<Json> {
    let mediaId = typeof spec.id === 'string' ? spec.id : undefined;
    let row = mediaId ? await repo.findMedia(tx, mediaId) : undefined;
    if (mediaId && (!row || row.waba_id !== n.waba_id)) throw badRequest('validation_failed', `${type}.id is not media of this number's account.`);
    if (!row) {
      const placeholder = PLACEHOLDER[type]!;
      const data = typeof spec.data_base64 === 'string' ? Buffer.from(spec.data_base64, 'base64') : placeholder.data;
      const mime = typeof spec.mime_type === 'string' ? spec.mime_type : placeholder.mime;
      mediaId = graphId();
      await repo.insertMedia(tx, { id: mediaId, phoneNumberId: n.id, mimeType: mime, sha256: sha256Base64(data), filename: typeof spec.filename === 'string' ? spec.filename : null, content: data });
      row = (await repo.findMedia(tx, mediaId))!;
    }
    const out: Json = {};
    if (typeof spec.caption === 'string' && type !== 'audio' && type !== 'sticker') out.caption = spec.caption;
    if (type === 'document') out.filename = typeof spec.filename === 'string' ? spec.filename : (row.filename ?? 'document.pdf');
    out.mime_type = row.mime_type;
    out.sha256 = row.sha256;
    out.id = row.id;
    if (type === 'audio') out.voice = spec.voice !== false;
    if (type === 'sticker') out.animated = spec.animated === true;
    if (withUrl) out.url = mediaUrl(row.id, deps.publicUrl);
    return out;
  }

  function need(spec: Json, key: string, type: string): Json {
    const v = spec[key];
    if (!isObj(v)) throw badRequest('validation_failed', `A ${type} message needs a "${key}" object.`, [{ field: key, message: 'is required' }]);
    return v;
  }

  /** One inbound message object as Meta webhooks it. */
  async function inboundMessage(tx: Queryable, n: NumberRow, from: string, name: string, spec: InboundSpec): Promise<Json> {
    // A caller may replay a known wamid (e.g. a recorded webhook); otherwise a new one is minted.
    let id = wamid(from, 'inbound');
    if (typeof spec.id === 'string') {
      if (!/^wamid\.[A-Za-z0-9+/=_-]{8,300}$/.test(spec.id)) throw badRequest('validation_failed', 'id must be a wamid.');
      if (await repo.findMessage(tx, spec.id)) throw conflict('message_exists', `A message with id ${spec.id} exists already.`);
      id = spec.id;
    }
    const timestamp = unix();
    const head: Json = {};
    if (isObj(spec.referral)) head.referral = spec.referral;
    if (typeof spec.reply_to === 'string') {
      const quoted = await repo.findMessage(tx, spec.reply_to);
      head.context = { from: quoted?.direction === 'inbound' ? quoted.wa_id : n.display_phone_number, id: spec.reply_to };
    }
    const msg: Json = { ...head, from, id, timestamp };
    switch (spec.type) {
      case 'text': {
        const text = need(spec, 'text', 'text');
        if (typeof text.body !== 'string' || !text.body || text.body.length > 4096) throw badRequest('validation_failed', 'text.body must be 1 to 4096 characters.');
        return { ...msg, type: 'text', text: { body: text.body } };
      }
      case 'image':
      case 'audio':
      case 'video':
      case 'document':
      case 'sticker':
        return { ...msg, type: spec.type, [spec.type]: await inboundMedia(tx, n, spec.type, isObj(spec[spec.type]) ? (spec[spec.type] as Json) : {}, spec.media_url === true) };
      case 'location': {
        const l = need(spec, 'location', 'location');
        if (typeof l.latitude !== 'number' || typeof l.longitude !== 'number') throw badRequest('validation_failed', 'location needs numeric latitude and longitude.');
        return { ...msg, type: 'location', location: l };
      }
      case 'contacts': {
        if (!Array.isArray(spec.contacts) || !spec.contacts.length) throw badRequest('validation_failed', 'A contacts message needs a non-empty "contacts" array.');
        return { ...msg, type: 'contacts', contacts: spec.contacts };
      }
      case 'interactive': {
        const i = need(spec, 'interactive', 'interactive');
        const kind = i.type;
        if ((kind !== 'button_reply' && kind !== 'list_reply' && kind !== 'nfm_reply') || !isObj(i[kind])) {
          throw badRequest('validation_failed', 'interactive needs type button_reply, list_reply or nfm_reply and the object of that name.');
        }
        return { ...msg, type: 'interactive', interactive: { type: kind, [kind]: i[kind] } };
      }
      case 'button': {
        const b = need(spec, 'button', 'button');
        if (typeof b.payload !== 'string' || typeof b.text !== 'string') throw badRequest('validation_failed', 'button needs payload and text.');
        return { ...msg, type: 'button', button: { payload: b.payload, text: b.text } };
      }
      case 'reaction': {
        const r = need(spec, 'reaction', 'reaction');
        if (typeof r.message_id !== 'string' || typeof r.emoji !== 'string') throw badRequest('validation_failed', 'reaction needs message_id and emoji.');
        return { ...msg, type: 'reaction', reaction: { message_id: r.message_id, emoji: r.emoji } };
      }
      case 'system': {
        const s = isObj(spec.system) ? spec.system : {};
        const newId = typeof s.wa_id === 'string' && /^[0-9]{7,15}$/.test(s.wa_id) ? s.wa_id : null;
        if (!newId) throw badRequest('validation_failed', 'system.wa_id (the user’s new number) is required.');
        return { ...msg, type: 'system', system: { body: `User ${name} changed from ${from} to ${newId}`, wa_id: newId, type: 'user_changed_number' } };
      }
      case 'unsupported':
        return { ...msg, errors: [webhookError(131051, 'Message type is currently not supported.', { href: false, title: 'Message type unknown' })], type: 'unsupported' };
      default:
        throw badRequest('validation_failed', `Unknown inbound type "${String(spec.type).slice(0, 40)}"; use text, image, audio, video, document, sticker, location, contacts, interactive, button, reaction, system or unsupported.`);
    }
  }

  /**
   * A simulated user writes to a number: the messages are stored, the 24-hour window opens (a
   * Click-to-WhatsApp referral also opens a 72-hour free entry point), and the platform is owed a
   * webhook: one POST for all of them (`batch`, the default) or one each; `duplicate` sends each twice.
   */
  async function simulateInbound(input: { phone_number_id: string; from: string; profile_name?: string | undefined; messages: InboundSpec[]; batch?: boolean | undefined; duplicate?: boolean | undefined }) {
    const n = /^[0-9]{15}$/.test(input.phone_number_id) ? await repo.findNumber(db, input.phone_number_id) : undefined;
    if (!n) throw notFound('Simulated number');
    const from = input.from.replace(/[\s\-().+]/g, '');
    if (!/^[0-9]{7,15}$/.test(from)) throw badRequest('validation_failed', 'from must be a phone number in international format.');
    if (from === n.display_phone_number) throw badRequest('validation_failed', 'A number cannot write to itself.');
    return db.tx(async (tx) => {
      const user = input.profile_name !== undefined ? { ...(await userOf(tx, from)), profile_name: input.profile_name } : await userOf(tx, from);
      const built: Json[] = [];
      for (const spec of input.messages) {
        const m = await inboundMessage(tx, n, from, user.profile_name, spec);
        built.push(m);
        await repo.insertMessage(tx, { id: String(m.id), phoneNumberId: n.id, waId: from, direction: 'inbound', type: String(m.type), content: m, status: 'received' });
        await repo.touchConversation(tx, n.id, from, { inbound: m.type !== 'system', entryPoint: isObj(m.referral) && m.referral.source_type === 'ad' });
      }
      // System messages come without the contacts block, so they travel in a change of their own.
      const contact = { name: user.profile_name, waId: from };
      const changeOf = (msgs: Json[]): Change => (msgs[0]!.type === 'system' ? messagesChange(numberMeta(n), null, msgs) : messagesChange(numberMeta(n), contact, msgs));
      const posts: Change[][] =
        input.batch === false
          ? built.map((m) => [changeOf([m])])
          : [[...[built.filter((m) => m.type !== 'system'), built.filter((m) => m.type === 'system')].filter((g) => g.length).map(changeOf)]];
      const webhooks: string[] = [];
      for (const changes of posts) {
        const body = envelope(changes.map((change) => ({ wabaId: n.waba_id, change })));
        webhooks.push(...(await queueWebhook(tx, { wabaId: n.waba_id, phoneNumberId: n.id, field: 'messages', body, copies: input.duplicate ? 2 : 1 })));
      }
      return { messages: built.map((m) => ({ id: String(m.id), type: String(m.type) })), webhooks };
    }).finally(() => recipients.forgetConversation(n.id, from));
  }

  /** The user opens the chat: delivered messages (or the ones named) turn read, in one status POST. */
  async function readByUser(phoneNumberId: string, waId: string, messageIds?: string[]) {
    const n = await repo.findNumber(db, phoneNumberId);
    if (!n) throw notFound('Simulated number');
    return db.tx(async (tx) => {
      const rows = await tx.query<MessageRow>(
        `SELECT * FROM meta_sandbox_messages WHERE phone_number_id = $1 AND wa_id = $2 AND direction = 'outbound'
           AND status IN ('sent', 'delivered') AND ($3::text[] IS NULL OR id = ANY($3)) ORDER BY created_at FOR UPDATE`,
        [n.id, waId, messageIds ?? null],
      );
      if (!rows.length) return { read: 0 };
      const ts = unix();
      for (const m of rows) await repo.setMessageStatus(tx, m.id, 'read');
      await queueStatuses(tx, n, rows.map((m) => statusObject({ id: m.id, status: 'read' as StatusName, timestamp: ts, recipientId: waId, bizOpaque: m.biz_opaque_callback_data })), true);
      return { read: rows.length };
    });
  }

  async function conversations(phoneNumberId: string) {
    await getNumber(phoneNumberId);
    const rows = await db.query<ConversationRow & { profile_name: string | null }>(
      `SELECT c.*, u.profile_name FROM meta_sandbox_conversations c LEFT JOIN meta_sandbox_users u ON u.wa_id = c.wa_id
        WHERE c.phone_number_id = $1 ORDER BY c.last_message_at DESC LIMIT 500`,
      [phoneNumberId],
    );
    return rows.map((c) => ({
      wa_id: c.wa_id,
      profile_name: c.profile_name ?? repo.defaultUser(c.wa_id).profile_name,
      window_open_until: c.last_inbound_at ? new Date(c.last_inbound_at.getTime() + DAY_MS).toISOString() : null,
      window_open: windowOpen(c.last_inbound_at),
      entry_point_until: c.entry_point_until?.toISOString() ?? null,
      marketing: c.marketing,
      last_message_at: c.last_message_at.toISOString(),
    }));
  }

  async function conversationMessages(phoneNumberId: string, waId: string) {
    await getNumber(phoneNumberId);
    const rows = await db.query<MessageRow>('SELECT * FROM meta_sandbox_messages WHERE phone_number_id = $1 AND wa_id = $2 ORDER BY created_at, id LIMIT 1000', [phoneNumberId, waId]);
    return rows.map((m) => ({
      id: m.id,
      direction: m.direction,
      type: m.type,
      content: m.content,
      status: m.status,
      error_code: m.error_code,
      category: m.category,
      created_at: m.created_at.toISOString(),
      updated_at: m.updated_at.toISOString(),
    }));
  }

  /** Moves a template to any status (approve, reject, pause, disable …) and owes the status webhook. */
  async function setTemplateStatus(id: string, s: { status: string; reason?: string | undefined; quality_pacing?: boolean | undefined; category?: string | undefined }) {
    return db.tx(async (tx) => {
      const t = /^[0-9]{15}$/.test(id) ? await repo.findTemplateById(tx, id, true) : undefined;
      if (!t) throw notFound('Simulated template');
      const rows = await tx.query<TemplateRow>(
        `UPDATE meta_sandbox_templates SET status = $2, category = COALESCE($3, category), quality_pacing = COALESCE($4, quality_pacing),
           rejected_reason = CASE WHEN $2 = 'REJECTED' THEN COALESCE($5, 'INVALID_FORMAT') ELSE NULL END, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id, s.status, s.category ?? null, s.quality_pacing ?? null, s.reason ?? null],
      );
      const updated = rows[0]!;
      if (updated.status !== t.status) await templateEvent(tx, updated, { reason: s.reason ?? (updated.status === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE') });
      return templateObject(updated);
    });
  }

  async function listWebhooks(q: { phone_number_id?: string | undefined; limit?: number | undefined }) {
    const rows = await db.query<repo.WebhookRow>(
      `SELECT * FROM meta_sandbox_webhooks WHERE ($1::text IS NULL OR phone_number_id = $1) ORDER BY created_at DESC, id LIMIT $2`,
      [q.phone_number_id ?? null, Math.min(q.limit ?? 50, 500)],
    );
    return rows.map((w) => ({
      id: w.id,
      waba_id: w.waba_id,
      phone_number_id: w.phone_number_id,
      field: w.field,
      body: JSON.parse(w.body) as unknown,
      attempts: w.attempts,
      last_status: w.last_status,
      last_error: w.last_error,
      delivered_at: w.delivered_at?.toISOString() ?? null,
      created_at: w.created_at.toISOString(),
    }));
  }

  return {
    metaApp,
    webhookUrl: deps.webhookUrl,
    // Graph API
    send,
    uploadMedia,
    getNode,
    deleteMedia,
    download,
    listTemplates,
    createTemplate,
    deleteTemplate,
    listNumbers,
    // jobs
    deliverWebhook,
    verifyWebhookUrl,
    purge,
    progress,
    reviewPendingTemplate,
    // simulator admin
    createNumber,
    getNumber,
    listSimNumbers,
    updateNumber,
    newToken,
    revokeToken,
    updateWaba,
    upsertUser,
    setMarketing,
    simulateInbound,
    readByUser,
    conversations,
    conversationMessages,
    setTemplateStatus,
    listWebhooks,
  };
}

export type MetaSandbox = ReturnType<typeof createMetaSandbox>;
