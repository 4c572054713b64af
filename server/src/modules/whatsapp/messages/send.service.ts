import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { AppError } from '../../../platform/errors.js';
import type { Jobs } from '../../../platform/jobs.js';
import type { Keyring } from '../../../platform/encryption.js';
import { insertActivity, type ActivityRecord } from '../../audit/activity.repo.js';
import { validateSend, type ValidatedSend } from '../../meta-sandbox/message-rules.js';
import { SimGraphError } from '../../meta-sandbox/sim-errors.js';
import type { CreditLeases } from '../../wallet/credit-leases.js';
import type { Price, PriceCategory } from '../billing/pricing.js';
import { createReserver, refundReserve } from '../billing/reserve.js';
import { assertMaySend, type MessageCategory } from '../contacts/consent.js';
import { recordMarketingStopFrom131050 } from '../contacts/consent-changes.js';
import type { GraphClient } from '../graph/graph-client.js';
import { GraphApiError, GraphRequestError } from '../graph/graph-errors.js';
import type { MarkReadRequest, OutboundMessage, SendMessageResponse, SuccessResponse } from '../graph/graph-types.js';
import type { InboundEvents } from '../inbound/inbound-events.js';
import { lockWamids } from '../inbound/wamid-lock.js';
import { accessTokenOf, markNumberError, type NumberRow } from '../numbers/numbers.repo.js';
import { callbackDataFor } from './callback-data.js';
import { metaErrorInfo, type MetaErrorInfo } from './meta-errors.js';
import { claimRetry, markFailed, noteQueued, staleQueued, type NewOutbound, type OutboundRow } from './outbound.repo.js';
import { createSendWriter } from './send-writes.js';
import type { ThroughputPacer } from './pacing.js';
import { categoryOf, type TemplateCategories } from './template-categories.js';
import { checkTemplateSend } from '../templates/index.js';

/**
 * The send use case shared by POST /v1/messages, the Graph-compatible endpoint, the UI's test send
 * and the throughput retry job (README.md beside this file). In order: validate the body by Meta's
 * rules → the template's category → consent → price → wait for the number's throughput → reserve
 * the price and write the message (one transaction) → Graph API → record Meta's answer. Nothing
 * costs money before the reserve, and the reserve is given back when Meta refuses.
 */

export const SEND_RETRY_JOB = 'whatsapp.send-retry';
export const SEND_MAINTENANCE_JOB = 'whatsapp.send-maintenance';

/** Meta's "not now" codes: the message was not sent and may go later. */
const THROUGHPUT_CODES = [4, 130429, 131056] as const;
const MAX_THROUGHPUT_RETRIES = 5;
/** A message still queued this long after its send has no status coming: its reserve goes back. */
const STALE_QUEUED_HOURS = 7 * 24;

export type SendSource = 'api' | 'graph' | 'ui' | 'automation' | 'inbox';

export interface Sender {
  tenantId: string;
  source: SendSource;
  apiKeyId: string | null;
  /** The person, for sends from the UI. */
  userId: string | null;
  actor: Actor;
  meta: RequestMeta;
}

export interface SentMessage {
  id: string;
  numberId: string;
  phoneNumberId: string;
  /** `to` as the caller wrote it, and as Meta normalised it. */
  input: string;
  waId: string;
  type: string;
  category: MessageCategory;
  reservedPaise: number;
  wamid: string | null;
  status: 'accepted' | 'queued';
  /** Template pacing: accepted, held_for_quality_assessment or paused (template sends only). */
  messageStatus?: string;
  /** Why a queued message waits. */
  note?: string;
}

export type SendOutcome =
  | { kind: 'read'; response: SuccessResponse; messageId: string }
  | { kind: 'accepted'; message: SentMessage; response: SendMessageResponse }
  | { kind: 'queued'; message: SentMessage; reason: 'throughput' | 'outcome_unknown' };

/** WhatsApp (or the platform's copy of its rules) refused the message; `message` when one was written (now failed, reserve returned). */
export class MetaRefusal extends Error {
  constructor(
    readonly info: MetaErrorInfo,
    readonly sent?: { id: string },
  ) {
    super(info.message);
    this.name = 'MetaRefusal';
  }
}

export const whatsappUnavailable = (what = 'nothing was sent') =>
  new AppError(503, 'whatsapp_unavailable', `WhatsApp could not be reached; ${what}. Try again in a moment.`);
const whatsappOff = () => new AppError(503, 'whatsapp_unavailable', 'WhatsApp messaging is not configured on this platform.');

export interface SendServiceDeps {
  db: Db;
  jobs: Jobs;
  graph: GraphClient | null;
  ring: Keyring;
  leases: CreditLeases;
  pacer: ThroughputPacer;
  /** The price table (send-caches.ts createPriceBook, or billing/pricing.ts priceFor on the database). */
  prices: { priceFor(category: PriceCategory, waId: string): Promise<Price | null> };
  templates: TemplateCategories;
  log: FastifyBaseLogger;
  /** whatsapp/inbound: applies status reports that arrived before the wamid was recorded. */
  applyStatusEvents?: ((q: Queryable, wamid: string) => Promise<unknown>) | undefined;
  /** Who hears of consent changes a send learns of (a 131050 refusal: contact.opted_out to the customer's webhooks). */
  events?: InboundEvents | undefined;
  /** Group commits written at the same time (default: 1 on PGlite, 4 on PostgreSQL). */
  writeConcurrency?: number;
}

/** The media reference of a message (an uploaded media id, or a link), for the message log. */
function mediaRefOf(body: Record<string, unknown>, type: string): string | null {
  const media = body[type];
  if (!media || typeof media !== 'object') return null;
  const m = media as { id?: unknown; link?: unknown };
  return typeof m.id === 'string' ? m.id : typeof m.link === 'string' ? m.link.slice(0, 2000) : null;
}

function validate(body: unknown): ValidatedSend {
  try {
    return validateSend(body);
  } catch (err) {
    if (err instanceof SimGraphError) throw new MetaRefusal(metaErrorInfo(err));
    throw err;
  }
}

const templateMissing = (name: string, language: string) =>
  new MetaRefusal(metaErrorInfo(new SimGraphError(132001, `template name (${name.slice(0, 100)}) does not exist in ${language.slice(0, 20)}`)));

export function createSendService(deps: SendServiceDeps) {
  const { db, jobs, leases, pacer, prices, templates, log } = deps;
  const writeConcurrency = deps.writeConcurrency ?? (db.kind === 'pglite' ? 1 : 4);

  const writes = createSendWriter(db, { concurrency: writeConcurrency });
  /** The message row and its activity record, written with the reserve (billing/reserve.ts). */
  interface Written {
    message: NewOutbound;
    activity: ActivityRecord;
  }
  const reserver = createReserver<Written>({
    leases,
    write: (work, reserved, usage) =>
      writes.reserve({ usage, message: { ...work.message, reservedPaise: reserved.reservedPaise, holdId: reserved.holdId }, activity: work.activity }),
  });

  /**
   * Records Meta's answer (grouped with other sends' writes); status reports that overtook it (rare)
   * are applied at once, under the per-wamid lock they take.
   */
  async function recordAccepted(id: string, wamid: string): Promise<void> {
    const { pending } = await writes.accept(id, wamid);
    const apply = deps.applyStatusEvents;
    if (!pending || !apply) return;
    await db.tx(async (tx) => {
      await lockWamids(tx, [wamid]);
      await apply(tx, wamid);
    });
  }

  function graphClient(): GraphClient {
    if (!deps.graph) throw whatsappOff();
    return deps.graph;
  }

  /**
   * The category a message is expected to bill at. A template the platform's template manager knows
   * goes through its checks (approved, not paused, parameters fit: Meta's 132xxx never cost a
   * reserve); one it does not know yet is looked up at Meta (template-categories.ts).
   */
  async function expectedCategory(number: NumberRow, token: string, tenantId: string, v: Extract<ValidatedSend, { kind: 'message' }>, raw: Record<string, unknown>): Promise<MessageCategory> {
    if (!v.template) return 'service';
    const t = v.template;
    try {
      const known = await checkTemplateSend(db, { tenantId, wabaId: number.waba_id, name: t.name, language: t.language, components: (raw.template as { components?: unknown }).components });
      return categoryOf(known.category);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'template_not_found')) throw err;
    }
    const found = await templates.lookup({ tenantId, numberId: number.id, wabaId: number.waba_id, accessToken: token, name: t.name, language: t.language });
    if (found.kind === 'missing') throw templateMissing(t.name, t.language);
    return found.category;
  }

  /** Marks a read receipt (no message row, nothing billed). */
  async function markRead(sender: Sender, number: NumberRow, token: string, body: unknown, v: Extract<ValidatedSend, { kind: 'read' }>): Promise<SendOutcome> {
    await pacer.acquire(number.id, number.mps);
    try {
      const response = await graphClient().sendMessage(number.phone_number_id, token, body as MarkReadRequest);
      await insertActivity(db, sender.actor, { action: 'whatsapp.message_marked_read', subjectUserId: sender.tenantId, object: { type: 'wa_number', id: number.id }, details: { wamid: v.messageId.slice(0, 200), source: sender.source } }, sender.meta);
      return { kind: 'read', response, messageId: v.messageId };
    } catch (err) {
      if (err instanceof GraphApiError) {
        await afterMetaError(number, err);
        throw new MetaRefusal(metaErrorInfo(err));
      }
      // Marking read again is harmless, so an unknown outcome is simply "try again".
      if (err instanceof GraphRequestError) throw whatsappUnavailable('the message may not be marked read');
      throw err;
    }
  }

  /** What a Meta error says about the number, beyond this message. */
  async function afterMetaError(number: NumberRow, err: GraphApiError): Promise<void> {
    if (err.code === 130429 || err.code === 4) pacer.pause(number.id, err.retryAfterSeconds ?? 1);
    if (err.category === 'auth') {
      await markNumberError(db, number.id, `${err.code}: ${err.details ?? err.message}`).catch((e: unknown) => log.error({ err: e }, 'could not mark the number'));
    }
  }

  /**
   * The message failed at send: the reserve goes back, and a 131050 refusal (the person stopped
   * marketing from this business) is recorded as their marketing stop, as its status webhook would be.
   */
  async function fail(messageId: string, e: { code: number | null; title: string; details: string | null }, reason: string): Promise<void> {
    await db.tx(async (tx) => {
      const failed = await markFailed(tx, messageId, e);
      if (!failed) return;
      await refundReserve(tx, { id: messageId }, reason);
      if (e.code === 131050) {
        await recordMarketingStopFrom131050(tx, { tenantId: failed.tenant_id, waId: failed.wa_id, messageId: failed.id, wamid: failed.wamid }, new Date(), deps.events);
      }
    });
  }

  async function scheduleRetry(messageId: string, err: GraphApiError | null, attempt: number): Promise<void> {
    const code = err?.code ?? 130429;
    // Meta: 130429 → as Retry-After says; 131056 (pair limit) → 4^n seconds.
    const delay = code === 131056 ? 4 ** attempt : Math.max(err?.retryAfterSeconds ?? 0, 2 ** attempt);
    await db.tx(async (tx) => {
      await noteQueued(tx, messageId, {
        code,
        title: err ? err.message : 'Throughput',
        details: `WhatsApp's rate limit for this number was reached; sending again in about ${delay} s (attempt ${attempt + 1} of ${MAX_THROUGHPUT_RETRIES + 1}).`,
      });
      await jobs.enqueue(tx, SEND_RETRY_JOB, { messageId, attempt: attempt + 1 }, { startAfterSeconds: delay });
    });
  }

  /** Sends a written (queued, reserved) message to Meta and records the answer. */
  async function dispatch(message: SentMessage, number: NumberRow, token: string, body: OutboundMessage, opts: { queueOnThroughput: boolean; attempt: number }): Promise<SendOutcome> {
    let response: SendMessageResponse;
    try {
      response = await graphClient().sendMessage(number.phone_number_id, token, body);
    } catch (err) {
      if (err instanceof GraphApiError) {
        await afterMetaError(number, err);
        if (THROUGHPUT_CODES.includes(err.code as (typeof THROUGHPUT_CODES)[number]) && opts.queueOnThroughput && opts.attempt < MAX_THROUGHPUT_RETRIES) {
          await scheduleRetry(message.id, err, opts.attempt);
          return { kind: 'queued', message: { ...message, status: 'queued', note: 'Waiting for WhatsApp throughput; it will be sent shortly.' }, reason: 'throughput' };
        }
        if (err.code === 132001 && body.type === 'template') templates.forget({ numberId: number.id, name: body.template.name, language: body.template.language.code });
        await fail(message.id, { code: err.code, title: err.message, details: err.details ?? null }, `WhatsApp refused it (${err.code})`);
        throw new MetaRefusal(metaErrorInfo(err), { id: message.id });
      }
      if (err instanceof GraphRequestError) {
        if (err.outcomeUnknown) {
          await noteQueued(db, message.id, { code: null, title: null, details: `WhatsApp did not answer (${err.message}); it may have been sent. Its status webhooks will settle it.` });
          return { kind: 'queued', message: { ...message, status: 'queued', note: 'WhatsApp did not answer in time; the message may have been sent. Its status will follow.' }, reason: 'outcome_unknown' };
        }
        await fail(message.id, { code: null, title: 'WhatsApp unreachable', details: err.message }, 'WhatsApp could not be reached');
        throw whatsappUnavailable();
      }
      throw err;
    }
    const wamid = response.messages[0]!.id;
    const messageStatus = response.messages[0]!.message_status;
    try {
      await recordAccepted(message.id, wamid);
    } catch (err) {
      // Meta has it: say so. The status webhooks carry the message id (callback data) and record it then.
      log.error({ err, messageId: message.id, wamid }, 'could not record the wamid of an accepted message');
    }
    return { kind: 'accepted', message: { ...message, wamid, status: 'accepted', ...(messageStatus ? { messageStatus } : {}) }, response };
  }

  return {
    /**
     * Sends one Meta-shaped message body (or read receipt) from `number` (the tenant's, live, and
     * allowed to the caller: the routes check). `queueOnThroughput`: when Meta's rate limit refuses
     * it, keep it queued and retry later (/v1, UI) instead of answering Meta's error (/graph).
     */
    async send(sender: Sender, number: NumberRow, body: unknown, opts: { queueOnThroughput: boolean }): Promise<SendOutcome> {
      const v = validate(body);
      const token = accessTokenOf(deps.ring, number);
      if (v.kind === 'read') return markRead(sender, number, token, body, v);

      const category = await expectedCategory(number, token, sender.tenantId, v, body as Record<string, unknown>);
      await assertMaySend(db, sender.tenantId, v.waId, { template: Boolean(v.template), category });
      const price = await prices.priceFor(category, v.waId);
      if (!price) throw new AppError(422, 'no_price', `Messages of the ${category} category to this country cannot be sent yet: no price is set. Please contact support.`);
      await pacer.acquire(number.id, number.mps);

      const id = randomUUID();
      const raw = body as Record<string, unknown>;
      const type = v.type;
      const metaBody = { ...raw, biz_opaque_callback_data: callbackDataFor(id) } as unknown as OutboundMessage;
      const newMessage: NewOutbound = {
        id,
        tenantId: sender.tenantId,
        numberId: number.id,
        waId: v.waId,
        type,
        content: metaBody,
        templateName: v.template?.name ?? null,
        templateLanguage: v.template?.language ?? null,
        category,
        mediaRef: mediaRefOf(raw, type),
        contextWamid: v.contextId ?? null,
        bizOpaque: v.bizOpaque ?? null,
        reservedPaise: price.pricePaise,
        holdId: null,
        source: sender.source,
        apiKeyId: sender.apiKeyId,
        sentBy: sender.userId,
      };
      const activity = {
        actor: sender.actor,
        meta: sender.meta,
        entry: {
          action: 'whatsapp.message_sent',
          subjectUserId: sender.tenantId,
          object: { type: 'wa_message', id },
          details: { numberId: number.id, to: v.waId, type, category, ...(v.template ? { template: v.template.name } : {}), pricePaise: price.pricePaise, source: sender.source },
        },
      };
      await reserver.reserve({ tenantId: sender.tenantId, messageId: id, pricePaise: price.pricePaise }, { message: newMessage, activity });
      const message: SentMessage = {
        id,
        numberId: number.id,
        phoneNumberId: number.phone_number_id,
        input: v.input,
        waId: v.waId,
        type,
        category,
        reservedPaise: price.pricePaise,
        wamid: null,
        status: 'queued',
      };
      return dispatch(message, number, token, metaBody, { queueOnThroughput: opts.queueOnThroughput, attempt: 0 });
    },

    /** Job: sends again a message Meta refused for throughput (130429, 131056), once per claim. */
    async retry({ messageId, attempt }: { messageId: string; attempt: number }): Promise<void> {
      const row = await claimRetry(db, messageId, THROUGHPUT_CODES);
      if (!row) return;
      const [number] = await db.query<NumberRow>('SELECT * FROM wa_numbers WHERE id = $1', [row.number_id]);
      if (!number || number.status === 'disconnected') {
        await fail(row.id, { code: null, title: 'Number disconnected', details: 'The number was disconnected before the message could be sent again.' }, 'the number was disconnected');
        return;
      }
      try {
        await pacer.acquire(number.id, number.mps);
      } catch (err) {
        if (err instanceof AppError && err.status === 429) return scheduleRetry(row.id, null, attempt);
        throw err;
      }
      const message = sentMessageOf(row, number);
      try {
        await dispatch(message, number, accessTokenOf(deps.ring, number), row.content as unknown as OutboundMessage, { queueOnThroughput: true, attempt });
      } catch (err) {
        // A refusal is recorded on the message (failed, reserve returned); nothing to retry.
        if (err instanceof MetaRefusal || (err instanceof AppError && err.code === 'whatsapp_unavailable')) return;
        throw err;
      }
    },

    /**
     * Job: the reserve of a message still queued a week after its send goes back — Meta never
     * answered and no status came (Meta retries webhooks for 7 days).
     */
    async releaseStale(): Promise<number> {
      let released = 0;
      for (const m of await staleQueued(db, STALE_QUEUED_HOURS, 500)) {
        await fail(m.id, { code: null, title: 'No answer from WhatsApp', details: 'Neither the send answer nor any status arrived within 7 days; the message is treated as not sent.' }, 'no status from WhatsApp within 7 days');
        released++;
      }
      return released;
    },
  };
}

function sentMessageOf(row: OutboundRow, number: NumberRow): SentMessage {
  const to = typeof row.content.to === 'string' ? row.content.to : row.wa_id;
  return {
    id: row.id,
    numberId: number.id,
    phoneNumberId: number.phone_number_id,
    input: to,
    waId: row.wa_id,
    type: row.type,
    category: (row.category ?? 'service') as MessageCategory,
    reservedPaise: row.reserved_paise,
    wamid: row.wamid,
    status: 'queued',
  };
}

export type SendService = ReturnType<typeof createSendService>;
