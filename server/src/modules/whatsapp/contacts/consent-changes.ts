import type { Queryable } from '../../../db/index.js';
import { SYSTEM_META, type Actor, type RequestMeta } from '../../../platform/actor.js';
import { conflict } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { InboundEvents } from '../inbound/inbound-events.js';
import { applyConsentState, findContact, insertConsentEvent, latestConsentEvent, upsertContact, type ConsentAction, type ContactRow, type ConsentEventRow } from './contacts.repo.js';

/**
 * The one way a contact's consent changes: an append-only event with its proof, the contact's
 * current state moved, and an activity record (the person, the API key, or the system for changes
 * that came with Meta's webhooks). Keyword and webhook changes are idempotent: a duplicate or an
 * older report than the state already holds records nothing.
 */

export interface ConsentChange {
  tenantId: string;
  contactId: string;
  action: ConsentAction;
  /** Where the record came from: `ui:<method>`, `api:<method>`, `import:<method>`, `keyword`, `meta_user_preferences`, `meta_131050`. */
  source: string;
  evidence?: string | null | undefined;
  /** The address the person opted in from (a web form's client), not the recorder's. */
  ip?: string | null | undefined;
  documentRef?: string | null | undefined;
  /** The inbound message (wa_messages.id) that carried it. */
  messageId?: string | null | undefined;
  /** When the person gave or withdrew consent. */
  occurredAt: Date;
  actor: Actor;
  meta: RequestMeta;
  /**
   * Reports from Meta and keywords: record only when the state changes and nothing newer of the same
   * kind is recorded. A person's or key's own record is always kept.
   */
  onlyIfChanged?: boolean;
  /** Tells the tenant's webhook endpoints (contact.opted_in / contact.opted_out). */
  events?: InboundEvents | undefined;
}

export interface ConsentChangeResult {
  recorded: ConsentEventRow | null;
  contact: ContactRow;
}

const FAMILY: Record<ConsentAction, readonly ConsentAction[]> = {
  opt_in: ['opt_in', 'opt_out'],
  opt_out: ['opt_in', 'opt_out'],
  marketing_stop: ['marketing_stop', 'marketing_resume'],
  marketing_resume: ['marketing_stop', 'marketing_resume'],
};

/** Whether the contact currently may receive business-initiated messages (the rule of consent.ts). */
export function isOptedIn(c: Pick<ContactRow, 'opted_in_at' | 'opted_out_at'>): boolean {
  return Boolean(c.opted_in_at && !(c.opted_out_at && c.opted_out_at >= c.opted_in_at));
}

export function isOptedOut(c: Pick<ContactRow, 'opted_in_at' | 'opted_out_at'>): boolean {
  return Boolean(c.opted_out_at && (!c.opted_in_at || c.opted_out_at >= c.opted_in_at));
}

function changes(c: ContactRow, action: ConsentAction): boolean {
  switch (action) {
    case 'opt_in':
      return !isOptedIn(c);
    case 'opt_out':
      return !isOptedOut(c);
    case 'marketing_stop':
      return c.marketing_opted_out_at === null;
    case 'marketing_resume':
      return c.marketing_opted_out_at !== null;
  }
}

const ACTIVITY: Record<ConsentAction, string> = {
  opt_in: 'whatsapp.contact_opted_in',
  opt_out: 'whatsapp.contact_opted_out',
  marketing_stop: 'whatsapp.contact_marketing_stopped',
  marketing_resume: 'whatsapp.contact_marketing_resumed',
};

function actorColumns(actor: Actor): [string, string | null] {
  if (actor.type === 'user') return ['user', actor.userId];
  if (actor.type === 'api_key') return ['api_key', actor.keyId];
  return [actor.type, null];
}

export async function changeConsent(q: Queryable, change: ConsentChange): Promise<ConsentChangeResult> {
  const contact = await findContact(q, change.tenantId, change.contactId, true);
  if (!contact) throw new Error(`contact ${change.contactId} of tenant ${change.tenantId} not found`);
  if (change.onlyIfChanged) {
    if (!changes(contact, change.action)) return { recorded: null, contact };
    const latest = await latestConsentEvent(q, contact.id, FAMILY[change.action]);
    if (latest && latest.occurred_at > change.occurredAt) return { recorded: null, contact };
  } else if (change.action === 'opt_in' && contact.opted_out_at && contact.opted_out_at >= change.occurredAt) {
    // A backdated opt-in must not be mistaken for consent given after the person said stop.
    throw conflict(
      'opted_out_later',
      `This contact opted out on ${contact.opted_out_at.toISOString()}, after the opt-in you are recording. Only an opt-in given after that counts.`,
    );
  }
  const [actorType, actorId] = actorColumns(change.actor);
  const recorded = await insertConsentEvent(q, {
    tenantId: change.tenantId,
    contactId: contact.id,
    action: change.action,
    source: change.source.slice(0, 40),
    evidence: change.evidence?.slice(0, 2000) ?? null,
    ip: change.ip ?? null,
    documentRef: change.documentRef ?? null,
    messageId: change.messageId ?? null,
    actorType,
    actorId,
    occurredAt: change.occurredAt,
  });
  const updated = await applyConsentState(q, contact.id, change.action, change.occurredAt);
  await insertActivity(
    q,
    change.actor,
    {
      action: ACTIVITY[change.action],
      subjectUserId: change.tenantId,
      object: { type: 'wa_contact', id: contact.id },
      details: { waId: contact.wa_id, source: recorded.source, consentEventId: recorded.id, occurredAt: change.occurredAt.toISOString(), ...(change.messageId ? { messageId: change.messageId } : {}) },
    },
    change.meta,
  );
  await change.events?.customer(q, {
    tenantId: change.tenantId,
    numberId: null,
    type: change.action === 'opt_in' || change.action === 'marketing_resume' ? 'contact.opted_in' : 'contact.opted_out',
    data: {
      contact_id: contact.id,
      wa_id: contact.wa_id,
      scope: change.action.startsWith('marketing') ? 'marketing' : 'all',
      action: change.action,
      source: recorded.source,
      occurred_at: change.occurredAt.toISOString(),
    },
    occurredAt: change.occurredAt,
  });
  return { recorded, contact: updated };
}

/**
 * Meta refused a message with 131050: the person stopped marketing messages from this business. Kept
 * as their marketing stop (source `meta_131050`, the message as proof) whichever way Meta said it — a
 * failed status webhook (inbound/status-events.ts) or its answer to the send (messages/send.service.ts)
 * — in the caller's transaction. Nothing is recorded when the stop is already known.
 */
export async function recordMarketingStopFrom131050(
  q: Queryable,
  m: { tenantId: string; waId: string; messageId: string; wamid: string | null },
  at: Date,
  events: InboundEvents | undefined,
): Promise<void> {
  if (!/^[0-9]{6,15}$/.test(m.waId)) return;
  const contact = await upsertContact(q, m.tenantId, m.waId);
  await changeConsent(q, {
    tenantId: m.tenantId,
    contactId: contact.id,
    action: 'marketing_stop',
    source: 'meta_131050',
    evidence: `Meta refused message ${m.wamid ?? m.messageId} with error 131050: the person stopped marketing messages from this business.`,
    messageId: m.messageId,
    occurredAt: at,
    actor: { type: 'system' },
    meta: SYSTEM_META,
    onlyIfChanged: true,
    events,
  });
}
