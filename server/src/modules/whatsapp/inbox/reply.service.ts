import type { Db } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { AppError, badRequest, conflict } from '../../../platform/errors.js';
import { findMessage, windowOf } from '../messages/message-log.repo.js';
import { MetaRefusal, type SendService } from '../messages/send.service.js';
import { findTenantNumber } from '../numbers/numbers.repo.js';
import * as repo from './conversations.repo.js';
import { openConversation } from './conversations.service.js';
import { publish } from './inbox-feed.js';
import { toMessageDto, type MessageDto } from './inbox.schemas.js';
import { serviceWindow } from './service-window.js';

/**
 * Answering a conversation from the inbox: a free-form text inside the 24-hour window, an approved
 * template (with its parameters) at any time. Both go through the one send path (consent, price,
 * wallet reserve, pacing, message log; source `inbox`, sent_by the person answering), so an inbox
 * reply is billed and logged like any other message.
 */

type UserActor = Extract<Actor, { type: 'user' }>;

interface Param {
  name?: string | undefined;
  value: string;
}

export interface ReplyInput {
  text?: string | undefined;
  template?: { name: string; language: string; header?: Param[] | undefined; body?: Param[] | undefined } | undefined;
}

const asParameters = (params: Param[]) => params.map((p) => ({ type: 'text', text: p.value, ...(p.name ? { parameter_name: p.name } : {}) }));

/** The Cloud API message for a reply. */
export function replyMessage(to: string, input: ReplyInput): Record<string, unknown> {
  if (input.text !== undefined) return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: input.text, preview_url: /https?:\/\//.test(input.text) } };
  const t = input.template!;
  const components = [
    ...(t.header?.length ? [{ type: 'header', parameters: asParameters(t.header) }] : []),
    ...(t.body?.length ? [{ type: 'body', parameters: asParameters(t.body) }] : []),
  ];
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'template', template: { name: t.name, language: { code: t.language }, ...(components.length ? { components } : {}) } };
}

export const windowClosed = (openUntil: Date | null) =>
  new AppError(
    422,
    'window_closed',
    openUntil
      ? `The 24-hour window to answer freely closed at ${openUntil.toISOString()}. Send an approved template instead; the window opens again when the person writes.`
      : 'This person has not written to this number, so only an approved template can be sent.',
  );

export function createReplyService(deps: { db: Db; send: Pick<SendService, 'send'> }) {
  const { db, send } = deps;

  /** After a send (accepted, queued or refused by WhatsApp): the conversation moves up, the answerer has read it, readers see it. */
  async function recorded(actor: UserActor, conversationId: string, tenantId: string, messageId: string): Promise<void> {
    await db.tx(async (tx) => {
      await repo.recordOutbound(tx, messageId);
      const row = await repo.lockConversation(tx, conversationId);
      if (row?.status === 'closed') await repo.setStatus(tx, conversationId, 'open');
      await repo.markRead(tx, conversationId, actor.userId);
      await publish(tx, { t: tenantId, k: 'message', c: conversationId, id: messageId });
    });
  }

  async function reply(actor: UserActor, conversationId: string, input: ReplyInput, meta: RequestMeta): Promise<{ message: MessageDto; note?: string }> {
    if ((input.text === undefined) === (input.template === undefined)) throw badRequest('validation_failed', 'Send either a text or a template.');
    if (input.text !== undefined && !input.text.trim()) throw badRequest('validation_failed', 'The message is empty.', [{ field: 'text', message: 'is empty' }]);
    const { view } = await openConversation(db, actor.userId, conversationId);
    const number = await findTenantNumber(db, view.tenant_id, view.number_id);
    if (!number || number.status === 'disconnected') throw conflict('number_disconnected', 'The number of this conversation is no longer connected, so no reply can be sent from it.');
    if (input.text !== undefined) {
      const w = serviceWindow(await windowOf(db, view.number_id, view.wa_id));
      if (!w.open) throw windowClosed(w.openUntil);
    }
    const sender = { tenantId: view.tenant_id, source: 'inbox' as const, apiKeyId: null, userId: actor.userId, actor, meta };
    let outcome;
    try {
      outcome = await send.send(sender, number, replyMessage(view.wa_id, input), { queueOnThroughput: true });
    } catch (err) {
      // WhatsApp refused it after the message was written: the thread shows it, failed, with the reason.
      if (err instanceof MetaRefusal && err.sent) await recorded(actor, view.id, view.tenant_id, err.sent.id);
      throw err;
    }
    if (outcome.kind === 'read') throw new Error('an inbox reply is never a read receipt');
    await recorded(actor, view.id, view.tenant_id, outcome.message.id);
    const row = (await findMessage(db, view.tenant_id, { id: outcome.message.id }))!;
    const names = new Map([[actor.userId, (await repo.peopleNames(db, [actor.userId])).get(actor.userId) ?? '']]);
    return { message: toMessageDto(row, view.id, names), ...(outcome.message.note ? { note: outcome.message.note } : {}) };
  }

  return { reply };
}

export type ReplyService = ReturnType<typeof createReplyService>;
