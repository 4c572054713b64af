import type { Queryable } from '../../../db/index.js';
import { SYSTEM_META, type Actor } from '../../../platform/actor.js';
import { changeConsent } from '../contacts/consent-changes.js';
import { upsertContact } from '../contacts/contacts.repo.js';
import { messageIntent } from './consent-keywords.js';
import type { InboundEvents } from './inbound-events.js';
import { arr, eventTime, isObj, storableJson, str, type Json } from './webhook-envelope.js';

/**
 * A message a person sent to a tenant's number (`value.messages[]`): stored once per wamid (the
 * unique index dedupes Meta's retries), the contact created or its WhatsApp profile name kept, the
 * 24-hour customer-service window opened, and a consent keyword (STOP, START, रोकें, a "Stop
 * promotions" button …) applied. Every type is stored as received, known or not.
 */

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const WA_ID = /^[0-9]{6,15}$/;
const SYSTEM: Actor = { type: 'system' };

export interface InboundContext {
  tenantId: string;
  numberId: string;
  webhookEventId: string;
  /** Profile names from value.contacts[], by wa_id. */
  profileNames: Map<string, string>;
  /** The change the message came in (business account and value.metadata), for Meta-format forwarding. */
  wabaId: string | null;
  metadata: Json;
  events: InboundEvents;
}

export type InboundOutcome = 'stored' | 'duplicate' | 'invalid';

function mediaRef(m: Json, type: string): string | null {
  const media = MEDIA_TYPES.has(type) && isObj(m[type]) ? (m[type] as Json) : null;
  return media ? (str(media.id) ?? str(media.url))?.slice(0, 1000) ?? null : null;
}

function contextWamid(m: Json): string | null {
  if (isObj(m.context)) return str(m.context.id);
  if (m.type === 'reaction' && isObj(m.reaction)) return str(m.reaction.message_id);
  return null;
}

/** Profile names by wa_id from a change's `contacts` block. */
export function profileNamesOf(value: Json): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of arr(value.contacts)) {
    if (!isObj(c)) continue;
    const waId = str(c.wa_id);
    const name = isObj(c.profile) ? str(c.profile.name) : null;
    if (waId && name) names.set(waId, name);
  }
  return names;
}

export async function receiveInboundMessage(q: Queryable, ctx: InboundContext, m: Json): Promise<InboundOutcome> {
  const wamid = str(m.id);
  const from = str(m.from);
  if (!wamid || !from || wamid.length > 512 || from.length > 64) return 'invalid';
  const type = (str(m.type) ?? 'unknown').slice(0, 40);
  const at = eventTime(m.timestamp);
  const error = arr(m.errors).find(isObj);
  const inserted = await q.query<{ id: string }>(
    `INSERT INTO wa_messages (tenant_id, number_id, direction, wamid, wa_id, type, content, media_ref, context_wamid, status, status_at,
       error_code, error_title, error_details, source, created_at, webhook_event_id)
     VALUES ($1, $2, 'inbound', $3, $4, $5, $6, $7, $8, 'received', $9, $10, $11, $12, 'meta', $9, $13)
     ON CONFLICT (number_id, direction, wamid) WHERE wamid IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      ctx.tenantId,
      ctx.numberId,
      wamid,
      from,
      type,
      storableJson(m),
      mediaRef(m, type),
      contextWamid(m)?.slice(0, 512) ?? null,
      at,
      error && typeof error.code === 'number' ? error.code : null,
      error ? (str(error.title) ?? str(error.message))?.slice(0, 500) ?? null : null,
      error && isObj(error.error_data) ? str(error.error_data.details)?.slice(0, 2000) ?? null : null,
      ctx.webhookEventId,
    ],
  );
  const messageId = inserted[0]?.id;
  if (!messageId) return 'duplicate';
  const profileName = ctx.profileNames.get(from) ?? null;
  await ctx.events.customer(q, {
    tenantId: ctx.tenantId,
    numberId: ctx.numberId,
    type: 'message.received',
    data: { message_id: messageId, wamid, from, profile_name: profileName, type, timestamp: at.toISOString(), context_wamid: contextWamid(m), message: m },
    ...(ctx.wabaId
      ? {
          meta: {
            wabaId: ctx.wabaId,
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: ctx.metadata, ...(profileName ? { contacts: [{ profile: { name: profileName }, wa_id: from }] } : {}), messages: [m] },
          },
        }
      : {}),
    occurredAt: at,
  });
  // Business-scoped user ids and other non-phone senders are logged but have no contact record.
  if (!WA_ID.test(from)) return 'stored';

  const contact = await upsertContact(q, ctx.tenantId, from, profileName);
  // A system notice (the person changed number) is WhatsApp speaking, not the person writing.
  if (type !== 'system') {
    await q.query(
      `INSERT INTO wa_service_windows (number_id, wa_id, last_inbound_at) VALUES ($1, $2, $3)
       ON CONFLICT (number_id, wa_id) DO UPDATE SET last_inbound_at = GREATEST(wa_service_windows.last_inbound_at, EXCLUDED.last_inbound_at)`,
      [ctx.numberId, from, at],
    );
  }
  const keyword = messageIntent(m);
  if (keyword) {
    const base = {
      tenantId: ctx.tenantId,
      contactId: contact.id,
      source: 'keyword',
      evidence: `The person sent “${keyword.keyword}” (message ${wamid}).`,
      messageId,
      occurredAt: at,
      actor: SYSTEM,
      meta: SYSTEM_META,
      onlyIfChanged: true,
      events: ctx.events,
    };
    if (keyword.intent === 'opt_out') await changeConsent(q, { ...base, action: 'opt_out' });
    else if (keyword.intent === 'marketing_stop') await changeConsent(q, { ...base, action: 'marketing_stop' });
    else {
      await changeConsent(q, { ...base, action: 'opt_in' });
      await changeConsent(q, { ...base, action: 'marketing_resume' });
    }
  }
  return 'stored';
}

/** Meta's `user_preferences` change: a person stopped or resumed marketing messages from the business. */
export async function receiveUserPreference(q: Queryable, ctx: { tenantId: string; events: InboundEvents }, p: Json, profileNames: Map<string, string>): Promise<'applied' | 'unchanged' | 'ignored'> {
  const waId = str(p.wa_id);
  const value = str(p.value);
  if (!waId || !WA_ID.test(waId) || p.category !== 'marketing_messages' || (value !== 'stop' && value !== 'resume')) return 'ignored';
  const contact = await upsertContact(q, ctx.tenantId, waId, profileNames.get(waId) ?? null);
  const { recorded } = await changeConsent(q, {
    tenantId: ctx.tenantId,
    contactId: contact.id,
    action: value === 'stop' ? 'marketing_stop' : 'marketing_resume',
    source: 'meta_user_preferences',
    evidence: (str(p.detail) ?? `Meta reported: marketing messages ${value}`).slice(0, 2000),
    occurredAt: eventTime(p.timestamp),
    actor: SYSTEM,
    meta: SYSTEM_META,
    onlyIfChanged: true,
    events: ctx.events,
  });
  return recorded ? 'applied' : 'unchanged';
}
