import type { Db } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { badRequest, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import type { InboundSpec, MetaSandbox } from '../../meta-sandbox/meta-sandbox.service.js';
import { normaliseWaId } from '../contacts/wa-id.js';
import { withCustomerCallbackData } from '../messages/callback-data.js';

/**
 * "Be the phone" (issue 6, item 2): for a tenant's number that lives in the built-in Cloud API
 * simulator, show what a simulated WhatsApp user received from it and let a person answer as that
 * user. The answer goes through the simulator, which sends the platform a signed inbound webhook like
 * Meta would; nothing is written to the platform's own tables here. Only where the simulator runs.
 */

export type PhoneReply =
  | { kind: 'text'; text: string; replyTo?: string | undefined }
  | { kind: 'button'; replyTo: string; payload: string; text: string }
  | { kind: 'button_reply'; replyTo: string; id: string; title: string }
  | { kind: 'list_reply'; replyTo: string; id: string; title: string; description?: string | undefined }
  | { kind: 'reaction'; messageId: string; emoji: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string | undefined; address?: string | undefined };

function specOf(r: PhoneReply): InboundSpec {
  switch (r.kind) {
    case 'text':
      return { type: 'text', text: { body: r.text }, ...(r.replyTo ? { reply_to: r.replyTo } : {}) };
    case 'button':
      return { type: 'button', button: { payload: r.payload, text: r.text }, reply_to: r.replyTo };
    case 'button_reply':
      return { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: r.id, title: r.title } }, reply_to: r.replyTo };
    case 'list_reply':
      return { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) } }, reply_to: r.replyTo };
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: r.messageId, emoji: r.emoji } };
    case 'location':
      return { type: 'location', location: { latitude: r.latitude, longitude: r.longitude, ...(r.name ? { name: r.name } : {}), ...(r.address ? { address: r.address } : {}) } };
  }
}

export interface PhoneNumberRow {
  id: string;
  label: string;
  phone_number_id: string;
  display_phone_number: string | null;
  verified_name: string | null;
}

export function createPhoneService(deps: { db: Db; sandbox: MetaSandbox | null }) {
  const { db, sandbox } = deps;

  /** The tenant's live numbers that the simulator knows. */
  async function numbers(tenantId: string): Promise<PhoneNumberRow[]> {
    if (!sandbox) return [];
    return db.query<PhoneNumberRow>(
      `SELECT n.id, n.label, n.phone_number_id, n.display_phone_number, n.verified_name FROM wa_numbers n
        WHERE n.tenant_id = $1 AND n.status <> 'disconnected' AND EXISTS (SELECT 1 FROM meta_sandbox_numbers s WHERE s.id = n.phone_number_id)
        ORDER BY n.created_at DESC`,
      [tenantId],
    );
  }

  async function simulated(tenantId: string, numberId: string): Promise<{ sandbox: MetaSandbox; number: PhoneNumberRow }> {
    const number = (await numbers(tenantId)).find((n) => n.id === numberId);
    if (!sandbox || !number) throw notFound('Simulated number');
    return { sandbox, number };
  }

  function userOf(waId: string): string {
    const w = normaliseWaId(waId);
    if (!w) throw badRequest('validation_failed', 'Enter the simulated person’s WhatsApp number with its country code.', [{ field: 'waId', message: 'is not a WhatsApp number' }]);
    return w;
  }

  async function chats(tenantId: string, numberId: string) {
    const { sandbox: s, number } = await simulated(tenantId, numberId);
    return s.conversations(number.phone_number_id);
  }

  async function chat(tenantId: string, numberId: string, waId: string) {
    const { sandbox: s, number } = await simulated(tenantId, numberId);
    // A phone never sees callback data; the platform's marker in it is not for the tenant's eyes either.
    return (await s.conversationMessages(number.phone_number_id, userOf(waId))).map((m) => ({ ...m, content: withCustomerCallbackData(m.content, null) }));
  }

  /** The simulated person writes to the number: the platform receives it as Meta's inbound webhook. */
  async function reply(actor: Actor, tenantId: string, numberId: string, waId: string, r: PhoneReply & { profileName?: string | undefined }, meta: RequestMeta) {
    const { sandbox: s, number } = await simulated(tenantId, numberId);
    const from = userOf(waId);
    if (r.profileName) await s.upsertUser(from, { profile_name: r.profileName });
    const result = await s.simulateInbound({ phone_number_id: number.phone_number_id, from, messages: [specOf(r)] });
    await insertActivity(db, actor, { action: 'whatsapp.phone_replied', subjectUserId: tenantId, object: { type: 'wa_number', id: numberId }, details: { waId: from, kind: r.kind, wamid: result.messages[0]?.id } }, meta);
    return { wamid: result.messages[0]!.id };
  }

  /** The simulated person opens the chat: delivered messages turn read (one status webhook). */
  async function read(tenantId: string, numberId: string, waId: string) {
    const { sandbox: s, number } = await simulated(tenantId, numberId);
    return s.readByUser(number.phone_number_id, userOf(waId));
  }

  /** The simulated person stops or resumes marketing messages (Meta's user_preferences webhook). */
  async function marketing(actor: Actor, tenantId: string, numberId: string, waId: string, choice: 'stopped' | 'subscribed', meta: RequestMeta) {
    const { sandbox: s, number } = await simulated(tenantId, numberId);
    const from = userOf(waId);
    await s.setMarketing(number.phone_number_id, from, choice);
    await insertActivity(db, actor, { action: 'whatsapp.phone_marketing_choice', subjectUserId: tenantId, object: { type: 'wa_number', id: numberId }, details: { waId: from, marketing: choice } }, meta);
    return { marketing: choice };
  }

  return { available: sandbox !== null, numbers, chats, chat, reply, read, marketing };
}

export type PhoneService = ReturnType<typeof createPhoneService>;
