import type { Db, Queryable } from '../../../db/index.js';
import type { Actor, RequestMeta } from '../../../platform/actor.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { insertActivity } from '../../audit/activity.repo.js';
import { decodeCursor, encodeCursor } from '../keyset-cursor.js';
import { listMessages } from '../messages/message-log.repo.js';
import { findTenantNumber } from '../numbers/numbers.repo.js';
import { expectedParameters } from '../templates/index.js';
import { listTemplates } from '../templates/templates.repo.js';
import * as repo from './conversations.repo.js';
import type { ConversationStatus, ConversationView } from './conversations.repo.js';
import { assignmentAllowed, assignmentRefused, inboxRole, requireInbox, type InboxRole } from './inbox-access.js';
import { publish } from './inbox-feed.js';
import { toConversationDto, toMessageDto, toNoteDto, type ConversationDto, type MessageDto, type NoteDto } from './inbox.schemas.js';
import { assignablePeople, membershipsOf } from './team.repo.js';

/**
 * Conversations of a tenant's inbox as its owner and team members use them (README.md): the list with
 * its filters and search, the thread (messages from the message log, notes between them), reading,
 * assignment, closing and reopening, notes. Every change is written with its activity record and
 * its live-update notice in one transaction.
 */

type UserActor = Extract<Actor, { type: 'user' }>;

export interface ListInput {
  tenantId: string;
  status?: 'open' | 'closed' | 'all' | undefined;
  assigned?: 'mine' | 'unassigned' | 'all' | undefined;
  numberId?: string | undefined;
  unread?: boolean | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export type TimelineItem = { kind: 'message'; at: string; message: MessageDto } | { kind: 'note'; at: string; note: NoteDto };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The conversation and the reader's role in its inbox; 404 when either is missing. */
export async function openConversation(q: Queryable, userId: string, id: string): Promise<{ view: ConversationView; role: InboxRole }> {
  const view = UUID.test(id) ? await repo.findConversation(q, id, userId) : null;
  const role = view ? await inboxRole(q, userId, view.tenant_id) : null;
  if (!view || !role) throw notFound('Conversation');
  return { view, role };
}

export function createConversationsService(deps: { db: Db }) {
  const { db } = deps;

  async function list(userId: string, input: ListInput) {
    await requireInbox(db, userId, input.tenantId);
    const limit = input.limit ?? 30;
    const cursor = decodeCursor(input.cursor);
    const rows = await repo.listConversations(db, input.tenantId, userId, {
      status: input.status === 'all' ? undefined : (input.status ?? 'open'),
      assigned: input.assigned === 'all' ? undefined : input.assigned,
      numberId: input.numberId,
      unreadOnly: input.unread,
      search: input.q?.trim() || undefined,
      before: cursor,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map((v) => toConversationDto(v)), nextCursor: rows.length > limit && last ? encodeCursor({ created_at: last.last_message_at, id: last.id }) : null };
  }

  /** The inbox header: the reader's role, who can be assigned, the numbers, the filter counts. */
  async function overview(userId: string, tenantId: string) {
    const role = await requireInbox(db, userId, tenantId);
    const [people, numbers, counts] = await Promise.all([
      assignablePeople(db, tenantId),
      db.query<{ id: string; label: string; display_phone_number: string | null; status: string }>(
        'SELECT id, label, display_phone_number, status FROM wa_numbers WHERE tenant_id = $1 ORDER BY created_at',
        [tenantId],
      ),
      repo.inboxCounts(db, tenantId, userId),
    ]);
    return { tenantId, role, people, numbers: numbers.map((n) => ({ id: n.id, label: n.label, displayPhoneNumber: n.display_phone_number, status: n.status })), counts };
  }

  /** The inboxes the person can open: their own first, then the teams they were invited to. */
  async function tenants(userId: string) {
    const [me] = await db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [userId]);
    const memberships = await membershipsOf(db, userId);
    const unread = await repo.unreadByTenant(db, [userId, ...memberships.map((m) => m.tenant_id)], userId);
    return {
      items: [
        { tenantId: userId, name: me?.name ?? '', role: 'owner' as const, unreadConversations: unread.get(userId) ?? 0 },
        ...memberships.map((m) => ({ tenantId: m.tenant_id, name: m.tenant_name, role: m.role, unreadConversations: unread.get(m.tenant_id) ?? 0 })),
      ],
    };
  }

  async function detail(userId: string, id: string) {
    const { view, role } = await openConversation(db, userId, id);
    return { conversation: toConversationDto(view), role };
  }

  /**
   * A page of the thread, newest page first, oldest first within it: messages of the conversation's
   * number and person from the message log (whatever sent them), and the notes written between them.
   */
  async function timeline(userId: string, id: string, input: { cursor?: string | undefined; limit?: number | undefined }) {
    const { view } = await openConversation(db, userId, id);
    const limit = input.limit ?? 50;
    const before = decodeCursor(input.cursor);
    const rows = await listMessages(db, view.tenant_id, { numberId: view.number_id, waId: view.wa_id, before, limit: limit + 1 });
    const page = rows.slice(0, limit) as (typeof rows[number] & { sent_by: string | null })[];
    const more = rows.length > limit;
    const oldest = page[page.length - 1];
    const notes = await repo.notesBetween(db, view.id, more && oldest ? oldest.created_at : null, before?.at ?? null);
    const names = await repo.peopleNames(db, [...new Set(page.map((m) => m.sent_by).filter((x): x is string => Boolean(x)))]);
    const items: TimelineItem[] = [
      ...page.map((m) => ({ kind: 'message' as const, at: m.created_at.toISOString(), message: toMessageDto(m, view.id, names) })),
      ...notes.map((n) => ({ kind: 'note' as const, at: n.created_at.toISOString(), note: toNoteDto(n) })),
    ];
    items.sort((a, b) => a.at.localeCompare(b.at));
    return { items, nextCursor: more && oldest ? encodeCursor(oldest) : null };
  }

  /** Opening a conversation clears the reader's unread count (theirs only; each member has their own). */
  async function markRead(userId: string, id: string): Promise<ConversationDto> {
    const { view } = await openConversation(db, userId, id);
    if (view.unread > 0) {
      await db.tx(async (tx) => {
        await repo.markRead(tx, view.id, userId);
        await publish(tx, { t: view.tenant_id, k: 'conversation', c: view.id });
      });
    }
    return toConversationDto(view, 0);
  }

  async function assign(actor: UserActor, id: string, assigneeId: string | null, meta: RequestMeta): Promise<ConversationDto> {
    await db.tx(async (tx) => {
      const { view, role } = await openConversation(tx, actor.userId, id);
      const row = (await repo.lockConversation(tx, view.id))!;
      if (row.assignee_id === assigneeId) return;
      if (!assignmentAllowed(role, actor.userId, row.assignee_id, assigneeId)) throw assignmentRefused();
      if (assigneeId) {
        const people = await assignablePeople(tx, row.tenant_id);
        if (!people.some((p) => p.id === assigneeId)) throw new AppError(422, 'not_a_team_member', 'Conversations can only be assigned to the account owner or a member of this inbox’s team.');
      }
      await repo.setAssignee(tx, row.id, assigneeId);
      await insertActivity(
        tx,
        actor,
        { action: 'whatsapp.inbox.assigned', subjectUserId: row.tenant_id, object: { type: 'wa_inbox_conversation', id: row.id }, details: { from: row.assignee_id, to: assigneeId } },
        meta,
      );
      await publish(tx, { t: row.tenant_id, k: 'conversation', c: row.id });
    });
    return (await detail(actor.userId, id)).conversation;
  }

  async function setStatus(actor: UserActor, id: string, status: ConversationStatus, meta: RequestMeta): Promise<ConversationDto> {
    await db.tx(async (tx) => {
      const { view } = await openConversation(tx, actor.userId, id);
      const row = (await repo.lockConversation(tx, view.id))!;
      if (row.status === status) return;
      await repo.setStatus(tx, row.id, status);
      await insertActivity(tx, actor, { action: status === 'closed' ? 'whatsapp.inbox.closed' : 'whatsapp.inbox.reopened', subjectUserId: row.tenant_id, object: { type: 'wa_inbox_conversation', id: row.id } }, meta);
      await publish(tx, { t: row.tenant_id, k: 'conversation', c: row.id });
    });
    return (await detail(actor.userId, id)).conversation;
  }

  /** An internal note: for the team only; nothing reaches WhatsApp. */
  async function addNote(actor: UserActor, id: string, body: string, meta: RequestMeta): Promise<NoteDto> {
    const text = body.trim();
    if (!text) throw new AppError(400, 'validation_failed', 'The note is empty.', { details: [{ field: 'body', message: 'is empty' }] });
    const note = await db.tx(async (tx) => {
      const { view } = await openConversation(tx, actor.userId, id);
      const n = await repo.insertNote(tx, { conversationId: view.id, tenantId: view.tenant_id, authorId: actor.userId, body: text });
      await insertActivity(tx, actor, { action: 'whatsapp.inbox.note_added', subjectUserId: view.tenant_id, object: { type: 'wa_inbox_conversation', id: view.id }, details: { noteId: n.id } }, meta);
      await publish(tx, { t: view.tenant_id, k: 'note', c: view.id, id: n.id });
      return n;
    });
    return toNoteDto(note);
  }

  /** The approved templates of the conversation's business account, with what each needs filled in. */
  async function templates(userId: string, id: string) {
    const { view } = await openConversation(db, userId, id);
    const number = await findTenantNumber(db, view.tenant_id, view.number_id);
    if (!number) throw notFound('Conversation');
    const { items } = await listTemplates(db, view.tenant_id, { wabaId: number.waba_id, status: 'APPROVED', limit: 200, offset: 0 });
    const text = (components: Record<string, unknown>[], type: string) => {
      const c = components.find((x) => String(x.type).toUpperCase() === type);
      return c && typeof c.text === 'string' ? c.text : null;
    };
    return {
      items: items
        .map((t) => {
          const expected = expectedParameters({ category: t.category, parameterFormat: t.parameter_format, components: t.components });
          return {
            name: t.name,
            language: t.language,
            category: t.category,
            parameterFormat: t.parameter_format,
            headerText: expected.header.kind === 'text' ? text(t.components, 'HEADER') : null,
            body: text(t.components, 'BODY') ?? '',
            footer: text(t.components, 'FOOTER'),
            headerKeys: expected.header.keys,
            bodyKeys: expected.body.keys,
            sendable: (expected.header.kind === 'none' || expected.header.kind === 'text') && expected.buttons.every((b) => !b.required),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language)),
    };
  }

  return { list, overview, tenants, detail, timeline, markRead, assign, setStatus, addNote, templates };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
