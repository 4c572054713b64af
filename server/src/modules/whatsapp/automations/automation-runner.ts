import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../../../db/index.js';
import { SYSTEM_META, type Actor } from '../../../platform/actor.js';
import { AppError } from '../../../platform/errors.js';
import type { Jobs } from '../../../platform/jobs.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { Notifier } from '../../notifications/notifier.js';
import { consentRefusal, type MessageCategory } from '../contacts/consent.js';
import { isOptedOut } from '../contacts/consent-changes.js';
import { findContactByWaId, type ContactRow } from '../contacts/contacts.repo.js';
import { keywordCandidates, messageIntent } from '../inbound/consent-keywords.js';
import type { InboundCustomerEvent } from '../inbound/inbound-events.js';
import { MetaRefusal, type Sender, type SendService } from '../messages/send.service.js';
import type { NumberRow } from '../numbers/numbers.repo.js';
import { isTemplateUsable } from '../templates/index.js';
import { automationStoppedNotice } from './automation-notices.js';
import { decide, type Fired } from './automation-decision.js';
import * as repo from './automations.repo.js';
import { isOpen } from './business-hours.js';
import { messageBody } from './reply-body.js';

/**
 * Runs a number's automations for one inbound message (README.md beside this file). The inbound
 * webhook's transaction only queues the job (`onInboundEvent`); the job decides which rules fire
 * (automation-decision.ts), then per rule, under the number's advisory lock: is this rule already
 * done for this message (the run's unique key — a retried job never sends twice), may it reply
 * (consent, the 24-hour window, the template, cooldown, flood limits), record the run, tag. The reply
 * then goes through the send service like every other message (billed, logged, source `automation`),
 * outside any transaction.
 */

export const AUTOMATION_JOB = 'whatsapp.automation-inbound';
export const AUTOMATION_PURGE_JOB = 'whatsapp.automation-purge';

const WINDOW_MS = 24 * 3600 * 1000;
const RUN_RETENTION_DAYS = 90;
const SYSTEM: Actor = { type: 'system' };
/** Template refusals that mean the template itself cannot be sent now: the rule stops. */
const TEMPLATE_CODES = new Set(['template_not_found', 'template_not_approved', 'template_paused', 'template_disabled', 'template_param_count', 'template_param_invalid']);
const META_TEMPLATE_CODES = new Set([132000, 132001, 132015, 132016]);

export interface AutomationJobData {
  messageId: string;
  /** No earlier inbound message from this person to this number existed when this one was stored. */
  firstContact: boolean;
}

interface InboundRow {
  id: string;
  tenant_id: string;
  number_id: string;
  direction: string;
  wa_id: string;
  wamid: string | null;
  type: string;
  content: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The texts of a message a keyword can be in: consent-keyword candidates, and media captions. */
export function messageTexts(message: Json): string[] {
  const texts = keywordCandidates(message);
  const media = typeof message.type === 'string' ? message[message.type] : undefined;
  if (isObj(media) && typeof media.caption === 'string') texts.push(media.caption);
  return texts;
}

interface Skip {
  reason: string;
  detail: string;
}

export interface AutomationRunnerDeps {
  db: Db;
  jobs: Jobs;
  send: Pick<SendService, 'send'>;
  notifier: Pick<Notifier, 'notify'>;
  log: FastifyBaseLogger;
  clock: () => Date;
}

export function createAutomationRunner(deps: AutomationRunnerDeps) {
  const { db, jobs, send, notifier, log, clock } = deps;

  /** Listener of the inbound events, in the transaction that stored the message: queues the job. */
  async function onInboundEvent(q: Queryable, event: InboundCustomerEvent): Promise<void> {
    if (event.type !== 'message.received' || !event.numberId) return;
    const messageId = typeof event.data.message_id === 'string' ? event.data.message_id : null;
    const from = typeof event.data.from === 'string' ? event.data.from : null;
    if (!messageId || !from) return;
    if (!(await repo.hasActiveRules(q, event.numberId))) return;
    const earlier = await q.query(
      `SELECT 1 FROM wa_messages WHERE tenant_id = $1 AND wa_id = $2 AND number_id = $3 AND direction = 'inbound' AND id <> $4 LIMIT 1`,
      [event.tenantId, from, event.numberId, messageId],
    );
    await jobs.enqueue(q, AUTOMATION_JOB, { messageId, firstContact: earlier.length === 0 } satisfies AutomationJobData);
  }

  async function stopForTemplate(q: Queryable, rule: repo.RuleRow, message: string, now: Date): Promise<void> {
    if (!(await repo.stopRule(q, rule.id, message, now))) return;
    await notifier.notify(q, automationStoppedNotice(rule, message));
    await insertActivity(
      q,
      SYSTEM,
      { action: 'whatsapp.automation_stopped', subjectUserId: rule.tenant_id, object: { type: 'wa_automation_rule', id: rule.id }, details: { numberId: rule.number_id, kind: rule.kind, reason: message } },
      SYSTEM_META,
    );
  }

  /** Why the rule may not reply now, or null. Runs under the number's lock. */
  async function replyBlock(tx: Queryable, rule: repo.RuleRow, ctx: { msg: InboundRow; number: NumberRow; settings: repo.SettingsRow; contact: ContactRow | null; now: Date }): Promise<Skip | null> {
    const { msg, number, settings, contact, now } = ctx;
    const reply = rule.reply!;
    if (contact && isOptedOut(contact) && rule.kind !== 'opt_out') return { reason: 'contact_opted_out', detail: 'The contact has opted out; only the opt-out confirmation is sent.' };
    if (reply.type === 'template') {
      const usable = await isTemplateUsable(tx, { tenantId: number.tenant_id, wabaId: number.waba_id, name: reply.name, language: reply.language });
      if (!usable.usable) {
        await stopForTemplate(tx, rule, usable.message, now);
        return { reason: usable.code, detail: usable.message };
      }
      const refusal = consentRefusal(contact, { template: true, category: usable.template.category.toLowerCase() as MessageCategory });
      if (refusal) return { reason: refusal, detail: 'A template message needs the contact’s recorded opt-in.' };
    } else {
      const window = await tx.query<{ last_inbound_at: Date }>('SELECT last_inbound_at FROM wa_service_windows WHERE number_id = $1 AND wa_id = $2', [number.id, msg.wa_id]);
      const last = window[0]?.last_inbound_at;
      if (!last || now.getTime() - last.getTime() >= WINDOW_MS) return { reason: 'window_closed', detail: 'The 24-hour customer service window is closed; only a template reply may be sent.' };
    }
    if (rule.kind === 'away' && (await repo.awaySentSince(tx, number.id, msg.wa_id, new Date(now.getTime() - settings.away_cooldown_hours * 3600_000)))) {
      return { reason: 'away_cooldown', detail: `The away message went to this contact less than ${settings.away_cooldown_hours} hours ago.` };
    }
    const perContact = await repo.countReplies(tx, number.id, msg.wa_id, new Date(now.getTime() - settings.contact_window_minutes * 60_000));
    if (perContact >= settings.contact_limit) {
      return { reason: 'contact_limit', detail: `${settings.contact_limit} automated replies to this contact in ${settings.contact_window_minutes} minutes already.` };
    }
    const perNumber = await repo.countReplies(tx, number.id, null, new Date(now.getTime() - 60_000));
    if (perNumber >= settings.number_limit_per_minute) return { reason: 'number_limit', detail: `${settings.number_limit_per_minute} automated replies from this number in the last minute already.` };
    return null;
  }

  /** Decides and records one rule's run; answers the run when its reply is to be sent now. */
  async function claim(fired: Fired<repo.RuleRow>, ctx: { msg: InboundRow; number: NumberRow; settings: repo.SettingsRow; now: Date }): Promise<{ run: repo.RunRow; rule: repo.RuleRow } | null> {
    const { msg, number, now } = ctx;
    return db.tx(async (tx) => {
      await repo.lockNumber(tx, number.id);
      const existing = await repo.findRun(tx, msg.id, fired.rule.id);
      if (existing && existing.state !== 'retry') return null;
      const rule = await repo.findRule(tx, number.id, fired.rule.id);
      if (!rule || !rule.enabled || rule.stopped_at) return null;
      const contact = await findContactByWaId(tx, number.tenant_id, msg.wa_id);
      const skip = rule.reply ? await replyBlock(tx, rule, { ...ctx, contact }) : null;
      const state: repo.RunState = skip ? 'skipped' : rule.reply ? 'claimed' : 'done';
      const run = existing
        ? await repo.reclaimRun(tx, existing.id, state, skip?.reason ?? null, skip?.detail ?? null, now)
        : await repo.insertRun(tx, {
            tenantId: number.tenant_id,
            numberId: number.id,
            ruleId: rule.id,
            kind: rule.kind,
            inboundMessageId: msg.id,
            waId: msg.wa_id,
            state,
            replies: Boolean(rule.reply),
            reason: skip?.reason ?? null,
            detail: skip?.detail ?? null,
            at: now,
          });
      if (!run) return null;
      // Tags are the contact's data, not a message: they apply even when the reply may not go.
      const added = !existing && rule.add_tags.length ? await repo.addContactTags(tx, number.tenant_id, msg.wa_id, rule.add_tags) : [];
      if (added.length) await repo.setRunTags(tx, run.id, added);
      if (state === 'done') await firedActivity(tx, rule, run, { tagsAdded: added });
      if (skip) log.info({ numberId: number.id, ruleId: rule.id, inboundMessageId: msg.id, reason: skip.reason }, 'automation skipped');
      return state === 'claimed' ? { run: existing ? run : { ...run, tags_added: added }, rule } : null;
    });
  }

  async function firedActivity(q: Queryable, rule: repo.RuleRow, run: repo.RunRow, d: { messageId?: string; tagsAdded: string[] }): Promise<void> {
    await insertActivity(
      q,
      SYSTEM,
      {
        action: 'whatsapp.automation_fired',
        subjectUserId: rule.tenant_id,
        object: d.messageId ? { type: 'wa_message', id: d.messageId } : { type: 'wa_automation_rule', id: rule.id },
        details: { ruleId: rule.id, kind: rule.kind, numberId: rule.number_id, runId: run.id, inboundMessageId: run.inbound_message_id, to: run.wa_id, source: 'automation', ...(d.messageId ? { messageId: d.messageId } : {}), ...(d.tagsAdded.length ? { tagsAdded: d.tagsAdded } : {}) },
      },
      SYSTEM_META,
    );
  }

  /** Sends a claimed run's reply; true when WhatsApp took nothing and the job should try again. */
  async function deliver(rule: repo.RuleRow, run: repo.RunRow, number: NumberRow): Promise<boolean> {
    const sender: Sender = { tenantId: number.tenant_id, source: 'automation', apiKeyId: null, userId: null, actor: SYSTEM, meta: SYSTEM_META };
    const finish = (f: Omit<Parameters<typeof repo.finishRun>[2], 'at'>) => repo.finishRun(db, run.id, { ...f, at: clock() });
    try {
      const outcome = await send.send(sender, number, messageBody(rule.reply!, run.wa_id), { queueOnThroughput: true });
      const messageId = outcome.kind === 'read' ? null : outcome.message.id;
      await db.tx(async (tx) => {
        await repo.finishRun(tx, run.id, { state: 'done', messageId, at: clock() });
        await firedActivity(tx, rule, run, { ...(messageId ? { messageId } : {}), tagsAdded: run.tags_added });
      });
      return false;
    } catch (err) {
      if (err instanceof MetaRefusal) {
        const detail = `${err.info.message}${err.info.details ? `: ${err.info.details}` : ''}`;
        await finish({ state: 'failed', reason: `meta_${err.info.code}`, detail, messageId: err.sent?.id ?? null });
        if (META_TEMPLATE_CODES.has(err.info.code) && rule.reply?.type === 'template') await db.tx((tx) => stopForTemplate(tx, rule, detail, clock()));
        return false;
      }
      if (err instanceof AppError) {
        if (err.status === 429 || err.code === 'whatsapp_unavailable') {
          await finish({ state: 'retry', reason: err.code, detail: err.message });
          return true;
        }
        await finish({ state: 'failed', reason: err.code.slice(0, 60), detail: err.message });
        if (TEMPLATE_CODES.has(err.code)) await db.tx((tx) => stopForTemplate(tx, rule, err.message, clock()));
        return false;
      }
      // Whether WhatsApp took it is unknown: the run stays claimed, so it is never sent twice.
      log.error({ err, runId: run.id, ruleId: rule.id }, 'automated reply: outcome unknown');
      return false;
    }
  }

  /** Job: the automations of one inbound message. Throws (pg-boss retries) only for sends WhatsApp never took. */
  async function run(data: AutomationJobData): Promise<void> {
    const [msg] = await db.query<InboundRow>('SELECT id, tenant_id, number_id, direction, wa_id, wamid, type, content FROM wa_messages WHERE id = $1', [data.messageId]);
    if (!msg || msg.direction !== 'inbound') return;
    const [number] = await db.query<NumberRow>('SELECT * FROM wa_numbers WHERE id = $1', [msg.number_id]);
    if (!number || number.status === 'disconnected') return;
    const settings = (await repo.findSettings(db, number.id)) ?? repo.defaultSettings(number.tenant_id, number.id);
    if (!settings.enabled) return;
    // Loop protection: never answer a number connected to this platform (the business itself, or
    // another automated number that would answer back).
    const own = await db.query(`SELECT 1 FROM wa_numbers WHERE status <> 'disconnected' AND regexp_replace(COALESCE(display_phone_number, ''), '[^0-9]', '', 'g') = $1 LIMIT 1`, [msg.wa_id]);
    if (own.length) {
      log.info({ numberId: number.id, inboundMessageId: msg.id }, 'automation: message from a platform number not answered');
      return;
    }
    const intent = messageIntent(msg.content)?.intent ?? null;
    let changed: 'opt_out' | 'opt_in' | null = null;
    if (intent) {
      const events = await db.query<{ action: string }>(`SELECT action FROM wa_consent_events WHERE message_id = $1 AND action IN ('opt_out', 'opt_in') ORDER BY occurred_at DESC LIMIT 1`, [msg.id]);
      changed = (events[0]?.action as 'opt_out' | 'opt_in' | undefined) ?? null;
    }
    const now = clock();
    const decision = decide({
      messageType: msg.type,
      texts: messageTexts(msg.content),
      consent: { intent, changed },
      firstContact: data.firstContact,
      open: isOpen(repo.hoursOf(settings), now),
      rules: await repo.listRules(db, number.id),
    });
    let retry = false;
    for (const fired of decision.fired) {
      const claimed = await claim(fired, { msg, number, settings, now });
      if (claimed && (await deliver(claimed.rule, claimed.run, number))) retry = true;
    }
    if (retry) throw new Error(`automated replies to message ${msg.id} wait for WhatsApp; retrying`);
  }

  async function purge(): Promise<number> {
    return repo.purgeRuns(db, new Date(clock().getTime() - RUN_RETENTION_DAYS * 24 * 3600_000));
  }

  return { onInboundEvent, run, purge };
}

export type AutomationRunner = ReturnType<typeof createAutomationRunner>;
