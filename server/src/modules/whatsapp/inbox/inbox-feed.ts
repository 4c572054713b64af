import type { FastifyBaseLogger } from 'fastify';
import type { Queryable } from '../../../db/index.js';
import type { InboundCustomerEvent } from '../inbound/inbound-events.js';
import { recordInbound, recordOutbound } from './conversations.repo.js';

/**
 * What changed in an inbox, told to every API instance through PostgreSQL's NOTIFY on one channel
 * (README.md "Live updates"). The notice is sent in the transaction of the change, so it goes out
 * only if the change commits, and after it: a listener that reads the change finds it. The payload
 * only names what changed (well under NOTIFY's 8,000 bytes); each instance reads it once and fans
 * it out to its own streams.
 */

export const INBOX_CHANNEL = 'wa_inbox';

export type FeedKind = 'message' | 'status' | 'note' | 'conversation' | 'team';

export interface FeedEvent {
  /** The tenant whose inbox changed. */
  t: string;
  k: FeedKind;
  /** The conversation. */
  c?: string;
  /** The message or note. */
  id?: string;
  /** team: the member whose access changed. */
  u?: string;
}

export async function publish(q: Queryable, e: FeedEvent): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [INBOX_CHANNEL, JSON.stringify(e)]);
}

export function parseFeedEvent(payload: string): FeedEvent | null {
  try {
    const e = JSON.parse(payload) as Partial<FeedEvent>;
    if (typeof e.t !== 'string' || typeof e.k !== 'string') return null;
    return e as FeedEvent;
  } catch {
    return null;
  }
}

/** Kinds of inbound message that are shown but do not ask for an answer. */
const NOT_UNREAD = new Set(['reaction', 'system']);

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * The inbox's listener on what Meta's webhooks bring (inbound/inbound-events.ts), inside the
 * transaction that stored it: a received message updates its conversation; a status of a message in
 * a conversation is told to the live readers. A failure here is contained in a savepoint and logged:
 * the inbox's list state must never make the platform lose or re-process a received message.
 */
export function createInboundListener(deps: { log: FastifyBaseLogger }) {
  async function apply(q: Queryable, e: InboundCustomerEvent): Promise<void> {
    if (e.type === 'message.received' && e.numberId) {
      const messageId = str(e.data.message_id);
      const from = str(e.data.from);
      if (!messageId || !from || from.length > 64) return;
      const at = str(e.data.timestamp);
      const conversationId = await recordInbound(q, {
        tenantId: e.tenantId,
        numberId: e.numberId,
        waId: from,
        messageId,
        at: at ? new Date(at) : (e.occurredAt ?? new Date()),
        counts: !NOT_UNREAD.has(String(e.data.type)),
      });
      await publish(q, { t: e.tenantId, k: 'message', c: conversationId, id: messageId });
    } else if (e.type === 'message.status') {
      const messageId = str(e.data.message_id);
      if (!messageId) return;
      const conversation = await recordOutbound(q, messageId);
      if (conversation) await publish(q, { t: conversation.tenant_id, k: conversation.moved ? 'message' : 'status', c: conversation.id, id: messageId });
    }
  }

  return async function inboxListener(q: Queryable, e: InboundCustomerEvent): Promise<void> {
    if (e.type !== 'message.received' && e.type !== 'message.status') return;
    if (!('inTransaction' in q)) return apply(q, e).catch((err: unknown) => deps.log.error({ err, type: e.type }, 'team inbox: could not record a webhook event'));
    await q.query('SAVEPOINT wa_team_inbox');
    try {
      await apply(q, e);
      await q.query('RELEASE SAVEPOINT wa_team_inbox');
    } catch (err) {
      await q.query('ROLLBACK TO SAVEPOINT wa_team_inbox');
      deps.log.error({ err, type: e.type, tenantId: e.tenantId }, 'team inbox: could not record a webhook event');
    }
  };
}
